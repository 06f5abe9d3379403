// Certificate serial numbers (RFC 5280 4.1.2.2: positive, at most 20 octets). Random serials
// carry 126 bits of randomness in 16 octets (STANDARDS.md asks for 64..160); fixtures can
// derive them from a seed instead, so CI output is stable run to run.
#pragma once

#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::pki {

Result<Bytes> random_serial();
// SHA-256(seed || 0x00 || label), shaped like a random serial: the same inputs give the same serial.
Bytes derived_serial(std::string_view seed, std::string_view label);
// Hex (colons allowed) of a positive, non-zero serial of at most 20 octets.
Result<Bytes> parse_serial(std::string_view hex);

}  // namespace iotonb::pki
