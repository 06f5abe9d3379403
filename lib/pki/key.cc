#include "pki/key.h"

#include <openssl/core_names.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/pem.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/ec_fast_path.h"

namespace iotonb::pki {
namespace {

using core::EvpPkeyPtr;
using core::openssl_errors;

struct KeyTypeInfo {
  KeyType type;
  const char* name;
};
constexpr KeyTypeInfo kKeyTypes[] = {
    {KeyType::p256, "p256"},       {KeyType::p384, "p384"},       {KeyType::ed25519, "ed25519"},
    {KeyType::rsa2048, "rsa2048"}, {KeyType::rsa3072, "rsa3072"},
};

int password_callback(char* buf, int size, int /*rwflag*/, void* user) {
  const auto* password = static_cast<const SecretBytes*>(user);
  if (password == nullptr || password->size() > static_cast<std::size_t>(size)) return -1;
  std::copy(password->data(), password->data() + password->size(), buf);
  return static_cast<int>(password->size());
}

// Tries the decoder for one input structure and, when known, key type; OSSL_DECODER handles
// PEM and DER alike.
EvpPkeyPtr decode_key(ByteView data, int selection, const char* structure, const SecretBytes* password,
                      const char* key_type = nullptr) {
  EVP_PKEY* pkey = nullptr;
  OSSL_DECODER_CTX* raw = OSSL_DECODER_CTX_new_for_pkey(&pkey, nullptr, structure, key_type, selection, nullptr, nullptr);
  if (raw == nullptr) return nullptr;
  core::OsslPtr<OSSL_DECODER_CTX, OSSL_DECODER_CTX_free> ctx(raw);
  if (password != nullptr) OSSL_DECODER_CTX_set_passphrase(ctx.get(), password->data(), password->size());
  const unsigned char* p = data.data();
  std::size_t len = data.size();
  if (!OSSL_DECODER_from_data(ctx.get(), &p, &len)) return nullptr;
  return EvpPkeyPtr(pkey);
}

// The dotted OID an AlgorithmIdentifier's content starts with.
std::optional<std::string> algorithm_oid(ByteView identifier) {
  core::der::Reader alg(identifier);
  auto oid = alg.expect(core::der::kOid, "algorithm");
  if (!oid) return std::nullopt;
  auto text = core::der::oid_to_text(*oid);
  if (!text) return std::nullopt;
  return std::move(text).value();
}

// DER EncryptedPrivateKeyInfo (RFC 5958 3): SEQUENCE { AlgorithmIdentifier (a PKCS#5 or
// PKCS#12 PBE scheme), OCTET STRING }. Plain PKCS#8, SEC1 and PKCS#1 keys start with an INTEGER.
bool is_encrypted_der(ByteView data) {
  namespace der = core::der;
  der::Reader outer(data);
  auto body = outer.expect(der::kSequence, "EncryptedPrivateKeyInfo");
  if (!body || !outer.empty()) return false;
  der::Reader fields(*body);
  auto algorithm = fields.expect(der::kSequence, "encryptionAlgorithm");
  if (!algorithm || !fields.expect(der::kOctetString, "encryptedData") || !fields.empty()) return false;
  auto text = algorithm_oid(*algorithm);
  return text && (text->rfind("1.2.840.113549.1.5.", 0) == 0 || text->rfind("1.2.840.113549.1.12.1.", 0) == 0);
}

// OpenSSL's name for the key type a PKCS#8 PrivateKeyInfo (RFC 5958 2) names in its
// AlgorithmIdentifier, or null: SEQUENCE { INTEGER version, SEQUENCE { OID, ... }, ... }.
const char* pkcs8_key_type(ByteView der) {
  namespace d = core::der;
  d::Reader outer(der);
  auto body = outer.expect(d::kSequence, "PrivateKeyInfo");
  if (!body) return nullptr;
  d::Reader fields(*body);
  auto version = fields.next();
  if (!version || version->tag != 0x02) return nullptr;  // INTEGER
  auto identifier = fields.expect(d::kSequence, "privateKeyAlgorithm");
  if (!identifier) return nullptr;
  auto text = algorithm_oid(*identifier);
  if (!text) return nullptr;
  static constexpr std::pair<std::string_view, const char*> kTypes[] = {
      {"1.2.840.10045.2.1", "EC"},  {"1.3.101.112", "ED25519"},         {"1.3.101.113", "ED448"},
      {"1.2.840.113549.1.1.1", "RSA"}, {"1.2.840.113549.1.1.10", "RSA-PSS"},
  };
  for (const auto& [dotted, name] : kTypes)
    if (*text == dotted) return name;
  return nullptr;
}

// The key type of an unencrypted private key, read from its PEM label or PKCS#8 algorithm, or
// null when it does not say. OpenSSL 3's decoder, not told the type, tries every key
// manager's decoders; told it, it sets up a few, which makes the decode about three times
// cheaper (a pledge opens its IDevID key in every session).
const char* private_key_type(ByteView data) {
  if (!core::looks_like_pem(data)) return pkcs8_key_type(data);
  auto blocks = core::parse_pem(as_chars(data));
  if (!blocks || blocks->size() != 1) return nullptr;
  core::PemBlock& block = blocks->front();
  const char* type = nullptr;
  if (block.label == "PRIVATE KEY") type = pkcs8_key_type(block.der);
  else if (block.label == "EC PRIVATE KEY") type = "EC";
  else if (block.label == "RSA PRIVATE KEY") type = "RSA";
  OPENSSL_cleanse(block.der.data(), block.der.size());
  return type;
}

// The DER pieces of an EC key that depend only on its curve.
struct EcCurve {
  std::size_t scalar_size;
  std::size_t point_size;
  ByteView algorithm;  // AlgorithmIdentifier { id-ecPublicKey, namedCurve }
};

// SEQUENCE { 1.2.840.10045.2.1, 1.2.840.10045.3.1.7 } and { ..., 1.3.132.0.34 }
constexpr std::uint8_t kP256Algorithm[] = {0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01,
                                           0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
constexpr std::uint8_t kP384Algorithm[] = {0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d,
                                           0x02, 0x01, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};

constexpr std::uint8_t kVersion0[] = {0x02, 0x01, 0x00};  // INTEGER 0
constexpr std::uint8_t kVersion1[] = {0x02, 0x01, 0x01};  // INTEGER 1

Result<EcCurve> ec_curve(KeyType curve, ByteView point) {
  EcCurve c;
  switch (curve) {
    case KeyType::p256: c = {32, 65, kP256Algorithm}; break;
    case KeyType::p384: c = {48, 97, kP384Algorithm}; break;
    default: return usage_error("not an EC key type: " + std::string(key_type_name(curve)));
  }
  if (point.size() != c.point_size || point[0] != 0x04) return usage_error("EC public key: not an uncompressed point");
  return c;
}

// Writes a DER header into a buffer sized by the caller; the encodings here are all shorter
// than 64 KiB. Secret-bearing structures are written this way, in place, so no temporary
// copy of the key is left behind unwiped.
std::uint8_t* put_header(std::uint8_t* p, std::uint8_t tag, std::size_t length) {
  *p++ = tag;
  if (length >= 0x100) {
    *p++ = 0x82;
    *p++ = static_cast<std::uint8_t>(length >> 8);
  } else if (length >= 0x80) {
    *p++ = 0x81;
  }
  *p++ = static_cast<std::uint8_t>(length);
  return p;
}

std::size_t header_size(std::size_t length) { return length >= 0x100 ? 4 : length >= 0x80 ? 3 : 2; }

std::uint8_t* put(std::uint8_t* p, ByteView data) { return std::copy(data.begin(), data.end(), p); }

}  // namespace

Result<Bytes> ec_public_key_der(KeyType curve, ByteView point) {
  IOTONB_ASSIGN_OR_RETURN(EcCurve c, ec_curve(curve, point));
  const std::size_t bits = 1 + point.size();  // no unused bits, then the point
  const std::size_t body = c.algorithm.size() + header_size(bits) + bits;
  Bytes out(header_size(body) + body);
  std::uint8_t* p = put_header(out.data(), 0x30, body);
  p = put(p, c.algorithm);
  p = put_header(p, 0x03, bits);
  *p++ = 0x00;
  put(p, point);
  return out;
}

Result<SecretBytes> ec_private_key_der(KeyType curve, ByteView scalar, ByteView point) {
  IOTONB_ASSIGN_OR_RETURN(EcCurve c, ec_curve(curve, point));
  if (scalar.size() != c.scalar_size) return usage_error("EC private key: the scalar has the wrong length");
  // ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, publicKey [1] BIT STRING }
  const std::size_t bits = 1 + point.size();
  const std::size_t public_key = header_size(bits) + bits;
  const std::size_t ec_body = 3 + header_size(scalar.size()) + scalar.size() + header_size(public_key) + public_key;
  const std::size_t ec_key = header_size(ec_body) + ec_body;
  // PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, privateKey OCTET STRING }
  const std::size_t body = 3 + c.algorithm.size() + header_size(ec_key) + ec_key;
  std::uint8_t buffer[256];
  const std::size_t total = header_size(body) + body;
  if (total > sizeof buffer) return internal_error("EC private key: too long");
  std::uint8_t* p = put_header(buffer, 0x30, body);
  p = put(p, kVersion0);
  p = put(p, c.algorithm);
  p = put_header(p, 0x04, ec_key);
  p = put_header(p, 0x30, ec_body);
  p = put(p, kVersion1);
  p = put_header(p, 0x04, scalar.size());
  p = put(p, scalar);
  p = put_header(p, 0xa1, public_key);
  p = put_header(p, 0x03, bits);
  *p++ = 0x00;
  put(p, point);
  SecretBytes out(as_chars(ByteView(buffer, total)));
  OPENSSL_cleanse(buffer, sizeof buffer);
  return out;
}

bool is_encrypted_private_key(ByteView data) {
  auto text = as_chars(data);
  return text.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos ||
         text.find("Proc-Type: 4,ENCRYPTED") != std::string_view::npos || is_encrypted_der(data);
}

const std::vector<std::string>& key_type_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& k : kKeyTypes) v.emplace_back(k.name);
    return v;
  }();
  return names;
}

