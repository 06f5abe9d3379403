// Reference values a verifier appraises attestation claims against (the "reference values"
// and "appraisal policy for evidence" of the RATS architecture, RFC 9334 3, 8.3), read from a
// YAML (or JSON) file:
//   hwmodel: hex:..              expected hardware model (binary, as in claims files)
//   oemid: hex:.. | PEN          expected manufacturer (an integer is a PEN)
//   eat_profile: URI             expected profile
//   swversions: [1.4.2, 1.4.3]   allowed software versions (swversion claim)
//   measurements:                allowed digests: "hex:.." / bare hex, or {name, digest}
//     - {name: firmware, digest: 5f3a..}
//   dbgstat: disabled            debug must be disabled (any disabled-* state); "any" skips it
//   oemboot: true                secure boot required; false skips the check
//   max_age: 300                 seconds (or 5m, 1h, 1d) between iat and the appraisal time
// Absent keys are not checked. The struct is what a registrar builds in-process; the file is
// one way to fill it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/cbor.h"
#include "core/result.h"

namespace iotonb::artifact::eat {

inline constexpr std::size_t kMaxPolicyFileSize = 1 << 20;  // room for large reference lists
inline constexpr std::size_t kMaxPolicyEntries = 100000;

struct Policy {
  std::optional<Bytes> hwmodel;
  std::optional<core::cbor::Value> oemid;        // bytes or integer, compared as CBOR
  std::optional<std::string> eat_profile;
  std::vector<std::string> swversions;           // empty: not checked
  std::vector<Bytes> measurements;               // sorted, for binary search; empty: not checked
  std::vector<std::string> measurement_names;    // parallel to measurements ("" when unnamed)
  bool require_debug_disabled = false;
  bool require_oemboot = false;
  std::optional<std::int64_t> max_age;           // seconds

  // Keeps measurements sorted (with their names) after they were appended.
  void sort_measurements();
  // The name of an allowed digest, or nullopt when it is not allowed.
  std::optional<std::string_view> allowed_measurement(ByteView digest) const;
};

Result<Policy> read_policy(std::string_view text);

}  // namespace iotonb::artifact::eat
