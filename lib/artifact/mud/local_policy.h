// The owner's local policy for MUD enforcement: what RFC 8520's abstractions mean on this
// network (RFC 8520 8: controller, my-controller, local-networks, manufacturer,
// same-manufacturer, model stand for addresses only the local network knows), how DNS names
// are handled, which segment (VLAN) a device joins, and local rules that override the
// manufacturer's (RFC 8520 1.5: the MUD file is a recommendation the network may tighten).
// Read from YAML (or JSON), as hostile input: at most 1 MiB, bounded nesting and values,
// errors naming the field and its line. The file:
//
//   controllers:                        # controller: URI -> addresses / prefixes
//     "urn:ietf:params:mud:dns": [192.168.1.1, "fd00::53"]
//   my-controller: [192.168.1.10]       # for every device; or by MUD URL:
//   #  {"https://lum.example.com/Luminaire_150": [192.168.1.10], "*": [192.168.1.11]}
//   local-networks: [192.168.1.0/24, "fd00::/64"]
//   manufacturers:                      # manufacturer (and same-manufacturer: the device's
//     luminaire.example.com: [192.168.1.40]   #  own MUD URL authority) -> addresses
//   models:                             # model: MUD URL -> addresses
//     "https://lum.example.com/Luminaire_150": [192.168.1.41]
//   dns:                                # static answers, used before any resolver
//     fw-update.luminaire.example.com: [203.0.113.7]
//   dns-mode: resolve                   # resolve (getaddrinfo at compile time) | named-sets
//   segments:
//     default: {name: iot, vlan: 100}
//     quarantine:
//       name: quarantine
//       vlan: 999
//       allow:                          # the only flows a quarantined device has (rules below)
//         - {peer: 192.168.1.2, protocol: tcp, dst-port: 443, initiated-by: device}
//   rules:                              # first match wins; before every MUD rule
//     - action: deny                    # deny | allow (a local deny beats a MUD accept;
//       peer: any                       #  a local allow adds a flow)
//       protocol: tcp
//       dst-port: 23
//     - action: allow
//       devices: [lum-1, "https://lum.example.com/Luminaire_150"]   # device ids or MUD URLs
//       direction: from-device          # from-device | to-device | both (default)
//       peer: [dns:ntp.example.com, controller:urn:x, my-controller, local-networks,
//              manufacturer:example.com, same-manufacturer, model:https://..., 10.0.0.0/8]
//       protocol: udp                   # tcp | udp | icmp | ipv6-icmp | any | 0..255
//       dst-port: 123                   # N, "!= N", "<= N", ">= N", "N-M"
//       src-port: ">= 1024"
//       initiated-by: device            # tcp only: device | peer (connection tracking)
//       family: ipv4                    # ipv4 | ipv6 | any (default: as the peers have)
//
// Ports are as seen in packets from the device; for direction to-device alone, as seen in
// packets to the device; direction both adds the mirrored rule (ports swapped) for the return
// packets. An address key absent from a map means "not configured": the compiler leaves an
// accept for that abstraction out (default deny) and says so.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/mud/address.h"
#include "artifact/mud/model.h"
#include "core/result.h"

namespace iotonb::artifact::mud {

inline constexpr std::size_t kMaxLocalPolicySize = 1 << 20;
inline constexpr std::size_t kMaxLocalPolicyValues = 200000;  // YAML nodes visited, aliases counted each time
inline constexpr std::size_t kMaxLocalRules = 10000;

enum class DnsMode { resolve, named_sets };

// One peer of a local rule ("dns:NAME", "controller:URI", an address, ...).
struct LocalPeer {
  enum class Kind { any, address, dns, controller, my_controller, local_networks, manufacturer, same_manufacturer, model };
  Kind kind = Kind::any;
  std::string value;           // the name, URI, domain or URL; the canonical address text
  std::optional<Family> family;  // address only
};

struct LocalRule {
  std::string where;  // "rules[2]" or "segments.quarantine.allow[0]", for notes
  bool allow = true;
  std::optional<Direction> direction;  // nullopt: both directions
  std::vector<LocalPeer> peers;        // empty: any peer
  std::optional<std::uint8_t> protocol;
  std::optional<PortMatch> src_port;
  std::optional<PortMatch> dst_port;
  std::optional<Direction> initiated_by;  // tcp only; from_device = the device initiates
  std::optional<Family> family;           // nullopt: every family the peers have
  std::vector<std::string> devices;       // device ids or MUD URLs; empty: every device

  bool applies_to(const std::string& device_id, const std::string& mud_url) const;
};

struct Segment {
  std::string name;
  std::optional<std::uint16_t> vlan;  // 1..4094
};

struct LocalPolicy {
  std::map<std::string, std::vector<IpPrefix>> controllers;
  std::vector<IpPrefix> my_controller;                          // every device ("*")
  std::map<std::string, std::vector<IpPrefix>> my_controller_by_url;
  std::optional<std::vector<IpPrefix>> local_networks;          // nullopt: not configured
  std::map<std::string, std::vector<IpPrefix>> manufacturers;   // by lower-case authority
  std::map<std::string, std::vector<IpPrefix>> models;          // by MUD URL
  std::map<std::string, std::vector<IpPrefix>> dns;             // by lower-case name
  DnsMode dns_mode = DnsMode::resolve;
  Segment segment{"default", std::nullopt};
  Segment quarantine{"quarantine", std::nullopt};
  std::vector<LocalRule> quarantine_allow;
  std::vector<LocalRule> rules;

  // The my-controller addresses for a device: by its MUD URL, else the "*" list.
  const std::vector<IpPrefix>* my_controller_for(const std::string& mud_url) const;
};

Result<LocalPolicy> read_local_policy(std::string_view text);

// A port match as local rules write it: "443", "!= 23", "<= 1023", ">= 1024", "1000-2000".
Result<PortMatch> parse_port_match(std::string_view text);

}  // namespace iotonb::artifact::mud