std::string_view key_type_name(KeyType type) {
  for (const auto& k : kKeyTypes)
    if (k.type == type) return k.name;
  return "?";
}

Result<KeyType> parse_key_type(std::string_view name) {
  for (const auto& k : kKeyTypes)
    if (name == k.name) return k.type;
  return usage_error("unknown key type \"" + std::string(name) + "\" (use p256, p384, ed25519, rsa2048 or rsa3072)");
}

Result<EvpPkeyPtr> generate_key(KeyType type) {
  EVP_PKEY* key = nullptr;
  switch (type) {
    case KeyType::p256: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"); break;
    case KeyType::p384: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"); break;
    case KeyType::ed25519: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"); break;
    case KeyType::rsa2048: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)); break;
    case KeyType::rsa3072: key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(3072)); break;
  }
  if (key == nullptr) return internal_error("key generation failed: " + openssl_errors());
  return EvpPkeyPtr(key);
}

Result<EvpPkeyPtr> parse_private_key(ByteView data, const SecretBytes* password) {
  const bool encrypted = is_encrypted_private_key(data);
  if (encrypted && (password == nullptr || password->empty()))
    return input_error("private key is encrypted and no password was given");
  // P-256 and P-384 keys as OpenSSL writes them skip the decoder (ec_fast_path.h); the typed
  // decode is another shortcut: whatever neither takes gets the general decoder.
  if (!encrypted)
    if (EvpPkeyPtr key = parse_ec_pkcs8(data)) return key;
  EvpPkeyPtr key;
  if (const char* type = encrypted ? nullptr : private_key_type(data))
    key = decode_key(data, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr, type);
  if (!key) key = decode_key(data, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, password);
  core::openssl_errors();  // the decoder leaves failed attempts on the queue
  if (!key) {
    if (encrypted) return input_error("cannot decrypt the private key: wrong password or damaged file");
    return input_error("not a private key (expected PKCS#8, SEC1 or PKCS#1 in PEM or DER)");
  }
  return key;
}

