// Fuzzes the MUD spec reader (lib/artifact/mud/spec.h): bounded YAML must never crash or hang
// however deep or aliased; a spec is refused only as an input error (an internal error would
// mean the spec's checks let through a file the MUD reader refuses); a spec that is read
// gives a file that survives write_mud and read_mud unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "artifact/mud/file.h"
#include "artifact/mud/spec.h"
#include "fuzz_require.h"

namespace mud = iotonb::artifact::mud;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = mud::read_spec(text, 1795860000, "fuzz");
  if (!spec) {
    require(spec.error().kind == iotonb::ErrorKind::input);
    return 0;
  }
  mud::ReadOutcome again = mud::read_mud(mud::write_mud(*spec));
  require(again.file.has_value() && *again.file == *spec);
  return 0;
}
