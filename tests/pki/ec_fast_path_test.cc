// lib/pki/ec_fast_path.h: which keys each fast path takes, that what it makes is what
// OpenSSL's encoders and decoders make of the same key, and that everything else (other
// curves and types, the shapes OpenSSL writes differently, hostile DER) is declined cleanly
// and left to the general path with its old result.
#define OPENSSL_SUPPRESS_DEPRECATED  // legacy EC_KEY-backed keys are among the inputs
#include "pki/ec_fast_path.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/ec.h>
#include <openssl/pem.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using core::EvpPkeyPtr;
using test::must;
using test::new_key;
namespace der = core::der;

// What OpenSSL's own encoders write.
std::string openssl_pkcs8_pem(EVP_PKEY* key) {
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) return "";
  Bytes pem = core::bio_contents(bio.get());
  return std::string(pem.begin(), pem.end());
}

Bytes openssl_pkcs8_der(EVP_PKEY* key) {
  auto blocks = must(core::parse_pem(openssl_pkcs8_pem(key)), "pem");
  return blocks.at(0).der;
}

Bytes openssl_spki(EVP_PKEY* key) {
  return test::i2d_bytes([&](unsigned char** der) { return i2d_PUBKEY(key, der); });
}

// The SubjectPublicKeyInfo X509_PUBKEY_set makes of key, as X509_set_pubkey stores it.
Bytes x509_pubkey_der(EVP_PKEY* key) {
  X509_PUBKEY* raw = nullptr;
  if (X509_PUBKEY_set(&raw, key) != 1) return {};
  core::OsslPtr<X509_PUBKEY, X509_PUBKEY_free> pub(raw);
  return test::i2d_bytes([&](unsigned char** der) { return i2d_X509_PUBKEY(pub.get(), der); });
}

// The general path's result: OpenSSL's decoder, told the structure is DER.
EvpPkeyPtr decoded(ByteView data, int selection = OSSL_KEYMGMT_SELECT_KEYPAIR) {
  EVP_PKEY* key = nullptr;
  core::OsslPtr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free> ctx(
      OSSL_DECODER_CTX_new_for_pkey(&key, nullptr, nullptr, nullptr, selection, nullptr, nullptr));
  const unsigned char* p = data.data();
  std::size_t len = data.size();
  const bool ok = ctx && OSSL_DECODER_from_data(ctx.get(), &p, &len) == 1;
  core::openssl_errors();
  return EvpPkeyPtr(ok ? key : nullptr);
}

#ifdef OPENSSL_NO_DEPRECATED_3_0
constexpr bool kLegacyEcKeys = false;
EvpPkeyPtr legacy_ec(EVP_PKEY* key) { return test::share(key); }  // stands in, unused by the fast path
#else
constexpr bool kLegacyEcKeys = true;
// An EVP_PKEY around an EC_KEY, as OpenSSL 1.1 code and parsed certificates have them.
EvpPkeyPtr legacy_ec(EVP_PKEY* key) {
  core::OsslPtr<EC_KEY, EC_KEY_free> ec(EVP_PKEY_get1_EC_KEY(key));
  EvpPkeyPtr out(EVP_PKEY_new());
  if (!ec || !out || EVP_PKEY_set1_EC_KEY(out.get(), ec.get()) != 1) return nullptr;
  return out;
}
#endif

EvpPkeyPtr with_param(KeyType type, const char* name, const char* value) {
  auto key = new_key(type);
  EXPECT_EQ(EVP_PKEY_set_utf8_string_param(key.get(), name, value), 1) << name;
  return key;
}

// SEC1 (traditional) encoding, which keeps a compressed point compressed.
Bytes sec1_der(EVP_PKEY* key) {
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  EXPECT_EQ(i2d_PrivateKey_bio(bio.get(), key), 1);
  return core::bio_contents(bio.get());
}

Bytes scalar_of(EVP_PKEY* key, std::size_t size) {
  BIGNUM* raw = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &raw), 1);
  core::BignumPtr bn(raw);
  Bytes out(size);
  BN_bn2binpad(bn.get(), out.data(), static_cast<int>(size));
  return out;
}

Bytes point_of(EVP_PKEY* key) {
  std::uint8_t point[133];
  std::size_t len = 0;
  EXPECT_EQ(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point, sizeof point, &len), 1);
  return Bytes(point, point + len);
}

