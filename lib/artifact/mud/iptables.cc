// iptables rendering (render.h): iptables-restore format for the filter table. The dispatch
// is one rule per device address in a chain of its own (iptables has no verdict maps; ipset
// would need a tool the restore format cannot drive), per-device chains are named by a hash
// of the device id because iptables allows 28 characters.
#include <set>
#include <sstream>

#include "artifact/mud/render.h"

namespace iotonb::artifact::mud {
namespace {

std::string top_chain(const std::string& table) {
  std::string s = table;
  for (char& c : s) {
    if (c == '_') c = '-';
    else if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

std::string device_chain(const std::string& id, bool from) { return "MUD-" + short_hash(id) + (from ? "-F" : "-T"); }

std::string ports(const char* which, const PortMatch& m) {
  const std::string opt = std::string("--") + which + " ";
  switch (m.op) {
    case PortOperator::eq: return opt + std::to_string(m.port);
    case PortOperator::neq: return "! " + opt + std::to_string(m.port);
    case PortOperator::lte: return opt + ":" + std::to_string(m.port);
    case PortOperator::gte: return opt + std::to_string(m.port) + ":";
    case PortOperator::range: return opt + std::to_string(m.port) + ":" + std::to_string(m.upper);
  }
  return opt;
}

Result<std::string> rule_text(const Rule& r, Family family) {
  std::string s;
  const auto add = [&](const std::string& part) { s += " " + part; };
  if (r.peer.kind == PeerSet::Kind::named_set)
    return usage_error("rule " + comment_text(r.origin) + " uses named set " + comment_text(r.peer.set_name) +
                       ": iptables cannot; compile with DNS names resolved");
  if (r.peer.kind == PeerSet::Kind::addresses) {
    std::string list;
    for (const auto& a : r.peer.addresses) {
      auto p = parse_prefix(a);
      if (!p || p->family != family) return input_error("rule " + comment_text(r.origin) + ": bad peer address");
      list += (list.empty() ? "" : ",") + p->text;
    }
    add(std::string(r.direction == Direction::from_device ? "-d " : "-s ") + list);
  }
  if (r.protocol) {
    const std::uint8_t p = *r.protocol;
    if (p == 6 || p == 17) {
      const char* name = p == 6 ? "tcp" : "udp";
      add(std::string("-p ") + name);
      if (r.src_port || r.dst_port) add(std::string("-m ") + name);
      if (r.src_port) add(ports("sport", *r.src_port));
      if (r.dst_port) add(ports("dport", *r.dst_port));
    } else if (p == 1 || p == 58) {
      add(p == 1 ? "-p icmp" : "-p ipv6-icmp");
      if (r.icmp_type) {
        std::string type = std::to_string(*r.icmp_type) + (r.icmp_code ? "/" + std::to_string(*r.icmp_code) : "");
        add(p == 1 ? "-m icmp --icmp-type " + type : "-m icmp6 --icmpv6-type " + type);
      }
    } else {
      add("-p " + std::to_string(p));
    }
  }
  if (r.ct == ConnTrack::initiate) add("-m conntrack --ctstate NEW,ESTABLISHED");
  if (r.ct == ConnTrack::answer) add("-m conntrack --ctstate ESTABLISHED");
  add("-m comment --comment \"" + comment_text(r.origin) + "\"");
  add(r.verdict == Verdict::accept ? "-j RETURN" : r.verdict == Verdict::drop ? "-j DROP" : "-j REJECT");
  return s;
}

}  // namespace

Result<std::string> render_iptables(const std::vector<DevicePolicy>& devices, Family family, const RenderOptions& options) {
  IOTONB_RETURN_IF_ERROR(check_table_name(options.table));
  const bool v4 = family == Family::ipv4;
  const std::string top = top_chain(options.table);
  std::ostringstream head, chains, rules;
  head << "# MUD policy (RFC 8520) for " << devices.size() << " device(s), " << (v4 ? "IPv4" : "IPv6")
       << ", compiled by iotonb; regenerate rather than edit.\n"
       << "# Load with " << (v4 ? "iptables" : "ip6tables") << "-restore --noflush FILE: chain " << top
       << " and the MUD-* chains are replaced, the\n"
       << "# rest of the filter table is kept" << (options.hook_forward ? " (reload with --no-hook, or FORWARD jumps twice)" : "")
       << ". Only forwarded traffic of the devices below is filtered.\n";
  chains << "*filter\n:" << top << " - [0:0]\n";
  if (options.hook_forward) rules << "-A FORWARD -j " << top << "\n";
  std::set<std::string> names, addresses;
  std::ostringstream device_rules;
  for (const DevicePolicy& d : devices) {
    IOTONB_RETURN_IF_ERROR(check_device_id(d.device_id));
    const auto& own = v4 ? d.addresses.ipv4 : d.addresses.ipv6;
    head << "# device " << d.device_id << " (" << device_chain(d.device_id, true).substr(0, 16) << "): "
         << (d.mud_url.empty() ? "no MUD file" : "mud-url " + comment_text(d.mud_url, 200)) << "; segment "
         << comment_text(d.segment.name, 64);
    if (d.segment.vlan) head << " (VLAN " << *d.segment.vlan << ")";
    if (d.quarantine) head << "; QUARANTINE";
    if (own.empty()) head << "; no " << (v4 ? "IPv4" : "IPv6") << " address";
    head << "\n";
    if (own.empty()) continue;
    const std::string from = device_chain(d.device_id, true), to = device_chain(d.device_id, false);
    if (!names.insert(from).second) return input_error("device " + d.device_id + " is given twice (or its chain name collides)");
    chains << ":" << from << " - [0:0]\n:" << to << " - [0:0]\n";
    for (const auto& a : own) {
      auto p = parse_address(a);
      if (!p || p->family != family) return input_error("device " + d.device_id + ": bad address");
      if (!addresses.insert(p->text).second) return input_error("address " + p->text + " belongs to two devices");
      rules << "-A " << top << " -s " << p->text << " -j " << from << "\n-A " << top << " -d " << p->text << " -j " << to << "\n";
    }
    if (d.addresses.mac) {
      IOTONB_ASSIGN_OR_RETURN(std::string mac, parse_mac(*d.addresses.mac));
      device_rules << "-A " << from << " -m mac ! --mac-source " << mac << " -m comment --comment \"source address spoofed\" -j DROP\n";
    }
    for (const Rule& r : d.rules) {
      if (r.family && *r.family != family) continue;
      IOTONB_ASSIGN_OR_RETURN(std::string text, rule_text(r, family));
      device_rules << "-A " << (r.direction == Direction::from_device ? from : to) << text << "\n";
    }
    for (const auto& c : {from, to}) device_rules << "-A " << c << " -m comment --comment \"default deny\" -j DROP\n";
  }
  return head.str() + chains.str() + rules.str() + device_rules.str() + "COMMIT\n";
}

}  // namespace iotonb::artifact::mud
