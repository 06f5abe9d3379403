// lib/protocol/brski/registrar.h: judging pledge voucher requests (one negative test per
// rule, with the HTTP status and message), the registrar voucher request it signs, relaying
// the MASA's answer, replay refusal, status telemetry, and the RFC 8995 Appendix C pledge
// request from the public vectors.
#include "protocol/brski/registrar.h"

#include <gtest/gtest.h>

#include "artifact/voucher_verify.h"
#include "pki/extensions.h"
#include "pki/oids.h"
#include "protocol/registrar_fixture.h"

namespace iotonb::protocol::brski {
namespace {

using test::must;

const Bytes kNonce = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

Answer refusal(const std::variant<JudgedRequest, Answer>& v) {
  if (auto* a = std::get_if<Answer>(&v)) return *a;
  return Answer::success("", "");
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct RegistrarTest : test::BrskiWorld {};

TEST_F(RegistrarTest, AcceptsAndSignsRegistrarRequest) {
  allow();
  auto judged = registrar->judge_pledge_request(brski(pledge_request(kNonce)));
  ASSERT_TRUE(std::holds_alternative<JudgedRequest>(judged)) << refusal(judged).body;
  auto& j = std::get<JudgedRequest>(judged);
  EXPECT_EQ(j.serial, "SN-0001");
  EXPECT_EQ(j.masa_uri, "https://masa.example:9443/.well-known/brski");
  EXPECT_EQ(j.replay_key, "nonce:" + core::to_hex(kNonce));

  Bytes rvr = must(registrar->registrar_voucher_request(j, test::kTestNow), "rvr");
  artifact::VoucherVerifyOptions o;
  o.trust = {owner.cert.get()};
  o.at = test::kTestNow;
  o.serial = "SN-0001";
  o.nonce = core::to_hex(kNonce);
  auto v = must(artifact::verify_voucher(rvr, o), "verify rvr");
  const artifact::Check* f = v.first_failure();
  EXPECT_EQ(f, nullptr) << f->name << ": " << f->detail;
  const auto& rv = *v.opened.voucher;
  EXPECT_EQ(*rv.binary("prior-signed-voucher-request"), j.request_bytes);
  EXPECT_EQ(*rv.binary("idevid-issuer"), must(artifact::idevid_issuer(idevid.get()), "issuer"));
  EXPECT_EQ(rv.get("created-on")->text, core::format_rfc3339(test::kTestNow));
}

TEST_F(RegistrarTest, CoseRequestGetsCoseRegistrarRequest) {
  allow();
  auto judged = registrar->judge_pledge_request(
      brski(pledge_request(kNonce, nullptr, "SN-0001", artifact::VoucherForm::cose), "application/voucher+cose"));
  ASSERT_TRUE(std::holds_alternative<JudgedRequest>(judged)) << refusal(judged).body;
  Bytes rvr = must(registrar->registrar_voucher_request(std::get<JudgedRequest>(judged), test::kTestNow), "rvr");
  EXPECT_EQ(must(artifact::open_voucher(rvr), "open").form, artifact::VoucherForm::cose);
  // The older media type is accepted too.
  judged = registrar->judge_pledge_request(
      brski(pledge_request(kNonce, nullptr, "SN-0001", artifact::VoucherForm::cose), "application/voucher-cose+cbor"));
  EXPECT_TRUE(std::holds_alternative<JudgedRequest>(judged)) << refusal(judged).body;
}

TEST_F(RegistrarTest, RefusesWrongMediaType) {
  allow();
  auto a = refusal(registrar->judge_pledge_request(brski(pledge_request(kNonce), "application/json")));
  EXPECT_EQ(a.status, 415);
  // CMS body sent as COSE.
  auto r = brski(pledge_request(kNonce), "application/voucher+cose");
  a = refusal(registrar->judge_pledge_request(r));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "Content-Type says")) << a.body;
}

TEST_F(RegistrarTest, RefusesUnsatisfiableAccept) {
  allow();
  auto r = brski(pledge_request(kNonce));
  r.accept = "application/voucher-jws+json";
  EXPECT_EQ(refusal(registrar->judge_pledge_request(r)).status, 406);
  r.accept = "application/*";
  EXPECT_TRUE(std::holds_alternative<JudgedRequest>(registrar->judge_pledge_request(r)));
  r.accept = "";
  EXPECT_TRUE(std::holds_alternative<JudgedRequest>(registrar->judge_pledge_request(r)));
}

TEST_F(RegistrarTest, RefusesMalformedBody) {
  allow();
  auto r = brski(Bytes{0x30, 0x03, 0x02, 0x01, 0x01});
  auto a = refusal(registrar->judge_pledge_request(r));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "malformed voucher request")) << a.body;
  EXPECT_EQ(refusal(registrar->judge_pledge_request(brski(Bytes{}))).status, 400);
}

