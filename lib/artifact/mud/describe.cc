#include "artifact/mud/describe.h"

#include <string>
#include <vector>

namespace iotonb::artifact::mud {
namespace {

using Json = nlohmann::ordered_json;

std::string port_text(const PortMatch& p) {
  switch (p.op) {
    case PortOperator::eq: return std::to_string(p.port);
    case PortOperator::neq: return "not " + std::to_string(p.port);
    case PortOperator::lte: return "<= " + std::to_string(p.port);
    case PortOperator::gte: return ">= " + std::to_string(p.port);
    case PortOperator::range: return std::to_string(p.port) + "-" + std::to_string(p.upper);
  }
  return "?";
}

// Who the peer is: the abstractions first (they say more than an address), then the name or
// network of the peer's end.
std::string peer_text(const Ace& ace, Direction direction) {
  std::vector<std::string> parts;
  if (ace.mud) {
    const MudMatch& m = *ace.mud;
    if (m.manufacturer) parts.push_back("devices of manufacturer " + *m.manufacturer);
    if (m.same_manufacturer) parts.push_back("devices of the same manufacturer");
    if (m.model) parts.push_back("devices of model " + *m.model);
    if (m.local_networks) parts.push_back("local networks");
    if (m.controller) parts.push_back("controller " + *m.controller);
    if (m.my_controller) parts.push_back("my controller");
  }
  if (ace.ip) {
    const bool out = direction == Direction::from_device;
    const auto& name = out ? ace.ip->dst_dnsname : ace.ip->src_dnsname;
    const auto& net = out ? ace.ip->dst_network : ace.ip->src_network;
    if (name) parts.push_back(*name);
    if (net) parts.push_back(*net);
  }
  if (parts.empty()) return "any host";
  std::string s = parts[0];
  for (std::size_t i = 1; i < parts.size(); ++i) s += " and " + parts[i];
  return s;
}

const char* forwarding_text(Forwarding f) {
  return f == Forwarding::accept ? "accept" : f == Forwarding::drop ? "drop" : "reject";
}

}  // namespace

std::string describe_ace(const Ace& ace, AclType type, Direction direction) {
  const bool out = direction == Direction::from_device;
  std::string line = forwarding_text(ace.forwarding);
  const TransportMatch* transport = ace.tcp ? &*ace.tcp : ace.udp ? &*ace.udp : nullptr;
  if (ace.tcp) line += " tcp";
  else if (ace.udp) line += " udp";
  else if (ace.icmp) line += type == AclType::ipv6 ? " icmpv6" : " icmp";
  else if (ace.ip && ace.ip->protocol) line += " ip protocol " + std::to_string(*ace.ip->protocol);
  else line += type == AclType::ipv6 ? " any ipv6" : " any ipv4";
  line += (out ? " to " : " from ") + peer_text(ace, direction);
  // The ACE's own endpoints: the device's is the source of a from-device ACE.
  const bool has_src = ace.ip && (ace.ip->src_dnsname || ace.ip->src_network);
  const bool has_dst = ace.ip && (ace.ip->dst_dnsname || ace.ip->dst_network);
  if (out ? has_src : has_dst) {
    const auto& name = out ? ace.ip->src_dnsname : ace.ip->dst_dnsname;
    line += " (device side " + (name ? *name : *(out ? ace.ip->src_network : ace.ip->dst_network)) + ")";
  }
  if (transport) {
    const auto& peer_port = out ? transport->dst_port : transport->src_port;
    const auto& device_port = out ? transport->src_port : transport->dst_port;
    if (peer_port) line += " port " + port_text(*peer_port);
    if (device_port) line += " device port " + port_text(*device_port);
    if (transport->direction_initiated)
      line += *transport->direction_initiated == Direction::from_device ? " (initiated by device)"
                                                                        : " (initiated by remote)";
  }
  if (ace.icmp) {
    if (ace.icmp->type) line += " type " + std::to_string(*ace.icmp->type);
    if (ace.icmp->code) line += " code " + std::to_string(*ace.icmp->code);
  }
  return line;
}

Json describe_mud(const MudFile& f) {
  Json d{{"type", "mud-file"}, {"mud-url", f.mud_url}};
  if (f.mud_signature) d["mud-signature"] = *f.mud_signature;
  d["last-update"] = f.last_update;
  d["cache-validity-hours"] = f.cache_validity;
  d["is-supported"] = f.is_supported;
  auto optional = [&](const char* key, const std::optional<std::string>& v) {
    if (v) d[key] = *v;
  };
  optional("systeminfo", f.systeminfo);
  optional("mfg-name", f.mfg_name);
  optional("model-name", f.model_name);
  optional("firmware-rev", f.firmware_rev);
  optional("software-rev", f.software_rev);
  optional("documentation", f.documentation);
  if (!f.extensions.empty()) d["extensions"] = f.extensions;
  auto direction = [&](const std::vector<std::string>& names, Direction dir) {
    Json acls = Json::object();
    for (const auto& name : names) {
      Json aces = Json::object();
      if (const Acl* acl = f.find_acl(name))
        for (const Ace& ace : acl->aces) aces[ace.name] = describe_ace(ace, acl->type, dir);
      acls[name] = std::move(aces);
    }
    return acls;
  };
  d["from-device"] = direction(f.from_device_acls, Direction::from_device);
  d["to-device"] = direction(f.to_device_acls, Direction::to_device);
  return d;
}

}  // namespace iotonb::artifact::mud
