// The one file in iotonb that uses OpenSSL's deprecated EC_KEY API; device_keygen.h says why.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "factory/device_keygen.h"

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

namespace iotonb::factory {
namespace {

int curve_nid(pki::KeyType type) {
  switch (type) {
    case pki::KeyType::p256: return NID_X9_62_prime256v1;
    case pki::KeyType::p384: return NID_secp384r1;
    default: return NID_undef;
  }
}

}  // namespace

#ifndef OPENSSL_NO_DEPRECATED_3_0

DeviceKeyGenerator::DeviceKeyGenerator(pki::KeyType type) : type_(type) {
  if (const int nid = curve_nid(type); nid != NID_undef) group_ = EC_GROUP_new_by_curve_name(nid);
}

DeviceKeyGenerator::~DeviceKeyGenerator() { EC_GROUP_free(static_cast<EC_GROUP*>(group_)); }

Result<core::EvpPkeyPtr> DeviceKeyGenerator::generate() {
  if (group_ == nullptr) return pki::generate_key(type_);
  core::OsslPtr<EC_KEY, EC_KEY_free> ec(EC_KEY_new());
  core::EvpPkeyPtr key(EVP_PKEY_new());
  if (!ec || !key || EC_KEY_set_group(ec.get(), static_cast<const EC_GROUP*>(group_)) != 1 ||
      EC_KEY_generate_key(ec.get()) != 1 || EVP_PKEY_assign_EC_KEY(key.get(), ec.get()) != 1)
    return internal_error("key generation failed: " + core::openssl_errors());
  ec.release();  // owned by key now
  return key;
}

#else

DeviceKeyGenerator::DeviceKeyGenerator(pki::KeyType type) : type_(type) {}
DeviceKeyGenerator::~DeviceKeyGenerator() = default;
Result<core::EvpPkeyPtr> DeviceKeyGenerator::generate() { return pki::generate_key(type_); }

#endif

}  // namespace iotonb::factory
