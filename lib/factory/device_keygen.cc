// The one file in iotonb that uses OpenSSL's deprecated EC_KEY API; device_keygen.h says why.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "factory/device_keygen.h"

#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

#include <algorithm>

#include "core/ossl.h"

namespace iotonb::factory {
namespace {

int curve_nid(pki::KeyType type) {
  switch (type) {
    case pki::KeyType::p256: return NID_X9_62_prime256v1;
    case pki::KeyType::p384: return NID_secp384r1;
    default: return NID_undef;
  }
}

// PEM (RFC 7468, 64 columns, as PEM_write_bio writes it) of a secret, written in place into
// a string sized up front: no reallocation or temporary leaves a copy of the key behind.
std::string secret_pem(const char* label, const SecretBytes& der) {
  const std::string begin = std::string("-----BEGIN ") + label + "-----\n";
  const std::string end = std::string("-----END ") + label + "-----\n";
  const std::size_t chunks = (der.size() + 47) / 48;  // 48 octets make a 64-column line
  std::string out;
  // EVP_EncodeBlock also writes a NUL after each line: the line's '\n' goes there next.
  out.resize(begin.size() + (der.size() + 2) / 3 * 4 + chunks + end.size());
  char* p = out.data();
  p = std::copy(begin.begin(), begin.end(), p);
  for (std::size_t at = 0; at < der.size(); at += 48) {
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(p), der.data() + at,
                                  static_cast<int>(std::min<std::size_t>(48, der.size() - at)));
    p += n;
    *p++ = '\n';
  }
  std::copy(end.begin(), end.end(), p);
  return out;
}

// The fallback for key types (and builds) without the EC_KEY path.
Result<DeviceKey> generic_key(pki::KeyType type) {
  IOTONB_ASSIGN_OR_RETURN(core::EvpPkeyPtr key, pki::generate_key(type));
  DeviceKey out;
  IOTONB_ASSIGN_OR_RETURN(out.public_key_der, pki::public_key_to_der(key.get()));
  IOTONB_ASSIGN_OR_RETURN(out.private_key_pem, pki::private_key_to_pem(key.get(), nullptr));
  return out;
}

}  // namespace

DeviceKey::~DeviceKey() { OPENSSL_cleanse(private_key_pem.data(), private_key_pem.size()); }

#ifndef OPENSSL_NO_DEPRECATED_3_0

DeviceKeyGenerator::DeviceKeyGenerator(pki::KeyType type) : type_(type) {
  const int nid = curve_nid(type);
  if (nid == NID_undef) return;
  core::OsslPtr<EC_GROUP, EC_GROUP_free> group(EC_GROUP_new_by_curve_name(nid));
  core::OsslPtr<EC_KEY, EC_KEY_free> key(EC_KEY_new());
  if (!group || !key || EC_KEY_set_group(key.get(), group.get()) != 1) {
    core::openssl_errors();
    return;  // generate() falls back to pki::generate_key
  }
  group_ = group.release();
  key_ = key.release();
}

DeviceKeyGenerator::~DeviceKeyGenerator() {
  EC_KEY_free(static_cast<EC_KEY*>(key_));  // clears the scalar
  EC_GROUP_free(static_cast<EC_GROUP*>(group_));
}

Result<DeviceKey> DeviceKeyGenerator::generate() {
  if (key_ == nullptr) return generic_key(type_);
  const auto* group = static_cast<const EC_GROUP*>(group_);
  auto* ec = static_cast<EC_KEY*>(key_);
  // A new scalar and point, in the BIGNUM and EC_POINT of the previous key.
  if (EC_KEY_generate_key(ec) != 1) return internal_error("key generation failed: " + core::openssl_errors());
  // Raw parts: the uncompressed point and the scalar padded to the order's length.
  std::uint8_t point[1 + 2 * 66];
  std::uint8_t scalar[66];
  const std::size_t scalar_size = static_cast<std::size_t>(EC_GROUP_order_bits(group) + 7) / 8;
  const std::size_t point_size = EC_POINT_point2oct(group, EC_KEY_get0_public_key(ec),
                                                    POINT_CONVERSION_UNCOMPRESSED, point, sizeof point, nullptr);
  // The EC_KEY owns the scalar (get0 is const only to keep callers from replacing it); it
  // is cleared as soon as it is copied out, rather than kept until the next key.
  BIGNUM* private_scalar = const_cast<BIGNUM*>(EC_KEY_get0_private_key(ec));
  const bool ok = point_size != 0 && private_scalar != nullptr && scalar_size <= sizeof scalar &&
                  BN_bn2binpad(private_scalar, scalar, static_cast<int>(scalar_size)) ==
                      static_cast<int>(scalar_size);
  if (private_scalar != nullptr) BN_clear(private_scalar);
  auto encoded = ok ? pki::ec_private_key_der(type_, ByteView(scalar, scalar_size), ByteView(point, point_size))
                    : Result<SecretBytes>(internal_error("cannot read the generated key: " + core::openssl_errors()));
  OPENSSL_cleanse(scalar, sizeof scalar);
  if (!encoded) return std::move(encoded).error();

  DeviceKey out;
  IOTONB_ASSIGN_OR_RETURN(out.public_key_der, pki::ec_public_key_der(type_, ByteView(point, point_size)));
  out.private_key_pem = secret_pem("PRIVATE KEY", *encoded);
  return out;
}

#else

DeviceKeyGenerator::DeviceKeyGenerator(pki::KeyType type) : type_(type) {}
DeviceKeyGenerator::~DeviceKeyGenerator() = default;
Result<DeviceKey> DeviceKeyGenerator::generate() { return generic_key(type_); }

#endif

}  // namespace iotonb::factory
