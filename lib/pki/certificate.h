// X.509 v3 certificates (RFC 5280): issuing from a spec through a Signer, signing a
// TBSCertificate the caller encoded itself (4.1), and reading certificates from PEM bundles or DER.
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

// The key identifier of an issuing CA, for the AKI of what it issues: its own SKI, or (a CA
// certificate without one) RFC 5280 4.2.1.2 method 1 over its key.
Result<Bytes> issuer_key_identifier(const X509* issuer);

// Signs TBSCertificates (RFC 5280 4.1.1.1) the caller encoded, for issuing many
// certificates with one key (a production batch). X509_sign works out the signature
// algorithm and sets up a signing context (a provider lookup under OpenSSL 3's global
// lock) for every certificate; here that is done once. The AlgorithmIdentifier is the one
// X509_sign writes for this key, taken from a probe certificate it signs, so certificates
// come out as issue_certificate would make them; the probe is also verified through this
// class, so a key whose signatures this path cannot make is refused at create() and never
// mid-batch. One per thread (it keeps a mutable context).
class TbsSigner {
 public:
  static Result<TbsSigner> create(const Signer& signer);

  // The AlgorithmIdentifier DER; the TBSCertificate's signature field must repeat it.
  ByteView algorithm() const { return algorithm_; }
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }
  Result<Bytes> sign(ByteView tbs_der);

 private:
  TbsSigner(const Signer& signer, const EVP_MD* md) : signer_(&signer), md_(md) {}

  const Signer* signer_;
  const EVP_MD* md_;  // null for Ed25519
  Bytes algorithm_;
  std::size_t max_signature_ = 0;
  core::EvpMdCtxPtr initialised_;  // copied per signature, never used itself
  core::EvpMdCtxPtr work_;
  bool copyable_ = true;  // false: the key's provider cannot copy a context; initialise per signature
};

Result<core::X509Ptr> parse_certificate(ByteView data);                 // one, PEM or DER
Result<std::vector<core::X509Ptr>> parse_certificates(ByteView data);  // a PEM bundle or one DER
Result<std::vector<core::X509Ptr>> read_certificates(const std::string& path);
Result<core::X509Ptr> read_certificate(const std::string& path);       // exactly one expected

Bytes certificate_der(const X509* cert);
std::string certificate_pem(const X509* cert);
Bytes certificate_fingerprint(const X509* cert, const EVP_MD* md);  // over the DER
Bytes certificate_serial(const X509* cert);

}  // namespace iotonb::pki