bool signs_and_verifies(EVP_PKEY* signer, EVP_PKEY* verifier) {
  const Bytes message = {1, 2, 3, 4};
  core::EvpMdCtxPtr sign(EVP_MD_CTX_new());
  std::uint8_t signature[256];
  std::size_t len = sizeof signature;
  if (EVP_DigestSignInit(sign.get(), nullptr, default_digest(signer), nullptr, signer) != 1 ||
      EVP_DigestSign(sign.get(), signature, &len, message.data(), message.size()) != 1)
    return false;
  core::EvpMdCtxPtr verify(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(verify.get(), nullptr, default_digest(verifier), nullptr, verifier) == 1 &&
         EVP_DigestVerify(verify.get(), signature, len, message.data(), message.size()) == 1;
}

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes oid(const char* dotted) { return must(der::oid_from_text(dotted), dotted); }
Bytes integer(std::uint8_t v) { return der::tlv(0x02, Bytes{v}); }

// A PKCS#8 EC key assembled field by field, so each test can break one field.
struct Pkcs8Fields {
  Bytes outer_version = integer(0);
  Bytes algorithm;  // AlgorithmIdentifier content
  Bytes inner_version = integer(1);
  Bytes scalar;
  Bytes parameters;  // [0] content; empty: absent
  Bytes public_bits;  // BIT STRING content; empty: no [1]
  Bytes inner_extra;  // after [1], inside ECPrivateKey
  Bytes outer_extra;  // after privateKey, inside PrivateKeyInfo (attributes...)

  Bytes der() const {
    Bytes ec = concat({inner_version, der::tlv(0x04, scalar)});
    if (!parameters.empty()) ec = concat({ec, der::tlv(0xa0, parameters)});
    if (!public_bits.empty()) ec = concat({ec, der::tlv(0xa1, der::tlv(0x03, public_bits))});
    ec = concat({ec, inner_extra});
    return der::tlv(der::kSequence, concat({outer_version, der::tlv(der::kSequence, algorithm),
                                            der::tlv(0x04, der::tlv(der::kSequence, ec)), outer_extra}));
  }
};

const char* curve_oid(KeyType type) { return type == KeyType::p256 ? "1.2.840.10045.3.1.7" : "1.3.132.0.34"; }

Pkcs8Fields fields_of(EVP_PKEY* key, KeyType type) {
  const std::size_t size = type == KeyType::p256 ? 32 : 48;
  Pkcs8Fields f;
  f.algorithm = concat({oid("1.2.840.10045.2.1"), oid(curve_oid(type))});
  f.scalar = scalar_of(key, size);
  f.public_bits = concat({Bytes{0x00}, point_of(key)});
  return f;
}

// --- parse_ec_pkcs8 -------------------------------------------------------------------------

TEST(ParseEcPkcs8, OpenSslKeysTakeTheFastPathAndEqualTheDecodersKey) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    for (int i = 0; i < 4; ++i) {
      auto key = new_key(type);
      const std::string pem = openssl_pkcs8_pem(key.get());
      const Bytes der = openssl_pkcs8_der(key.get());
      EXPECT_EQ(fields_of(key.get(), type).der(), der) << "the test's own assembly is OpenSSL's";
      auto reference = decoded(der);
      ASSERT_TRUE(reference);
      EvpPkeyPtr parsed[] = {parse_ec_pkcs8_der(der), parse_ec_pkcs8(der), parse_ec_pkcs8(as_bytes(pem))};
      for (const EvpPkeyPtr& fast : parsed) {
        ASSERT_TRUE(fast) << key_type_name(type);
        EXPECT_NE(EVP_PKEY_get0_provider(fast.get()), nullptr) << "provider-native";
        EXPECT_EQ(EVP_PKEY_eq(fast.get(), reference.get()), 1);
        EXPECT_EQ(EVP_PKEY_eq(fast.get(), key.get()), 1);
        EXPECT_EQ(describe_key(fast.get()), describe_key(key.get()));
        EXPECT_EQ(openssl_pkcs8_pem(fast.get()), pem) << "writes back as the decoder's key does";
        EXPECT_EQ(openssl_spki(fast.get()), openssl_spki(reference.get()));
        EXPECT_TRUE(signs_and_verifies(fast.get(), key.get()));
        EXPECT_TRUE(signs_and_verifies(key.get(), fast.get()));
      }
      auto via_api = must(parse_private_key(as_bytes(pem), nullptr), "parse_private_key");
      EXPECT_EQ(EVP_PKEY_eq(via_api.get(), reference.get()), 1);
    }
  }
}

