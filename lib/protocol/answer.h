// What the transport-free BRSKI/EST logic answers: an HTTP status, a media type and a body,
// plus headers such as Retry-After (RFC 8995 5.6, RFC 7030 4.2.3). Refusals are text/plain
// bodies whose text the peer can show as is (RFC 8995 5.3: "MAY return ... a human readable
// explanation"). The service layer copies an Answer into its transport's response.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iotonb::protocol {

struct Answer {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  bool ok() const { return status == 200; }

  static Answer success(std::string content_type, std::string body) {
    return {200, std::move(content_type), std::move(body), {}};
  }
  static Answer refuse(int status, std::string message) {
    if (!message.empty() && message.back() != '\n') message += '\n';
    return {status, "text/plain; charset=utf-8", std::move(message), {}};
  }
  // The refusal text without the trailing newline.
  std::string message() const {
    std::string m = body;
    while (!m.empty() && (m.back() == '\n' || m.back() == '\r')) m.pop_back();
    return m;
  }
};

// Whether a Content-Type value names `type` (parameters and case ignored).
bool media_type_is(std::string_view content_type, std::string_view type);
// The value of parameter `name` ("smime-type") of a media type value, "" when absent.
std::string media_type_parameter(std::string_view content_type, std::string_view name);
// Whether an Accept header value allows `type`: absent, "*/*", "application/*" or the type
// itself among its comma-separated entries (an entry with q=0 does not count).
bool accepts(std::string_view accept, std::string_view type);

}  // namespace iotonb::protocol
