// The pledge's BRSKI/EST logic without a network: its voucher request carries what RFC 8995
// 5.2 asks, each voucher check refuses with a message naming it, the registrar's TLS chain is
// held to the pinned domain certificate, and the LDevID request and answer are checked.
#include "protocol/brski/pledge.h"

#include <gtest/gtest.h>

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "core/json.h"
#include "pki/csr.h"
#include "pki/idevid.h"
#include "pki/pki_test_util.h"
#include "protocol/est/est_codec.h"

namespace iotonb::protocol::brski {
namespace {

using artifact::Voucher;
using artifact::VoucherForm;
using artifact::VoucherKind;
using test::must;

constexpr core::UnixTime kNow = 1795780800;  // 2026-11-27T12:00:00Z

core::X509Ptr make_idevid(const test::TestCa& ca, EVP_PKEY* key, const std::string& serial) {
  pki::IdevidRequest r;
  r.device_serial = serial;
  r.cert_serial = {0x41, 0x42};
  r.not_before = 1767225600;
  return must(pki::issue_idevid(r, key, ca.issuing()), "issue_idevid");
}

std::string message(const Result<AcceptedVoucher>& r) { return r ? "" : r.error().message; }

struct Pledge : ::testing::Test {
  // Manufacturer: root, IDevID, MASA voucher signer.
  test::TestCa vendor = test::make_root("C=US,O=Vendor,CN=Vendor Root");
  core::EvpPkeyPtr device_key = test::new_key();
  core::X509Ptr idevid = make_idevid(vendor, device_key.get(), "SN-0001");
  std::unique_ptr<pki::Signer> device_signer = pki::memory_signer(test::share(device_key.get()), "memory:idevid");
  core::EvpPkeyPtr masa_key = test::new_key();
  core::X509Ptr masa = test::make_cert("CN=Vendor MASA", masa_key.get(), pki::Profile::masa, &vendor, 1767225600, 1924992000);
  std::unique_ptr<pki::Signer> masa_signer = pki::memory_signer(test::share(masa_key.get()), "memory:masa");
  // Owner: domain CA and registrar.
  test::TestCa domain = test::make_root("C=US,O=Owner,CN=Owner Domain CA");
  core::EvpPkeyPtr registrar_key = test::new_key();
  core::X509Ptr registrar = test::make_cert("CN=Owner Registrar", registrar_key.get(), pki::Profile::registrar, &domain,
                                            1767225600, 1924992000, {0x33});

  PledgeIdentity identity() const { return {idevid.get(), {}, device_signer.get()}; }

  PledgeVoucherRequest request(VoucherForm form = VoucherForm::cms) const {
    VoucherRequestOptions o;
    o.form = form;
    o.now = kNow;
    return must(make_voucher_request(identity(), registrar.get(), o), "make_voucher_request");
  }

