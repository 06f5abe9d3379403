// Signed vouchers in all three envelopes: the public vectors verify as their README says,
// iotonb's own vouchers round-trip, and each failure is reported by the check it belongs to.
#include "artifact/signed_voucher.h"

#include <gtest/gtest.h>

#include <cctype>

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_json.h"
#include "artifact/voucher_cbor.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact {
namespace {

using test::must;

constexpr core::UnixTime kRfc8995Time = 1618358400;   // 2021-04-14T00:00:00Z
constexpr core::UnixTime kCbrskiTime = 1672531200;    // 2023-01-01T00:00:00Z
constexpr core::UnixTime kNow = 1795780800;           // 2026-11-27T12:00:00Z

Bytes file_bytes(const std::string& path) { return test::read_bytes(path); }

// "" when every check passed, else "name: detail" of the first failure.
std::string outcome(const Result<VoucherVerification>& r) {
  if (!r) return "error: " + r.error().message;
  const Check* f = r->first_failure();
  return f ? f->name + ": " + f->detail : "";
}

CheckResult result_of(const VoucherVerification& r, const std::string& name) {
  for (const auto& c : r.checks)
    if (c.name == name) return c.result;
  return CheckResult::skip;
}

struct Rfc8995 : ::testing::Test {
  void SetUp() override {
    auto dir = test::vectors_dir();
    if (!dir) GTEST_SKIP() << "no vectors";
    base = *dir + "/brski/rfc8995/";
    vendor = test::vector_cert(*dir, "brski/rfc8995/vendor.crt");
    owner = test::vector_cert(*dir, "brski/rfc8995/ownerca_secp384r1.crt");
    jrc = test::vector_cert(*dir, "brski/rfc8995/jrc_prime256v1.crt");
  }
  std::string base;
  core::X509Ptr vendor, owner, jrc;
};

TEST_F(Rfc8995, PledgeRequestVerifies) {
  VoucherVerifyOptions o;
  o.trust = {vendor.get()};
  o.at = kRfc8995Time;
  o.serial = "00-D0-E5-F2-00-02";
  o.nonce = "-_XE9zK9q8Ll1qylMtLKeg";
  auto r = verify_voucher(file_bytes(base + "vr_00-D0-E5-F2-00-02.b64"), o);
  EXPECT_EQ(outcome(r), "");
  EXPECT_EQ(r->opened.form, VoucherForm::cms);
  EXPECT_EQ(r->opened.voucher->kind(), VoucherKind::request);
  EXPECT_EQ(*r->opened.voucher->binary("proximity-registrar-cert"), pki::certificate_der(jrc.get()));
}

TEST_F(Rfc8995, RegistrarRequestVerifiesWithCmcRaAndItsPriorRequest) {
  VoucherVerifyOptions o;
  o.trust = {owner.get()};
  o.at = kRfc8995Time;
  auto r = verify_voucher(file_bytes(base + "parboiled_vr_00-D0-E5-F2-00-02.b64"), o);
  EXPECT_EQ(outcome(r), "");
  EXPECT_EQ(result_of(*r, "signer-eku"), CheckResult::pass);
  EXPECT_EQ(result_of(*r, "prior-signed"), CheckResult::pass);
}

TEST_F(Rfc8995, VoucherVerifiesAndPinsTheRegistrar) {
  VoucherVerifyOptions o;
  o.trust = {vendor.get()};
  o.at = kRfc8995Time;
  o.serial = "00-D0-E5-F2-00-02";
  o.nonce = "-_XE9zK9q8Ll1qylMtLKeg";
  o.domain_cert = jrc.get();
  auto r = verify_voucher(file_bytes(base + "voucher_00-D0-E5-F2-00-02.b64"), o);
  EXPECT_EQ(outcome(r), "");
  EXPECT_EQ(result_of(*r, "pinned-domain"), CheckResult::pass);
  EXPECT_EQ(r->opened.voucher->assertion(), Assertion::logged);
}

TEST_F(Rfc8995, VoucherFailsWithTheWrongAnchorAndAtTheWrongTime) {
  VoucherVerifyOptions o;
  o.trust = {owner.get()};
  o.at = kRfc8995Time;
  Bytes voucher = file_bytes(base + "voucher_00-D0-E5-F2-00-02.b64");
  EXPECT_EQ(outcome(verify_voucher(voucher, o)).substr(0, 14), "signer-chain: ");
  o.trust = {vendor.get()};
  o.at = kNow;
  std::string expired = outcome(verify_voucher(voucher, o));
  EXPECT_NE(expired.find("signer-chain: "), std::string::npos);
  EXPECT_NE(expired.find("expired"), std::string::npos) << expired;
  o.at = test::at("2021-04-13T21:40:00Z");  // before the MASA certificate
  EXPECT_NE(outcome(verify_voucher(voucher, o)).find("not yet valid"), std::string::npos);
  o.at = kRfc8995Time;
  o.nonce = "AAAAAAAAAAAAAAAAAAAAAA";
  EXPECT_EQ(outcome(verify_voucher(voucher, o)).substr(0, 7), "nonce: ");
  o.nonce.reset();
  o.serial = "00-D0-E5-F2-00-03";
  EXPECT_EQ(outcome(verify_voucher(voucher, o)).substr(0, 15), "serial-number: ");
}

struct Cbrski : ::testing::Test {
  void SetUp() override {
    auto dir = test::vectors_dir();
    if (!dir) GTEST_SKIP() << "no vectors";
    base = *dir + "/brski/cbrski-cose/";
    masa_ca = test::vector_cert(*dir, "brski/cbrski-cose/masa_ca.pem");
    domain_ca = test::vector_cert(*dir, "brski/cbrski-cose/domain_ca.pem");
    pledge = test::vector_cert(*dir, "brski/cbrski-cose/pledge.pem");
    registrar = test::vector_cert(*dir, "brski/cbrski-cose/registrar.pem");
  }
  std::string base;
  core::X509Ptr masa_ca, domain_ca, pledge, registrar;
};

TEST_F(Cbrski, PledgeRequestVerifiesWithTheIdevidOrItsKey) {
  VoucherVerifyOptions o;
  o.trust = {pledge.get()};
  o.at = kCbrskiTime;
  o.nonce = "23BFBBC9C2BCF213";
  o.serial = "JADA123456789";
  Bytes pvr = file_bytes(base + "pvr.hex");
  EXPECT_EQ(outcome(verify_voucher(pvr, o)), "");
  o.trust.clear();
  o.trust_keys = {X509_get0_pubkey(pledge.get())};
  EXPECT_EQ(outcome(verify_voucher(pvr, o)), "");
  o.trust_keys = {X509_get0_pubkey(registrar.get())};
  EXPECT_EQ(outcome(verify_voucher(pvr, o)), "signature: COSE: signature does not verify");
}

TEST_F(Cbrski, RegistrarRequestVerifiesThroughItsX5bag) {
  VoucherVerifyOptions o;
  o.trust = {domain_ca.get()};
  o.at = kCbrskiTime;
  o.nonce = "23BFBBC9C2BCF213";
  auto r = verify_voucher(file_bytes(base + "rvr.hex"), o);
  EXPECT_EQ(outcome(r), "");
  EXPECT_EQ(r->opened.certificate_ders.size(), 2u);
  EXPECT_EQ(result_of(*r, "signer-eku"), CheckResult::pass);
  EXPECT_EQ(result_of(*r, "prior-signed"), CheckResult::skip);  // the PVR carries no certificate
}

TEST_F(Cbrski, VoucherVerifiesWithTheMasaCaAndRejectsThePledgesNonce) {
  VoucherVerifyOptions o;
  o.trust = {masa_ca.get()};
  o.at = kCbrskiTime;
  o.serial = "JADA123456789";
  o.nonce = "57EED786AD404907";
  o.domain_cert = registrar.get();
  for (const char* name : {"voucher.hex", "voucher-x5bag.hex"}) {
    auto r = verify_voucher(file_bytes(base + name), o);
    EXPECT_EQ(outcome(r), "") << name;
    EXPECT_EQ(result_of(*r, "pinned-domain"), CheckResult::pass) << name;  // registrar chains to the pinned CA
  }
  o.nonce = "23BFBBC9C2BCF213";  // the PVR's: these examples come from different runs
  EXPECT_EQ(outcome(verify_voucher(file_bytes(base + "voucher.hex"), o)).substr(0, 7), "nonce: ");
  o.nonce.reset();
  o.trust = {registrar.get()};
  EXPECT_EQ(outcome(verify_voucher(file_bytes(base + "voucher.hex"), o)), "signature: COSE: signature does not verify");
}

// iotonb's own vouchers: a MASA under a root, a registrar to pin.
struct OwnVouchers : ::testing::Test {
  test::TestCa root = test::make_root();
  core::EvpPkeyPtr masa_key = test::new_key();
  core::X509Ptr masa = test::make_cert("CN=Test MASA", masa_key.get(), pki::Profile::masa, &root, 1767225600, 1924992000);
  core::EvpPkeyPtr registrar_key = test::new_key();
  core::X509Ptr registrar =
      test::make_cert("CN=Test Registrar", registrar_key.get(), pki::Profile::registrar, &root, 1767225600, 1924992000, {0x33});
  std::unique_ptr<pki::Signer> signer = pki::memory_signer(test::share(masa_key.get()), "memory:masa");

