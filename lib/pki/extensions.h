// Building and reading the X.509 v3 extensions of iotonb's profiles: the RFC 5280 basics
// (basicConstraints, keyUsage, extendedKeyUsage, SKI/AKI, subjectAltName) and the device
// identity extensions of 802.1AR and its companions: hardwareModuleName (RFC 4108 5),
// id-pe-masa-url (RFC 8995 2.3.2), id-pe-mud-url and id-pe-mudsigner (RFC 8520 10, 11).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::pki {

struct HardwareModuleName {
  std::string hw_type;  // dotted OID
  Bytes hw_serial;      // the device serial's octets
};

Result<core::X509ExtPtr> basic_constraints_ext(bool ca, int path_len /* -1 = none */);
Result<core::X509ExtPtr> key_usage_ext(int ku_bits /* KU_* flags from x509v3.h */);
Result<core::X509ExtPtr> extended_key_usage_ext(const std::vector<std::string>& oids);
// RFC 5280 4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
Result<core::X509ExtPtr> subject_key_id_ext(EVP_PKEY* key);
Result<core::X509ExtPtr> subject_key_id_ext(ByteView key_id);
Result<core::X509ExtPtr> authority_key_id_ext(ByteView key_id);
Result<Bytes> key_identifier(EVP_PKEY* key);
// The same from an already encoded key: encoding a provider key is slow in OpenSSL 3.0
// (hundreds of microseconds), so certificate issuance encodes it once and reuses it.
Bytes key_identifier(const X509_PUBKEY* encoded);

// subjectAltName from "DNS:a.example,IP:192.0.2.1,URI:https://x,email:a@b" entries plus an
// optional hardwareModuleName otherName.
Result<core::X509ExtPtr> subject_alt_name_ext(const std::vector<std::string>& entries,
                                              const std::optional<HardwareModuleName>& hw);
// A non-critical extension whose value is an IA5String (MASA URL, MUD URL).
Result<core::X509ExtPtr> ia5_string_ext(const char* oid, const std::string& value);
Result<core::X509ExtPtr> mud_signer_ext(const X509_NAME* signer);

// Readers, for inspection and for the registrar and MASA later on.
std::optional<HardwareModuleName> read_hardware_module_name(const X509* cert);
// The MASA URL under the standard OID, or under the legacy private OID; any of IA5String,
// PrintableString or UTF8String is accepted, as seen in the field, but not a value with
// control characters or bytes its string type cannot carry (non-ASCII in an IA5String).
struct UrlExtension {
  std::string value;
  std::string oid;
  std::string string_type;  // "IA5String", ...
};
std::optional<UrlExtension> read_masa_url(const X509* cert);
std::optional<UrlExtension> read_mud_url(const X509* cert);
std::optional<std::string> read_mud_signer(const X509* cert);

// https://authority/.well-known/brski when the value has no '/' (RFC 8995 2.3.2).
std::string masa_url_to_uri(const std::string& value);

}  // namespace iotonb::pki
