// Compiling MUD policy (RFC 8520) and the owner's local policy (local_policy.h) into an
// intermediate rule set per device, which render.h turns into nftables or iptables rules.
//
// What a device gets, in order (first match wins):
//   1. the local rules that apply to it (local_policy.h: a local deny beats a MUD accept, a
//      local allow adds a flow), or, in quarantine, only segments.quarantine.allow;
//   2. its MUD file's ACEs (from-device-policy, then to-device-policy, in the file's order),
//      with the RFC 8519 matches MUD uses: protocol, ports with operators, ICMP type/code,
//      ietf-acldns names, networks, and the RFC 8520 8 abstractions mapped through the local
//      policy; tcp "direction-initiated" through connection tracking (the initiating side may
//      open new connections, the other only answer: ct state established);
//   3. default deny, in both directions.
// A peer the compiler cannot turn into addresses (an unmapped abstraction, a name that does
// not resolve, a family with no address) leaves an accept out (so the flow is denied) and a
// drop or deny matching every peer instead (fail closed); each such case is a note.
// DNS names are answered from the local policy's dns map first, then either resolved now
// (getaddrinfo, or CompileOptions::resolver) or left as named sets an external resolver fills
// (DnsMode::named_sets); CompiledDns says which for every name.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "artifact/mud/address.h"
#include "artifact/mud/local_policy.h"
#include "artifact/mud/model.h"
#include "core/result.h"

namespace iotonb::artifact::mud {

struct DeviceAddresses {
  std::vector<std::string> ipv4, ipv6;  // single addresses, canonical after compile_device
  std::optional<std::string> mac;       // when set, packets from the device must carry it
};

struct CompileInput {
  std::string device_id;        // names the device's chains: see check_device_id
  const MudFile* mud = nullptr;  // null: no usable MUD file (local rules only, or quarantine)
  DeviceAddresses addresses;
  bool quarantine = false;
};

// A name's addresses for one family; an error when it does not resolve (not fatal: the
// compiler notes it and leaves the flow out).
using Resolver = std::function<Result<std::vector<std::string>>(const std::string& name, Family family)>;
// getaddrinfo(3) for one family (AF_INET or AF_INET6, SOCK_STREAM), answers deduplicated and sorted.
Result<std::vector<std::string>> resolve_with_getaddrinfo(const std::string& name, Family family);

struct CompileOptions {
  std::optional<DnsMode> dns_mode;  // overrides the local policy's dns-mode
  Resolver resolver;                // empty: resolve_with_getaddrinfo
  // Renderers that cannot use named sets (iptables) set this: names are resolved whatever the
  // mode, and the note says so.
  bool named_sets_supported = true;
};

// The peer side of a rule.
struct PeerSet {
  enum class Kind { any, addresses, named_set };
  Kind kind = Kind::any;
  std::vector<std::string> addresses;  // canonical addresses/prefixes of the rule's family, sorted
  std::string set_name;                // named_set: see named_set_name
};

enum class Verdict { accept, drop, reject };
// Connection tracking for tcp direction-initiated: the initiating side may open a connection
// (new or established), the answering side only take part in one (established).
enum class ConnTrack { any, initiate, answer };

struct Rule {
  Direction direction = Direction::from_device;  // from_device: packets the device sends
  std::optional<Family> family;                  // nullopt: IPv4 and IPv6
  PeerSet peer;
  std::optional<std::uint8_t> protocol;
  std::optional<PortMatch> src_port, dst_port;
  std::optional<std::uint8_t> icmp_type, icmp_code;
  ConnTrack ct = ConnTrack::any;
  Verdict verdict = Verdict::accept;
  std::string origin;  // "mud:ACL/ACE", "local:rules[0]", "quarantine:..."; sanitized for comments
};

// A DNS-named set the ruleset declares and an external resolver fills.
struct NamedSet {
  std::string name;  // nft set name
  Family family = Family::ipv4;
  std::string dns_name;
};

// What happened to each DNS name, per family.
struct CompiledDns {
  std::string name;
  Family family = Family::ipv4;
  enum class How { static_map, resolved, named_set, unresolved } how = How::unresolved;
  std::vector<std::string> addresses;  // static_map, resolved
  std::string set_name;                // named_set
  std::string detail;                  // unresolved: why
};

struct DevicePolicy {
  std::string device_id;
  std::string mud_url;  // empty without a MUD file
  DeviceAddresses addresses;
  bool quarantine = false;
  Segment segment;
  std::vector<Rule> rules;  // in order; default deny follows
  std::vector<NamedSet> sets;
  std::vector<CompiledDns> dns;
  std::vector<std::string> notes;  // flows left out or widened, and why
};

Result<DevicePolicy> compile_device(const CompileInput& input, const LocalPolicy& local, const CompileOptions& options);

// Every device of a site: same-manufacturer and model peers also include the addresses of
// the other (not quarantined) devices compiled with it (and the device's own, harmlessly, so
// the lists are shared), and names are resolved once. Device
// ids and addresses must be unique.
Result<std::vector<DevicePolicy>> compile_site(const std::vector<CompileInput>& inputs, const LocalPolicy& local,
                                               const CompileOptions& options);

// "dns4_fw-update_example_com" style set name for a DNS name (an nft identifier).
std::string named_set_name(const std::string& dns_name, Family family);

const char* family_name(Family f);
const char* dns_how_name(CompiledDns::How how);

}  // namespace iotonb::artifact::mud
