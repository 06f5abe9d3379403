// The MASA logic (lib/protocol/brski/masa.h) with certificates made here: a manufacturer CA
// and IDevIDs, an owner domain CA and its registrar (cmcRA), a MASA voucher signer, and a
// store in a temporary file. The happy path in CMS and COSE, nonceless vouchers, the audit
// log, and every refusal with its HTTP status.
#include "protocol/brski/masa.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "core/json.h"
#include "pki/idevid.h"
#include "pki/pki_test_util.h"

namespace iotonb::protocol::brski {
namespace {

using artifact::Voucher;
using artifact::VoucherForm;
using artifact::VoucherKind;
using test::must;

constexpr core::UnixTime kNow = 1795780800;  // 2026-11-27T12:00:00Z
const std::string kCms = "application/voucher-cms+json";
const std::string kCose = "application/voucher+cose";

struct Device {
  core::EvpPkeyPtr key;
  core::X509Ptr idevid;
};

Device make_device(const test::TestCa& maker, const std::string& serial) {
  Device d;
  d.key = test::new_key();
  pki::IdevidRequest r;
  r.device_serial = serial;
  r.cert_serial = {0x42, static_cast<std::uint8_t>(serial.size())};
  r.not_before = 1767225600;
  auto ca = maker.issuing();
  d.idevid = must(pki::issue_idevid(r, d.key.get(), ca), "issue_idevid");
  return d;
}

struct Registrar {
  core::EvpPkeyPtr key;
  core::X509Ptr cert;
};

Registrar make_registrar(const test::TestCa& domain, pki::Profile profile = pki::Profile::registrar) {
  Registrar r;
  r.key = test::new_key();
  r.cert = test::make_cert("CN=Registrar", r.key.get(), profile, &domain, 1767225600, 1924992000, {0x51});
  return r;
}

class MasaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("iotonb-masa-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = must(store::MasaStore::open((dir / "masa.sqlite").string()), "open store");

    maker = test::make_root("CN=Maker Root");
    masa_root = test::make_root("CN=MASA Root");
    masa_key = test::new_key();
    masa_cert = test::make_cert("CN=MASA", masa_key.get(), pki::Profile::masa, &masa_root, 1767225600, 1924992000, {0x61});
    masa_signer = pki::memory_signer(test::share(masa_key.get()), "memory:masa");
    domain = test::make_root("CN=Owner Domain CA");
    registrar = make_registrar(domain);
    device = make_device(maker, "SN-1");
    claim("SN-1", device.idevid.get(), domain);

    MasaSettings s;
    s.signer = masa_signer.get();
    s.signer_cert = masa_cert.get();
    s.manufacturer_trust = {maker.cert.get()};
    s.nonceless_validity = 3600;
    masa = std::make_unique<Masa>(s, *store);
  }
  void TearDown() override {
    masa.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }

  void claim(const std::string& serial, const X509* idevid, const test::TestCa& owner) {
    store::OwnershipRecord r;
    r.serial = serial;
    r.idevid_sha256 = core::to_hex(pki::certificate_fingerprint(idevid, EVP_sha256()));
    r.domain_ca_der = pki::certificate_der(owner.cert.get());
    r.owner = "Owner";
    r.purchase_id = "p-1";
    r.claimed_at = kNow;
    must(store->claim({r}), "claim");
  }

  Bytes pledge_request(const Device& d, VoucherForm form = VoucherForm::cms, std::optional<std::string> serial = {},
                       bool with_nonce = true) {
    Voucher v(VoucherKind::request);
    v.set_text("serial-number", serial.value_or(*artifact::idevid_serial_number(d.idevid.get())));
    if (with_nonce) v.set_bytes("nonce", nonce);
    v.set_text("created-on", core::format_rfc3339(kNow - 10));
    v.set_text("assertion", "proximity");
    v.set_bytes("proximity-registrar-cert", pki::certificate_der(registrar.cert.get()));
    auto signer = pki::memory_signer(test::share(d.key.get()), "memory:idevid");
    artifact::VoucherSignOptions o;
    o.form = form;
    o.certificate = d.idevid.get();
    return must(artifact::sign_voucher(v, *signer, o), "sign pledge request");
  }