Result<EvpPkeyPtr> parse_public_key(ByteView data) {
  if (EvpPkeyPtr key = decode_key(data, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, nullptr, nullptr)) {
    core::openssl_errors();
    return key;
  }
  core::openssl_errors();
  // An unencrypted private key stands for its public half (the header promises it); only the
  // public half leaves this function.
  if (!is_encrypted_private_key(data)) {
    if (EvpPkeyPtr key = decode_key(data, OSSL_KEYMGMT_SELECT_KEYPAIR, nullptr, nullptr)) {
      core::openssl_errors();
      if (auto spki = public_key_to_der(key.get()))
        if (EvpPkeyPtr pub = decode_key(*spki, OSSL_KEYMGMT_SELECT_PUBLIC_KEY, "SubjectPublicKeyInfo", nullptr)) return pub;
      core::openssl_errors();
      return input_error("cannot extract the public key from the private key");
    }
    core::openssl_errors();
  }
  // A certificate stands for its key.
  auto bio = core::memory_bio(data);
  core::X509Ptr cert(core::looks_like_pem(data) ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)
                                                : d2i_X509_bio(bio.get(), nullptr));
  core::openssl_errors();
  if (cert) {
    // X509_get_pubkey is null when OpenSSL cannot decode the certificate's key (unknown algorithm).
    if (EVP_PKEY* key = X509_get_pubkey(cert.get())) return EvpPkeyPtr(key);
    core::openssl_errors();
    return input_error("certificate: unsupported or malformed public key");
  }
  return input_error("not a public key, certificate or private key");
}

