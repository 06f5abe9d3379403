// The names and addresses MUD policy compiles into firewall rules, checked and written in one
// canonical form so the rulesets are deterministic and nothing from a MUD file or a local
// policy reaches nft or iptables-restore unchecked: IPv4/IPv6 addresses and prefixes
// (RFC 4632, RFC 4291 2.3), MAC addresses, DNS host names (RFC 1123 2.1 letters, digits and
// hyphens) and the device identifiers that name per-device chains.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace iotonb::artifact::mud {

enum class Family { ipv4, ipv6 };

// An address ("10.0.0.5", "fd00::5") or prefix ("10.0.0.0/8") in canonical text: inet_ntop's
// form, a full-length prefix written without "/len", host bits zero.
struct IpPrefix {
  Family family = Family::ipv4;
  std::string text;
  bool operator==(const IpPrefix&) const = default;
};

// Reads an address or prefix; an error (without a path: the caller adds it) when it is neither,
// when the prefix length is out of range, or when bits beyond the prefix are set.
Result<IpPrefix> parse_prefix(std::string_view text);
// Reads one address (no prefix).
Result<IpPrefix> parse_address(std::string_view text);

// "aa:bb:cc:dd:ee:ff" (also with '-' separators), written lower case with ':'.
Result<std::string> parse_mac(std::string_view text);

// A DNS host name as MUD's ietf-acldns uses it: labels of letters, digits and '-' (not at either
// end), at most 63 octets each, 253 in all; one trailing dot is dropped; written lower case.
Result<std::string> parse_dns_name(std::string_view text);

// A device identifier: 1..64 of letters, digits, '.', '_', ':', '-', starting with a letter or
// digit. Device ids name chains and appear in comments, so nothing else may pass.
inline constexpr std::size_t kMaxDeviceIdLength = 64;
Status check_device_id(std::string_view id);

// The authority (host) of an https URL, lower case ("luminaire.example.com"), or nullopt.
std::optional<std::string> url_authority(std::string_view url);

// A stable 48-bit FNV-1a digest as 12 hex digits: short chain and set names that stay the
// same from run to run (device lists are diffed) and fit iptables' 28-character chain names.
std::string short_hash(std::string_view text);

}  // namespace iotonb::artifact::mud
