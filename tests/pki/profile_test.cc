// lib/pki/profile.h: the extensions of each `iotonb ca create` profile, checked in issued
// certificates (registrar: EKU id-kp-cmcRA + serverAuth + clientAuth, RFC 8995 2.5.3).
#include "pki/profile.h"

#include <algorithm>

#include "pki/extensions.h"
#include "pki/inspect.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::at;
using test::must;

std::vector<std::string> eku_oids(const X509* cert) {
  std::vector<std::string> out;
  core::OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    char buf[80];
    OBJ_obj2txt(buf, sizeof buf, sk_ASN1_OBJECT_value(eku.get(), i), 1);
    out.emplace_back(buf);
  }
  return out;
}

class ProfileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { root_ = new test::TestCa(test::make_root()); }
  static void TearDownTestSuite() { delete root_; }

  core::X509Ptr issue(Profile profile, KeyType type = KeyType::p256, ProfileOptions options = {}) {
    key_ = test::new_key(type);
    return test::make_cert("O=Acme,CN=svc.example", key_.get(), profile, root_, at("2026-01-01"), at("2028-01-01"),
                           {0x42}, std::move(options));
  }

  static test::TestCa* root_;
  core::EvpPkeyPtr key_;
};
test::TestCa* ProfileTest::root_ = nullptr;

TEST(Profiles, Names) {
  EXPECT_EQ(profile_names(),
            (std::vector<std::string>{"root", "intermediate", "registrar", "masa", "server", "client"}));
  for (const auto& n : profile_names()) EXPECT_TRUE(parse_profile(n).ok()) << n;
  auto r = parse_profile("registar");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_NE(r.error().message.find("unknown profile \"registar\""), std::string::npos);
  EXPECT_FALSE(parse_profile("").ok());
  EXPECT_FALSE(parse_profile("Root").ok());
}

TEST(Profiles, Classification) {
  EXPECT_TRUE(is_ca_profile(Profile::root));
  EXPECT_TRUE(is_ca_profile(Profile::intermediate));
  for (Profile p : {Profile::registrar, Profile::masa, Profile::server, Profile::client}) {
    EXPECT_FALSE(is_ca_profile(p));
    EXPECT_TRUE(needs_issuer(p));
  }
  EXPECT_FALSE(needs_issuer(Profile::root));
  EXPECT_TRUE(needs_issuer(Profile::intermediate));
}

TEST_F(ProfileTest, RegistrarHasCmcRaServerAuthClientAuth) {
  auto cert = issue(Profile::registrar);
  EXPECT_EQ(eku_oids(cert.get()),
            (std::vector<std::string>{"1.3.6.1.5.5.7.3.28", "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"}));
  const X509_EXTENSION* eku = test::find_ext(cert.get(), NID_ext_key_usage);
  ASSERT_NE(eku, nullptr);
  EXPECT_EQ(X509_EXTENSION_get_critical(eku), 0);
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
  auto d = describe_certificate(cert.get());
  EXPECT_EQ(d["extended_key_usage"], nlohmann::ordered_json::parse(R"(["cmcRA","serverAuth","clientAuth"])"));
  // OpenSSL's own purpose checks accept it for both TLS roles
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_SERVER, 0), 1);
  EXPECT_EQ(X509_check_purpose(cert.get(), X509_PURPOSE_SSL_CLIENT, 0), 1);
}

TEST_F(ProfileTest, RsaEndEntitiesGetKeyEnciphermentButMasaDoesNot) {
  auto registrar = issue(Profile::registrar, KeyType::rsa2048);
  EXPECT_EQ(X509_get_key_usage(registrar.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  auto server = issue(Profile::server, KeyType::rsa2048);
  EXPECT_EQ(X509_get_key_usage(server.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  auto masa = issue(Profile::masa, KeyType::rsa2048);
  EXPECT_EQ(X509_get_key_usage(masa.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
}

TEST_F(ProfileTest, MasaServerClient) {
  auto masa = issue(Profile::masa);
  EXPECT_TRUE(eku_oids(masa.get()).empty());
  EXPECT_EQ(X509_get_key_usage(masa.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE));
  EXPECT_EQ(X509_check_ca(masa.get()), 0);
  auto server = issue(Profile::server);
  EXPECT_EQ(eku_oids(server.get()), (std::vector<std::string>{"1.3.6.1.5.5.7.3.1"}));
  auto client = issue(Profile::client);
  EXPECT_EQ(eku_oids(client.get()), (std::vector<std::string>{"1.3.6.1.5.5.7.3.2"}));
}

TEST_F(ProfileTest, CaProfiles) {
  auto inter = issue(Profile::intermediate, KeyType::p256, ProfileOptions{1, {}});
  EXPECT_EQ(X509_check_ca(inter.get()), 1);
  EXPECT_EQ(X509_get_pathlen(inter.get()), 1);
  EXPECT_EQ(X509_get_key_usage(inter.get()),
            static_cast<std::uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE));
  const X509_EXTENSION* bc = test::find_ext(inter.get(), NID_basic_constraints);
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(X509_EXTENSION_get_critical(bc), 1);
  auto unlimited = issue(Profile::intermediate);
  EXPECT_EQ(X509_get_pathlen(unlimited.get()), -1);
  // a root ignores a path length
  auto exts = must(profile_extensions(Profile::root, root_->key.get(), ProfileOptions{3, {}}), "exts");
  ASSERT_FALSE(exts.empty());
  EXPECT_EQ(test::ext_value(exts[0].get()), (Bytes{0x30, 0x03, 0x01, 0x01, 0xff}));
}

TEST_F(ProfileTest, SansAreAdded) {
  auto cert = issue(Profile::server, KeyType::p256, ProfileOptions{-1, {"DNS:registrar.example.com", "IP:192.0.2.10"}});
  auto d = describe_certificate(cert.get());
  EXPECT_EQ(d["subject_alt_names"], nlohmann::ordered_json::parse(R"(["DNS:registrar.example.com","IP:192.0.2.10"])"));
  auto none = issue(Profile::server);
  EXPECT_EQ(test::find_ext(none.get(), NID_subject_alt_name), nullptr);
}

TEST_F(ProfileTest, BadSanIsAUsageError) {
  auto key = test::new_key();
  auto r = profile_extensions(Profile::server, key.get(), ProfileOptions{-1, {"DNS"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

TEST(ProfileVectors, Rfc8995RegistrarIsCmcRaOnly) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto jrc = test::vector_cert(dir, "brski/rfc8995/jrc_prime256v1.crt");
  EXPECT_EQ(eku_oids(jrc.get()), (std::vector<std::string>{"1.3.6.1.5.5.7.3.28"}));
  auto registrar = test::vector_cert(dir, "brski/cbrski-cose/registrar.pem");
  auto oids = eku_oids(registrar.get());
  std::sort(oids.begin(), oids.end());
  EXPECT_EQ(oids, (std::vector<std::string>{"1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.28"}));
}

}  // namespace
}  // namespace iotonb::pki
