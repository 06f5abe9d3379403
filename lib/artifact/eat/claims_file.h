// Reading the claims a token is made from out of a YAML or JSON file (yaml-cpp reads both), so
// test engineers and CI can mint tokens with chosen claims. The file is one map of claim names
// (artifact/eat/claims.h; PSA claims as psa-*, psa1-*) or integer labels to values, converted
// to the CBOR types RFC 9711 / RFC 8392 give each claim:
//   binary (ueid, hwmodel, nonce, ...)  "hex:0102..", "base64:AQI=", or bare hex "0102.."
//   hwversion, swversion                "1.2.3" or ["1.2.3", SCHEME]  -> [version, ?scheme]
//   dbgstat                             enabled | disabled | disabled-since-boot |
//                                       disabled-permanently | disabled-fully-and-permanently | 0..4
//   iat, exp, nbf                       seconds since the epoch or RFC 3339 "2026-11-27T10:00:00Z"
//   oemid                               an integer (IANA PEN), else binary (write hex:..
//                                       when the hex has digits only)
//   measurements                        a list of {digest: BIN, name: TEXT, alg: sha-256}
//                                       (see kDigestMeasurementFormat) or
//                                       {content-type: N, content: BIN} taken as is
//   psa-software-components             a list of {type, value: BIN, version, signer-id: BIN, desc}
//   submods                             {NAME: {claims...}}
// Unknown claims (an integer key, e.g. "-70000": ...) are written as the YAML says: maps,
// lists, integers, booleans, null, hex:/base64: strings as bytes, other strings as text.
//
// The input is hostile: its size, nesting and number of nodes are bounded (YAML aliases are
// counted each time they are used, so an alias bomb is refused), and every error names the
// field by its path ("measurements[1].digest: not hex").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <yaml-cpp/yaml.h>

#include "core/bytes.h"
#include "core/cbor.h"
#include "core/result.h"

namespace iotonb::artifact::eat {

inline constexpr std::size_t kMaxClaimsFileSize = 64 * 1024;
inline constexpr std::size_t kMaxClaimsDepth = 16;
inline constexpr std::size_t kMaxClaimsNodes = 4096;

// Binary text as claims files and --nonce write it: "hex:..", "base64:.." (standard or url
// alphabet), or bare hex.
Result<Bytes> parse_binary(std::string_view text);

// The claims map of a claims file's text. Errors are input errors naming the field.
Result<core::cbor::Value> read_claims(std::string_view text);
// The same from a node of a larger document (the device description's claims:); path
// prefixes error messages.
Result<core::cbor::Value> read_claims(const YAML::Node& node, const std::string& path);

}  // namespace iotonb::artifact::eat
