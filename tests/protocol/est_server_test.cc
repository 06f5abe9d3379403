// lib/protocol/est/est_server.h: cacerts and csrattrs, simpleenroll's CSR judgment (one
// negative test per rule: media type, client certificate, device state, proof of
// possession, key reuse, serialNumber), LDevID issuance (profile, chain, store record), and
// simplereenroll (LDevID authentication, subject rule, the old LDevID replaced).
#include "protocol/est/est_server.h"

#include <gtest/gtest.h>

#include "pki/verify.h"
#include "protocol/registrar_fixture.h"

namespace iotonb::protocol::est {
namespace {

using test::must;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

struct EstServerTest : test::BrskiWorld {
  // The device has its voucher (what request_voucher records).
  void voucher_issued() {
    must(store->voucher_requested("SN-0001", brski::certificate_sha256_hex(idevid.get()), test::kTestNow), "req");
    must(store->voucher_issued("SN-0001", "logged", test::kTestNow), "issued");
  }
  core::X509Ptr enroll_ok(EVP_PKEY* key, const X509* client, bool reenroll = false,
                          const std::string& subject = "O=Maker,CN=Widget,serialNumber=SN-0001") {
    auto r = est_request(csr_body(subject, key), client);
    Answer a = reenroll ? est->simplereenroll(r) : est->simpleenroll(r);
    EXPECT_EQ(a.status, 200) << a.body;
    if (a.status != 200) return nullptr;
    EXPECT_EQ(a.content_type, "application/pkcs7-mime; smime-type=certs-only");
    auto certs = must(decode_certs_only(a.body), "certs-only");
    EXPECT_EQ(certs.size(), 1u);
    return std::move(certs[0]);
  }
};

TEST_F(EstServerTest, CacertsHoldsTheDomainCa) {
  Answer a = est->cacerts();
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, kCertsOnlyMediaType);
  auto certs = must(decode_certs_only(a.body), "decode");
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(X509_cmp(certs[0].get(), owner.cert.get()), 0);
}

TEST_F(EstServerTest, CsrAttrsAskForSerialNumber) {
  Answer a = est->csrattrs();
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(a.content_type, "application/csrattrs");
  auto attrs = must(decode_csrattrs(a.body), "decode");
  ASSERT_FALSE(attrs.empty());
  EXPECT_EQ(attrs[0], CsrAttribute::bare("2.5.4.5"));
}

TEST_F(EstServerTest, SimpleEnrollIssuesLdevid) {
  voucher_issued();
  auto key = test::new_key();
  auto ldevid = enroll_ok(key.get(), idevid.get());
  ASSERT_TRUE(ldevid);
  EXPECT_TRUE(pki::same_public_key(X509_get0_pubkey(ldevid.get()), key.get()));
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(ldevid.get()), must(pki::parse_name("O=Maker,CN=Widget,serialNumber=SN-0001"), "n").get()), 0);
  EXPECT_TRUE(pki::has_extended_key_usage(ldevid.get(), "1.3.6.1.5.5.7.3.2"));
  pki::ChainCheck check;
  check.trust = {owner.cert.get()};
  check.at = test::kTestNow;
  EXPECT_TRUE(pki::verify_chain(ldevid.get(), check).ok());
  auto d = *must(store->device("SN-0001"), "device");
  EXPECT_EQ(d.status, store::DeviceStatus::enrolled);
  EXPECT_EQ(d.ldevid_sha256, brski::certificate_sha256_hex(ldevid.get()));
  auto history = must(store->ldevids("SN-0001"), "history");
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].not_after, test::kTestNow + 365 * 24 * 3600);
}

TEST_F(EstServerTest, SimpleEnrollToleratesLineBreaks) {
  voucher_issued();
  auto key = test::new_key();
  std::string body = csr_body("O=Maker,CN=Widget,serialNumber=SN-0001", key.get());
  std::string odd;
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\n') continue;
    odd += body[i];
    if (i % 30 == 0) odd += "\r\n ";
  }
  EXPECT_EQ(est->simpleenroll(est_request(odd, idevid.get())).status, 200);
}

TEST_F(EstServerTest, RefusesWrongMediaType) {
  voucher_issued();
  auto key = test::new_key();
  auto r = est_request(csr_body("serialNumber=SN-0001", key.get()), idevid.get());
  r.content_type = "application/octet-stream";
  EXPECT_EQ(est->simpleenroll(r).status, 415);
}

