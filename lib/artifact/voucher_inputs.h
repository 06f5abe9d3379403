// The voucher leaves that come from certificates and keys (RFC 8995 2.3.1, 5.2, 5.5; RFC
// 8366bis 5.3): the serial number and idevid-issuer from a pledge's IDevID, pinned and
// proximity certificates as DER, public keys as SubjectPublicKeyInfo and their SHA-256, and
// fresh nonces. Shared by the command line and the BRSKI roles.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::artifact {

// The subject serialNumber (2.5.4.5), which RFC 8995 2.3.1 makes the voucher serial-number.
std::optional<std::string> idevid_serial_number(const X509* idevid);

// idevid-issuer: the IDevID's authorityKeyIdentifier extnValue, outer OCTET STRING included
// (04 18 30 16 80 14 <keyid> for a 20-octet key id), as RFC 8366 5.3 and cBRSKI encode it.
Result<Bytes> idevid_issuer(const X509* idevid);

Bytes subject_public_key_info(const X509* cert);
Result<Bytes> subject_public_key_info(const EVP_PKEY* key);
Bytes sha256(ByteView data);

// Octets for a nonce: 16 random ones (RFC 8366bis: 8 to 32).
Result<Bytes> random_nonce();

// A nonce as given on a command line or in a file: hex when it is an even number of hex
// digits, else base64 or base64url. The input error names the problem.
Result<Bytes> parse_nonce(const std::string& text);

}  // namespace iotonb::artifact
