// lib/pki/verify.h: path validation at an explicit time against explicit anchors, with
// partial-chain trust; generated chains and the RFC 8995 vectors (whose validity windows
// are documented in ../shared/vectors/README.md).
#include "pki/verify.h"

#include <algorithm>

#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::at;
using test::must;

class VerifyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = test::make_root("C=US,O=Acme,CN=Acme Test Root", at("2026-01-01"), at("2036-01-01"));
    inter_ = test::make_intermediate(root_, "C=US,O=Acme,CN=Acme IDevID CA", at("2026-01-01"), at("2031-01-01"));
    leaf_key_ = test::new_key();
    leaf_ = test::make_cert("CN=device.example", leaf_key_.get(), Profile::server, &inter_, at("2026-06-01"),
                            at("2027-06-01T00:00:00Z"), {0x33});
  }

  ChainCheck check(core::UnixTime when) const {
    ChainCheck c;
    c.trust = {root_.cert.get()};
    c.untrusted = {inter_.cert.get()};
    c.at = when;
    return c;
  }

  static std::vector<std::string> subjects(const std::vector<core::X509Ptr>& path) {
    std::vector<std::string> out;
    for (const auto& c : path) out.push_back(name_to_string(X509_get_subject_name(c.get())));
    return out;
  }

  test::TestCa root_, inter_;
  core::EvpPkeyPtr leaf_key_;
  core::X509Ptr leaf_;
};

TEST_F(VerifyTest, FullChainIsReturnedLeafFirst) {
  auto path = verify_chain(leaf_.get(), check(at("2026-12-01")));
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(subjects(*path), (std::vector<std::string>{"CN=device.example", "C=US,O=Acme,CN=Acme IDevID CA",
                                                       "C=US,O=Acme,CN=Acme Test Root"}));
}

TEST_F(VerifyTest, ExpiredAtTheGivenTime) {
  auto path = verify_chain(leaf_.get(), check(at("2027-07-01T00:00:00Z")));
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().kind, ErrorKind::verification);
  EXPECT_EQ(path.error().message, "certificate has expired (certificate CN=device.example) at 2027-07-01T00:00:00Z");
}

TEST_F(VerifyTest, ValidUpToTheLastSecond) {
  EXPECT_TRUE(verify_chain(leaf_.get(), check(at("2027-06-01T00:00:00Z") - 1)).ok());
  EXPECT_FALSE(verify_chain(leaf_.get(), check(at("2027-06-01T00:00:01Z"))).ok());
}

TEST_F(VerifyTest, NotYetValid) {
  auto path = verify_chain(leaf_.get(), check(at("2026-05-01")));
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().kind, ErrorKind::verification);
  EXPECT_NE(path.error().message.find("certificate is not yet valid"), std::string::npos) << path.error().message;
  EXPECT_NE(path.error().message.find("at 2026-05-01T00:00:00Z"), std::string::npos);
}

TEST_F(VerifyTest, IntermediateExpiredFailsTheChain) {
  // A leaf valid until 2035 under an intermediate that ends in 2031.
  auto key = test::new_key();
  auto long_leaf = test::make_cert("CN=long", key.get(), Profile::client, &inter_, at("2026-06-01"), at("2035-01-01"));
  auto path = verify_chain(long_leaf.get(), check(at("2032-01-01")));
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.error().message.find("certificate has expired (certificate C=US,O=Acme,CN=Acme IDevID CA)"),
            std::string::npos)
      << path.error().message;
}

TEST_F(VerifyTest, WrongAnchor) {
  auto other = test::make_root("C=US,O=Evil,CN=Other Root", at("2026-01-01"), at("2036-01-01"));
  ChainCheck c = check(at("2026-12-01"));
  c.trust = {other.cert.get()};
  auto path = verify_chain(leaf_.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().kind, ErrorKind::verification);
  EXPECT_NE(path.error().message.find("unable to get local issuer certificate"), std::string::npos)
      << path.error().message;
}

TEST_F(VerifyTest, SameNameDifferentKeyIsNotTheAnchor) {
  // An impostor root with the real root's name: the signature check must catch it.
  auto impostor = test::make_root("C=US,O=Acme,CN=Acme Test Root", at("2026-01-01"), at("2036-01-01"));
  ChainCheck c = check(at("2026-12-01"));
  c.trust = {impostor.cert.get()};
  auto path = verify_chain(leaf_.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().kind, ErrorKind::verification);
}

