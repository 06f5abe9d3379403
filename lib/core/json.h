// Strict JSON (RFC 8259) reading for artifacts that arrive from peers: vouchers (RFC 7951
// encoding of YANG data), JWS headers (RFC 7515 5.2) and later MUD files. On top of
// nlohmann/json's UTF-8-validating parser it enforces a size bound, a nesting-depth bound
// (checked as the parser descends, so a depth bomb is refused before it is built) and unique
// member names in every object (RFC 8259 4 says they SHOULD be unique; RFC 7515 5.2 and RFC
// 7951 want a parser that refuses duplicates rather than silently keeping one).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace iotonb::core {

struct JsonLimits {
  std::size_t max_size = 1 << 20;  // octets
  std::size_t max_depth = 32;      // nested objects and arrays
};

// An input error names what is wrong ("JSON: duplicate member \"nonce\"", "JSON: nesting deeper
// than 32", "JSON: syntax error at byte 17").
Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits = {});

}  // namespace iotonb::core
