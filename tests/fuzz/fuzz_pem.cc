// Fuzzes the text decoders (lib/core/encoding.h): parse_pem, from_base64 and from_hex. Each
// must fail cleanly or give bytes that survive a round trip through the matching encoder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/encoding.h"
#include "fuzz_require.h"

namespace core = iotonb::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)core::looks_like_pem(iotonb::ByteView(data, size));

  if (auto blocks = core::parse_pem(text)) {
    for (const auto& block : *blocks) {
      auto again = core::parse_pem(core::to_pem(block.label, block.der));
      require(again.ok() && again->size() == 1);
      require((*again)[0].label == block.label && (*again)[0].der == block.der);
    }
  }
  if (auto bytes = core::from_base64(text)) {
    auto again = core::from_base64(core::to_base64(*bytes));
    require(again.ok() && *again == *bytes);
    auto url = core::from_base64(core::to_base64url(*bytes));
    require(url.ok() && *url == *bytes);
  }
  if (auto bytes = core::from_hex(text)) {
    auto again = core::from_hex(core::to_hex(*bytes));
    require(again.ok() && *again == *bytes);
    auto separated = core::from_hex(core::to_hex_separated(*bytes, ':'));
    require(separated.ok() && *separated == *bytes);
  }
  return 0;
}
