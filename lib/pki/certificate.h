// X.509 v3 certificates (RFC 5280): issuing from a spec through a Signer, and reading
// certificates from PEM bundles or DER.
#pragma once

#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/signer.h"

namespace iotonb::pki {

struct CertificateSpec {
  core::X509NamePtr subject;
  EVP_PKEY* public_key = nullptr;  // not owned
  Bytes serial;                    // positive big-endian
  core::UnixTime not_before = 0;
  core::UnixTime not_after = 0;
  std::vector<core::X509ExtPtr> extensions;  // SKI/AKI are added here, not by the caller
};

// Issues spec, signed by signer. issuer is the issuing CA's certificate, or null for a
// self-signed certificate (the subject is then the issuer, and the key must be signer's).
Result<core::X509Ptr> issue_certificate(CertificateSpec spec, const X509* issuer, const Signer& signer);

Result<core::X509Ptr> parse_certificate(ByteView data);                 // one, PEM or DER
Result<std::vector<core::X509Ptr>> parse_certificates(ByteView data);  // a PEM bundle or one DER
Result<std::vector<core::X509Ptr>> read_certificates(const std::string& path);
Result<core::X509Ptr> read_certificate(const std::string& path);       // exactly one expected

Bytes certificate_der(const X509* cert);
std::string certificate_pem(const X509* cert);
Bytes certificate_fingerprint(const X509* cert, const EVP_MD* md);  // over the DER
Bytes certificate_serial(const X509* cert);

}  // namespace iotonb::pki
