// PKCS#10 certification requests (RFC 2986): creating one through a Signer, and reading one
// with its proof of possession checked, so a device that made its own key gets an IDevID
// without the private key ever leaving it.
#pragma once

#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace iotonb::pki {

struct CsrRequest {
  const X509_NAME* subject = nullptr;  // not owned
  std::vector<std::string> sans;       // "DNS:..", "IP:.."
};

Result<core::X509ReqPtr> create_csr(const CsrRequest& request, const Signer& signer);

// Parses a CSR (PEM or DER) and checks its self-signature; a bad signature is a
// verification error ("CSR signature does not verify: proof of possession failed").
Result<core::X509ReqPtr> parse_csr(ByteView data);
Result<core::X509ReqPtr> read_csr(const std::string& path);

std::string csr_pem(X509_REQ* csr);
Bytes csr_der(X509_REQ* csr);

}  // namespace iotonb::pki