TEST_F(RegistrarTest, RefusesMissingClientCertificate) {
  allow();
  auto r = brski(pledge_request(kNonce));
  r.peer_certificates.clear();
  auto a = refusal(registrar->judge_pledge_request(r));
  EXPECT_EQ(a.status, 401);
  EXPECT_TRUE(contains(a.body, "no client certificate")) << a.body;
}

TEST_F(RegistrarTest, RefusesIdevidFromUnknownManufacturer) {
  allow();
  auto other = test::make_root("CN=Other Maker");
  auto key = test::new_key();
  auto foreign = test::make_cert("CN=Widget,serialNumber=SN-0001", key.get(), pki::Profile::client, &other,
                                 test::at("2026-01-02T00:00:00Z"), test::at("2030-01-01T00:00:00Z"));
  auto r = brski(pledge_request(kNonce));
  r.peer_certificates = {foreign.get()};
  auto a = refusal(registrar->judge_pledge_request(r));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "not an IDevID from a trusted manufacturer")) << a.body;
}

TEST_F(RegistrarTest, RefusesRequestNotSignedByTheClientIdevid) {
  allow();
  // Another device of the same manufacturer signs a request naming SN-0001.
  auto other_key = test::new_key();
  auto other = test::make_cert("O=Maker,CN=Widget,serialNumber=SN-0001", other_key.get(), pki::Profile::client, &manufacturer,
                               test::at("2026-01-02T00:00:00Z"), test::at("2035-01-01T00:00:00Z"), {0x52});
  auto a = refusal(registrar->judge_pledge_request(
      brski(pledge_request(kNonce, nullptr, "SN-0001", artifact::VoucherForm::cms, other_key.get(), other.get()))));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "not signed by the IDevID")) << a.body;
}

TEST_F(RegistrarTest, RefusesSerialMismatch) {
  allow();
  auto a = refusal(registrar->judge_pledge_request(brski(pledge_request(kNonce, nullptr, "SN-0002"))));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "is not the IDevID's serialNumber \"SN-0001\"")) << a.body;
}

TEST_F(RegistrarTest, RefusesProximityOfAnotherRegistrar) {
  allow();
  auto key = test::new_key();
  auto other = test::make_cert("CN=other registrar", key.get(), pki::Profile::registrar, &owner,
                               test::at("2026-01-02T00:00:00Z"), test::at("2030-01-01T00:00:00Z"));
  auto a = refusal(registrar->judge_pledge_request(brski(pledge_request(kNonce, other.get()))));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "proximity-registrar-cert is not this registrar's")) << a.body;
}

TEST_F(RegistrarTest, RefusesDeviceNotOnAllowList) {
  auto a = refusal(registrar->judge_pledge_request(brski(pledge_request(kNonce))));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "device SN-0001 is not on this registrar's allow-list")) << a.body;
  // Listed, but with another IDevID's fingerprint.
  must(store->allow({{"SN-0001", std::string(64, 'a'), "p", "o", 1}}), "allow");
  a = refusal(registrar->judge_pledge_request(brski(pledge_request(kNonce))));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "is not the one its purchase record names")) << a.body;
}

TEST_F(RegistrarTest, RefusesRevokedOrQuarantinedDevice) {
  allow();
  must(store->voucher_requested("SN-0001", protocol::brski::certificate_sha256_hex(idevid.get()), 1), "req");
  must(store->set_status("SN-0001", store::DeviceStatus::quarantined, "suspicious", 2), "quarantine");
  auto a = refusal(registrar->judge_pledge_request(brski(pledge_request(kNonce))));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "quarantined")) << a.body;
}

TEST_F(RegistrarTest, RequestVoucherRelaysAndRecords) {
  allow();
  Bytes voucher = masa_voucher(kNonce);
  masa.answer = [&](const std::string&, const std::string&) {
    return Result<MasaAnswer>(MasaAnswer{200, "application/voucher-cms+json", std::string(as_chars(voucher)), ""});
  };
  auto a = registrar->request_voucher(brski(pledge_request(kNonce)));
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.content_type, "application/voucher-cms+json");
  EXPECT_EQ(a.body, std::string(as_chars(voucher)));
  EXPECT_EQ(masa.last_uri, "https://masa.example:9443/.well-known/brski/requestvoucher");
  EXPECT_EQ(masa.last_content_type, "application/voucher-cms+json");
  auto d = must(store->device("SN-0001"), "device");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->status, store::DeviceStatus::voucher_issued);
  EXPECT_EQ(d->voucher_assertion, "logged");
  EXPECT_EQ(d->onboard_count, 1);

  // The same request again is a replay.
  a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "replayed")) << a.body;
  EXPECT_EQ(masa.calls, 1);
}

