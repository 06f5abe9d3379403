// The building blocks FDO 1.1 (protocol version 101) puts in ownership vouchers and device
// credentials: Hash and HMac ([type, bytes]), PublicKey ([pkType, pkEnc, pkBody]) and the
// numbers that name them (FDO 1.1 3.3.1-3.3.5; ../shared/design/STANDARDS.md).
//
// Policy:
// - A Hash's algorithm is read from the value, never assumed from context (a voucher made with
//   a P-384 manufacturer key may still carry SHA-256 hashes).
// - A public key is usable only when its pkType says what it is: SECP256R1 must be an EC
//   P-256 key, SECP384R1 P-384, RSA2048RESTR RSA of exactly 2048 bits, RSAPKCS and RSAPSS RSA
//   of 2048 or 3072 bits. pkEnc Crypto (EPID-era, no use for signing vouchers) is refused.
// - iotonb signs with SECP256R1 and SECP384R1 keys only; RSA keys are for verifying vouchers
//   others made.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/cbor.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::artifact::fdo {

inline constexpr std::uint64_t kProtocolVersion = 101;
inline constexpr std::size_t kGuidSize = 16;

namespace hash_type {
inline constexpr std::int64_t sha256 = -16;
inline constexpr std::int64_t sha384 = -43;
inline constexpr std::int64_t hmac_sha256 = 5;
inline constexpr std::int64_t hmac_sha384 = 6;
}  // namespace hash_type

namespace pk_type {
inline constexpr std::int64_t rsa2048restr = 1;
inline constexpr std::int64_t rsapkcs = 5;
inline constexpr std::int64_t rsapss = 6;
inline constexpr std::int64_t secp256r1 = 10;
inline constexpr std::int64_t secp384r1 = 11;
}  // namespace pk_type

namespace pk_encoding {
inline constexpr std::int64_t crypto = 0;
inline constexpr std::int64_t x509 = 1;
inline constexpr std::int64_t x5chain = 2;
inline constexpr std::int64_t cosekey = 3;
}  // namespace pk_encoding

// Hash or HMac = [type, bytes].
struct Hash {
  std::int64_t type = 0;
  Bytes value;
  bool operator==(const Hash&) const = default;
};

// "SHA-256", "HMAC-SHA384"; "type N" for others.
std::string hash_name(std::int64_t type);
// field names the value in errors ("OVHeaderHMac: ...").
Result<Hash> hash_from_cbor(const core::cbor::Value& v, std::string_view field);
core::cbor::Value to_cbor(const Hash& h);

// The digest of the concatenated parts, of a SHA type; other types are input errors naming
// the type.
Result<Hash> digest(std::int64_t type, std::initializer_list<ByteView> parts);
// Whether expected (a SHA type) is the digest of the parts; an error for an unknown type.
Result<bool> digest_matches(const Hash& expected, std::initializer_list<ByteView> parts);
// HMAC of data under secret, of an HMAC type.
Result<Hash> hmac(std::int64_t type, ByteView secret, ByteView data);
// Whether expected (an HMAC type) is the HMAC of data, compared in constant time.
Result<bool> hmac_matches(const Hash& expected, ByteView secret, ByteView data);

// PublicKey = [pkType, pkEnc, pkBody].
struct PublicKey {
  std::int64_t type = 0;
  std::int64_t encoding = 0;
  core::cbor::Value body;
  bool operator==(const PublicKey&) const = default;
};

std::string pk_type_name(std::int64_t type);          // "SECP256R1", ...
std::string pk_encoding_name(std::int64_t encoding);  // "X509", ...
Result<PublicKey> public_key_from_cbor(const core::cbor::Value& v, std::string_view field);
core::cbor::Value to_cbor(const PublicKey& key);

// The key the PublicKey holds, checked against its pkType (the policy above). X5CHAIN gives
// its first certificate's key. Parsed keys are shared through pki's parse cache.
Result<core::EvpPkeyPtr> to_evp(const PublicKey& key);
// The pkType a key is: P-256 SECP256R1, P-384 SECP384R1, RSA RSAPKCS; others are usage errors.
Result<std::int64_t> pk_type_of(const EVP_PKEY* key);
// key as a PublicKey of its pkType (pk_type_of) in the given encoding. X5CHAIN needs the
// certificates (leaf first, whose key is key); X509 and COSEKEY ignore them.
Result<PublicKey> make_public_key(const EVP_PKEY* key, std::int64_t encoding, const std::vector<core::X509Ptr>& chain = {});

// The hash and HMAC FDO pairs with a key type: SHA-256 / HMAC-SHA256 for SECP256R1 and RSA
// 2048, SHA-384 / HMAC-SHA384 for SECP384R1 and RSA 3072.
std::int64_t hash_type_for(std::int64_t pk_type, int rsa_bits = 2048);
std::int64_t hmac_type_for(std::int64_t pk_type, int rsa_bits = 2048);

}  // namespace iotonb::artifact::fdo