  Voucher voucher() const {
    Voucher v(VoucherKind::voucher);
    v.set_text("assertion", "proximity");
    v.set_text("created-on", "2026-11-27T10:00:00Z");
    v.set_text("expires-on", "2026-12-27T10:00:00Z");
    v.set_text("serial-number", "SN-0001");
    v.set_bytes("nonce", Bytes(16, 0x42));
    v.set_bytes("pinned-domain-cert", pki::certificate_der(registrar.get()));
    return v;
  }
  VoucherVerifyOptions options() const {
    VoucherVerifyOptions o;
    o.trust = {root.cert.get()};
    o.at = kNow;
    o.serial = "SN-0001";
    o.nonce = core::to_hex(Bytes(16, 0x42));
    o.domain_cert = registrar.get();
    return o;
  }
  Bytes sign(const Voucher& v, VoucherForm form) const {
    VoucherSignOptions so;
    so.form = form;
    so.certificate = masa.get();
    so.signing_time = kNow;
    return must(sign_voucher(v, *signer, so), "sign_voucher");
  }
};

class EachForm : public OwnVouchers, public ::testing::WithParamInterface<VoucherForm> {};

TEST_P(EachForm, SignsAndVerifies) {
  Bytes signed_voucher = sign(voucher(), GetParam());
  auto r = verify_voucher(signed_voucher, options());
  EXPECT_EQ(outcome(r), "");
  EXPECT_EQ(r->opened.form, GetParam());
  for (const auto& c : r->checks) EXPECT_NE(c.result, CheckResult::fail) << c.name;
}

TEST_P(EachForm, TamperedPayloadFailsTheSignature) {
  Bytes s = sign(voucher(), GetParam());
  // Change one serial-number character inside the payload (same length, still valid).
  std::string text(s.begin(), s.end());
  std::size_t at = GetParam() == VoucherForm::jws ? std::string::npos : text.find("SN-0001");
  if (GetParam() == VoucherForm::jws) {
    auto doc = nlohmann::json::parse(text);
    std::string payload = doc["payload"];
    Bytes json = must(core::from_base64(payload), "payload");
    std::string js(json.begin(), json.end());
    js.replace(js.find("SN-0001"), 7, "SN-0002");
    doc["payload"] = core::to_base64url(as_bytes(js));
    text = doc.dump();
  } else {
    ASSERT_NE(at, std::string::npos);
    text[at + 6] = '2';
  }
  VoucherVerifyOptions o = options();
  o.serial.reset();
  std::string result = outcome(verify_voucher(as_bytes(text), o));
  EXPECT_EQ(result.substr(0, 11), "signature: ") << result;
}

TEST_P(EachForm, WrongSignerAndUntrustedChainFail) {
  test::TestCa other = test::make_root("CN=Other Root");
  VoucherVerifyOptions o = options();
  o.trust = {other.cert.get()};
  EXPECT_EQ(outcome(verify_voucher(sign(voucher(), GetParam()), o)).substr(0, 14), "signer-chain: ");

  // Signed by a key that is not the certificate's: CMS and the others find no matching key.
  auto impostor = pki::memory_signer(test::new_key(), "memory:impostor");
  VoucherSignOptions so;
  so.form = GetParam();
  so.certificate = masa.get();
  so.signing_time = kNow;
  auto forged = sign_voucher(voucher(), *impostor, so);
  if (forged) {
    EXPECT_EQ(outcome(verify_voucher(*forged, options())).substr(0, 11), "signature: ");
  }
}

TEST_P(EachForm, VoucherTimesAreEnforced) {
  Voucher v = voucher();
  VoucherVerifyOptions o = options();
  o.at = test::at("2027-01-01T00:00:00Z");
  EXPECT_EQ(outcome(verify_voucher(sign(v, GetParam()), o)).substr(0, 12), "expires-on: ");
  v.set_text("created-on", "2027-06-01T00:00:00Z");
  v.erase("expires-on");
  EXPECT_EQ(outcome(verify_voucher(sign(v, GetParam()), options())).substr(0, 12), "created-on: ");
}

TEST_P(EachForm, NonceSerialAndPinMismatchesFail) {
  Bytes s = sign(voucher(), GetParam());
  VoucherVerifyOptions o = options();
  o.nonce = core::to_hex(Bytes(16, 0x43));
  EXPECT_EQ(outcome(verify_voucher(s, o)).substr(0, 7), "nonce: ");
  o = options();
  o.serial = "SN-0002";
  EXPECT_EQ(outcome(verify_voucher(s, o)).substr(0, 15), "serial-number: ");
  o = options();
  o.domain_cert = masa.get();
  EXPECT_EQ(outcome(verify_voucher(s, o)).substr(0, 15), "pinned-domain: ");
}

INSTANTIATE_TEST_SUITE_P(Forms, EachForm, ::testing::Values(VoucherForm::cms, VoucherForm::jws, VoucherForm::cose),
                         [](const auto& param_info) { return std::string(form_name(param_info.param)); });

TEST_F(OwnVouchers, PayloadProblemsAreReportedByTheirLeaf) {
  // Bypass sign_voucher's validation, as a faulty peer would.
  envelope::cms::SignOptions so;
  std::string missing = R"({"ietf-voucher:voucher":{"assertion":"logged","serial-number":"SN-0001"}})";
  Bytes cms = must(envelope::cms::sign(as_bytes(missing), *signer, masa.get(), so), "cms");
  EXPECT_EQ(outcome(verify_voucher(cms, options())),
            "payload: voucher: pinned-domain-cert: mandatory leaf is missing (or pinned-domain-pubk, pinned-domain-pubk-sha256)");
  std::string unknown = R"({"ietf-voucher:voucher":{"assertion":"logged","serial-number":"SN-0001","colour":"red"}})";
  cms = must(envelope::cms::sign(as_bytes(unknown), *signer, masa.get(), so), "cms");
  EXPECT_EQ(outcome(verify_voucher(cms, options())), "payload: voucher: colour: unknown leaf");
  std::string assertion = R"({"ietf-voucher:voucher":{"assertion":"trusted","serial-number":"S","pinned-domain-pubk-sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="}})";
  cms = must(envelope::cms::sign(as_bytes(assertion), *signer, masa.get(), so), "cms");
  EXPECT_EQ(outcome(verify_voucher(cms, options())),
            "payload: voucher: assertion: \"trusted\" is not one of verified, logged, proximity, agent-proximity");
}

TEST_F(OwnVouchers, BothCmsContentTypesVerify) {
  VoucherSignOptions so;
  so.form = VoucherForm::cms;
  so.certificate = masa.get();
  so.cms_id_data = true;
  Bytes s = must(sign_voucher(voucher(), *signer, so), "id-data");
  auto r = verify_voucher(s, options());
  EXPECT_EQ(outcome(r), "");
  EXPECT_EQ(std::get<envelope::cms::SignedData>(r->opened.parsed).content_type, envelope::cms::kIdData);
}

TEST_F(OwnVouchers, CoseKidOnlyVoucherVerifiesWithAPinnedKey) {
  VoucherSignOptions so;
  so.form = VoucherForm::cose;
  so.cose_hint = envelope::cose::KeyHint::kid;
  so.certificate = masa.get();
  Bytes s = must(sign_voucher(voucher(), *signer, so), "kid");
  VoucherVerifyOptions o = options();
  o.trust.clear();
  EXPECT_EQ(outcome(verify_voucher(s, o)).substr(0, 11), "signature: ");  // nothing to verify with
  o.trust_keys = {masa_key.get()};
  EXPECT_EQ(outcome(verify_voucher(s, o)), "");
  o.trust_keys.clear();
  o.trust = {masa.get()};  // the signer's own certificate as the anchor
  EXPECT_EQ(outcome(verify_voucher(s, o)), "");
}

TEST(OpenVoucher, RecognisesEveryEncodingAndRefusesJunk) {
  EXPECT_FALSE(open_voucher(as_bytes("hello world")).ok());
  EXPECT_FALSE(open_voucher(Bytes{0xff, 0x00}).ok());
  EXPECT_FALSE(open_voucher(Bytes(kMaxVoucherInput + 1, '{')).ok());
  auto sv = must(open_voucher(as_bytes(R"({"ietf-voucher-request:voucher":{"serial-number":"S"}})")), "json");
  EXPECT_EQ(sv.form, VoucherForm::json);
  EXPECT_EQ(sv.voucher->kind(), VoucherKind::request);
}

}  // namespace
}  // namespace iotonb::artifact
