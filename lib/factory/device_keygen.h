// Device key generation for batch minting, one generator per worker thread.
//
// Why not just pki::generate_key: on OpenSSL 3.0 (Debian 12) a key made through the provider
// API (EVP_PKEY_Q_keygen) is encoded into a SubjectPublicKeyInfo through the OSSL_ENCODER and
// OSSL_DECODER machinery every time X509_set_pubkey or a key identifier needs it, which
// costs ~0.36 ms each on this class of machine (searching every encoder by name under global
// locks) and is done twice per certificate; the PKCS#8 PEM of the private key pays again.
// An EC key held as an EC_KEY takes OpenSSL's direct ASN.1 path instead (~5 us): the
// certificate and the key file come out the same, DER for DER in structure, at a seventh of
// the cost (measured with tests/bench/batch_mint_bench). The EC_KEY API is deprecated in
// OpenSSL 3 but present in every 3.x; a build without it (OPENSSL_NO_DEPRECATED_3_0) and key
// types other than P-256/P-384 use pki::generate_key. Internal to lib/factory.
#pragma once

#include "core/ossl.h"
#include "core/result.h"
#include "pki/key.h"

namespace iotonb::factory {

class DeviceKeyGenerator {
 public:
  explicit DeviceKeyGenerator(pki::KeyType type);
  DeviceKeyGenerator(const DeviceKeyGenerator&) = delete;
  DeviceKeyGenerator& operator=(const DeviceKeyGenerator&) = delete;
  ~DeviceKeyGenerator();

  Result<core::EvpPkeyPtr> generate();

 private:
  pki::KeyType type_;
  void* group_ = nullptr;  // EC_GROUP*, made once per thread (~20 us each); opaque to keep
                           // the deprecated EC headers out of this header
};

}  // namespace iotonb::factory