TEST_F(VerifyTest, MissingIntermediate) {
  ChainCheck c = check(at("2026-12-01"));
  c.untrusted.clear();
  auto path = verify_chain(leaf_.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.error().message.find("unable to get local issuer certificate"), std::string::npos)
      << path.error().message;
}

TEST_F(VerifyTest, PartialChainWithTheIntermediateAsAnchor) {
  ChainCheck c;
  c.trust = {inter_.cert.get()};
  c.at = at("2026-12-01");
  auto path = verify_chain(leaf_.get(), c);
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(subjects(*path), (std::vector<std::string>{"CN=device.example", "C=US,O=Acme,CN=Acme IDevID CA"}));
}

TEST_F(VerifyTest, TheCertificateItselfAsAnchor) {
  ChainCheck c;
  c.trust = {leaf_.get()};
  c.at = at("2026-12-01");
  auto path = verify_chain(leaf_.get(), c);
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(path->size(), 1u);
}

TEST_F(VerifyTest, DamagedSignature) {
  Bytes der = certificate_der(leaf_.get());
  der.back() ^= 0x01;
  auto damaged = must(parse_certificate(der), "parse");
  auto path = verify_chain(damaged.get(), check(at("2026-12-01")));
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().kind, ErrorKind::verification);
  EXPECT_NE(path.error().message.find("certificate signature failure"), std::string::npos) << path.error().message;
}

// verify_chain remembers paths that validated; a remembered path must answer only the same
// question (same certificate, anchors and intermediates) at a time inside every validity
// period on the path, the intermediate's and the root's included.
TEST_F(VerifyTest, RememberedPathAnswersOnlyTheSameQuestionInsideItsValidity) {
  ASSERT_TRUE(verify_chain(leaf_.get(), check(at("2026-12-01"))).ok());
  ASSERT_TRUE(verify_chain(leaf_.get(), check(at("2026-12-02"))).ok());  // from the cache
  EXPECT_FALSE(verify_chain(leaf_.get(), check(at("2026-05-31"))).ok());
  EXPECT_FALSE(verify_chain(leaf_.get(), check(at("2027-06-02"))).ok());
  ChainCheck other_anchor = check(at("2026-12-01"));
  test::TestCa stranger = test::make_root("C=US,O=Acme,CN=Acme Test Root", at("2026-01-01"), at("2036-01-01"));
  other_anchor.trust = {stranger.cert.get()};
  EXPECT_FALSE(verify_chain(leaf_.get(), other_anchor).ok());
  ChainCheck no_intermediate = check(at("2026-12-01"));
  no_intermediate.untrusted.clear();
  EXPECT_FALSE(verify_chain(leaf_.get(), no_intermediate).ok());
  // The order anchors are given in is not part of the question.
  ChainCheck two_anchors = check(at("2026-12-01"));
  two_anchors.trust = {stranger.cert.get(), root_.cert.get()};
  EXPECT_TRUE(verify_chain(leaf_.get(), two_anchors).ok());
  std::reverse(two_anchors.trust.begin(), two_anchors.trust.end());
  EXPECT_TRUE(verify_chain(leaf_.get(), two_anchors).ok());
  // A path whose intermediate expires before the leaf: the cached answer stops with it.
  auto short_inter = test::make_intermediate(root_, "C=US,O=Acme,CN=Short CA", at("2026-01-01"), at("2026-09-01"));
  auto leaf = test::make_cert("CN=short.example", leaf_key_.get(), Profile::server, &short_inter, at("2026-02-01"),
                              at("2027-06-01"), {0x34});
  ChainCheck c = check(at("2026-08-01"));
  c.untrusted = {short_inter.cert.get()};
  ASSERT_TRUE(verify_chain(leaf.get(), c).ok());
  c.at = at("2026-10-01");
  EXPECT_FALSE(verify_chain(leaf.get(), c).ok());
}

TEST_F(VerifyTest, NoAnchorIsAUsageError) {
  ChainCheck c;
  c.at = at("2026-12-01");
  auto path = verify_chain(leaf_.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().kind, ErrorKind::usage);
  EXPECT_EQ(path.error().message, "no trust anchor given");
}

