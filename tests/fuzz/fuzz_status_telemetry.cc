// Fuzzes what the registrar reads from a pledge besides vouchers and CSRs: the status
// telemetry bodies of voucher_status and enrollstatus (lib/protocol/brski/registrar.h,
// RFC 8995 5.7 and 5.9.4) and the Content-Type / Accept header values it dispatches on
// (lib/protocol/answer.h). Invariant: a body that parses, rebuilt the way a pledge writes it
// (brski::status_report), parses to the same status and reason.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/answer.h"
#include "protocol/brski/pledge.h"
#include "protocol/brski/registrar.h"

namespace brski = iotonb::protocol::brski;
namespace protocol = iotonb::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = brski::parse_status_telemetry(text, 16 * 1024);
  if (parsed) {
    auto again = brski::parse_status_telemetry(brski::status_report(parsed->status, parsed->reason), 64 * 1024);
    if (!again || again->status != parsed->status || again->reason != parsed->reason) std::abort();
  }
  (void)protocol::media_type_is(text, "application/pkcs7-mime");
  (void)protocol::media_type_parameter(text, "smime-type");
  (void)protocol::accepts(text, "application/voucher-cms+json");
  return 0;
}
