#include "net/http_message.h"

#include <cstdio>
#include <ctime>

namespace iotonb::net::http {
namespace {

constexpr std::size_t kMaxChunkLine = 1024;  // chunk size, extensions and each trailer field

bool is_tchar(char c) {  // RFC 9110 5.6.2
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_tchar(c)) return false;
  return true;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// The next line of `text` from `pos` without its LF and the CR before it, if any; pos moves
// past the LF. The caller knows a LF follows.
std::string_view next_line(std::string_view text, std::size_t& pos) {
  std::size_t eol = text.find('\n', pos);
  std::string_view line = text.substr(pos, eol - pos);
  pos = eol + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

Refusal refuse(int status, std::string message) { return Refusal{status, std::move(message)}; }

// Whether a comma-separated list of tokens (Connection) holds `token`.
bool list_has(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    if (iequal(trim_ows(list.substr(0, comma)), token)) return true;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return false;
}

Refusal parse_request_line(std::string_view line, RequestHead& out) {
  std::size_t sp1 = line.find(' ');
  std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return refuse(400, "request line is not \"METHOD target HTTP/version\"");
  std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                   version = line.substr(sp2 + 1);
  if (!is_token(method)) return refuse(400, "request line: the method is not a token");
  for (char c : target)
    if (c <= ' ' || c == 0x7f) return refuse(400, "request line: the target holds a control character or space");
  // absolute-form (RFC 9112 3.2.2): servers must accept it; only the path matters here.
  for (std::string_view scheme : {"https://", "http://"}) {
    if (target.size() >= scheme.size() && iequal(target.substr(0, scheme.size()), scheme)) {
      std::size_t slash = target.find('/', scheme.size());
      target = slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
      break;
    }
  }
  if (target.empty() || (target.front() != '/' && target != "*")) return refuse(400, "request line: the target is not a path");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9')
    return refuse(400, "request line: \"" + std::string(version.substr(0, 16)) + "\" is not an HTTP version");
  if (version != "HTTP/1.1" && version != "HTTP/1.0")
    return refuse(505, "HTTP version " + std::string(version.substr(5)) + " is not supported (1.1 and 1.0 are)");
  out.method = std::string(method);
  out.path = std::string(target.substr(0, target.find('?')));
  out.http10 = version == "HTTP/1.0";
  return {};
}

// Content-Length: one decimal number; repeated fields must agree (RFC 9112 6.3).
Refusal take_content_length(std::string_view value, bool& seen, std::size_t max_body, std::size_t& length) {
  if (value.empty()) return refuse(400, "Content-Length is empty");
  std::size_t n = 0;
  bool too_large = false;
  for (char c : value) {
    if (c < '0' || c > '9') return refuse(400, "Content-Length \"" + std::string(value.substr(0, 32)) + "\" is not a number");
    if (n > (static_cast<std::size_t>(-1) - 9) / 10) too_large = true;
    else n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  if (too_large || n > max_body)
    return refuse(413, "request body too large (Content-Length " + std::string(value.substr(0, 32)) + ", limit " +
                           std::to_string(max_body) + " octets)");
  if (seen && n != length) return refuse(400, "Content-Length fields disagree");
  seen = true;
  length = n;
  return {};
}

}  // namespace

std::size_t head_end(std::string_view buffered, Refusal& refusal) {
  std::size_t at = 0;
  while ((at = buffered.find('\n', at)) != std::string_view::npos) {
    std::size_t end = 0;
    if (at + 1 < buffered.size() && buffered[at + 1] == '\n') end = at + 2;
    else if (at + 2 < buffered.size() && buffered[at + 1] == '\r' && buffered[at + 2] == '\n') end = at + 3;
    if (end != 0) {
      if (end > kMaxHeadSize) break;
      return end;
    }
    ++at;
  }
  if (buffered.size() > kMaxHeadSize || at != std::string_view::npos)
    refusal = refuse(431, "request head larger than " + std::to_string(kMaxHeadSize) + " octets");
  return 0;
}

namespace {

// What the header fields of a head say about framing, collected by parse_fields.
struct Fields {
  std::vector<std::pair<std::string, std::string>> headers;
  bool length_seen = false;
  std::size_t content_length = 0;
  bool chunked = false;
  bool expect_continue = false;
  int hosts = 0;
  std::string connection;  // every Connection field, comma-joined
};

// The header fields from `pos` to the empty line. `bad` is the status a malformed field gets.
Refusal parse_fields(std::string_view head, std::size_t pos, std::size_t max_body, int bad, Fields& out) {
  while (pos < head.size()) {
    std::string_view line = next_line(head, pos);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return refuse(bad, "header field folded over lines (obs-fold)");
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return refuse(bad, "header field without a colon");
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_token(name)) return refuse(bad, "header field name \"" + std::string(name.substr(0, 64)) + "\" is not a token");
    for (char c : value)
      if ((c < ' ' && c != '\t') || c == 0x7f) return refuse(bad, "header field " + std::string(name) + " holds a control character");
    if (out.headers.size() == kMaxHeaderFields)
      return refuse(bad == 400 ? 431 : bad, "more than " + std::to_string(kMaxHeaderFields) + " header fields");
    if (iequal(name, "Content-Length")) {
      if (Refusal r = take_content_length(value, out.length_seen, max_body, out.content_length)) return r;
    } else if (iequal(name, "Transfer-Encoding")) {
      if (!iequal(value, "chunked"))
        return refuse(bad == 400 ? 501 : bad, "Transfer-Encoding \"" + std::string(value.substr(0, 64)) + "\" is not supported (chunked is)");
      if (out.chunked) return refuse(bad, "Transfer-Encoding chunked applied twice");
      out.chunked = true;
    } else if (iequal(name, "Expect")) {
      if (!iequal(value, "100-continue")) return refuse(417, "Expect \"" + std::string(value.substr(0, 64)) + "\" cannot be met");
      out.expect_continue = true;
    } else if (iequal(name, "Host")) {
      ++out.hosts;
    } else if (iequal(name, "Connection")) {
      out.connection += std::string(value) + ",";
    }
    out.headers.emplace_back(std::string(name), std::string(value));
  }
  if (out.chunked && out.length_seen) return refuse(bad, "both Content-Length and Transfer-Encoding");
  return {};
}

}  // namespace

Refusal parse_request_head(std::string_view head, std::size_t max_body, RequestHead& out) {
  out = RequestHead{};
  std::size_t pos = 0;
  std::string_view line = next_line(head, pos);
  if (line.empty() && pos < head.size()) line = next_line(head, pos);  // one empty line before it is allowed
  if (Refusal r = parse_request_line(line, out)) return r;
  Fields fields;
  if (Refusal r = parse_fields(head, pos, max_body, 400, fields)) return r;
  if (fields.chunked && out.http10) return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
  if (fields.hosts > 1) return refuse(400, "more than one Host field");
  if (!out.http10 && fields.hosts == 0) return refuse(400, "HTTP/1.1 request without a Host field");
  out.headers = std::move(fields.headers);
  out.chunked = fields.chunked;
  out.content_length = fields.content_length;
  out.expect_continue = fields.expect_continue && (out.chunked || out.content_length > 0);  // else nothing to wait for
  out.close = out.http10 ? !list_has(fields.connection, "keep-alive") : list_has(fields.connection, "close");
  return {};
}

Refusal parse_response_head(std::string_view head, std::size_t max_body, ResponseHead& out) {
  out = ResponseHead{};
  std::size_t pos = 0;
  std::string_view line = next_line(head, pos);
  // "HTTP/1.1 200 OK": version, a three-digit status, a reason that may be empty.
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || (line[7] != '0' && line[7] != '1') || line[8] != ' ' ||
      (line.size() > 12 && line[12] != ' '))
    return refuse(502, "status line \"" + std::string(line.substr(0, 40)) + "\" is not \"HTTP/1.x NNN reason\"");
  for (std::size_t i = 9; i < 12; ++i)
    if (line[i] < '0' || line[i] > '9') return refuse(502, "status code is not three digits");
  out.status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  if (out.status < 100) return refuse(502, "status code " + std::to_string(out.status) + " is out of range");
  Fields fields;
  Refusal r = parse_fields(head, pos, max_body, 502, fields);
  if (r) return r.status == 413 ? refuse(413, "the answer's body is larger than the limit of " + std::to_string(max_body) + " octets") : r;
  out.headers = std::move(fields.headers);
  out.chunked = fields.chunked;
  out.has_length = fields.length_seen;
  out.content_length = fields.content_length;
  out.close = line[7] == '0' ? !list_has(fields.connection, "keep-alive") : list_has(fields.connection, "close");
  return {};
}

std::string ResponseHead::header(std::string_view name) const { return header_value(headers, name); }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string header_value(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name) {
  for (const auto& [n, v] : headers)
    if (iequal(n, name)) return v;
  return {};
}

bool decode_chunks(std::string_view in, std::size_t& pos, std::string& body, std::size_t max_body, Refusal& refusal) {
  auto line_ready = [&](std::size_t from) {
    std::size_t eol = in.find('\n', from);
    if (eol == std::string_view::npos) {
      if (in.size() - from > kMaxChunkLine) refusal = refuse(400, "chunk line longer than " + std::to_string(kMaxChunkLine) + " octets");
      return false;
    }
    if (eol - from > kMaxChunkLine) {
      refusal = refuse(400, "chunk line longer than " + std::to_string(kMaxChunkLine) + " octets");
      return false;
    }
    return true;
  };
  while (true) {
    if (!line_ready(pos)) return false;
    std::size_t after = pos;
    std::string_view size_line = next_line(in, after);
    std::string_view digits = trim_ows(size_line.substr(0, size_line.find(';')));  // chunk extensions are ignored
    if (digits.empty()) {
      refusal = refuse(400, "chunk size missing");
      return false;
    }
    std::size_t size = 0;
    for (char c : digits) {
      int v = (c >= '0' && c <= '9') ? c - '0' : (lower(c) >= 'a' && lower(c) <= 'f') ? lower(c) - 'a' + 10 : -1;
      if (v < 0) {
        refusal = refuse(400, "chunk size \"" + std::string(digits.substr(0, 32)) + "\" is not hexadecimal");
        return false;
      }
      if (size > (max_body - body.size()) / 16 + 1) {
        refusal = refuse(413, "request body too large (limit " + std::to_string(max_body) + " octets)");
        return false;
      }
      size = size * 16 + static_cast<std::size_t>(v);
    }
    if (size > max_body - body.size()) {
      refusal = refuse(413, "request body too large (limit " + std::to_string(max_body) + " octets)");
      return false;
    }
    if (size == 0) {  // the last chunk, then trailer fields up to an empty line
      std::size_t trailer = after;
      while (true) {
        if (trailer - after > kMaxHeadSize) {
          refusal = refuse(431, "chunked trailer larger than " + std::to_string(kMaxHeadSize) + " octets");
          return false;
        }
        if (!line_ready(trailer)) return false;
        if (next_line(in, trailer).empty()) break;
      }
      pos = trailer;
      return true;
    }
    if (in.size() - after < size + 1) return false;
    std::size_t data_end = after + size;
    std::size_t next = data_end;
    if (in[next] == '\r') {
      if (in.size() - next < 2) return false;
      ++next;
    }
    if (in[next] != '\n') {
      refusal = refuse(400, "chunk data not followed by CRLF");
      return false;
    }
    body.append(in.substr(after, size));
    pos = next + 1;
  }
}

std::string response_head(int status, std::string_view content_type, std::size_t content_length,
                          const std::vector<std::pair<std::string, std::string>>& headers, bool close,
                          std::string_view date) {
  std::string reason(reason_phrase(status));
  std::string out;
  out.reserve(160 + 64 * headers.size());
  out += "HTTP/1.1 " + std::to_string(status) + " " + (reason.empty() ? "Status" : reason) + "\r\n";
  out += "Date: ";
  out += date;
  out += "\r\nContent-Type: ";
  out += content_type;
  out += "\r\nContent-Length: " + std::to_string(content_length) + "\r\n";
  for (const auto& [name, value] : headers) {
    // A field a handler built from request data must not split the response.
    if (!is_token(name) || value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) continue;
    out += name + ": " + value + "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  return out;
}

std::string format_date(long long unix_seconds) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7], tm.tm_mday,
                kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buffer;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "";
  }
}

}  // namespace iotonb::net::http