  // What the MASA would answer to req, before any tampering.
  Voucher voucher_for(const PledgeVoucherRequest& req) const {
    Voucher v(VoucherKind::voucher);
    v.set_text("assertion", "logged");
    v.set_text("created-on", "2026-11-27T11:59:00Z");
    v.set_text("serial-number", req.serial);
    v.set_bytes("nonce", req.nonce);
    v.set_bytes("pinned-domain-cert", pki::certificate_der(domain.cert.get()));
    return v;
  }
  Bytes sign(const Voucher& v, VoucherForm form = VoucherForm::cms) const {
    artifact::VoucherSignOptions so;
    so.form = form;
    so.certificate = masa.get();
    return must(artifact::sign_voucher(v, *masa_signer, so), "sign_voucher");
  }
  Result<AcceptedVoucher> judge(ByteView body, const PledgeVoucherRequest& req) const {
    return judge_voucher(body, req, {vendor.cert.get()}, kNow);
  }
};

class EachForm : public Pledge, public ::testing::WithParamInterface<VoucherForm> {};

TEST_P(EachForm, VoucherRequestCarriesWhatRfc8995Asks) {
  PledgeVoucherRequest req = request(GetParam());
  EXPECT_EQ(req.serial, "SN-0001");
  EXPECT_EQ(req.nonce.size(), 16u);
  EXPECT_EQ(req.form, GetParam());
  EXPECT_EQ(req.media_type, GetParam() == VoucherForm::cms ? "application/voucher-cms+json" : "application/voucher+cose");
  artifact::VoucherVerifyOptions o;
  o.trust = {vendor.cert.get()};
  o.at = kNow;
  o.serial = "SN-0001";
  o.nonce = core::to_hex(req.nonce);
  auto r = must(artifact::verify_voucher(req.body, o), "verify");
  ASSERT_TRUE(r.ok()) << r.first_failure()->name << ": " << r.first_failure()->detail;
  const Voucher& v = *r.opened.voucher;
  EXPECT_EQ(v.kind(), VoucherKind::request);
  EXPECT_EQ(v.assertion(), artifact::Assertion::proximity);
  EXPECT_EQ(*v.binary("proximity-registrar-cert"), pki::certificate_der(registrar.get()));
  EXPECT_EQ(v.get("created-on")->text, "2026-11-27T12:00:00Z");
}

TEST_P(EachForm, AcceptsTheMasaVoucherAndReportsWhatItPins) {
  PledgeVoucherRequest req = request(GetParam());
  auto a = judge(sign(voucher_for(req), GetParam()), req);
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->form, GetParam());
  EXPECT_EQ(a->assertion, "logged");
  EXPECT_EQ(a->signer, "CN=Vendor MASA");
  ASSERT_TRUE(a->pinned_domain_cert);
  EXPECT_EQ(X509_cmp(a->pinned_domain_cert.get(), domain.cert.get()), 0);
}

INSTANTIATE_TEST_SUITE_P(Forms, EachForm, ::testing::Values(VoucherForm::cms, VoucherForm::cose),
                         [](const auto& param_info) { return std::string(artifact::form_name(param_info.param)); });

TEST_F(Pledge, NoncesAreFreshAndAFixedOneIsKept) {
  EXPECT_NE(request().nonce, request().nonce);
  VoucherRequestOptions o;
  o.nonce = Bytes(8, 0x07);
  EXPECT_EQ(must(make_voucher_request(identity(), registrar.get(), o), "fixed").nonce, Bytes(8, 0x07));
}

TEST_F(Pledge, VoucherRequestNeedsASerialAndARegistrarCertificate) {
  core::X509Ptr no_serial = test::make_cert("CN=No Serial", device_key.get(), pki::Profile::client, &vendor, 1767225600, 1924992000);
  PledgeIdentity id{no_serial.get(), {}, device_signer.get()};
  auto r = make_voucher_request(id, registrar.get(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_NE(r.error().message.find("serialNumber"), std::string::npos);
  EXPECT_FALSE(make_voucher_request(identity(), nullptr, {}).ok());
  VoucherRequestOptions jws;
  jws.form = VoucherForm::jws;
  EXPECT_EQ(make_voucher_request(identity(), registrar.get(), jws).error().kind, ErrorKind::usage);
}

TEST_F(Pledge, NonceMismatchIsRefusedByName) {
  PledgeVoucherRequest req = request();
  Voucher v = voucher_for(req);
  v.set_bytes("nonce", Bytes(16, 0x00));
  auto a = judge(sign(v), req);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::verification);
  EXPECT_EQ(message(a).rfind("voucher: nonce does not match the request", 0), 0u) << message(a);
  v.erase("nonce");
  v.set_text("expires-on", "2026-12-27T10:00:00Z");
  EXPECT_EQ(message(judge(sign(v), req)).rfind("voucher: nonce does not match the request (sent ", 0), 0u);
}

TEST_F(Pledge, SerialMismatchIsRefusedByName) {
  PledgeVoucherRequest req = request();
  Voucher v = voucher_for(req);
  v.set_text("serial-number", "SN-0002");
  EXPECT_EQ(message(judge(sign(v), req)).rfind("voucher: serial-number does not match the request", 0), 0u);
}

TEST_F(Pledge, AVoucherFromAnUntrustedMasaIsRefused) {
  PledgeVoucherRequest req = request();
  test::TestCa other = test::make_root("CN=Other Vendor");
  auto a = judge_voucher(sign(voucher_for(req)), req, {other.cert.get()}, kNow);
  EXPECT_EQ(message(a).rfind("voucher: not signed by a trusted MASA", 0), 0u) << message(a);
  EXPECT_EQ(judge_voucher(sign(voucher_for(req)), req, {}, kNow).error().kind, ErrorKind::usage);
}

TEST_F(Pledge, ExpiredAndFutureVouchersAreRefused) {
  PledgeVoucherRequest req = request();
  Voucher v = voucher_for(req);
  v.set_text("expires-on", "2026-11-27T11:59:30Z");
  EXPECT_EQ(message(judge(sign(v), req)).rfind("voucher: expired", 0), 0u) << message(judge(sign(v), req));
  v = voucher_for(req);
  v.set_text("created-on", "2026-11-28T00:00:00Z");
  EXPECT_EQ(message(judge(sign(v), req)).rfind("voucher: created-on is in the future", 0), 0u);
}

TEST_F(Pledge, TamperedAndGarbageVouchersAreRefused) {
  PledgeVoucherRequest req = request();
  Bytes s = sign(voucher_for(req));
  std::string text(s.begin(), s.end());
  std::size_t at = text.find("logged");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 6, "LOGGED");
  auto a = judge(as_bytes(text), req);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::verification);
  EXPECT_EQ(message(a).substr(0, 9), "voucher: ") << message(a);
  EXPECT_EQ(message(judge(as_bytes("<html>busy</html>"), req)).rfind("voucher: unreadable", 0), 0u);
}

