#include "core/url.h"

#include <charconv>

namespace iotonb::core {
namespace {

Error bad_url(std::string_view url, const std::string& why) {
  return usage_error("URL \"" + std::string(url.substr(0, 200)) + (url.size() > 200 ? "...\"" : "\"") + ": " + why);
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::string HttpsUrl::authority() const {
  std::string out = ipv6() ? "[" + host + "]" : host;
  if (port != 443) out += ":" + std::to_string(port);
  return out;
}

std::string HttpsUrl::origin() const { return "https://" + authority(); }

Result<HttpsUrl> parse_https_url(std::string_view url) {
  constexpr std::string_view kScheme = "https://";
  if (url.size() > kMaxUrlLength) return bad_url(url, "longer than " + std::to_string(kMaxUrlLength) + " octets");
  if (url.size() < kScheme.size()) return bad_url(url, "not an https:// URL");
  for (std::size_t i = 0; i < kScheme.size(); ++i)
    if (lower(url[i]) != kScheme[i]) return bad_url(url, "not an https:// URL");
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7f) return bad_url(url, "has a space, control or non-ASCII character");

  std::string_view rest = url.substr(kScheme.size());
  const std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (authority.find('@') != std::string_view::npos) return bad_url(url, "has userinfo (\"...@\")");

  HttpsUrl out;
  if (!authority.empty() && authority.front() == '[') {  // IP literal (RFC 3986 3.2.2)
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "has an unclosed IPv6 address");
    out.host = std::string(authority.substr(1, close - 1));
    if (out.host.find(':') == std::string::npos) return bad_url(url, "has a bracketed host that is not IPv6");
    authority.remove_prefix(close + 1);
  } else {
    const std::size_t colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    authority.remove_prefix(colon == std::string_view::npos ? authority.size() : colon);
  }
  if (out.host.empty()) return bad_url(url, "has no host");
  if (!authority.empty()) {
    if (authority.front() != ':') return bad_url(url, "has junk after the host");
    authority.remove_prefix(1);
    auto [stop, ec] = std::from_chars(authority.data(), authority.data() + authority.size(), out.port);
    if (ec != std::errc() || stop != authority.data() + authority.size() || out.port <= 0 || out.port > 65535)
      return bad_url(url, "has a bad port");
  }

  rest = rest.substr(0, rest.find('#'));  // a fragment is the client's own, never sent
  out.target = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
  return out;
}

}  // namespace iotonb::core
