// The batch's fast path makes what the general one makes: pki::IdevidIssuer against
// pki::issue_idevid (DER for DER under an Ed25519 CA, whose signatures are deterministic;
// the TBSCertificate and signature algorithm under ECDSA CAs, whose signatures are not),
// for every key type and every optional field; and the device keys of DeviceKeyGenerator
// against OpenSSL's own encoders of the same keys.
#include <gtest/gtest.h>
#include <openssl/ec.h>

#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/der.h"
#include "core/encoding.h"
#include "factory/device_keygen.h"
#include "factory/test_ca.h"
#include "pki/certificate.h"
#include "pki/extensions.h"
#include "pki/idevid.h"
#include "pki/key.h"
#include "pki/name.h"

namespace iotonb::factory {
namespace {

template <typename T>
T must(Result<T> r, const std::string& what) {
  EXPECT_TRUE(r.ok()) << what << ": " << (r.ok() ? "" : r.error().message);
  if (!r.ok()) throw std::runtime_error(what);
  return std::move(r).value();
}

// The TBSCertificate's octets exactly as they are in the certificate.
Bytes tbs_of(const X509* cert) {
  const Bytes der = pki::certificate_der(cert);
  core::der::Reader outer(der);
  auto body = outer.expect(core::der::kSequence, "Certificate");
  if (!body) return {};
  core::der::Reader fields(*body);
  auto tbs = fields.next();
  if (!tbs) return {};
  return Bytes(body->data(), tbs->content.data() + tbs->content.size());
}

Bytes signature_algorithm_of(const X509* cert) {
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, cert);
  unsigned char* der = nullptr;
  const int len = i2d_X509_ALGOR(alg, &der);
  core::OsslBytesPtr owned(der);
  return len > 0 ? Bytes(der, der + len) : Bytes{};
}

// A CA certificate without a subject key identifier: the AKI of what it issues is then
// computed from its key.
pki::IssuingCa ca_without_ski() {
  auto key = must(pki::generate_key(pki::KeyType::p256), "key");
  core::X509Ptr cert(X509_new());
  auto name = must(pki::parse_name("CN=no SKI root"), "name");
  X509_set_version(cert.get(), X509_VERSION_3);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 7);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
  X509_set_subject_name(cert.get(), name.get());
  X509_set_issuer_name(cert.get(), name.get());
  X509_set_pubkey(cert.get(), key.get());
  auto bc = must(pki::basic_constraints_ext(true, -1), "bc");
  X509_add_ext(cert.get(), bc.get(), -1);
  EXPECT_GT(X509_sign(cert.get(), key.get(), EVP_sha256()), 0);
  pki::IssuingCa ca;
  ca.cert = std::move(cert);
  ca.signer = pki::memory_signer(std::move(key), "memory:no-ski");
  return ca;
}

class MintPathTest : public ::testing::Test {
 protected:
  void SetUp() override {
    subject_base_ = must(pki::parse_name("O=Acme,CN=Widget 3000"), "subject");
    mud_signer_ = must(pki::parse_name("C=US,O=Acme,CN=Acme MUD signer"), "mud signer");
  }

  // Every optional field; a serial whose top bit is set, so its INTEGER needs a 0x00.
  pki::IdevidRequest full() const {
    pki::IdevidRequest r;
    r.device_serial = "SN-000042";
    r.hw_type = "1.3.6.1.4.1.32473.1";
    r.masa_url = "masa.example.com:9443";
    r.mud_url = "https://mud.example.com/widget3000.json";
    r.mud_signer = mud_signer_.get();
    r.subject_base = subject_base_.get();
    r.cert_serial = must(core::from_hex("cafe0123456789abcdef0123456789ab"), "serial");
    r.not_before = 1795773600;  // 2026-11-27T10:00:00Z: a UTCTime; notAfter a GeneralizedTime
    return r;
  }
  // No optional field; a serial with a leading zero octet, which DER drops.
  static pki::IdevidRequest bare() {
    pki::IdevidRequest r;
    r.device_serial = "(bare) 7";
    r.cert_serial = {0x00, 0x12, 0x34};
    r.not_before = 1795773600;
    r.not_after = 1900000000;  // 2030: UTCTime
    return r;
  }

