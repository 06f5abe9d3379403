// https URLs as iotonb's clients take them: one reading for the HTTPS client, the
// registrar's MASA connections, the MUD fetcher and the MUD file checks, so a URL that one
// of them accepts means the same host, port and target to all of them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace iotonb::core {

// Far above the 255 octets RFC 8520 10 lets a MUD URL travel in (DHCP, LLDP) and anything a
// BRSKI peer names, far below a URL meant to exhaust memory.
inline constexpr std::size_t kMaxUrlLength = 2048;

// "https://host[:port][/path][?query][#fragment]" (RFC 3986 3, RFC 9110 4.2.2).
struct HttpsUrl {
  std::string host;    // as written; an IPv6 literal without its brackets
  int port = 443;
  std::string target;  // path and query, "/" when the URL has neither; a fragment is dropped

  bool ipv6() const { return host.find(':') != std::string::npos; }
  std::string authority() const;  // host, bracketed when IPv6, with ":port" unless 443
  std::string origin() const;     // "https://" + authority()
};

// The scheme is matched without regard to case. Refused, each with a usage error naming the
// URL and the reason: another scheme, no host, an unclosed IPv6 literal, a port that is not
// 1..65535, userinfo ("user@", deprecated by RFC 9110 4.2.4 and taken by nothing iotonb
// talks to), a space, control or non-ASCII octet, and more than kMaxUrlLength octets.
Result<HttpsUrl> parse_https_url(std::string_view url);

}  // namespace iotonb::core
