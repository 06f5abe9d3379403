#include "envelope/signature.h"

#include <gtest/gtest.h>

#include "pki/pki_test_util.h"

namespace iotonb::envelope {
namespace {

using test::must;
using test::new_key;
using test::share;

TEST(SignatureAlgorithm, LabelsAndNamesRoundTrip) {
  for (auto alg : {SignatureAlgorithm::es256, SignatureAlgorithm::es384, SignatureAlgorithm::es512,
                   SignatureAlgorithm::eddsa, SignatureAlgorithm::ps256, SignatureAlgorithm::ps384,
                   SignatureAlgorithm::rs256, SignatureAlgorithm::rs384}) {
    EXPECT_EQ(from_cose_label(cose_label(alg)), alg);
    EXPECT_EQ(from_jose_name(jose_name(alg)), alg);
  }
  EXPECT_EQ(cose_label(SignatureAlgorithm::es256), -7);
  EXPECT_EQ(cose_label(SignatureAlgorithm::eddsa), -8);
  EXPECT_EQ(cose_label(SignatureAlgorithm::rs256), -257);
  EXPECT_EQ(cose_label(SignatureAlgorithm::rs384), -258);
  EXPECT_EQ(cose_label(SignatureAlgorithm::ps384), -38);
  EXPECT_FALSE(from_cose_label(-999));
  EXPECT_FALSE(from_jose_name("none"));
  EXPECT_FALSE(from_jose_name("es256"));  // JWS names are case-sensitive (RFC 7515 4.1.1)
}

TEST(SignatureAlgorithm, ChosenFromTheKey) {
  EXPECT_EQ(must(algorithm_for_key(new_key(pki::KeyType::p256).get()), "p256"), SignatureAlgorithm::es256);
  EXPECT_EQ(must(algorithm_for_key(new_key(pki::KeyType::p384).get()), "p384"), SignatureAlgorithm::es384);
  EXPECT_EQ(must(algorithm_for_key(new_key(pki::KeyType::ed25519).get()), "ed"), SignatureAlgorithm::eddsa);
  EXPECT_EQ(must(algorithm_for_key(new_key(pki::KeyType::rsa2048).get()), "rsa"), SignatureAlgorithm::rs256);
}

TEST(SignatureAlgorithm, StrictCurvePairing) {
  auto p256 = new_key(pki::KeyType::p256);
  EXPECT_TRUE(check_key_fits(SignatureAlgorithm::es256, p256.get()).ok());
  Status wrong = check_key_fits(SignatureAlgorithm::es512, p256.get());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().message, "ES512 needs an EC secp521r1 key, but the key is EC prime256v1");
  EXPECT_FALSE(check_key_fits(SignatureAlgorithm::es256, new_key(pki::KeyType::ed25519).get()).ok());
}

class SignVerify : public ::testing::TestWithParam<std::pair<pki::KeyType, SignatureAlgorithm>> {};

TEST_P(SignVerify, WireFormRoundTripsAndCatchesTampering) {
  auto [type, alg] = GetParam();
  auto key = new_key(type);
  auto signer = pki::memory_signer(share(key.get()), "memory:test");
  Bytes data = {'h', 'e', 'l', 'l', 'o'};
  Bytes sig = must(sign(*signer, alg, data), "sign");
  if (alg == SignatureAlgorithm::es384) {
    EXPECT_EQ(sig.size(), 96u);
  } else if (alg == SignatureAlgorithm::es256 || alg == SignatureAlgorithm::eddsa) {
    EXPECT_EQ(sig.size(), 64u);
  }
  EXPECT_TRUE(verify(key.get(), alg, data, sig).ok());

  data[0] ^= 1;
  Status tampered = verify(key.get(), alg, data, sig);
  ASSERT_FALSE(tampered.ok());
  EXPECT_EQ(tampered.error().kind, ErrorKind::verification);
  data[0] ^= 1;
  EXPECT_FALSE(verify(new_key(type).get(), alg, data, sig).ok());
}

INSTANTIATE_TEST_SUITE_P(Keys, SignVerify,
                         ::testing::Values(std::pair{pki::KeyType::p256, SignatureAlgorithm::es256},
                                           std::pair{pki::KeyType::p384, SignatureAlgorithm::es384},
                                           std::pair{pki::KeyType::ed25519, SignatureAlgorithm::eddsa},
                                           std::pair{pki::KeyType::rsa2048, SignatureAlgorithm::rs256},
                                           std::pair{pki::KeyType::rsa2048, SignatureAlgorithm::ps256},
                                           std::pair{pki::KeyType::rsa3072, SignatureAlgorithm::rs384},
                                           std::pair{pki::KeyType::rsa3072, SignatureAlgorithm::ps384}));

TEST(SignatureAlgorithm, EcdsaSignatureOfTheWrongLengthIsRefused) {
  auto key = new_key(pki::KeyType::p256);
  Status s = verify(key.get(), SignatureAlgorithm::es256, Bytes{1}, Bytes(63, 1));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "ES256 signature is 63 octets, expected 64");
}

TEST(SignatureAlgorithm, SigningWithAMismatchedAlgorithmIsAUsageError) {
  auto signer = pki::memory_signer(new_key(pki::KeyType::p256), "memory:p256");
  auto r = sign(*signer, SignatureAlgorithm::es384, Bytes{1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

TEST(SignatureAlgorithm, RawAndDerConvertBothWays) {
  Bytes raw(64, 0);
  raw[31] = 1;  // r = 1
  raw[63] = 2;  // s = 2
  Bytes der = must(ecdsa_raw_to_der(raw), "raw_to_der");
  EXPECT_EQ(der, (Bytes{0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02}));
  EXPECT_EQ(must(ecdsa_der_to_raw(der, 32), "der_to_raw"), raw);
  EXPECT_FALSE(ecdsa_raw_to_der(Bytes(63, 1)).ok());
}

}  // namespace
}  // namespace iotonb::envelope
