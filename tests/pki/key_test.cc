// lib/pki/key.h and lib/pki/signer.h: key generation, the containers parse_private_key and
// parse_public_key accept, PKCS#8 PBES2/AES-256-CBC encryption (checked structurally), and
// the password errors an operator sees.
#include "pki/key.h"

#include <openssl/core_names.h>
#include <openssl/pem.h>

#include <cstring>
#include <filesystem>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/signer.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::must;
using test::new_key;

std::string pem_of(BIO* bio) {
  Bytes b = core::bio_contents(bio);
  return std::string(b.begin(), b.end());
}

TEST(KeyTypes, Names) {
  EXPECT_EQ(key_type_names(), (std::vector<std::string>{"p256", "p384", "ed25519", "rsa2048", "rsa3072"}));
  EXPECT_EQ(key_type_name(KeyType::p384), "p384");
  EXPECT_EQ(key_type_name(kDefaultKeyType), "p256");
  for (const auto& name : key_type_names()) {
    auto t = parse_key_type(name);
    ASSERT_TRUE(t.ok()) << name;
    EXPECT_EQ(key_type_name(*t), name);
  }
}

TEST(KeyTypes, UnknownNameIsAUsageError) {
  for (const char* bad : {"p521", "P256", "rsa", "", "ed448", "rsa4096"}) {
    auto t = parse_key_type(bad);
    ASSERT_FALSE(t.ok()) << bad;
    EXPECT_EQ(t.error().kind, ErrorKind::usage);
    EXPECT_NE(t.error().message.find(std::string("\"") + bad + "\""), std::string::npos) << t.error().message;
  }
}

TEST(GenerateKey, EveryTypeDescribesItself) {
  const std::pair<KeyType, const char*> kCases[] = {{KeyType::p256, "EC P-256"},
                                                    {KeyType::p384, "EC P-384"},
                                                    {KeyType::ed25519, "Ed25519"},
                                                    {KeyType::rsa2048, "RSA 2048"},
                                                    {KeyType::rsa3072, "RSA 3072"}};
  for (auto [type, description] : kCases) {
    auto key = new_key(type);
    ASSERT_TRUE(key);
    EXPECT_EQ(describe_key(key.get()), description);
    EXPECT_EQ(is_rsa(key.get()), type == KeyType::rsa2048 || type == KeyType::rsa3072) << description;
  }
}

TEST(GenerateKey, DefaultDigests) {
  EXPECT_EQ(default_digest(new_key(KeyType::p256).get()), EVP_sha256());
  EXPECT_EQ(default_digest(new_key(KeyType::p384).get()), EVP_sha384());
  EXPECT_EQ(default_digest(new_key(KeyType::ed25519).get()), nullptr);
  EXPECT_EQ(default_digest(new_key(KeyType::rsa2048).get()), EVP_sha256());
}

TEST(GenerateKey, KeysDiffer) {
  auto a = new_key();
  auto b = new_key();
  EXPECT_FALSE(same_public_key(a.get(), b.get()));
  EXPECT_TRUE(same_public_key(a.get(), a.get()));
}

TEST(PrivateKeyPem, PlainPkcs8RoundTrip) {
  for (KeyType type : {KeyType::p256, KeyType::p384, KeyType::ed25519, KeyType::rsa2048}) {
    auto key = new_key(type);
    std::string pem = must(private_key_to_pem(key.get(), nullptr), "to_pem");
    EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << pem.substr(0, 40);
    auto back = parse_private_key(as_bytes(pem), nullptr);
    ASSERT_TRUE(back.ok()) << back.error().message;
    EXPECT_TRUE(same_public_key(back->get(), key.get()));
    EXPECT_EQ(describe_key(back->get()), describe_key(key.get()));
  }
}

TEST(PrivateKeyDer, Pkcs8RoundTrip) {
  auto key = new_key(KeyType::p384);
  Bytes der = must(private_key_to_der(key.get(), nullptr), "to_der");
  ASSERT_FALSE(der.empty());
  EXPECT_EQ(der[0], 0x30);
  auto back = parse_private_key(der, nullptr);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(same_public_key(back->get(), key.get()));
}