TEST(ParseEcPkcs8, KeyFromTheOpenSslCommand) {
  const auto dir = std::filesystem::temp_directory_path() / ("iotonb-ecfast-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  for (const char* curve : {"P-256", "P-384"}) {
    const std::string path = (dir / (std::string(curve) + ".key")).string();
    const std::string command =
        std::string("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:") + curve + " -out " + path + " 2>/dev/null";
    if (std::system(command.c_str()) != 0) {
      std::filesystem::remove_all(dir);
      GTEST_SKIP() << "no openssl command";
    }
    const Bytes pem = test::read_bytes(path);
    auto fast = parse_ec_pkcs8(pem);
    ASSERT_TRUE(fast) << curve;
    auto reference = decoded(pem);
    ASSERT_TRUE(reference);
    EXPECT_EQ(EVP_PKEY_eq(fast.get(), reference.get()), 1);
    EXPECT_TRUE(signs_and_verifies(fast.get(), reference.get()));
    EXPECT_EQ(openssl_pkcs8_pem(fast.get()), std::string(pem.begin(), pem.end()));
  }
  std::filesystem::remove_all(dir);
}

TEST(ParseEcPkcs8, InnerParametersNamingTheSameCurveAreAccepted) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    auto key = new_key(type);
    Pkcs8Fields f = fields_of(key.get(), type);
    f.parameters = oid(curve_oid(type));
    auto fast = parse_ec_pkcs8_der(f.der());
    ASSERT_TRUE(fast);
    auto reference = decoded(f.der());
    ASSERT_TRUE(reference);
    EXPECT_EQ(EVP_PKEY_eq(fast.get(), reference.get()), 1);
    EXPECT_EQ(openssl_pkcs8_pem(fast.get()), openssl_pkcs8_pem(reference.get()));
  }
}