TEST_F(RegistrarTest, MasaRefusalIsRelayedAndNonceReleased) {
  allow();
  masa.answer = [&](const std::string&, const std::string&) {
    return Result<MasaAnswer>(MasaAnswer{403, "text/plain", "serial SN-0001 is not owned by this domain\n", ""});
  };
  auto a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.message(), "MASA: serial SN-0001 is not owned by this domain");
  EXPECT_FALSE(must(store->nonce_seen("SN-0001", "nonce:" + core::to_hex(kNonce)), "seen"));
  // Not a replay the second time: the MASA is asked again.
  a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(masa.calls, 2);
}

TEST_F(RegistrarTest, MasaUnreachableOrGarbageIs502) {
  allow();
  masa.answer = [&](const std::string&, const std::string&) { return Result<MasaAnswer>(Error{ErrorKind::network, "connection refused"}); };
  auto a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 502);
  EXPECT_TRUE(contains(a.body, "cannot be reached: connection refused")) << a.body;
  masa.answer = [&](const std::string&, const std::string&) { return Result<MasaAnswer>(MasaAnswer{200, "application/voucher-cms+json", "garbage", ""}); };
  a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 502);
  EXPECT_TRUE(contains(a.body, "not a voucher")) << a.body;
  masa.answer = [&](const std::string&, const std::string&) { return Result<MasaAnswer>(MasaAnswer{500, "text/plain", "boom", ""}); };
  a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 502);
  EXPECT_EQ(a.message(), "MASA: boom");
  masa.answer = [&](const std::string&, const std::string&) { return Result<MasaAnswer>(MasaAnswer{503, "text/plain", "", "3"}); };
  a = registrar->request_voucher(brski(pledge_request(kNonce)));
  EXPECT_EQ(a.status, 503);
  ASSERT_EQ(a.headers.size(), 1u);
  EXPECT_EQ(a.headers[0].second, "3");
}

TEST_F(RegistrarTest, MasaUriFromIdevidExtension) {
  pki::CertificateSpec spec;
  spec.subject = must(pki::parse_name("serialNumber=SN-0009"), "name");
  spec.public_key = idevid_key.get();
  spec.serial = {0x70};
  spec.not_before = test::at("2026-01-02T00:00:00Z");
  spec.not_after = test::at("2030-01-01T00:00:00Z");
  spec.extensions.push_back(must(pki::ia5_string_ext(pki::oid::kMasaUrl, "masa.example.com:9443"), "ext"));
  auto ca_signer = pki::memory_signer(test::share(manufacturer.key.get()), "memory:maker");
  auto with_url = must(pki::issue_certificate(std::move(spec), manufacturer.cert.get(), *ca_signer), "issue");
  EXPECT_EQ(must(masa_uri_for(with_url.get(), ""), "from extension"), "https://masa.example.com:9443/.well-known/brski");
  EXPECT_EQ(must(masa_uri_for(idevid.get(), "https://override/.well-known/brski"), "override"), "https://override/.well-known/brski");
  EXPECT_FALSE(masa_uri_for(idevid.get(), "").ok());
}

TEST_F(RegistrarTest, VoucherStatusRecorded) {
  allow();
  must(store->voucher_requested("SN-0001", protocol::brski::certificate_sha256_hex(idevid.get()), 1), "req");
  BrskiRequest r;
  r.content_type = "application/json";
  r.body = R"({"version":"1","status":false,"reason":"bad voucher","reason-context":{"x":1}})";
  r.peer_certificates = {idevid.get()};
  r.at = test::kTestNow;
  EXPECT_EQ(registrar->voucher_status(r).status, 200);
  r.body = R"({"version":1,"status":true})";
  EXPECT_EQ(registrar->enroll_status(r, {}).status, 200);
  auto reports = must(store->reports("SN-0001"), "reports");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, "voucher_status");
  EXPECT_EQ(reports[0].reason, "bad voucher");
  EXPECT_EQ(reports[1].kind, "enrollstatus");
  EXPECT_TRUE(reports[1].status);

  r.content_type = "text/plain";
  EXPECT_EQ(registrar->voucher_status(r).status, 415);
  r.content_type = "application/json";
  for (const char* bad : {"[]", "{\"status\":true}", R"({"version":"2","status":true})", R"({"version":"1","status":"yes"})",
                          R"({"version":"1","status":true,"reason":5})", R"({"version":"1","status":true,"extra":1})", "{"}) {
    r.body = bad;
    EXPECT_EQ(registrar->voucher_status(r).status, 400) << bad;
  }
  r.peer_certificates.clear();
  r.body = R"({"version":"1","status":true})";
  EXPECT_EQ(registrar->voucher_status(r).status, 401);
}