  // Issues request both ways and compares; the batch pieces come from `batch`.
  void expect_same(const pki::IssuingCa& ca, const pki::IdevidRequest& batch, const pki::IdevidRequest& request,
                   EVP_PKEY* device_key, const std::string& what) {
    SCOPED_TRACE(what);
    auto expected = must(pki::issue_idevid(request, device_key, ca), "issue_idevid");
    auto issuer = must(pki::IdevidIssuer::create(batch, ca), "IdevidIssuer::create");
    const Bytes der = must(issuer.issue(request, must(pki::public_key_to_der(device_key), "spki")), "issue");
    auto actual = must(pki::parse_certificate(der), "parse");
    EXPECT_EQ(core::to_hex(tbs_of(actual.get())), core::to_hex(tbs_of(expected.get())));
    EXPECT_EQ(signature_algorithm_of(actual.get()), signature_algorithm_of(expected.get()));
    EXPECT_EQ(X509_verify(actual.get(), X509_get0_pubkey(ca.cert.get())), 1);
    if (EVP_PKEY_get_base_id(ca.signer->key()) == EVP_PKEY_ED25519) {
      EXPECT_EQ(core::to_hex(der), core::to_hex(pki::certificate_der(expected.get())));
    }
    // Issuing again from the same issuer reuses its signing context and caches.
    const Bytes again = must(issuer.issue(request, must(pki::public_key_to_der(device_key), "spki")), "again");
    auto second = must(pki::parse_certificate(again), "parse again");
    EXPECT_EQ(tbs_of(second.get()), tbs_of(actual.get()));
    EXPECT_EQ(X509_verify(second.get(), X509_get0_pubkey(ca.cert.get())), 1);
  }

  core::X509NamePtr subject_base_;
  core::X509NamePtr mud_signer_;
};

TEST_F(MintPathTest, IssuerMakesWhatIssueIdevidMakes) {
  std::vector<std::pair<std::string, pki::IssuingCa>> cas;
  for (auto type : {pki::KeyType::ed25519, pki::KeyType::p256, pki::KeyType::p384, pki::KeyType::rsa2048})
    cas.emplace_back(std::string(pki::key_type_name(type)) + " CA",
                     must(iotonb::testing::make_test_ca("CA", type), "ca"));
  cas.emplace_back("CA without SKI", ca_without_ski());
  std::vector<std::pair<std::string, core::EvpPkeyPtr>> keys;
  for (auto type : {pki::KeyType::p256, pki::KeyType::p384, pki::KeyType::ed25519, pki::KeyType::rsa2048})
    keys.emplace_back(std::string(pki::key_type_name(type)) + " device key", must(pki::generate_key(type), "key"));

  for (const auto& [ca_name, ca] : cas) {
    for (const auto& [key_name, key] : keys) {
      expect_same(ca, full(), full(), key.get(), ca_name + ", " + key_name + ", every field");
      expect_same(ca, bare(), bare(), key.get(), ca_name + ", " + key_name + ", no optional field");
    }
    // Per-device values other than the batch's defaults.
    pki::IdevidRequest row = full();
    row.hw_type = "1.3.6.1.4.1.32473.2.7";
    row.masa_url = "other-masa.example.com";
    row.mud_url = "https://mud.example.com/other.json";
    expect_same(ca, full(), row, keys[0].second.get(), ca_name + ", row values over the defaults");
    pki::IdevidRequest fewer = full();
    fewer.hw_type.clear();
    fewer.masa_url.clear();
    expect_same(ca, full(), fewer, keys[0].second.get(), ca_name + ", row without the defaults");
  }
}