// P-256 and P-384 keys are written and read without OpenSSL's encoder and decoder
// (lib/pki/ec_fast_path.h): byte for byte what they write, and the same keys back.
TEST(PrivateKeyPem, EcIsWhatOpenSslWritesAndReadsBackAsTheSameKey) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    for (int i = 0; i < 4; ++i) {
      auto key = new_key(type);
      core::BioPtr bio(BIO_new(BIO_s_mem()));
      ASSERT_EQ(PEM_write_bio_PKCS8PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
      const std::string pem = must(private_key_to_pem(key.get(), nullptr), "to_pem");
      EXPECT_EQ(pem, pem_of(bio.get()));
      auto back = must(parse_private_key(as_bytes(pem), nullptr), "parse pem");
      EXPECT_TRUE(same_public_key(back.get(), key.get()));
      EXPECT_EQ(must(private_key_to_pem(back.get(), nullptr), "again"), pem);
      const Bytes der = must(private_key_to_der(key.get(), nullptr), "to_der");
      auto from_der = must(parse_private_key(der, nullptr), "parse der");
      EXPECT_EQ(must(private_key_to_pem(from_der.get(), nullptr), "from der"), pem);
      auto signer = memory_signer(std::move(back), "memory:back");
      auto signature = must(signer->sign(Bytes{1, 2, 3}), "sign");
      core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
      const Bytes data = {1, 2, 3};
      ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, default_digest(key.get()), nullptr, key.get()), 1);
      EXPECT_EQ(EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size()), 1);
    }
  }
}

// EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm AlgorithmIdentifier, encryptedData OCTET STRING }
// with PBES2 { PBKDF2 { salt, iterations, [keyLength], prf hmacWithSHA256 }, aes256-CBC { iv } } (RFC 8018).
TEST(PrivateKeyPem, EncryptedIsPbes2Pbkdf2HmacSha256Aes256Cbc) {
  namespace der = core::der;
  auto key = new_key();
  SecretBytes password("correct horse battery");
  std::string pem = must(private_key_to_pem(key.get(), &password), "to_pem");
  EXPECT_EQ(pem.rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 0), 0u);
  auto blocks = must(core::parse_pem(pem), "parse_pem");
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(blocks[0].label, "ENCRYPTED PRIVATE KEY");

  auto oid_at = [](der::Reader& r) { return must(der::oid_to_text(must(r.expect(der::kOid, "oid"), "oid")), "oid text"); };
  der::Reader outer(blocks[0].der);
  der::Reader epki(must(outer.expect(der::kSequence, "EncryptedPrivateKeyInfo"), "epki"));
  EXPECT_TRUE(outer.empty());
  der::Reader alg(must(epki.expect(der::kSequence, "encryptionAlgorithm"), "alg"));
  EXPECT_EQ(oid_at(alg), "1.2.840.113549.1.5.13");  // id-PBES2
  der::Reader pbes2(must(alg.expect(der::kSequence, "PBES2-params"), "pbes2"));
  der::Reader kdf(must(pbes2.expect(der::kSequence, "keyDerivationFunc"), "kdf"));
  EXPECT_EQ(oid_at(kdf), "1.2.840.113549.1.5.12");  // id-PBKDF2
  der::Reader kdf_params(must(kdf.expect(der::kSequence, "PBKDF2-params"), "pbkdf2"));
  auto salt = must(kdf_params.expect(der::kOctetString, "salt"), "salt");
  EXPECT_GE(salt.size(), 8u);
  auto iterations = must(kdf_params.expect(0x02, "iterationCount"), "iterations");
  std::uint64_t iter = 0;
  for (auto b : iterations) iter = iter << 8 | b;
  EXPECT_GE(iter, 2048u);
  // keyLength is optional; prf must be hmacWithSHA256 (the default would be hmacWithSHA1).
  auto next = must(kdf_params.next(), "PBKDF2 next");
  if (next.tag == 0x02) next = must(kdf_params.next(), "prf");
  ASSERT_EQ(next.tag, der::kSequence);
  der::Reader prf(next.content);
  EXPECT_EQ(oid_at(prf), "1.2.840.113549.2.9");  // hmacWithSHA256
  der::Reader enc(must(pbes2.expect(der::kSequence, "encryptionScheme"), "enc"));
  EXPECT_EQ(oid_at(enc), "2.16.840.1.101.3.4.1.42");  // aes256-CBC
  auto iv = must(enc.expect(der::kOctetString, "iv"), "iv");
  EXPECT_EQ(iv.size(), 16u);
  auto data = must(epki.expect(der::kOctetString, "encryptedData"), "data");
  EXPECT_EQ(data.size() % 16, 0u);
  EXPECT_TRUE(epki.empty());
}