// RFC 8995 Appendix C: the pledge request of 00-D0-E5-F2-00-02, judged at 2021-04-14 by a
// registrar whose TLS certificate is the vector's registrar certificate.
struct Rfc8995Vector : ::testing::Test {
  void SetUp() override {
    auto d = test::vectors_dir();
    if (!d) GTEST_SKIP() << "no vectors";
    base = *d + "/brski/rfc8995/";
    vendor = test::vector_cert(*d, "brski/rfc8995/vendor.crt");
    jrc = test::vector_cert(*d, "brski/rfc8995/jrc_prime256v1.crt");
    owner = test::vector_cert(*d, "brski/rfc8995/ownerca_secp384r1.crt");
    idevid = test::vector_cert(*d, "brski/rfc8995/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt");
    auto key = must(pki::parse_private_key(test::read_bytes(base + "jrc_prime256v1.key"), nullptr), "jrc key");
    signer = pki::memory_signer(std::move(key), "file:jrc_prime256v1.key");
    dir = std::filesystem::temp_directory_path() / ("rfc8995-registrar-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    store = must(store::RegistrarStore::open((dir / "r.db").string()), "store");
    RegistrarSettings s;
    s.tls_certificate = jrc.get();
    s.signer = signer.get();
    s.manufacturer_trust = {vendor.get()};
    registrar = std::make_unique<Registrar>(s, *store, masa);
    body = must(core::from_base64(test::read_text(base + "vr_00-D0-E5-F2-00-02.b64")), "b64");
  }
  void TearDown() override {
    registrar.reset();
    store.reset();
    std::filesystem::remove_all(dir);
  }
  BrskiRequest request() {
    BrskiRequest r;
    r.content_type = "application/voucher-cms+json";
    r.body.assign(body.begin(), body.end());
    r.peer_certificates = {idevid.get()};
    r.at = 1618358400;  // 2021-04-14T00:00:00Z
    return r;
  }
  std::string base;
  core::X509Ptr vendor, jrc, owner, idevid;
  std::unique_ptr<pki::Signer> signer;
  std::filesystem::path dir;
  std::unique_ptr<store::RegistrarStore> store;
  test::FakeMasa masa;
  std::unique_ptr<Registrar> registrar;
  Bytes body;
};

TEST_F(Rfc8995Vector, AllowListDecides) {
  auto a = refusal(registrar->judge_pledge_request(request()));
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.message(), "device 00-D0-E5-F2-00-02 is not on this registrar's allow-list");

  must(store->allow({{"00-D0-E5-F2-00-02", certificate_sha256_hex(idevid.get()), "rfc8995", "Unstrung", 1}}), "allow");
  auto judged = registrar->judge_pledge_request(request());
  ASSERT_TRUE(std::holds_alternative<JudgedRequest>(judged)) << refusal(judged).body;
  const auto& j = std::get<JudgedRequest>(judged);
  EXPECT_EQ(j.serial, "00-D0-E5-F2-00-02");
  // The IDevID's MASA URL extension (highway-test.example.com:9443) names the MASA.
  EXPECT_EQ(j.masa_uri, "https://highway-test.example.com:9443/.well-known/brski");
  EXPECT_EQ(j.request_bytes, body);

  // The registrar request it signs verifies as RFC 8995's own does (cmcRA, prior-signed).
  Bytes rvr = must(registrar->registrar_voucher_request(j, 1618358400), "rvr");
  artifact::VoucherVerifyOptions o;
  o.trust = {owner.get()};
  o.at = 1618358400;
  o.serial = "00-D0-E5-F2-00-02";
  o.nonce = "-_XE9zK9q8Ll1qylMtLKeg";
  auto v = must(artifact::verify_voucher(rvr, o), "verify");
  const artifact::Check* f = v.first_failure();
  EXPECT_EQ(f, nullptr) << f->name << ": " << f->detail;
}

TEST_F(Rfc8995Vector, ProximityMustBeThisRegistrar) {
  must(store->allow({{"00-D0-E5-F2-00-02", "", "rfc8995", "Unstrung", 1}}), "allow");
  RegistrarSettings s = registrar->settings();
  s.tls_certificate = owner.get();  // another certificate than the one the pledge saw
  Registrar other(s, *store, masa);
  auto a = refusal(other.judge_pledge_request(request()));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "proximity-registrar-cert")) << a.body;
}

TEST_F(Rfc8995Vector, ExpiredAtTodayIsRefused) {
  must(store->allow({{"00-D0-E5-F2-00-02", "", "rfc8995", "Unstrung", 1}}), "allow");
  auto r = request();
  r.at = 1795780800;  // 2026-11-27: the vendor CA expired in 2023
  auto a = refusal(registrar->judge_pledge_request(r));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "not an IDevID from a trusted manufacturer")) << a.body;
}

}  // namespace
}  // namespace iotonb::protocol::brski