TEST_F(MintPathTest, RequestsOutsideTheBatchAreRefused) {
  auto ca = must(iotonb::testing::make_test_ca(), "ca");
  auto issuer = must(pki::IdevidIssuer::create(full(), ca), "create");
  auto key = must(pki::generate_key(pki::KeyType::p256), "key");
  const Bytes spki = must(pki::public_key_to_der(key.get()), "spki");
  ASSERT_TRUE(issuer.issue(full(), spki).ok());

  pki::IdevidRequest later = full();
  later.not_before += 1;
  EXPECT_EQ(issuer.issue(later, spki).error().kind, ErrorKind::usage);
  pki::IdevidRequest no_subject = full();
  no_subject.subject_base = nullptr;
  EXPECT_EQ(issuer.issue(no_subject, spki).error().kind, ErrorKind::usage);
  // An equal name at another address is the batch's name.
  auto same_signer = must(pki::parse_name("C=US,O=Acme,CN=Acme MUD signer"), "name");
  pki::IdevidRequest copy = full();
  copy.mud_signer = same_signer.get();
  EXPECT_TRUE(issuer.issue(copy, spki).ok());

  pki::IdevidRequest bad_serial = full();
  bad_serial.device_serial = "SN_1";
  EXPECT_EQ(issuer.issue(bad_serial, spki).error().kind, ErrorKind::input);
  pki::IdevidRequest bad_oid = full();
  bad_oid.hw_type = "not-an-oid";
  EXPECT_FALSE(issuer.issue(bad_oid, spki).ok());
  EXPECT_FALSE(issuer.issue(full(), Bytes{0x30, 0x00}).ok());
  EXPECT_TRUE(issuer.issue(full(), spki).ok());  // still usable after the errors

  pki::IdevidRequest backwards = full();
  backwards.not_after = backwards.not_before;
  EXPECT_EQ(pki::IdevidIssuer::create(backwards, ca).error().kind, ErrorKind::usage);
  auto other = must(iotonb::testing::make_test_ca("other"), "other ca");
  pki::IssuingCa mismatched;
  mismatched.cert = std::move(ca.cert);
  mismatched.signer = std::move(other.signer);
  EXPECT_EQ(pki::IdevidIssuer::create(full(), mismatched).error().kind, ErrorKind::usage);
}

// OpenSSL reads the key back and writes it again: the same octets, PEM and DER.
void expect_openssl_encoding(const DeviceKey& key, const std::string& what) {
  SCOPED_TRACE(what);
  auto parsed = must(pki::parse_private_key(as_bytes(key.private_key_pem), nullptr), "parse");
  EXPECT_EQ(must(pki::private_key_to_pem(parsed.get(), nullptr), "pem"), key.private_key_pem);
  EXPECT_EQ(must(pki::public_key_to_der(parsed.get()), "spki"), key.public_key_der);
}

TEST(DeviceKeyTest, GeneratedKeysAreEncodedAsOpenSslEncodesThem) {
  for (auto type : {pki::KeyType::p256, pki::KeyType::p384, pki::KeyType::ed25519}) {
    DeviceKeyGenerator generator(type);
    std::set<Bytes> public_keys;  // one EC_KEY makes them all: each must still be new
    for (int i = 0; i < 20; ++i) {
      DeviceKey key = must(generator.generate(), "generate");
      expect_openssl_encoding(key, std::string(pki::key_type_name(type)));
      public_keys.insert(key.public_key_der);
    }
    EXPECT_EQ(public_keys.size(), 20u);
  }
}

TEST(DeviceKeyTest, ShortScalarsArePadded) {
  // The scalar 1, whose public key is the generator: the private key octets carry 31 (47)
  // leading zeros, which OpenSSL writes too.
  for (auto [type, nid] : {std::pair{pki::KeyType::p256, NID_X9_62_prime256v1},
                           std::pair{pki::KeyType::p384, NID_secp384r1}}) {
    core::OsslPtr<EC_GROUP, EC_GROUP_free> group(EC_GROUP_new_by_curve_name(nid));
    std::uint8_t point[97];
    const std::size_t point_size = EC_POINT_point2oct(group.get(), EC_GROUP_get0_generator(group.get()),
                                                      POINT_CONVERSION_UNCOMPRESSED, point, sizeof point, nullptr);
    Bytes scalar(static_cast<std::size_t>(EC_GROUP_order_bits(group.get()) + 7) / 8, 0);
    scalar.back() = 1;
    DeviceKey key;
    key.public_key_der = must(pki::ec_public_key_der(type, ByteView(point, point_size)), "spki");
    SecretBytes der = must(pki::ec_private_key_der(type, scalar, ByteView(point, point_size)), "pkcs8");
    key.private_key_pem = core::to_pem("PRIVATE KEY", ByteView(der.data(), der.size()));
    expect_openssl_encoding(key, std::string(pki::key_type_name(type)) + " scalar 1");
  }
  EXPECT_EQ(pki::ec_public_key_der(pki::KeyType::ed25519, Bytes(65, 4)).error().kind, ErrorKind::usage);
  EXPECT_FALSE(pki::ec_public_key_der(pki::KeyType::p256, Bytes(64, 4)).ok());
  EXPECT_FALSE(pki::ec_private_key_der(pki::KeyType::p256, Bytes(31, 1), Bytes(65, 4)).ok());
}

}  // namespace
}  // namespace iotonb::factory
