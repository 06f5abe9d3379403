// Points in time as Unix seconds (UTC) and their text forms: RFC 3339 date-time (what JSON
// output and --at/--now take), bare dates, X.509 GeneralizedTime (RFC 5280 4.1.2.5), and
// durations ("20y", "90d", "12h") relative to a reference time for --not-after.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace iotonb::core {

using UnixTime = std::int64_t;

UnixTime now();

// Accepts "2026-11-27T10:00:00Z", "2026-11-27T12:00:00+02:00", fractional seconds,
// "2026-11-27" (midnight UTC), "20261127100000Z", "99991231235959Z", or a Unix time "@1700000000".
Result<UnixTime> parse_time(std::string_view text);

// parse_time, or a duration "<N>y|d|h|m|s" added to base (years are calendar years).
Result<UnixTime> parse_time_or_duration(std::string_view text, UnixTime base);

std::string format_rfc3339(UnixTime t);  // "2026-11-27T10:00:00Z"

}  // namespace iotonb::core
