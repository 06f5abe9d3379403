// The Manufacturer Usage Description model (RFC 8520) with the subset of the ACL model
// (RFC 8519) that MUD uses, as one plain value type every MUD module shares: the reader
// (file.h) makes it from the JSON a manufacturer serves, the spec reader (spec.h) from a
// readable YAML spec, the writer (file.h) turns it back into RFC 8520 JSON, and the compiler
// (compile.h) into firewall rules. Only what validation accepted is ever in a MudFile, so
// consumers need not re-check ranges or names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/time.h"

namespace iotonb::artifact::mud {

// RFC 8520 8: "direction-initiated" (and the direction a policy applies to).
enum class Direction { from_device, to_device };

// RFC 8519 4.1 acl-type identities MUD uses: "ipv4-acl-type", "ipv6-acl-type".
enum class AclType { ipv4, ipv6 };

// RFC 8519 4.1 forwarding actions: "accept", "drop", "reject".
enum class Forwarding { accept, drop, reject };

// RFC 8519 port-range-or-operator: {operator, port} or {lower-port, upper-port}.
enum class PortOperator { eq, neq, lte, gte, range };
struct PortMatch {
  PortOperator op = PortOperator::eq;
  std::uint16_t port = 0;   // the port, or the lower port of a range
  std::uint16_t upper = 0;  // range only
  bool operator==(const PortMatch&) const = default;
};

// The ipv4/ipv6 container of an ACE (RFC 8519 4.1, RFC 8520 11 ietf-acldns).
struct IpMatch {
  std::optional<std::uint8_t> protocol;  // 6 tcp, 17 udp, 1 icmp, 58 ipv6-icmp
  std::optional<std::string> src_dnsname;
  std::optional<std::string> dst_dnsname;
  // source-/destination-ipv4-network or -ipv6-network, as "a.b.c.d/len" or "x::/len".
  std::optional<std::string> src_network;
  std::optional<std::string> dst_network;
  bool operator==(const IpMatch&) const = default;
};

// tcp or udp container.
struct TransportMatch {
  std::optional<PortMatch> src_port;
  std::optional<PortMatch> dst_port;
  std::optional<Direction> direction_initiated;  // tcp only (RFC 8520 8)
  bool operator==(const TransportMatch&) const = default;
};

struct IcmpMatch {
  std::optional<std::uint8_t> type;
  std::optional<std::uint8_t> code;
  bool operator==(const IcmpMatch&) const = default;
};

// The ietf-mud:mud match container (RFC 8520 8): which abstraction the peer is. At most one
// is set per ACE in practice; validation requires at least one when the container is present.
struct MudMatch {
  std::optional<std::string> manufacturer;  // a domain name
  bool same_manufacturer = false;           // [null]
  std::optional<std::string> model;         // a MUD URL
  bool local_networks = false;              // [null]
  std::optional<std::string> controller;    // a URI naming a class of controllers
  bool my_controller = false;               // [null]
  bool operator==(const MudMatch&) const = default;
};

struct Ace {
  std::string name;
  std::optional<IpMatch> ip;  // the ACL's type says whether this is ipv4 or ipv6
  std::optional<TransportMatch> tcp;
  std::optional<TransportMatch> udp;
  std::optional<IcmpMatch> icmp;
  std::optional<MudMatch> mud;
  Forwarding forwarding = Forwarding::accept;
  bool operator==(const Ace&) const = default;
};

struct Acl {
  std::string name;
  AclType type = AclType::ipv4;
  std::vector<Ace> aces;
  bool operator==(const Acl&) const = default;
};

struct MudFile {
  int mud_version = 1;
  std::string mud_url;                       // https URL
  std::string last_update;                   // as written (date-and-time with offset)
  core::UnixTime last_update_time = 0;       // the same instant
  std::optional<std::string> mud_signature;  // URL of the detached signature
  int cache_validity = 48;                   // hours, 1..168
  bool is_supported = true;
  std::optional<std::string> systeminfo;     // at most 60 characters
  std::optional<std::string> mfg_name;
  std::optional<std::string> model_name;
  std::optional<std::string> firmware_rev;
  std::optional<std::string> software_rev;
  std::optional<std::string> documentation;  // URL
  std::vector<std::string> extensions;
  std::vector<std::string> from_device_acls;  // names, each resolving to an Acl
  std::vector<std::string> to_device_acls;
  std::vector<Acl> acls;
  bool operator==(const MudFile&) const = default;

  const Acl* find_acl(const std::string& name) const {
    for (const Acl& a : acls)
      if (a.name == name) return &a;
    return nullptr;
  }
};

// One validation failure: where (RFC 6901 JSON Pointer into the file, e.g.
// "/ietf-mud:mud/cache-validity") and what ("must be 1..168, is 200").
struct Violation {
  std::string path;
  std::string message;
  bool operator==(const Violation&) const = default;
};

}  // namespace iotonb::artifact::mud
