// Fuzzes the voucher JSON decoder (lib/artifact/voucher_json.h over lib/core/json.h): any
// input either fails cleanly or gives a voucher that validates, writes back to JSON and reads
// again to the same leaves; and the same voucher encodes to CBOR that decodes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "artifact/voucher_cbor.h"
#include "artifact/voucher_json.h"

using namespace iotonb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto v = artifact::voucher_from_json(text);
  if (!v) return 0;
  auto again = artifact::voucher_from_json(artifact::voucher_to_json(*v));
  if (!again || again->leaves().size() != v->leaves().size()) std::abort();
  auto from_cbor = artifact::voucher_from_cbor(artifact::voucher_to_cbor(*v));
  if (!from_cbor || from_cbor->leaves().size() != v->leaves().size()) std::abort();
  return 0;
}
