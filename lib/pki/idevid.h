// The IEEE 802.1AR-2018 IDevID profile (8.5 ff.) as BRSKI uses it (RFC 8995 2.3):
//   subject serialNumber (2.5.4.5) = the device serial, a PrintableString;
//   subjectAltName otherName hardwareModuleName {hwType, hwSerialNum} (RFC 4108 5);
//   notAfter 99991231235959Z unless told otherwise (RFC 5280 4.1.2.5);
//   keyUsage critical digitalSignature (+ keyEncipherment for RSA), CA:FALSE, SKI and AKI;
//   optional id-pe-masa-url (RFC 8995 2.3.2), id-pe-mud-url and id-pe-mudsigner (RFC 8520).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/certificate.h"
#include "pki/issuing_ca.h"

namespace iotonb::pki {

// GeneralizedTime 99991231235959Z.
inline constexpr core::UnixTime kNoWellDefinedExpiration = 253402300799;

struct IdevidRequest {
  std::string device_serial;
  std::string hw_type;                   // dotted OID; no hardwareModuleName when empty
  std::string masa_url;                  // empty = none
  std::string mud_url;                   // empty = none
  const X509_NAME* mud_signer = nullptr;  // not owned; null = none
  const X509_NAME* subject_base = nullptr;  // attributes placed before serialNumber; not owned
  Bytes cert_serial;
  core::UnixTime not_before = 0;
  core::UnixTime not_after = kNoWellDefinedExpiration;
};

// Checks what can be checked before any key is made: serial, OID, URL characters.
Status validate_idevid_request(const IdevidRequest& request);

Result<core::X509Ptr> issue_idevid(const IdevidRequest& request, EVP_PKEY* device_key, const IssuingCa& ca);

// The IDevIDs of a production batch: the certificates issue_idevid makes, DER for DER, at a
// fraction of its cost. What the devices of a batch share (issuer, validity, the subject's
// attributes before serialNumber, basicConstraints, keyUsage, the batch's MASA/MUD URL and
// MUD signer extensions, AKI, signature algorithm) is encoded once, through the same
// builders issue_idevid uses; per device the TBSCertificate is put together from those
// pieces, its serial numbers, hardwareModuleName, key and SKI, and signed once
// (TbsSigner). What that saves per device is issue_idevid's X509 object, its OID lookups
// and re-encodings, and its signing set-up. One per thread.
class IdevidIssuer {
 public:
  // batch: the validity, subject_base and mud_signer every device shares, and the defaults
  // (hw_type, masa_url, mud_url) most devices have; device_serial and cert_serial are ignored.
  static Result<IdevidIssuer> create(const IdevidRequest& batch, const IssuingCa& ca);

  // The certificate (DER) for one device of the batch, for the key whose
  // SubjectPublicKeyInfo is public_key_der. A request whose validity, subject_base or
  // mud_signer differs from the batch's is a usage error.
  Result<Bytes> issue(const IdevidRequest& request, ByteView public_key_der);

 private:
  IdevidIssuer(TbsSigner signer) : signer_(std::move(signer)) {}
  // DER of an IA5String extension, kept for the value seen last (devices mostly share it).
  struct CachedExtension {
    std::string value;
    Bytes der;
  };
  Result<ByteView> url_extension(CachedExtension& cache, const char* oid, const std::string& value);

  TbsSigner signer_;
  // SHA-1 for the SKI, fetched once: the one-shot SHA1() of OpenSSL 3 fetches it every call.
  core::OsslPtr<EVP_MD, EVP_MD_free> sha1_;
  core::UnixTime not_before_ = 0;
  core::UnixTime not_after_ = 0;
  const X509_NAME* subject_base_ = nullptr;
  const X509_NAME* mud_signer_ = nullptr;
  Bytes issuer_and_validity_;  // issuer Name, then Validity
  Bytes subject_prefix_;       // the RDNs of subject_base, without the SEQUENCE around them
  Bytes basic_constraints_;
  Bytes key_usage_;            // digitalSignature
  Bytes key_usage_rsa_;        // digitalSignature, keyEncipherment
  Bytes mud_signer_ext_;       // empty: none
  Bytes authority_key_id_;
  CachedExtension masa_url_, mud_url_;
  std::string hw_type_;        // the hwType OID whose DER is hw_type_der_
  Bytes hw_type_der_;
};

}  // namespace iotonb::pki