TEST(PrivateKeyPem, EncryptedRoundTripWithPassword) {
  auto key = new_key(KeyType::ed25519);
  SecretBytes password("correct horse battery");
  std::string pem = must(private_key_to_pem(key.get(), &password), "to_pem");
  SecretBytes same("correct horse battery");
  auto back = parse_private_key(as_bytes(pem), &same);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(same_public_key(back->get(), key.get()));
}

TEST(ParsePrivateKeyRejects, EncryptedWithoutPassword) {
  auto key = new_key();
  SecretBytes password("correct horse battery");
  std::string pem = must(private_key_to_pem(key.get(), &password), "to_pem");
  auto r = parse_private_key(as_bytes(pem), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, "private key is encrypted and no password was given");
  SecretBytes empty;
  r = parse_private_key(as_bytes(pem), &empty);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "private key is encrypted and no password was given");
}

TEST(ParsePrivateKeyRejects, WrongPassword) {
  auto key = new_key();
  SecretBytes password("correct horse battery");
  std::string pem = must(private_key_to_pem(key.get(), &password), "to_pem");
  SecretBytes wrong("incorrect horse battery");
  auto r = parse_private_key(as_bytes(pem), &wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, "cannot decrypt the private key: wrong password or damaged file");
  EXPECT_NE(r.error().message.find("password"), std::string::npos);
}

TEST(ParsePrivateKeyRejects, EncryptedDerWithoutPasswordFailsCleanly) {
  auto key = new_key();
  const char* pw = "correct horse battery";
  SecretBytes password(pw);
  Bytes der = must(private_key_to_der(key.get(), &password), "to_der");
  // key.h: "a missing or wrong password is an input error that says so", for DER as for PEM.
  auto r = parse_private_key(der, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, "private key is encrypted and no password was given");
  SecretBytes wrong("nope-nope-nope");
  r = parse_private_key(der, &wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, "cannot decrypt the private key: wrong password or damaged file");
  SecretBytes right(pw);
  r = parse_private_key(der, &right);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same_public_key(r->get(), key.get()));
}

TEST(ParsePrivateKey, LegacyEncryptedPemNeedsTheRightPassword) {
  auto key = new_key(KeyType::rsa2048);
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  const char* pw = "legacy-password";
  ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), EVP_aes_256_cbc(),
                                                  reinterpret_cast<const unsigned char*>(pw),
                                                  static_cast<int>(std::strlen(pw)), nullptr, nullptr),
            1);
  std::string pem = pem_of(bio.get());
  ASSERT_NE(pem.find("Proc-Type: 4,ENCRYPTED"), std::string::npos);
  auto r = parse_private_key(as_bytes(pem), nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "private key is encrypted and no password was given");
  SecretBytes wrong("wrong-password");
  r = parse_private_key(as_bytes(pem), &wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "cannot decrypt the private key: wrong password or damaged file");
  SecretBytes right(pw);
  r = parse_private_key(as_bytes(pem), &right);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(same_public_key(r->get(), key.get()));
}

TEST(ParsePrivateKey, TraditionalContainers) {
  // PKCS#1 "RSA PRIVATE KEY" and SEC1 "EC PRIVATE KEY"
  for (KeyType type : {KeyType::rsa2048, KeyType::p256}) {
    auto key = new_key(type);
    core::BioPtr bio(BIO_new(BIO_s_mem()));
    ASSERT_EQ(PEM_write_bio_PrivateKey_traditional(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr), 1);
    std::string pem = pem_of(bio.get());
    EXPECT_NE(pem.find(type == KeyType::p256 ? "BEGIN EC PRIVATE KEY" : "BEGIN RSA PRIVATE KEY"), std::string::npos);
    auto r = parse_private_key(as_bytes(pem), nullptr);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(same_public_key(r->get(), key.get()));
  }
}

