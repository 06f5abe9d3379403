// Distinguished names from the command line: "/C=US/O=Acme/CN=Root" (openssl -subj style) or
// "C=US,O=Acme,CN=Root", attributes in the order written, or a bare string meaning CN only.
// OpenSSL's string table gives each attribute its RFC 5280 type (PrintableString for C and
// serialNumber, UTF8String otherwise).
#pragma once

#include <string>
#include <string_view>

#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::pki {

Result<core::X509NamePtr> parse_name(std::string_view text);
// "C=US,O=Acme,CN=Root", attributes in DER order, RFC 4514 escaping.
std::string name_to_string(const X509_NAME* name);

// RFC 5280 Appendix A: X520SerialNumber is a PrintableString of 1..64 characters.
bool is_printable_string(std::string_view text);
Status check_device_serial(std::string_view serial);

}  // namespace iotonb::pki
