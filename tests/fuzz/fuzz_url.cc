// Fuzzes the https URL reading (lib/core/url.h) the client, the registrar and the MUD code
// share. Invariants: what is accepted has a host, a port in 1..65535 and a target starting
// with '/', holds no octet the reader refuses (nor userinfo in the host), and reads back the same from origin() + target.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/url.h"
#include "fuzz_require.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto url = iotonb::core::parse_https_url(input);
  if (!url) return 0;
  require(!url->host.empty() && url->port >= 1 && url->port <= 65535);
  require(!url->target.empty() && url->target.front() == '/' && url->target.find('#') == std::string::npos);
  for (unsigned char c : url->host + url->target) require(c > 0x20 && c < 0x7f);
  require(url->host.find('@') == std::string::npos);  // userinfo is refused, not taken as the host
  auto again = iotonb::core::parse_https_url(url->origin() + url->target);
  require(again.ok() && again->host == url->host && again->port == url->port && again->target == url->target);
  return 0;
}
