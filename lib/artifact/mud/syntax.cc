#include "artifact/mud/syntax.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstring>
#include <string>

#include "core/url.h"

namespace iotonb::artifact::mud {
namespace {

bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool hex(char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// RFC 3986 2.2 and 2.3: the characters a URI may hold outside percent escapes.
bool uri_char(char c) {
  return alpha(c) || digit(c) || std::strchr("-._~:/?#[]@!$&'()*+,;=", c) != nullptr;
}

bool uri_chars(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !hex(s[i + 1]) || !hex(s[i + 2])) return false;
      i += 2;
    } else if (s[i] == '\0' || !uri_char(s[i])) {
      return false;
    }
  }
  return true;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!digit(c)) return false;
  return true;
}

}  // namespace

bool is_domain_name(std::string_view s) {
  if (!s.empty() && s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (start <= s.size()) {
    std::size_t end = s.find('.', start);
    if (end == std::string_view::npos) end = s.size();
    std::string_view label = s.substr(start, end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label)
      if (!alpha(c) && !digit(c) && c != '-' && c != '_') return false;
    start = end + 1;
  }
  return true;
}

bool is_uri(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size() || !alpha(s[0])) return false;
  for (char c : s.substr(0, colon))
    if (!alpha(c) && !digit(c) && c != '+' && c != '-' && c != '.') return false;
  return uri_chars(s.substr(colon + 1));
}

bool is_https_url(std::string_view s) {
  if (!is_uri(s)) return false;
  auto url = core::parse_https_url(s);
  if (!url) return false;
  if (!url->ipv6()) return is_domain_name(url->host);
  unsigned char buf[16];
  return inet_pton(AF_INET6, url->host.c_str(), buf) == 1;
}

bool is_prefix(std::string_view s, AclType family) {
  std::size_t slash = s.find('/');
  if (slash == std::string_view::npos) return false;
  std::string_view length = s.substr(slash + 1);
  if (!all_digits(length) || length.size() > 3 || (length.size() > 1 && length[0] == '0')) return false;
  int bits = 0;
  for (char c : length) bits = bits * 10 + (c - '0');
  std::string address(s.substr(0, slash));
  unsigned char buf[16];
  if (family == AclType::ipv4) return bits <= 32 && inet_pton(AF_INET, address.c_str(), buf) == 1;
  return bits <= 128 && inet_pton(AF_INET6, address.c_str(), buf) == 1;
}

Result<core::UnixTime> parse_date_and_time(std::string_view s) {
  // RFC 6991's pattern \d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[\+\-]\d{2}:\d{2}),
  // checked here because core::parse_time also takes dates, GeneralizedTime and lower case.
  auto bad = [&] {
    return input_error("\"" + std::string(s) + "\" is not a date-and-time with offset (2026-11-28T10:00:00Z, "
                       "2018-06-29T19:50:19+02:00)");
  };
  auto digits_at = [&](std::size_t pos, std::size_t n) { return pos + n <= s.size() && all_digits(s.substr(pos, n)); };
  if (!(digits_at(0, 4) && s.size() > 19 && s[4] == '-' && digits_at(5, 2) && s[7] == '-' && digits_at(8, 2) &&
        s[10] == 'T' && digits_at(11, 2) && s[13] == ':' && digits_at(14, 2) && s[16] == ':' && digits_at(17, 2)))
    return bad();
  std::size_t pos = 19;
  if (s[pos] == '.') {
    ++pos;
    if (pos >= s.size() || !digit(s[pos])) return bad();
    while (pos < s.size() && digit(s[pos])) ++pos;
  }
  std::string_view offset = s.substr(pos);
  if (!(offset == "Z" || (offset.size() == 6 && (offset[0] == '+' || offset[0] == '-') && digits_at(pos + 1, 2) &&
                          offset[3] == ':' && digits_at(pos + 4, 2))))
    return bad();
  auto t = core::parse_time(s);
  if (!t) return input_error("\"" + std::string(s) + "\": a field is out of range");
  return *t;
}

std::size_t char_count(std::string_view utf8) {
  std::size_t n = 0;
  for (char c : utf8)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
  return n;
}

}  // namespace iotonb::artifact::mud
