// An issuing CA as the minting and CA commands use it: certificate, the Signer holding its
// key (checked to match the certificate), and the chain above it for chain.pem files.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace iotonb::pki {

struct IssuingCa {
  core::X509Ptr cert;
  std::unique_ptr<Signer> signer;
  std::vector<core::X509Ptr> chain;  // above cert, nearest first; may be empty
};

// Opens cert_path and key_ref (password may be null), refusing a key that is not the
// certificate's or a certificate that is not a CA. chain_path may be empty.
Result<IssuingCa> open_issuing_ca(const std::string& cert_path, const std::string& key_ref,
                                  const SecretBytes* password, const std::string& chain_path);

}  // namespace iotonb::pki