// The key type read from a PKCS#8 algorithm only speeds the decode up: a type it does not
// name (X25519, Ed448) and a DER key decode as before.
TEST(ParsePrivateKey, KeyTypesBeyondTheHintsStillDecode) {
  for (const char* type : {"X25519", "ED448", "ED25519"}) {
    core::EvpPkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, type));
    ASSERT_TRUE(key) << type;
    std::string pem = must(private_key_to_pem(key.get(), nullptr), "to_pem");
    Bytes der = must(private_key_to_der(key.get(), nullptr), "to_der");
    for (ByteView input : {as_bytes(pem), ByteView(der)}) {
      auto back = parse_private_key(input, nullptr);
      ASSERT_TRUE(back.ok()) << type << ": " << back.error().message;
      EXPECT_TRUE(same_public_key(back->get(), key.get())) << type;
    }
  }
}

TEST(ParsePrivateKey, PasswordIgnoredForPlainKey) {
  auto key = new_key();
  std::string pem = must(private_key_to_pem(key.get(), nullptr), "to_pem");
  SecretBytes password("unused-password");
  auto r = parse_private_key(as_bytes(pem), &password);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(ParsePrivateKeyRejects, NotAKey) {
  for (std::string_view bad : {std::string_view("hello"), std::string_view(""),
                               std::string_view("-----BEGIN PRIVATE KEY-----\nMAMCAQE=\n-----END PRIVATE KEY-----\n")}) {
    auto r = parse_private_key(as_bytes(bad), nullptr);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::input);
    EXPECT_EQ(r.error().message, "not a private key (expected PKCS#8, SEC1 or PKCS#1 in PEM or DER)");
  }
}

TEST(ParsePrivateKeyRejects, PublicKeyIsNotAPrivateKey) {
  auto key = new_key();
  std::string pub = must(public_key_to_pem(key.get()), "pub");
  EXPECT_FALSE(parse_private_key(as_bytes(pub), nullptr).ok());
}

TEST(ParsePrivateKey, VectorSec1Key) {
  IOTONB_REQUIRE_VECTORS(dir);
  Bytes pem = test::read_bytes(dir + "/brski/rfc8995/idevid_00-D0-E5-F2-00-02.key");
  auto key = parse_private_key(pem, nullptr);
  ASSERT_TRUE(key.ok()) << key.error().message;
  EXPECT_EQ(describe_key(key->get()), "EC P-256");
  auto cert = test::vector_cert(dir, "brski/rfc8995/idevid_00-D0-E5-F2-00-02.crt");
  EXPECT_TRUE(same_public_key(key->get(), X509_get0_pubkey(cert.get())));
  auto vendor = parse_private_key(test::read_bytes(dir + "/brski/rfc8995/vendor.key"), nullptr);
  ASSERT_TRUE(vendor.ok());
  EXPECT_EQ(describe_key(vendor->get()), "EC P-384");
}

TEST(ParsePublicKey, EveryContainer) {
  auto key = new_key();
  std::string spki_pem = must(public_key_to_pem(key.get()), "pub pem");
  EXPECT_EQ(spki_pem.rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  Bytes spki_der = must(public_key_to_der(key.get()), "pub der");
  std::string priv_pem = must(private_key_to_pem(key.get(), nullptr), "priv");
  auto root = test::make_root();
  std::string cert_pem = certificate_pem(root.cert.get());
  Bytes cert_der = certificate_der(root.cert.get());

  Bytes priv_der = must(private_key_to_der(key.get(), nullptr), "priv der");
  const std::pair<const char*, ByteView> kInputs[] = {
      {"SPKI PEM", as_bytes(spki_pem)},         {"SPKI DER", spki_der},          {"PKCS#8 PEM", as_bytes(priv_pem)},
      {"PKCS#8 DER", priv_der},                 {"certificate PEM", as_bytes(cert_pem)}, {"certificate DER", cert_der}};
  for (const auto& [what, input] : kInputs) {
    auto pub = parse_public_key(input);
    ASSERT_TRUE(pub.ok()) << what << ": " << pub.error().message;
    ASSERT_TRUE(*pub) << what;
    const bool from_cert = std::string_view(what).rfind("certificate", 0) == 0;
    EXPECT_TRUE(same_public_key(pub->get(), from_cert ? root.key.get() : key.get())) << what;
  }
}

TEST(ParsePublicKeyRejects, Garbage) {
  for (std::string_view bad : {std::string_view("nothing"), std::string_view(""),
                               std::string_view("-----BEGIN PUBLIC KEY-----\nMAMCAQE=\n-----END PUBLIC KEY-----\n")}) {
    auto r = parse_public_key(as_bytes(bad));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::input);
    EXPECT_EQ(r.error().message, "not a public key, certificate or private key");
  }
}

