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

}  // namespace iotonb::pki
