// Fuzzes the CBOR decoder (lib/core/cbor.h). Whatever decodes must survive the encoder: the
// preferred encoding decodes to an equal value and re-encodes to the same bytes, and
// decode_prefix agrees with decode. Diagnostic notation must not crash on anything decoded.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/cbor.h"
#include "fuzz_require.h"

namespace cbor = iotonb::core::cbor;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iotonb::ByteView input(data, size);
  auto prefix = cbor::decode_prefix(input);
  auto value = cbor::decode(input);
  if (!value) {
    // decode fails on what decode_prefix accepts only when bytes are left over.
    if (prefix) require(prefix->second < size);
    return 0;
  }
  require(prefix.ok() && prefix->second == size && prefix->first == *value);
  (void)cbor::diagnostic(*value);
  (void)cbor::diagnostic(*value, true);
  iotonb::Bytes encoded = cbor::encode(*value);
  auto again = cbor::decode(encoded);
  require(again.ok());
  require(*again == *value);
  require(cbor::encode(*again) == encoded);
  return 0;
}
