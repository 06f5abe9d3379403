// Key pairs: generation (EC P-256/P-384, Ed25519, RSA 2048/3072), reading PEM or DER in any
// common container (PKCS#8 plain or encrypted, SEC1, PKCS#1, SubjectPublicKeyInfo), and
// writing PKCS#8, encrypted with PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC, RFC 8018) when a
// password is given.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::pki {

enum class KeyType { p256, p384, ed25519, rsa2048, rsa3072 };

inline constexpr KeyType kDefaultKeyType = KeyType::p256;

// The names the command line takes: p256 p384 ed25519 rsa2048 rsa3072.
const std::vector<std::string>& key_type_names();
std::string_view key_type_name(KeyType type);
Result<KeyType> parse_key_type(std::string_view name);

Result<core::EvpPkeyPtr> generate_key(KeyType type);

// Private key from PEM or DER; password is used only when the key is encrypted, and a missing
// or wrong password is an input error that says so.
Result<core::EvpPkeyPtr> parse_private_key(ByteView data, const SecretBytes* password);
// Whether data is an encrypted private key (PEM "ENCRYPTED PRIVATE KEY", legacy PEM
// Proc-Type ENCRYPTED, or DER EncryptedPrivateKeyInfo), so callers ask for a password only then.
bool is_encrypted_private_key(ByteView data);

// Public key from a SubjectPublicKeyInfo (PEM or DER), a certificate, or a private key.
Result<core::EvpPkeyPtr> parse_public_key(ByteView data);

// PKCS#8 PEM; encrypted with AES-256-CBC under password when it is non-null.
Result<std::string> private_key_to_pem(EVP_PKEY* key, const SecretBytes* password);
// PKCS#8 DER (EncryptedPrivateKeyInfo when password is non-null).
Result<Bytes> private_key_to_der(EVP_PKEY* key, const SecretBytes* password);
Result<std::string> public_key_to_pem(EVP_PKEY* key);
Result<Bytes> public_key_to_der(EVP_PKEY* key);  // SubjectPublicKeyInfo

// The same encodings of a P-256 or P-384 key given as its raw parts, for code that makes
// keys in bulk and never needs them as an EVP_PKEY (batch minting), where OpenSSL 3.0's
// encoders cost more than making the key. point: uncompressed (0x04 || X || Y); scalar:
// big-endian, as long as the group order. Byte for byte what OpenSSL 3 writes for the same
// key: SubjectPublicKeyInfo with the named curve (RFC 5480 2), and PKCS#8 (RFC 5958 2)
// around an ECPrivateKey (RFC 5915 3) with the public key and without the curve (which the
// AlgorithmIdentifier carries). Other key types are usage errors.
Result<Bytes> ec_public_key_der(KeyType curve, ByteView point);
Result<SecretBytes> ec_private_key_der(KeyType curve, ByteView scalar, ByteView point);

// "EC P-256", "Ed25519", "RSA 3072"
std::string describe_key(const EVP_PKEY* key);
bool is_rsa(const EVP_PKEY* key);
// Digest that goes with the key for X.509 and CMS signatures (null for Ed25519).
const EVP_MD* default_digest(const EVP_PKEY* key);
bool same_public_key(const EVP_PKEY* a, const EVP_PKEY* b);

}  // namespace iotonb::pki
