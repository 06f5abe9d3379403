#include "pki/issuing_ca.h"

#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::pki {

Result<IssuingCa> open_issuing_ca(const std::string& cert_path, const std::string& key_ref,
                                  const SecretBytes* password, const std::string& chain_path) {
  IssuingCa ca;
  IOTONB_ASSIGN_OR_RETURN(ca.cert, read_certificate(cert_path));
  if (X509_check_ca(ca.cert.get()) == 0) return usage_error(cert_path + ": not a CA certificate");
  IOTONB_ASSIGN_OR_RETURN(ca.signer, open_signer(key_ref, password));
  if (!same_public_key(X509_get0_pubkey(ca.cert.get()), ca.signer->key()))
    return usage_error(ca.signer->reference() + ": key does not belong to " + cert_path);
  if (!chain_path.empty()) {
    IOTONB_ASSIGN_OR_RETURN(ca.chain, read_certificates(chain_path));
  }
  return ca;
}

}  // namespace iotonb::pki