TEST_F(Pledge, AVoucherRequestIsNotAVoucher) {
  PledgeVoucherRequest req = request();
  // The pledge's own request echoed back, signed by the MASA.
  Voucher v(VoucherKind::request);
  v.set_text("assertion", "proximity");
  v.set_text("serial-number", "SN-0001");
  v.set_bytes("nonce", req.nonce);
  v.set_text("created-on", "2026-11-27T11:59:00Z");
  EXPECT_NE(message(judge(sign(v), req)).find("not a voucher"), std::string::npos) << message(judge(sign(v), req));
}

TEST_F(Pledge, RegistrarChainMustReachThePinnedCertificate) {
  PledgeVoucherRequest req = request();
  auto a = must(judge(sign(voucher_for(req)), req), "judge");
  // Pinned domain CA, registrar leaf presented alone.
  auto anchor = check_registrar_chain({registrar.get()}, a, kNow);
  ASSERT_TRUE(anchor.ok()) << anchor.error().message;
  EXPECT_EQ(X509_cmp(anchor->get(), domain.cert.get()), 0);
  // A registrar of another domain.
  test::TestCa evil = test::make_root("CN=Evil Domain CA");
  core::X509Ptr impostor =
      test::make_cert("CN=Owner Registrar", registrar_key.get(), pki::Profile::registrar, &evil, 1767225600, 1924992000);
  auto refused = check_registrar_chain({impostor.get()}, a, kNow);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::verification);
  EXPECT_EQ(refused.error().message.rfind("registrar TLS certificate does not chain to the pinned domain certificate", 0), 0u);
  EXPECT_FALSE(check_registrar_chain({}, a, kNow).ok());
  // An expired registrar certificate does not chain at kNow.
  core::X509Ptr old = test::make_cert("CN=Owner Registrar", registrar_key.get(), pki::Profile::registrar, &domain,
                                      1767225600, 1770000000);
  EXPECT_FALSE(check_registrar_chain({old.get()}, a, kNow).ok());
}