  Bytes registrar_request(const Bytes& prior, const Registrar& r, VoucherForm form = VoucherForm::cms,
                          std::optional<std::string> serial = {}, bool with_nonce = true,
                          core::UnixTime created = kNow - 5, std::optional<Bytes> other_nonce = {}) {
    auto opened = must(artifact::open_voucher(prior), "open prior");
    Voucher v(VoucherKind::request);
    v.set_text("serial-number", serial.value_or(*opened.voucher->serial_number()));
    if (other_nonce) v.set_bytes("nonce", *other_nonce);
    else if (with_nonce && opened.voucher->has("nonce")) v.set("nonce", *opened.voucher->get("nonce"));
    v.set_text("created-on", core::format_rfc3339(created));
    v.set_bytes("prior-signed-voucher-request", prior);
    auto signer = pki::memory_signer(test::share(r.key.get()), "memory:registrar");
    artifact::VoucherSignOptions o;
    o.form = form;
    o.certificate = r.cert.get();
    return must(artifact::sign_voucher(v, *signer, o), "sign registrar request");
  }

  MasaReply ask(ByteView body, const std::string& type = kCms, std::vector<const X509*> tls = {}) {
    return masa->request_voucher(body, type, tls, kNow);
  }

  // The reply's status and, for a refusal, its message.
  static std::string describe(const MasaReply& r) { return std::to_string(r.status) + " " + (r.ok() ? "" : r.body); }

  std::filesystem::path dir;
  std::unique_ptr<store::MasaStore> store;
  test::TestCa maker, masa_root, domain;
  core::EvpPkeyPtr masa_key;
  core::X509Ptr masa_cert;
  std::unique_ptr<pki::Signer> masa_signer;
  Registrar registrar;
  Device device;
  Bytes nonce = Bytes(16, 0x5a);
  std::unique_ptr<Masa> masa;
};

TEST_F(MasaTest, IssuesACmsVoucherPinningTheDomainCa) {
  MasaReply r = ask(registrar_request(pledge_request(device), registrar));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, kCms);
  EXPECT_EQ(r.serial, "SN-1");
  artifact::VoucherVerifyOptions o;
  o.trust = {masa_root.cert.get()};
  o.at = kNow;
  o.serial = "SN-1";
  o.nonce = core::to_hex(nonce);
  o.domain_cert = registrar.cert.get();  // the registrar chains to the pinned domain CA
  auto v = must(artifact::verify_voucher(as_bytes(r.body), o), "verify");
  const artifact::Check* f = v.first_failure();
  EXPECT_EQ(f, nullptr) << f->name << ": " << f->detail;
  EXPECT_EQ(v.opened.voucher->assertion(), artifact::Assertion::logged);
  EXPECT_EQ(*v.opened.voucher->binary("pinned-domain-cert"), pki::certificate_der(domain.cert.get()));
  EXPECT_FALSE(v.opened.voucher->has("expires-on"));

  auto log = must(store->audit_log("SN-1"), "audit");
  ASSERT_EQ(log.entries.size(), 1u);
  EXPECT_EQ(log.entries[0].nonce, core::to_base64(nonce));
  EXPECT_EQ(log.entries[0].domain_id, domain_id(domain.cert.get()));
}

TEST_F(MasaTest, AnswersCoseWithCose) {
  MasaReply r = ask(registrar_request(pledge_request(device, VoucherForm::cose), registrar, VoucherForm::cose),
                    "application/voucher-cose+cbor");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, kCose);
  auto opened = must(artifact::open_voucher(as_bytes(r.body)), "open");
  EXPECT_EQ(opened.form, VoucherForm::cose);
  EXPECT_EQ(opened.voucher->get("nonce")->bytes, nonce);
}

