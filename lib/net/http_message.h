// HTTP/1.1 message framing for iotonb's HTTPS server and client (RFC 9112): request and
// response heads, the chunked body coding, and the heads we write. Pure functions over bytes,
// so the parts of the server that read hostile input can be tested and fuzzed without
// sockets. Everything a client controls is bounded by the limits passed in.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace iotonb::net::http {

// Why a request cannot be served: the status to answer with and a message naming the field.
struct Refusal {
  int status = 0;  // 0: no refusal
  std::string message;
  explicit operator bool() const { return status != 0; }
};

inline constexpr std::size_t kMaxHeadSize = 16 * 1024;  // request line and header fields
inline constexpr std::size_t kMaxHeaderFields = 100;

struct RequestHead {
  std::string method;
  std::string path;  // the request target without its query
  bool http10 = false;
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, values trimmed
  bool chunked = false;                                       // Transfer-Encoding: chunked
  std::size_t content_length = 0;                             // when not chunked
  bool expect_continue = false;                               // Expect: 100-continue
  bool close = false;  // the client asked for the connection to close after this request
};

// Where the head ends in `buffered`: the offset just past the empty line that ends it, or 0
// while it is incomplete. A head longer than kMaxHeadSize is refused with 431.
std::size_t head_end(std::string_view buffered, Refusal& refusal);

// Parses a complete head (up to and including its empty line). Refuses a malformed request
// line or field (400), a version other than HTTP/1.0 or 1.1 (505), a transfer coding other
// than chunked (501), an Expect other than 100-continue (417), and a declared body larger
// than max_body (413).
Refusal parse_request_head(std::string_view head, std::size_t max_body, RequestHead& out);

struct ResponseHead {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  bool chunked = false;
  bool has_length = false;  // neither chunked nor a length: the body runs to the connection's end
  std::size_t content_length = 0;
  bool close = false;  // the server will close the connection after this answer

  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
};

// Parses a complete response head, for the client. A malformed head is refused with status
// 502 and a message naming the field; a declared body over max_body with 413.
Refusal parse_response_head(std::string_view head, std::size_t max_body, ResponseHead& out);

// Decodes a chunked body (RFC 9112 7.1) from in[pos...]: complete chunks are appended to
// body and pos moves past them, so a call with more data resumes where the last stopped.
// Returns true when the last chunk and its trailer section have been read; false while more
// input is needed. Refuses a malformed chunk (400) and a body over max_body (413).
bool decode_chunks(std::string_view in, std::size_t& pos, std::string& body, std::size_t max_body, Refusal& refusal);

// The status line and header fields of a response with a Content-Length body, ending in the
// empty line. `date` is an IMF-fixdate (format_date).
std::string response_head(int status, std::string_view content_type, std::size_t content_length,
                          const std::vector<std::pair<std::string, std::string>>& headers, bool close,
                          std::string_view date);

// ASCII case-insensitive equality, as field names and media types compare (RFC 9110 5.1).
bool iequal(std::string_view a, std::string_view b);
// s without the spaces and tabs around it (RFC 9110 5.6.3 OWS).
std::string_view trim_ows(std::string_view s);
// The value of field `name` (case-insensitive) among headers; "" when absent.
std::string header_value(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name);

// RFC 9110 5.6.7 IMF-fixdate of a Unix time: "Sun, 06 Nov 1994 08:49:37 GMT".
std::string format_date(long long unix_seconds);

// The reason phrase of a status code ("Not Found"); "" for codes without one here.
std::string_view reason_phrase(int status);

}  // namespace iotonb::net::http
