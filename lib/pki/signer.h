// The Signer: everything in iotonb that signs (certificates, CSRs, later CMS, JWS and COSE)
// does it through this interface, built from a key reference string, so a new key store
// (PKCS#11 HSM, PC/SC smart card) is one new implementation and nothing else changes.
//
// Key references: "file:PATH" or a bare PATH (PEM or DER, PKCS#8 encrypted or not).
#pragma once

#include <memory>
#include <string>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::pki {

class Signer {
 public:
  virtual ~Signer() = default;

  // The OpenSSL key handle for X.509 and CMS signing. A hardware-backed signer returns a
  // handle whose private operations run in the hardware (engine or provider key).
  virtual EVP_PKEY* key() const = 0;
  // Where the key lives, for messages: "file:ca.key".
  virtual const std::string& reference() const = 0;

  // Signs data with the key's default digest (none for Ed25519); ECDSA signatures are DER.
  Result<Bytes> sign(ByteView data) const;
  // Signs data with digest md (null for Ed25519), for formats whose algorithm names the
  // digest (COSE, JOSE); ECDSA signatures are DER.
  Result<Bytes> sign(ByteView data, const EVP_MD* md) const;
};

// Opens the key a reference names. password decrypts an encrypted key file; it may be null.
Result<std::unique_ptr<Signer>> open_signer(const std::string& reference, const SecretBytes* password);

// A signer over a key already in memory (freshly generated keys, tests).
std::unique_ptr<Signer> memory_signer(core::EvpPkeyPtr key, std::string reference);

}  // namespace iotonb::pki
