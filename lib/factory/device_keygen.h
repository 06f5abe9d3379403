// Device key generation for batch minting, one generator per worker thread. A key comes out
// as what the batch needs of it: the SubjectPublicKeyInfo for the certificate and the
// PKCS#8 PEM text of idevid.key, never as an EVP_PKEY.
//
// Why not pki::generate_key and OpenSSL's encoders: on OpenSSL 3.0 (Debian 12) a provider
// key (EVP_PKEY_Q_keygen) is encoded through the OSSL_ENCODER machinery, which searches
// every encoder by name under global locks (~0.36 ms per encoding on this class of
// machine), and even an EVP_PKEY around a legacy EC_KEY costs more to encode and to free
// than the key costs to make. For P-256 and P-384 the key is made as an EC_KEY (OpenSSL's
// direct path, the same code EVP_PKEY_generate ends up in) and its raw parts are encoded by
// pki::ec_public_key_der / ec_private_key_der, which write what OpenSSL writes, byte for
// byte (tests/factory/mint_path_test.cc compares them). One EC_KEY serves every key of the
// generator: EC_KEY_new takes OpenSSL's global ENGINE lock (and EC_KEY_free its ex_data
// lock), which the worker threads would otherwise queue on once per device; its scalar is
// cleared as soon as it has been encoded. The EC_KEY API is deprecated in
// OpenSSL 3 but present in every 3.x; a build without it (OPENSSL_NO_DEPRECATED_3_0) and key
// types other than P-256/P-384 go through pki::generate_key and the encoders. Internal to
// lib/factory.
#pragma once

#include <string>

#include "core/bytes.h"
#include "core/result.h"
#include "pki/key.h"

namespace iotonb::factory {

// The private key's text is wiped when the key dies.
struct DeviceKey {
  DeviceKey() = default;
  DeviceKey(DeviceKey&&) noexcept = default;
  DeviceKey& operator=(DeviceKey&&) = delete;
  DeviceKey(const DeviceKey&) = delete;
  DeviceKey& operator=(const DeviceKey&) = delete;
  ~DeviceKey();

  Bytes public_key_der;         // SubjectPublicKeyInfo
  std::string private_key_pem;  // PKCS#8 "PRIVATE KEY" PEM; empty when the device sent a CSR
};

class DeviceKeyGenerator {
 public:
  explicit DeviceKeyGenerator(pki::KeyType type);
  DeviceKeyGenerator(const DeviceKeyGenerator&) = delete;
  DeviceKeyGenerator& operator=(const DeviceKeyGenerator&) = delete;
  ~DeviceKeyGenerator();

  Result<DeviceKey> generate();

 private:
  pki::KeyType type_;
  // EC_GROUP* (~20 us to make) and EC_KEY*, made once per thread; opaque to keep the
  // deprecated EC headers out of this header.
  void* group_ = nullptr;
  void* key_ = nullptr;
};

}  // namespace iotonb::factory