TEST_F(Pledge, PinnedRegistrarCertificateAndPinnedKey) {
  PledgeVoucherRequest req = request();
  Voucher v = voucher_for(req);
  v.set_bytes("pinned-domain-cert", pki::certificate_der(registrar.get()));  // RFC 8995's example pins the registrar
  auto a = must(judge(sign(v), req), "judge");
  EXPECT_TRUE(check_registrar_chain({registrar.get()}, a, kNow).ok());
  core::EvpPkeyPtr other_key = test::new_key();
  core::X509Ptr sibling = test::make_cert("CN=Other Registrar", other_key.get(), pki::Profile::registrar, &domain,
                                          1767225600, 1924992000, {0x34});
  EXPECT_FALSE(check_registrar_chain({sibling.get()}, a, kNow).ok());

  v.erase("pinned-domain-cert");
  v.set_bytes("pinned-domain-pubk", artifact::subject_public_key_info(domain.cert.get()));
  a = must(judge(sign(v), req), "judge pubk");
  EXPECT_FALSE(a.pinned_domain_cert);
  auto anchor = check_registrar_chain({registrar.get(), domain.cert.get()}, a, kNow);
  ASSERT_TRUE(anchor.ok()) << anchor.error().message;
  EXPECT_EQ(X509_cmp(anchor->get(), domain.cert.get()), 0);
  EXPECT_FALSE(check_registrar_chain({registrar.get()}, a, kNow).ok());  // the key's holder not presented
}

TEST_F(Pledge, LdevidRequestHasTheSerialAndAFreshKey) {
  auto r = must(make_ldevid_request("SN-0001", pki::KeyType::p256, "pledge"), "request");
  auto csr = must(pki::parse_csr(must(est::decode_base64_body(r.body), "base64")), "parse_csr");
  X509_NAME* subject = X509_REQ_get_subject_name(csr.get());
  int idx = X509_NAME_get_index_by_NID(subject, NID_serialNumber, -1);
  ASSERT_GE(idx, 0);
  EXPECT_EQ(test::asn1_text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx))), "SN-0001");
  EXPECT_GE(X509_NAME_get_index_by_NID(subject, NID_commonName, -1), 0);
  EXPECT_TRUE(pki::same_public_key(X509_REQ_get0_pubkey(csr.get()), r.key.get()));
  EXPECT_FALSE(pki::same_public_key(r.key.get(), device_key.get()));
  auto again = must(make_ldevid_request("SN-0001", pki::KeyType::ed25519), "ed25519");
  EXPECT_FALSE(pki::same_public_key(r.key.get(), again.key.get()));
  EXPECT_FALSE(make_ldevid_request("", pki::KeyType::p256).ok());
}

TEST_F(Pledge, ReenrollRequestKeepsTheSubjectWithANewKey) {
  core::EvpPkeyPtr old_key = test::new_key();
  core::X509Ptr ldevid = test::make_cert("CN=pledge,serialNumber=SN-0001", old_key.get(), pki::Profile::client, &domain,
                                         1767225600, 1924992000);
  auto r = must(make_reenroll_request(ldevid.get(), pki::KeyType::p384), "reenroll");
  EXPECT_EQ(X509_NAME_cmp(X509_REQ_get_subject_name(r.csr.get()), X509_get_subject_name(ldevid.get())), 0);
  EXPECT_FALSE(pki::same_public_key(r.key.get(), old_key.get()));
}