// Shapes OpenSSL reads (or refuses) differently, or that this path does not cover: declined,
// so parse_private_key answers as it always did.
TEST(ParseEcPkcs8, DeclinesEveryOtherShape) {
  auto key = new_key(KeyType::p256);
  const Pkcs8Fields good = fields_of(key.get(), KeyType::p256);
  std::vector<std::pair<std::string, Bytes>> cases;
  auto add = [&](std::string name, auto change) {
    Pkcs8Fields f = good;
    change(f);
    cases.emplace_back(std::move(name), f.der());
  };
  add("outer version 1 (OneAsymmetricKey v2)", [](Pkcs8Fields& f) { f.outer_version = integer(1); });
  add("outer version 00 00", [](Pkcs8Fields& f) { f.outer_version = der::tlv(0x02, Bytes{0, 0}); });
  add("inner version 0", [](Pkcs8Fields& f) { f.inner_version = integer(0); });
  add("inner version 2", [](Pkcs8Fields& f) { f.inner_version = integer(2); });
  add("scalar one short", [](Pkcs8Fields& f) { f.scalar.erase(f.scalar.begin()); });
  add("scalar one long", [](Pkcs8Fields& f) { f.scalar.insert(f.scalar.begin(), 0x00); });
  add("no public key", [](Pkcs8Fields& f) { f.public_bits.clear(); });
  add("compressed point", [](Pkcs8Fields& f) {
    f.public_bits = concat({Bytes{0x00, static_cast<std::uint8_t>(0x02 | (f.public_bits.back() & 1))},
                            ByteView(f.public_bits).subspan(2, 32)});
  });
  add("hybrid point", [](Pkcs8Fields& f) { f.public_bits[1] = 0x06; });
  add("point one short", [](Pkcs8Fields& f) { f.public_bits.pop_back(); });
  add("unused bits", [](Pkcs8Fields& f) { f.public_bits[0] = 0x01; });
  add("inner parameters name P-384", [](Pkcs8Fields& f) { f.parameters = oid("1.3.132.0.34"); });
  add("inner parameters not an OID", [](Pkcs8Fields& f) { f.parameters = der::tlv(0x05, {}); });
  add("outer curve P-384 for a P-256 key", [](Pkcs8Fields& f) {
    f.algorithm = concat({oid("1.2.840.10045.2.1"), oid("1.3.132.0.34")});
  });
  add("curve P-521", [](Pkcs8Fields& f) { f.algorithm = concat({oid("1.2.840.10045.2.1"), oid("1.3.132.0.35")}); });
  add("explicit parameters", [](Pkcs8Fields& f) {
    f.algorithm = concat({oid("1.2.840.10045.2.1"), der::tlv(der::kSequence, integer(1))});
  });
  add("algorithm with a third field", [](Pkcs8Fields& f) { f.algorithm = concat({f.algorithm, der::tlv(0x05, {})}); });
  add("id-ecDH algorithm", [](Pkcs8Fields& f) { f.algorithm = concat({oid("1.3.132.1.12"), oid(curve_oid(KeyType::p256))}); });
  add("attributes", [](Pkcs8Fields& f) { f.outer_extra = der::tlv(0xa0, der::tlv(der::kSequence, {})); });
  add("trailing field in ECPrivateKey", [](Pkcs8Fields& f) { f.inner_extra = der::tlv(0x05, {}); });
  {
    Bytes trailing = good.der();
    trailing.push_back(0x00);
    cases.emplace_back("trailing byte", trailing);
  }
  cases.emplace_back("empty", Bytes{});
  auto ed = new_key(KeyType::ed25519);
  cases.emplace_back("Ed25519", openssl_pkcs8_der(ed.get()));
  EvpPkeyPtr p521(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521"));
  ASSERT_TRUE(p521);
  cases.emplace_back("P-521 from OpenSSL", openssl_pkcs8_der(p521.get()));
  cases.emplace_back("SEC1", sec1_der(key.get()));

  for (const auto& [name, der_bytes] : cases) {
    EXPECT_FALSE(parse_ec_pkcs8_der(der_bytes)) << name;
    // Whatever the general path made of it before, parse_private_key still makes.
    auto reference = decoded(der_bytes);
    auto parsed = parse_private_key(der_bytes, nullptr);
    ASSERT_EQ(parsed.ok(), reference != nullptr) << name;
    if (parsed.ok()) {
      EXPECT_EQ(EVP_PKEY_eq(parsed->get(), reference.get()), 1) << name;
    } else {
      EXPECT_EQ(parsed.error().kind, ErrorKind::input) << name;
    }
  }
}

TEST(ParseEcPkcs8, PointOffTheCurveFailsAsTheDecoderDoes) {
  auto key = new_key(KeyType::p256);
  Pkcs8Fields f = fields_of(key.get(), KeyType::p256);
  f.public_bits.back() ^= 0x01;
  EXPECT_FALSE(parse_ec_pkcs8_der(f.der()));
  EXPECT_FALSE(decoded(f.der()));
  auto parsed = parse_private_key(f.der(), nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::input);
}

TEST(ParseEcPkcs8, EveryTruncationFailsCleanly) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    const Bytes der = openssl_pkcs8_der(new_key(type).get());
    for (std::size_t len = 0; len < der.size(); ++len) {
      const Bytes cut(der.begin(), der.begin() + static_cast<std::ptrdiff_t>(len));
      EXPECT_FALSE(parse_ec_pkcs8_der(cut)) << len;
      auto parsed = parse_private_key(cut, nullptr);
      ASSERT_FALSE(parsed.ok()) << len;
      EXPECT_EQ(parsed.error().kind, ErrorKind::input) << len;
    }
  }
}

// check(changed, at) for every copy of der with the lowest or the highest bit of one octet
// flipped. The fast paths may decline what OpenSSL takes, never the reverse, and never differ.
template <typename Check>
void each_single_bit_change(const Bytes& der, Check check) {
  for (std::size_t at = 0; at < der.size(); ++at) {
    for (std::uint8_t flip : {0x01, 0x80}) {
      Bytes changed = der;
      changed[at] ^= flip;
      check(changed, at);
    }
  }
}

