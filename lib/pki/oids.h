// Object identifiers of the extensions and key purposes iotonb writes or reads.
#pragma once

namespace iotonb::pki::oid {

// RFC 4108 3: otherName form of the device's hardware module name (in the IDevID's SAN).
inline constexpr const char* kHardwareModuleName = "1.3.6.1.5.5.7.8.4";
// RFC 8995 2.3.2: id-pe-masa-url, an IA5String.
inline constexpr const char* kMasaUrl = "1.3.6.1.5.5.7.1.32";
// The private arc some early BRSKI implementations used for the MASA URL: read, never write.
inline constexpr const char* kMasaUrlLegacy = "1.3.6.1.4.1.46930.2";
// RFC 8520 10 and 11: id-pe-mud-url (IA5String) and id-pe-mudsigner (Name).
inline constexpr const char* kMudUrl = "1.3.6.1.5.5.7.1.25";
inline constexpr const char* kMudSigner = "1.3.6.1.5.5.7.1.30";
// RFC 6402 2.10: id-kp-cmcRA, which RFC 8995 5.5 requires of a registrar's certificate.
inline constexpr const char* kCmcRa = "1.3.6.1.5.5.7.3.28";

}  // namespace iotonb::pki::oid
