// A throwaway issuing CA for factory tests and tools: a root (P-256 unless asked otherwise)
// made with the pki layer (profile_extensions(Profile::root) + issue_certificate), as
// `iotonb ca create` would.
#pragma once

#include <string>

#include "core/files.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/certificate.h"
#include "pki/idevid.h"
#include "pki/issuing_ca.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/profile.h"
#include "pki/serial.h"
#include "pki/signer.h"

namespace iotonb::testing {

inline Result<pki::IssuingCa> make_test_ca(const std::string& cn = "iotonb test root",
                                           pki::KeyType key_type = pki::KeyType::p256) {
  IOTONB_ASSIGN_OR_RETURN(auto key, pki::generate_key(key_type));
  pki::IssuingCa ca;
  ca.signer = pki::memory_signer(std::move(key), "memory:test-ca");
  pki::CertificateSpec spec;
  IOTONB_ASSIGN_OR_RETURN(spec.subject, pki::parse_name("CN=" + cn));
  spec.public_key = ca.signer->key();
  IOTONB_ASSIGN_OR_RETURN(spec.serial, pki::random_serial());
  spec.not_before = core::now() - 3600;
  spec.not_after = pki::kNoWellDefinedExpiration;
  IOTONB_ASSIGN_OR_RETURN(spec.extensions, pki::profile_extensions(pki::Profile::root, ca.signer->key(), {}));
  IOTONB_ASSIGN_OR_RETURN(ca.cert, pki::issue_certificate(std::move(spec), nullptr, *ca.signer));
  return ca;
}

// Writes ca.crt and ca.key (PKCS#8, unencrypted, 0600) into dir, for tools run in separate processes.
inline Status save_test_ca(const pki::IssuingCa& ca, const std::string& dir) {
  IOTONB_RETURN_IF_ERROR(core::write_output(dir + "/ca.crt", pki::certificate_pem(ca.cert.get()), {0644, true}));
  IOTONB_ASSIGN_OR_RETURN(std::string key_pem, pki::private_key_to_pem(ca.signer->key(), nullptr));
  return core::write_output(dir + "/ca.key", key_pem, {0600, true});
}

}  // namespace iotonb::testing