TEST(ParseEcPkcs8, EverySingleByteChangeAgreesWithTheDecoder) {
  each_single_bit_change(openssl_pkcs8_der(new_key(KeyType::p256).get()), [](const Bytes& changed, std::size_t at) {
    auto fast = parse_ec_pkcs8_der(changed);
    auto reference = decoded(changed);
    if (fast) {
      ASSERT_TRUE(reference) << at;
      EXPECT_EQ(EVP_PKEY_eq(fast.get(), reference.get()), 1) << at;
      EXPECT_EQ(openssl_pkcs8_pem(fast.get()), openssl_pkcs8_pem(reference.get())) << at;
    }
    auto parsed = parse_private_key(changed, nullptr);
    EXPECT_EQ(parsed.ok(), reference != nullptr) << at;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().kind, ErrorKind::input) << at;
    }
  });
}

TEST(ParseEcPkcs8, PemOnlyAsOneHeaderlessPrivateKeyBlock) {
  auto key = new_key(KeyType::p256);
  const std::string pem = openssl_pkcs8_pem(key.get());
  EXPECT_TRUE(parse_ec_pkcs8(as_bytes("Some text before\n" + pem)));
  EXPECT_FALSE(parse_ec_pkcs8(as_bytes(pem + pem))) << "two blocks";
  std::string with_header = pem;
  with_header.insert(with_header.find('\n') + 1, "Comment: hello\n\n");
  EXPECT_FALSE(parse_ec_pkcs8(as_bytes(with_header)));
  std::string relabelled = pem;
  for (auto at = relabelled.find("PRIVATE KEY"); at != std::string::npos; at = relabelled.find("PRIVATE KEY", at + 14))
    relabelled.replace(at, 11, "EC PRIVATE KEY");
  EXPECT_FALSE(parse_ec_pkcs8(as_bytes(relabelled)));
  std::string broken = pem;
  broken[40] = '*';
  EXPECT_FALSE(parse_ec_pkcs8(as_bytes(broken)));
  auto parsed = parse_private_key(as_bytes(broken), nullptr);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.error().kind, ErrorKind::input);
  SecretBytes password("pw");
  const std::string encrypted = must(private_key_to_pem(key.get(), &password), "encrypted");
  EXPECT_FALSE(parse_ec_pkcs8(as_bytes(encrypted)));
}

// --- ec_private_key_pem ---------------------------------------------------------------------

TEST(EcPrivateKeyPem, IsWhatOpenSslWrites) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    for (int i = 0; i < 8; ++i) {
      auto key = new_key(type);
      auto pem = ec_private_key_pem(key.get());
      ASSERT_TRUE(pem) << key_type_name(type);
      EXPECT_EQ(*pem, openssl_pkcs8_pem(key.get()));
      auto parsed = parse_ec_pkcs8(as_bytes(*pem));
      ASSERT_TRUE(parsed);
      auto again = ec_private_key_pem(parsed.get());
      ASSERT_TRUE(again);
      EXPECT_EQ(*again, *pem) << "of a key the fast parser made";
    }
  }
}

TEST(EcPrivateKeyPem, ScalarsWithLeadingZeroBytesArePadded) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    const std::size_t size = type == KeyType::p256 ? 32 : 48;
    EvpPkeyPtr key;
    for (int tries = 0; tries < 20000 && !key; ++tries) {
      auto candidate = new_key(type);
      if (scalar_of(candidate.get(), size)[0] == 0x00) key = std::move(candidate);
    }
    ASSERT_TRUE(key) << "no scalar with a leading zero byte in 20000 keys";
    auto pem = ec_private_key_pem(key.get());
    ASSERT_TRUE(pem);
    EXPECT_EQ(*pem, openssl_pkcs8_pem(key.get()));
    EXPECT_EQ(must(private_key_to_pem(key.get(), nullptr), "to_pem"), *pem);
    auto parsed = parse_ec_pkcs8(as_bytes(*pem));
    ASSERT_TRUE(parsed);
    EXPECT_EQ(EVP_PKEY_eq(parsed.get(), key.get()), 1);
  }
}

