// Fuzzes the YAML/JSON readers of lib/artifact/eat: the claims file (claims_file.h), the
// reference policy (policy.h) and the device description (evidence.h). Bounded input must
// never crash or hang, however deep or aliased; claims that are read pass the type checks and
// survive an encode/decode round trip; a policy that is read keeps its reference list sorted.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "artifact/eat/claims_check.h"
#include "artifact/eat/claims_file.h"
#include "artifact/eat/evidence.h"
#include "artifact/eat/policy.h"
#include "fuzz_require.h"

namespace eat = iotonb::artifact::eat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto claims = eat::read_claims(text)) {
    require(eat::check_claims(*claims).ok());
    auto again = iotonb::core::cbor::decode(iotonb::core::cbor::encode(*claims));
    require(again.ok() && *again == *claims);
  }
  if (auto policy = eat::read_policy(text)) {
    require(std::is_sorted(policy->measurements.begin(), policy->measurements.end()));
    require(policy->measurements.size() == policy->measurement_names.size());
  }
  (void)eat::read_device_description(text);
  return 0;
}