TEST(PublicKey, DerIsSubjectPublicKeyInfo) {
  auto key = new_key(KeyType::ed25519);
  Bytes der = must(public_key_to_der(key.get()), "der");
  // Ed25519 SPKI is always 44 bytes: 30 2a 30 05 06 03 2b 65 70 03 21 00 || 32-byte key
  ASSERT_EQ(der.size(), 44u);
  EXPECT_EQ(core::to_hex(ByteView(der.data(), 12)), "302a300506032b6570032100");
}

class SignerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "iotonb-signer-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(SignerTest, OpensEncryptedKeyFileAndSigns) {
  auto key = new_key();
  SecretBytes password("correct horse battery");
  std::string pem = must(private_key_to_pem(key.get(), &password), "pem");
  std::string path = dir_ + "/ca.key";
  ASSERT_TRUE(core::write_output(path, pem, {0600, false}).ok());

  SecretBytes pw("correct horse battery");
  for (const std::string& ref : {path, "file:" + path}) {
    auto signer = open_signer(ref, &pw);
    ASSERT_TRUE(signer.ok()) << signer.error().message;
    EXPECT_EQ((*signer)->reference(), "file:" + path);
    EXPECT_TRUE(same_public_key((*signer)->key(), key.get()));
    std::string message = "sign me";
    Bytes sig = must((*signer)->sign(as_bytes(message)), "sign");
    core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()), 1);
    EXPECT_EQ(EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(message.data()),
                               message.size()),
              1);
  }
}

TEST_F(SignerTest, WrongPasswordNamesTheFile) {
  auto key = new_key();
  SecretBytes password("correct horse battery");
  std::string path = dir_ + "/ca.key";
  ASSERT_TRUE(core::write_output(path, must(private_key_to_pem(key.get(), &password), "pem"), {0600, false}).ok());
  SecretBytes wrong("wrong horse battery");
  auto signer = open_signer(path, &wrong);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.error().kind, ErrorKind::input);
  EXPECT_EQ(signer.error().message, path + ": cannot decrypt the private key: wrong password or damaged file");
  signer = open_signer(path, nullptr);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.error().message, path + ": private key is encrypted and no password was given");
}

TEST_F(SignerTest, Ed25519SignaturesVerify) {
  auto signer = memory_signer(new_key(KeyType::ed25519), "memory:ed");
  EXPECT_EQ(signer->reference(), "memory:ed");
  std::string message = "ed25519 message";
  Bytes sig = must(signer->sign(as_bytes(message)), "sign");
  EXPECT_EQ(sig.size(), 64u);
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, signer->key()), 1);
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()),
            1);
}

TEST_F(SignerTest, UnsupportedSchemeIsAUsageError) {
  auto signer = open_signer("pkcs11:token=factory;object=ca", nullptr);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.error().kind, ErrorKind::usage);
  EXPECT_NE(signer.error().message.find("pkcs11: scheme is not supported"), std::string::npos) << signer.error().message;
}

TEST_F(SignerTest, MissingFileIsAnIoError) {
  auto signer = open_signer(dir_ + "/missing.key", nullptr);
  ASSERT_FALSE(signer.ok());
  EXPECT_EQ(signer.error().kind, ErrorKind::io);
  EXPECT_NE(signer.error().message.find(dir_ + "/missing.key"), std::string::npos);
}

}  // namespace
}  // namespace iotonb::pki
