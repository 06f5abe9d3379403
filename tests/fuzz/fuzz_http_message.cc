// Fuzzes the HTTP/1.1 framing of the HTTPS server and client (lib/net/http_message.h): where
// a head ends, the head read as a request and as a response, and a chunked body after it.
// Invariants: nothing accepted exceeds its limit, and a chunked body decoded as its octets
// arrive one at a time is the body decoded at once.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "net/http_message.h"

namespace http = iotonb::net::http;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kMaxBody = 4096;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  http::Refusal refusal;
  std::size_t end = http::head_end(input, refusal);
  if (end > size || end > http::kMaxHeadSize) std::abort();
  http::RequestHead head;
  std::string_view head_text = end != 0 ? input.substr(0, end) : input;
  if (!http::parse_request_head(head_text, kMaxBody, head)) {
    if (head.content_length > kMaxBody || head.path.empty() || head.headers.size() > http::kMaxHeaderFields) std::abort();
  }

  http::ResponseHead answer;
  if (!http::parse_response_head(head_text, kMaxBody, answer)) {
    if (answer.status < 100 || answer.status > 999 || answer.content_length > kMaxBody) std::abort();
  }

  std::string_view rest = input.substr(end);
  std::string whole;
  std::size_t pos = 0;
  http::Refusal at_once;
  bool done = http::decode_chunks(rest, pos, whole, kMaxBody, at_once);
  if (whole.size() > kMaxBody || pos > rest.size()) std::abort();

  std::string trickled;
  std::size_t tpos = 0;
  http::Refusal piecewise;
  bool tdone = false;
  for (std::size_t n = 0; n <= rest.size() && !tdone && !piecewise; ++n)
    tdone = http::decode_chunks(rest.substr(0, n), tpos, trickled, kMaxBody, piecewise);
  if (done && (!tdone || trickled != whole || tpos != pos)) std::abort();
  if (!at_once && !done && tdone) std::abort();
  return 0;
}