TEST_F(EstServerTest, RefusesWithoutVoucher) {
  auto key = test::new_key();
  auto r = est_request(csr_body("serialNumber=SN-0001", key.get()), idevid.get());
  Answer a = est->simpleenroll(r);
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "has not obtained a voucher")) << a.body;
  must(store->voucher_requested("SN-0001", brski::certificate_sha256_hex(idevid.get()), 1), "req");
  a = est->simpleenroll(r);
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "has not obtained a voucher")) << a.body;
  r.peer_certificates.clear();
  EXPECT_EQ(est->simpleenroll(r).status, 401);
}

TEST_F(EstServerTest, RefusesRevokedDevice) {
  voucher_issued();
  must(store->set_status("SN-0001", store::DeviceStatus::revoked, "lost", 2), "revoke");
  auto key = test::new_key();
  Answer a = est->simpleenroll(est_request(csr_body("serialNumber=SN-0001", key.get()), idevid.get()));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "revoked")) << a.body;
}

TEST_F(EstServerTest, RefusesSerialMismatch) {
  voucher_issued();
  auto key = test::new_key();
  Answer a = est->simpleenroll(est_request(csr_body("CN=Widget,serialNumber=SN-0002", key.get()), idevid.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(a.message(), "CSR subject serialNumber \"SN-0002\" does not match IDevID serial \"SN-0001\"");
  a = est->simpleenroll(est_request(csr_body("CN=Widget", key.get()), idevid.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "CSR subject has no serialNumber")) << a.body;
}

TEST_F(EstServerTest, RefusesIdevidKey) {
  voucher_issued();
  Answer a = est->simpleenroll(est_request(csr_body("serialNumber=SN-0001", idevid_key.get()), idevid.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "CSR key is the IDevID's key")) << a.body;
}

TEST_F(EstServerTest, RefusesBadProofOfPossession) {
  voucher_issued();
  auto key = test::new_key();
  Bytes der = must(decode_base64_body(csr_body("serialNumber=SN-0001", key.get())), "der");
  der[der.size() - 5] ^= 0x01;  // inside the signature
  Answer a = est->simpleenroll(est_request(encode_base64_body(der), idevid.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "does not verify") || contains(a.body, "malformed CSR")) << a.body;
}

TEST_F(EstServerTest, RefusesMalformedBody) {
  voucher_issued();
  Answer a = est->simpleenroll(est_request("not base64!", idevid.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "CSR body")) << a.body;
  a = est->simpleenroll(est_request(encode_base64_body(Bytes{0x30, 0x00}), idevid.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "malformed CSR")) << a.body;
}

TEST_F(EstServerTest, ReenrollReplacesTheLdevid) {
  voucher_issued();
  auto key = test::new_key();
  auto first = enroll_ok(key.get(), idevid.get());
  ASSERT_TRUE(first);
  auto key2 = test::new_key();
  auto second = enroll_ok(key2.get(), first.get(), true);
  ASSERT_TRUE(second);
  auto history = must(store->ldevids("SN-0001"), "history");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].status, store::LdevidStatus::replaced);
  EXPECT_EQ(history[1].status, store::LdevidStatus::active);

  // The replaced LDevID no longer authenticates.
  Answer a = est->simplereenroll(est_request(csr_body("O=Maker,CN=Widget,serialNumber=SN-0001", key.get()), first.get()));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "replaced")) << a.body;
  // Subject must stay the LDevID's.
  a = est->simplereenroll(est_request(csr_body("O=Maker,CN=Other,serialNumber=SN-0001", key2.get()), second.get()));
  EXPECT_EQ(a.status, 400);
  EXPECT_TRUE(contains(a.body, "does not match the LDevID subject")) << a.body;
  // An IDevID is not an LDevID.
  a = est->simplereenroll(est_request(csr_body("O=Maker,CN=Widget,serialNumber=SN-0001", key2.get()), idevid.get()));
  EXPECT_EQ(a.status, 403);
  EXPECT_TRUE(contains(a.body, "is not an LDevID of this domain")) << a.body;
}

TEST_F(EstServerTest, RevokedLdevidRefused) {
  voucher_issued();
  auto key = test::new_key();
  auto first = enroll_ok(key.get(), idevid.get());
  ASSERT_TRUE(first);
  must(store->set_status("SN-0001", store::DeviceStatus::revoked, "stolen", test::kTestNow), "revoke");
  Answer a = est->simplereenroll(est_request(csr_body("O=Maker,CN=Widget,serialNumber=SN-0001", key.get()), first.get()));
  EXPECT_EQ(a.status, 403);
}

}  // namespace
}  // namespace iotonb::protocol::est