// Keys OpenSSL writes another way, and keys that are not P-256/P-384 private keys: declined,
// and private_key_to_pem still writes what OpenSSL writes (or fails as it did).
TEST(EcPrivateKeyPem, DeclinesWhatItCannotWriteExactly) {
  auto p256 = new_key(KeyType::p256);
  Pkcs8Fields without_public = fields_of(p256.get(), KeyType::p256);
  without_public.public_bits.clear();
  std::vector<std::pair<std::string, EvpPkeyPtr>> keys;
  keys.emplace_back("compressed", with_param(KeyType::p256, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"));
  keys.emplace_back("explicit", with_param(KeyType::p384, OSSL_PKEY_PARAM_EC_ENCODING, "explicit"));
  keys.emplace_back("read without its public key", must(parse_private_key(without_public.der(), nullptr), "parse"));
  keys.emplace_back("SEC1 compressed", must(parse_private_key(sec1_der(keys[0].second.get()), nullptr), "parse"));
  keys.emplace_back("P-521", EvpPkeyPtr(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521")));
  keys.emplace_back("Ed25519", new_key(KeyType::ed25519));
  keys.emplace_back("RSA", new_key(KeyType::rsa2048));
  for (const auto& [name, key] : keys) {
    ASSERT_TRUE(key) << name;
    EXPECT_FALSE(ec_private_key_pem(key.get())) << name;
    EXPECT_EQ(must(private_key_to_pem(key.get(), nullptr), name), openssl_pkcs8_pem(key.get())) << name;
  }
  // A legacy EC_KEY-backed key is written the general way, to the same text.
  auto legacy = legacy_ec(p256.get());
  ASSERT_TRUE(legacy);
  EXPECT_EQ(must(private_key_to_pem(legacy.get(), nullptr), "legacy"), openssl_pkcs8_pem(p256.get()));
  // A public key has no private key to write.
  auto public_only = must(parse_public_key(openssl_spki(p256.get())), "public");
  EXPECT_FALSE(ec_private_key_pem(public_only.get()));
  auto r = private_key_to_pem(public_only.get(), nullptr);
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(ec_private_key_pem(nullptr));
}

// --- spki_encodable_key ---------------------------------------------------------------------

TEST(SpkiEncodableKey, EcKeysEncodeToTheSameSubjectPublicKeyInfo) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    auto key = new_key(type);
    const std::string pem = openssl_pkcs8_pem(key.get());
    std::vector<std::pair<std::string, EvpPkeyPtr>> keys;
    keys.emplace_back("generated", test::share(key.get()));
    keys.emplace_back("fast-parsed", parse_ec_pkcs8(as_bytes(pem)));
    keys.emplace_back("decoded", decoded(as_bytes(pem)));
    keys.emplace_back("parse_public_key", must(parse_public_key(openssl_spki(key.get())), "public"));
    for (const auto& [name, k] : keys) {
      ASSERT_TRUE(k) << name;
      auto encodable = spki_encodable_key(k.get());
      ASSERT_TRUE(encodable);
      if (kLegacyEcKeys) {
        EXPECT_NE(encodable.get(), k.get()) << name << ": the legacy path is taken";
        EXPECT_EQ(EVP_PKEY_get0_provider(encodable.get()), nullptr) << name;
      }
      EXPECT_EQ(x509_pubkey_der(encodable.get()), x509_pubkey_der(k.get())) << name;
      EXPECT_EQ(x509_pubkey_der(encodable.get()), openssl_spki(key.get())) << name;
      EXPECT_EQ(EVP_PKEY_eq(encodable.get(), key.get()), 1) << name;
    }
  }
}

TEST(SpkiEncodableKey, OtherKeysAreThemselves) {
  std::vector<std::pair<std::string, EvpPkeyPtr>> keys;
  keys.emplace_back("compressed", with_param(KeyType::p256, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"));
  keys.emplace_back("explicit", with_param(KeyType::p256, OSSL_PKEY_PARAM_EC_ENCODING, "explicit"));
  keys.emplace_back("SEC1 compressed", must(parse_private_key(sec1_der(keys[0].second.get()), nullptr), "parse"));
  keys.emplace_back("legacy", legacy_ec(new_key(KeyType::p384).get()));
  keys.emplace_back("Ed25519", new_key(KeyType::ed25519));
  keys.emplace_back("RSA", new_key(KeyType::rsa2048));
  for (const auto& [name, key] : keys) {
    ASSERT_TRUE(key) << name;
    auto encodable = spki_encodable_key(key.get());
    EXPECT_EQ(encodable.get(), key.get()) << name;
    EXPECT_EQ(x509_pubkey_der(encodable.get()), openssl_spki(key.get())) << name;
  }
  EXPECT_FALSE(spki_encodable_key(nullptr));
}

// A request as iotonb (and so OpenSSL's X509_REQ_sign) makes it: subject, SANs in an
// extensionRequest attribute.
Bytes request_der(EvpPkeyPtr key, std::vector<std::string> sans = {"DNS:dev1.example"}) {
  auto subject = must(parse_name("O=Acme,serialNumber=SN-0001"), "subject");
  auto signer = memory_signer(std::move(key), "memory:device");
  return csr_der(must(create_csr({subject.get(), std::move(sans)}, *signer), "create_csr").get());
}

core::X509ReqPtr d2i_request(ByteView der) {
  const unsigned char* p = der.data();
  core::X509ReqPtr req(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
  return req && p == der.data() + der.size() ? std::move(req) : nullptr;
}

TEST(ParseEcCsr, RequestsTakeTheFastPathAndEqualWhatD2iReads) {
  if (!kLegacyEcKeys) GTEST_SKIP() << "built without the EC_KEY API";
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    for (const auto& sans : {std::vector<std::string>{}, std::vector<std::string>{"DNS:dev1.example", "IP:192.0.2.7"}}) {
      const Bytes der = request_der(new_key(type), sans);
      auto fast = parse_ec_csr_der(der);
      auto reference = d2i_request(der);
      ASSERT_TRUE(fast) << key_type_name(type);
      ASSERT_TRUE(reference);
      EXPECT_EQ(csr_der(fast.get()), der);
      EXPECT_EQ(X509_NAME_cmp(X509_REQ_get_subject_name(fast.get()), X509_REQ_get_subject_name(reference.get())), 0);
      EXPECT_EQ(EVP_PKEY_eq(X509_REQ_get0_pubkey(fast.get()), X509_REQ_get0_pubkey(reference.get())), 1);
      EXPECT_EQ(X509_REQ_get_attr_count(fast.get()), X509_REQ_get_attr_count(reference.get()));
      EXPECT_EQ(X509_REQ_verify(fast.get(), X509_REQ_get0_pubkey(fast.get())), 1);
      auto parsed = must(parse_csr(der), "parse_csr");  // and parse_csr takes it
      EXPECT_EQ(csr_der(parsed.get()), der);
    }
  }
}

TEST(ParseEcCsr, DeclinesOtherKeysAndShapes) {
  EXPECT_FALSE(parse_ec_csr_der(request_der(new_key(KeyType::ed25519))));
  EXPECT_FALSE(parse_ec_csr_der(request_der(new_key(KeyType::rsa2048))));
  EXPECT_FALSE(parse_ec_csr_der(request_der(with_param(KeyType::p256, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, "compressed"))));
  const Bytes der = request_der(new_key(KeyType::p256));
  Bytes trailing = der;
  trailing.push_back(0x00);
  EXPECT_FALSE(parse_ec_csr_der(trailing));
  // The same request with its length in one octet more than DER allows (BER): 0x82 HH LL
  // becomes 0x83 00 HH LL. d2i_X509_REQ takes that; the fast path leaves it to d2i.
  ASSERT_TRUE(der[1] == 0x81 || der[1] == 0x82);
  Bytes ber = {0x30, static_cast<std::uint8_t>(der[1] + 1), 0x00};
  ber.insert(ber.end(), der.begin() + 2, der.end());
  ASSERT_TRUE(d2i_request(ber));
  EXPECT_FALSE(parse_ec_csr_der(ber));
  EXPECT_FALSE(parse_ec_csr_der({}));
}

TEST(ParseEcCsr, EverySingleByteChangeAgreesWithD2i) {
  each_single_bit_change(request_der(new_key(KeyType::p256)), [](const Bytes& changed, std::size_t at) {
    auto fast = parse_ec_csr_der(changed);
    auto reference = d2i_request(changed);
    if (fast) {
      ASSERT_TRUE(reference) << at;
      EXPECT_EQ(csr_der(fast.get()), csr_der(reference.get())) << at;
      EXPECT_EQ(EVP_PKEY_eq(X509_REQ_get0_pubkey(fast.get()), X509_REQ_get0_pubkey(reference.get())), 1) << at;
    }
    const bool reference_ok = reference && X509_REQ_verify(reference.get(), X509_REQ_get0_pubkey(reference.get())) == 1;
    EXPECT_EQ(parse_csr(changed).ok(), reference_ok) << at;
  });
}

}  // namespace
}  // namespace iotonb::pki