// --- RFC 8995 vectors ---------------------------------------------------------------------

constexpr core::UnixTime kPvrTime = 1618358400;      // 2021-04-14T00:00:00Z
constexpr core::UnixTime kReissuedTime = 1619827200;  // 2021-05-01T00:00:00Z

TEST(VerifyVectors, EmbeddedIdevidAtTheVoucherRequestTime) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto vendor = test::vector_cert(dir, "brski/rfc8995/vendor.crt");
  auto idevid = test::vector_cert(dir, "brski/rfc8995/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt");
  ChainCheck c;
  c.trust = {vendor.get()};
  c.at = kPvrTime;
  auto path = verify_chain(idevid.get(), c);
  ASSERT_TRUE(path.ok()) << path.error().message;
  ASSERT_EQ(path->size(), 2u);
  EXPECT_EQ(name_to_string(X509_get_subject_name((*path)[1].get())), "CN=highway-test.example.com CA");
}

TEST(VerifyVectors, ReissuedIdevidIsNotYetValidAtThePvrTime) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto vendor = test::vector_cert(dir, "brski/rfc8995/vendor.crt");
  auto idevid = test::vector_cert(dir, "brski/rfc8995/idevid_00-D0-E5-F2-00-02.crt");
  ChainCheck c;
  c.trust = {vendor.get()};
  c.at = kPvrTime;
  auto path = verify_chain(idevid.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.error().message,
            "certificate is not yet valid (certificate serialNumber=00-D0-E5-F2-00-02) at 2021-04-14T00:00:00Z");
  c.at = kReissuedTime;
  path = verify_chain(idevid.get(), c);
  EXPECT_TRUE(path.ok()) << path.error().message;
}

TEST(VerifyVectors, ExpiredAfterTheVendorCa) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto vendor = test::vector_cert(dir, "brski/rfc8995/vendor.crt");
  auto masa = test::vector_cert(dir, "brski/rfc8995/masa.crt");
  ChainCheck c;
  c.trust = {vendor.get()};
  c.at = kPvrTime;
  EXPECT_TRUE(verify_chain(masa.get(), c).ok());
  c.at = 1700000000;  // 2023-11-14, after both expired on 2023-04-13
  auto path = verify_chain(masa.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.error().message.find("certificate has expired"), std::string::npos) << path.error().message;
}

TEST(VerifyVectors, WrongTrustAnchor) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto owner = test::vector_cert(dir, "brski/rfc8995/ownerca_secp384r1.crt");
  auto idevid = test::vector_cert(dir, "brski/rfc8995/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt");
  ChainCheck c;
  c.trust = {owner.get()};
  c.at = kPvrTime;
  auto path = verify_chain(idevid.get(), c);
  ASSERT_FALSE(path.ok());
  EXPECT_NE(path.error().message.find("unable to get local issuer certificate"), std::string::npos)
      << path.error().message;
}

TEST(VerifyVectors, RegistrarWithCmcRaOnlyChainsToOwnerCa) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto owner = test::vector_cert(dir, "brski/rfc8995/ownerca_secp384r1.crt");
  auto jrc = test::vector_cert(dir, "brski/rfc8995/jrc_prime256v1.crt");
  ChainCheck c;
  c.trust = {owner.get()};
  c.at = kPvrTime;
  auto path = verify_chain(jrc.get(), c);
  EXPECT_TRUE(path.ok()) << path.error().message;
}

TEST(VerifyVectors, ConstrainedPledgeNeverExpires) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto masa_ca = test::vector_cert(dir, "brski/cbrski-cose/masa_ca.pem");
  auto pledge = test::vector_cert(dir, "brski/cbrski-cose/pledge.pem");
  ChainCheck c;
  c.trust = {masa_ca.get()};
  c.at = test::at("2030-01-01");
  EXPECT_TRUE(verify_chain(pledge.get(), c).ok());
  c.at = test::at("2033-01-01");  // the CA ends 2032-12-06
  EXPECT_FALSE(verify_chain(pledge.get(), c).ok());
}

}  // namespace
}  // namespace iotonb::pki