TEST_F(Pledge, IssuedLdevidMustCarryTheCsrKeyAndChainToTheCacerts) {
  auto req = must(make_ldevid_request("SN-0001", pki::KeyType::p256), "request");
  core::X509Ptr issued = test::make_cert("serialNumber=SN-0001", req.key.get(), pki::Profile::client, &domain,
                                         1767225600, 1924992000, {0x51});
  std::string body = must(est::encode_certs_only({issued.get()}), "certs-only");
  auto ok = accept_ldevid(body, req, {domain.cert.get()}, kNow);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(X509_cmp(ok->get(), issued.get()), 0);

  core::EvpPkeyPtr other = test::new_key();
  core::X509Ptr wrong_key = test::make_cert("serialNumber=SN-0001", other.get(), pki::Profile::client, &domain,
                                            1767225600, 1924992000);
  auto r = accept_ldevid(must(est::encode_certs_only({wrong_key.get()}), "b"), req, {domain.cert.get()}, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "LDevID: the issued certificate's public key is not the key of the CSR");

  test::TestCa stranger = test::make_root("CN=Stranger CA");
  core::X509Ptr foreign = test::make_cert("serialNumber=SN-0001", req.key.get(), pki::Profile::client, &stranger,
                                          1767225600, 1924992000);
  r = accept_ldevid(must(est::encode_certs_only({foreign.get()}), "c"), req, {domain.cert.get()}, kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("LDevID does not chain to the domain CA (cacerts)", 0), 0u) << r.error().message;

  EXPECT_FALSE(accept_ldevid("not base64!", req, {domain.cert.get()}, kNow).ok());
  EXPECT_FALSE(accept_ldevid(body, req, {}, kNow).ok());
}

TEST_F(Pledge, CacertsAreParsed) {
  std::string body = must(est::encode_certs_only({domain.cert.get()}), "certs-only");
  auto certs = must(parse_cacerts(body), "parse");
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(X509_cmp(certs[0].get(), domain.cert.get()), 0);
  auto bad = parse_cacerts("AAAA");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("cacerts: ", 0), 0u);
}

TEST(StatusReport, HasTheRfc8995Shape) {
  EXPECT_EQ(status_report(true, ""), R"({"version":"1","status":true})");
  auto j = must(core::parse_json(status_report(false, "voucher: nonce does not match", {{"step", "voucher"}})), "json");
  EXPECT_EQ(j["version"], "1");
  EXPECT_EQ(j["status"], false);
  EXPECT_EQ(j["reason"], "voucher: nonce does not match");
  EXPECT_EQ(j["reason-context"]["step"], "voucher");
}

TEST(MediaTypes, VoucherFormsAreRecognised) {
  EXPECT_EQ(form_of_media_type("application/voucher-cms+json"), VoucherForm::cms);
  EXPECT_EQ(form_of_media_type("Application/Voucher-CMS+JSON; charset=binary"), VoucherForm::cms);
  EXPECT_EQ(form_of_media_type("application/voucher+cose"), VoucherForm::cose);
  EXPECT_EQ(form_of_media_type("application/voucher-cose+cbor"), VoucherForm::cose);
  EXPECT_FALSE(form_of_media_type("text/plain").has_value());
}

TEST(LdevidSummary, DescribesTheCertificate) {
  test::TestCa ca = test::make_root("CN=Summary CA");
  core::EvpPkeyPtr key = test::new_key();
  core::X509Ptr cert = test::make_cert("serialNumber=SN-9", key.get(), pki::Profile::client, &ca, 1767225600, 1924992000, {0x0a, 0x0b});
  LdevidSummary s = summarize_ldevid(cert.get());
  EXPECT_EQ(s.serial, "0a0b");
  EXPECT_EQ(s.subject, "serialNumber=SN-9");
  EXPECT_EQ(s.issuer, "CN=Summary CA");
  EXPECT_EQ(s.fingerprint.size(), 64u);
  EXPECT_EQ(s.not_before, "2026-01-01T00:00:00Z");
  EXPECT_EQ(s.not_after, "2031-01-01T00:00:00Z");
}

}  // namespace
}  // namespace iotonb::protocol::brski
