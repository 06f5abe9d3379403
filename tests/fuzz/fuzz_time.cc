// Fuzzes the time parsers (lib/core/time.h). The input is "BASE|VALUE" the way the command
// line combines them (--now BASE --not-after VALUE): BASE goes through parse_time and VALUE
// through parse_time_or_duration relative to it (or to a fixed time when there is no '|').
// Every time that parses and lies in years 0000..9999 must survive format_rfc3339.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/time.h"
#include "fuzz_require.h"

namespace core = iotonb::core;

namespace {


constexpr core::UnixTime kYear0 = -62167219200;       // 0000-01-01T00:00:00Z
constexpr core::UnixTime kYear9999 = 253402300799;  // 9999-12-31T23:59:59Z

void round_trip(core::UnixTime t) {
  if (t < kYear0 || t > kYear9999) return;
  auto again = core::parse_time(core::format_rfc3339(t));
  require(again.ok() && *again == t);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  core::UnixTime base = 1795773600;  // 2026-11-27T10:00:00Z
  std::string_view value = text;
  if (auto bar = text.find('|'); bar != std::string_view::npos) {
    auto parsed = core::parse_time(text.substr(0, bar));
    if (parsed) {
      base = *parsed;
      round_trip(base);
    }
    value = text.substr(bar + 1);
  }
  if (auto t = core::parse_time(value)) round_trip(*t);
  if (auto t = core::parse_time_or_duration(value, base)) round_trip(*t);
  return 0;
}