TEST_F(MasaTest, NoncelessRequestGetsExpiresOn) {
  MasaReply r = ask(registrar_request(pledge_request(device, VoucherForm::cms, {}, false), registrar));
  ASSERT_EQ(r.status, 200) << r.body;
  auto opened = must(artifact::open_voucher(as_bytes(r.body)), "open");
  EXPECT_FALSE(opened.voucher->has("nonce"));
  EXPECT_EQ(opened.voucher->time("expires-on"), kNow + 3600);
  EXPECT_EQ(must(store->audit_log("SN-1"), "audit").entries.at(0).nonce, "");
}

TEST_F(MasaTest, AuditLogListsIssuedVouchers) {
  Bytes request = registrar_request(pledge_request(device), registrar);
  ASSERT_TRUE(ask(request).ok());
  ASSERT_TRUE(ask(request).ok());
  MasaReply r = masa->request_audit_log(request, kCms, {}, kNow);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.content_type, "application/json");
  auto doc = must(core::parse_json(r.body), "json");
  EXPECT_EQ(doc["version"], "1");
  ASSERT_EQ(doc["events"].size(), 2u);
  EXPECT_EQ(doc["events"][0]["assertion"], "logged");
  EXPECT_EQ(doc["events"][0]["domainID"], domain_id(domain.cert.get()));
  EXPECT_EQ(doc["events"][0]["nonce"], core::to_base64(nonce));
  EXPECT_EQ(doc["events"][0]["date"], "2026-11-27T12:00:00Z");
  // The audit log is refused for the same reasons as a voucher.
  EXPECT_EQ(masa->request_audit_log(request, "text/plain", {}, kNow).status, 415);
}

TEST_F(MasaTest, WrongMediaTypeIs415) {
  Bytes request = registrar_request(pledge_request(device), registrar);
  EXPECT_EQ(ask(request, "application/json").status, 415);
  EXPECT_EQ(ask(request, "").status, 415);
  EXPECT_EQ(ask(request, "Application/Voucher-CMS+JSON; charset=utf-8").status, 200);
}

TEST_F(MasaTest, MalformedIs400) {
  EXPECT_EQ(ask(as_bytes("garbage")).status, 400);
  EXPECT_EQ(ask({}).status, 400);
  Bytes cose = registrar_request(pledge_request(device, VoucherForm::cose), registrar, VoucherForm::cose);
  MasaReply r = ask(cose, kCms);
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("Content-Type"), std::string::npos) << r.body;
  // A pledge request sent straight to the MASA has no prior-signed-voucher-request.
  r = ask(pledge_request(device));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("prior-signed-voucher-request"), std::string::npos) << r.body;
}

