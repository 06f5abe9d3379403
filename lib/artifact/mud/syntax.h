// The value syntax of the YANG types MUD leaves use (RFC 6991 inet:uri, inet:domain-name,
// inet:ipv4-prefix/ipv6-prefix, yang:date-and-time; RFC 8520 13.2's https MUD URL), shared
// by the MUD file reader and the YAML spec reader so a spec can never produce a file the
// reader would refuse.
#pragma once

#include <cstddef>
#include <string_view>

#include "artifact/mud/model.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::artifact::mud {

// A DNS host name (inet:domain-name as host names use it): dot-separated labels of letters,
// digits, '-' and '_' (not starting or ending with '-'), each 1..63 octets, at most 253 in
// all, an optional final dot.
bool is_domain_name(std::string_view s);

// An absolute URI (RFC 3986 3): scheme ":" and a non-empty rest of URI characters only
// (percent escapes well formed; no spaces, controls or non-ASCII).
bool is_uri(std::string_view s);

// An https URL (RFC 8520 13.2: MUD URLs MUST use the https scheme) as core::parse_https_url
// reads it, whose host is a domain name or an IPv6 address.
bool is_https_url(std::string_view s);

// "192.0.2.0/24" for ipv4, "2001:db8::/32" for ipv6: an address of the family and a prefix
// length within its width.
bool is_prefix(std::string_view s, AclType family);

// yang:date-and-time (RFC 6991 3): "2018-06-29T19:50:19+02:00", "2026-11-28T10:00:00.5Z";
// the offset is required, T and Z upper case.
Result<core::UnixTime> parse_date_and_time(std::string_view s);

// Characters (Unicode code points) in UTF-8 text: YANG string lengths count characters.
std::size_t char_count(std::string_view utf8);

}  // namespace iotonb::artifact::mud