Result<std::string> private_key_to_pem(EVP_PKEY* key, const SecretBytes* password) {
  if (password == nullptr)
    if (auto pem = ec_private_key_pem(key)) return std::move(*pem);  // without the encoder, ec_fast_path.h
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  int ok;
  if (password != nullptr) {
    // PEM_write_bio_PKCS8PrivateKey with a cipher produces PBES2 with PBKDF2 (HMAC-SHA256 in
    // OpenSSL 3) and AES-256-CBC.
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, EVP_aes_256_cbc(), nullptr, 0, password_callback,
                                       const_cast<SecretBytes*>(password));
  } else {
    ok = PEM_write_bio_PKCS8PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  }
  if (!ok) return internal_error("cannot encode the private key: " + openssl_errors());
  Bytes pem = core::bio_contents(bio.get());
  std::string out(pem.begin(), pem.end());
  OPENSSL_cleanse(pem.data(), pem.size());
  return out;
}

Result<Bytes> private_key_to_der(EVP_PKEY* key, const SecretBytes* password) {
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!i2d_PKCS8PrivateKey_bio(bio.get(), key, password ? EVP_aes_256_cbc() : nullptr, nullptr, 0,
                               password ? password_callback : nullptr, const_cast<SecretBytes*>(password)))
    return internal_error("cannot encode the private key: " + openssl_errors());
  return core::bio_contents(bio.get());
}

Result<std::string> public_key_to_pem(EVP_PKEY* key) {
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PUBKEY(bio.get(), key)) return internal_error("cannot encode the public key: " + openssl_errors());
  Bytes pem = core::bio_contents(bio.get());
  return std::string(pem.begin(), pem.end());
}

Result<Bytes> public_key_to_der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return internal_error("cannot encode the public key: " + openssl_errors());
  core::OsslBytesPtr owned(der);
  return Bytes(der, der + len);
}

std::string describe_key(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: {
      char group[64] = {0};
      std::size_t len = 0;
      EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len);
      std::string name = group;
      if (name == "prime256v1") name = "P-256";
      if (name == "secp384r1") name = "P-384";
      if (name == "secp521r1") name = "P-521";
      return "EC " + name;
    }
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS: return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    default: return EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown";
  }
}

bool is_rsa(const EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  return id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS;
}

const EVP_MD* default_digest(const EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) return nullptr;
  if (id == EVP_PKEY_EC && EVP_PKEY_get_bits(key) > 256) return EVP_sha384();
  return EVP_sha256();
}

bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b) { return EVP_PKEY_eq(a, b) == 1; }

}  // namespace iotonb::pki