TEST_F(MasaTest, RegistrarWithoutCmcRaIs403) {
  Registrar plain = make_registrar(domain, pki::Profile::client);
  MasaReply r = ask(registrar_request(pledge_request(device), plain));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("cmcRA"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, CreatedOnInTheFutureBeyondTheClockSkewIs403) {
  Bytes prior = pledge_request(device);
  EXPECT_EQ(ask(registrar_request(prior, registrar, VoucherForm::cms, {}, true, kNow + 60)).status, 200);
  MasaReply r = ask(registrar_request(prior, registrar, VoucherForm::cms, {}, true, kNow + 3600));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("created-on"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, TamperedRegistrarSignatureIs403) {
  Bytes request = registrar_request(pledge_request(device), registrar);
  request[request.size() - 3] ^= 0x01;
  MasaReply r = ask(request);
  EXPECT_EQ(r.status, 403) << describe(r);
}

// The pledge request's signature is checked once, against the manufacturer CA (the registrar
// request's own verification leaves it to the MASA): a broken one is still refused.
TEST_F(MasaTest, TamperedPledgeSignatureIs403) {
  Bytes prior = pledge_request(device);
  prior[prior.size() - 3] ^= 0x01;
  MasaReply r = ask(registrar_request(prior, registrar));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("pledge voucher request: signature"), std::string::npos) << describe(r);
}

// Whichever check verifies the pledge request's signature, the registrar's nonce must still
// be the pledge's.
TEST_F(MasaTest, RegistrarNonceOtherThanThePledgesIs403) {
  MasaReply r = ask(registrar_request(pledge_request(device), registrar, VoucherForm::cms, {}, true, kNow - 5, Bytes(16, 0x33)));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("nonce"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, IdevidFromAnotherManufacturerIs403) {
  test::TestCa other = test::make_root("CN=Other Maker");
  Device foreign = make_device(other, "SN-1");
  MasaReply r = ask(registrar_request(pledge_request(foreign), registrar));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("does not chain to the manufacturer CA"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, SerialMismatchIs403) {
  // The registrar's serial differs from the pledge's.
  MasaReply r = ask(registrar_request(pledge_request(device), registrar, VoucherForm::cms, std::string("SN-2")));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("serial"), std::string::npos) << describe(r);
  // The pledge claims a serial its IDevID does not carry.
  claim("SN-2", device.idevid.get(), domain);
  r = ask(registrar_request(pledge_request(device, VoucherForm::cms, std::string("SN-2")), registrar));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("subject serialNumber \"SN-1\""), std::string::npos) << describe(r);
}

TEST_F(MasaTest, UnknownSerialIs404) {
  Device stranger = make_device(maker, "SN-404");
  MasaReply r = ask(registrar_request(pledge_request(stranger), registrar));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("SN-404"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, RegistrarOfAnotherDomainIs403) {
  test::TestCa other_domain = test::make_root("CN=Other Domain CA");
  Registrar intruder = make_registrar(other_domain);
  MasaReply r = ask(registrar_request(pledge_request(device), intruder));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("registrar not in the owner's domain"), std::string::npos) << describe(r);
  // After a resale to that domain, the same registrar is the owner's.
  claim("SN-1", device.idevid.get(), other_domain);
  EXPECT_EQ(ask(registrar_request(pledge_request(device), intruder)).status, 200);
  EXPECT_EQ(ask(registrar_request(pledge_request(device), registrar)).status, 403);
}

TEST_F(MasaTest, TlsClientOfAnotherDomainIs403) {
  Bytes request = registrar_request(pledge_request(device), registrar);
  EXPECT_EQ(ask(request, kCms, {registrar.cert.get()}).status, 200);
  test::TestCa other_domain = test::make_root("CN=Other Domain CA");
  Registrar intruder = make_registrar(other_domain);
  MasaReply r = ask(request, kCms, {intruder.cert.get()});
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("TLS client certificate"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, IdevidNotTheOneSoldIs403) {
  Device twin = make_device(maker, "SN-1");  // same serial, another key and certificate
  MasaReply r = ask(registrar_request(pledge_request(twin), registrar));
  EXPECT_EQ(r.status, 403);
  EXPECT_NE(r.body.find("is not the one sold"), std::string::npos) << describe(r);
}

TEST_F(MasaTest, FormsOutsideTheSettingsAre415) {
  MasaSettings s;
  s.signer = masa_signer.get();
  s.signer_cert = masa_cert.get();
  s.manufacturer_trust = {maker.cert.get()};
  s.forms = {VoucherForm::cms};
  Masa cms_only(s, *store);
  Bytes cose = registrar_request(pledge_request(device, VoucherForm::cose), registrar, VoucherForm::cose);
  EXPECT_EQ(cms_only.request_voucher(cose, kCose, {}, kNow).status, 415);
}

TEST(MasaMediaTypes, Recognised) {
  EXPECT_EQ(form_for_media_type("application/voucher-cms+json"), VoucherForm::cms);
  EXPECT_EQ(form_for_media_type("application/pkcs7-mime; smime-type=voucher-request"), VoucherForm::cms);
  EXPECT_EQ(form_for_media_type("application/pkcs7-mime; smime-type=certs-only"), std::nullopt);
  EXPECT_EQ(form_for_media_type("application/voucher+cose"), VoucherForm::cose);
  EXPECT_EQ(form_for_media_type("application/voucher-jws+json"), VoucherForm::jws);
  EXPECT_EQ(form_for_media_type("text/plain"), std::nullopt);
}

}  // namespace
}  // namespace iotonb::protocol::brski
