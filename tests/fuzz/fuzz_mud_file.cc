// Fuzzes the MUD file reader (lib/artifact/mud/file.h): bounded input must never crash or
// hang; a file is returned exactly when no violation is; a file that is read survives
// write_mud and a second read unchanged, and describing it never fails.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "artifact/mud/describe.h"
#include "artifact/mud/file.h"
#include "fuzz_require.h"

namespace mud = iotonb::artifact::mud;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  mud::ReadOutcome r = mud::read_mud(text);
  require(r.file.has_value() == r.violations.empty());
  if (!r.file) return 0;
  const std::string written = mud::write_mud(*r.file);
  mud::ReadOutcome again = mud::read_mud(written);
  require(again.file.has_value() && *again.file == *r.file);
  require(mud::write_mud(*again.file) == written);
  (void)mud::describe_mud(*r.file);
  return 0;
}
