// nftables rendering (render.h). One table of family inet holds everything: the named DNS
// sets, named peer sets, four verdict maps that dispatch by device address (so 1,000 devices
// cost one lookup, not 1,000 rules), the base chain(s), and two chains per device.
// A peer list of several addresses becomes a named set shared by every rule with the same
// list (e.g. a manufacturer's devices), never an anonymous set: the kernel takes 26,000
// anonymous sets in minutes (nft 1.0.6, Linux 6.x) but a few hundred named ones in no time.
#include <map>
#include <set>
#include <sstream>

#include "artifact/mud/render.h"

namespace iotonb::artifact::mud {
namespace {

bool is_set_name(const std::string& s) {
  if (s.size() < 6 || s.size() > 240 || (s.rfind("dns4_", 0) != 0 && s.rfind("dns6_", 0) != 0)) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return false;
  return true;
}

// dev_<id>: nft identifiers take letters, digits, '_', '-', '.', '/' but no ':', so an id
// with ':' is written with '_' and a hash of the original keeps it distinct.
std::string chain_base(const std::string& id) {
  if (id.find(':') == std::string::npos) return "dev_" + id;
  std::string s = id;
  for (char& c : s)
    if (c == ':') c = '_';
  return "dev_" + s + "_" + short_hash(id);
}

const char* l3(Family f) { return f == Family::ipv4 ? "ip" : "ip6"; }

std::string ports(const char* proto, const char* which, const PortMatch& m) {
  std::string s = std::string(proto) + " " + which + " ";
  switch (m.op) {
    case PortOperator::eq: return s + std::to_string(m.port);
    case PortOperator::neq: return s + "!= " + std::to_string(m.port);
    case PortOperator::lte: return s + "<= " + std::to_string(m.port);
    case PortOperator::gte: return s + ">= " + std::to_string(m.port);
    case PortOperator::range: return s + std::to_string(m.port) + "-" + std::to_string(m.upper);
  }
  return s;
}

// Named sets for peer lists of two or more addresses, keyed by family and content.
struct PeerSets {
  std::map<std::string, std::pair<Family, std::string>> by_name;  // name -> (family, elements)
  std::map<std::pair<Family, std::string>, std::string> by_content;

  Result<std::string> name_for(Family f, const std::vector<std::string>& addresses) {
    std::string elements;
    for (const auto& a : addresses) elements += (elements.empty() ? "" : ", ") + a;
    auto key = std::make_pair(f, elements);
    if (auto it = by_content.find(key); it != by_content.end()) return it->second;
    std::string name = std::string(f == Family::ipv4 ? "peers4_" : "peers6_") + short_hash(elements);
    if (by_name.count(name)) return internal_error("peer set names collide (" + name + "); rename a device");
    by_name[name] = {f, elements};
    by_content[key] = name;
    return name;
  }
};

std::string rule_text(const Rule& r, const std::string& peer_set) {
  std::vector<std::string> parts;
  const bool from = r.direction == Direction::from_device;
  if (r.peer.kind == PeerSet::Kind::any) {
    if (r.family) parts.push_back(std::string("meta nfproto ") + family_name(*r.family));
  } else {
    const std::string match = std::string(l3(*r.family)) + (from ? " daddr " : " saddr ");
    if (r.peer.kind == PeerSet::Kind::named_set) {
      parts.push_back(match + "@" + r.peer.set_name);
    } else if (r.peer.addresses.size() == 1) {
      parts.push_back(match + r.peer.addresses[0]);
    } else {
      parts.push_back(match + "@" + peer_set);
    }
  }
  const char* proto = r.protocol == 6 ? "tcp" : r.protocol == 17 ? "udp" : nullptr;
  if (proto && (r.src_port || r.dst_port)) {
    if (r.src_port) parts.push_back(ports(proto, "sport", *r.src_port));
    if (r.dst_port) parts.push_back(ports(proto, "dport", *r.dst_port));
  } else if ((r.protocol == 1 || r.protocol == 58) && r.icmp_type) {
    const char* icmp = r.protocol == 1 ? "icmp" : "icmpv6";
    parts.push_back(std::string(icmp) + " type " + std::to_string(*r.icmp_type));
    if (r.icmp_code) parts.push_back(std::string(icmp) + " code " + std::to_string(*r.icmp_code));
  } else if (r.protocol) {
    const std::string name = proto                ? proto
                             : r.protocol == 1    ? "icmp"
                             : r.protocol == 58   ? "ipv6-icmp"
                                                  : std::to_string(*r.protocol);
    parts.push_back("meta l4proto " + name);
  }
  if (r.ct == ConnTrack::initiate) parts.push_back("ct state new,established");
  if (r.ct == ConnTrack::answer) parts.push_back("ct state established");
  parts.push_back(r.verdict == Verdict::accept ? "return" : r.verdict == Verdict::drop ? "drop" : "reject");
  parts.push_back("comment \"" + comment_text(r.origin) + "\"");
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : " ") + p;
  return out;
}

}  // namespace

std::string comment_text(std::string_view text, std::size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) out += (c >= ' ' && c <= '~' && c != '"' && c != '\\' && c != '\'') ? c : '_';
  return out;
}

Status check_table_name(const std::string& table) {
  if (table.empty() || table.size() > 20 || table[0] < 'a' || table[0] > 'z')
    return usage_error("table name \"" + comment_text(table, 40) + "\": 1..20 of a-z, 0-9, '_', starting with a letter");
  for (char c : table)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
      return usage_error("table name \"" + comment_text(table, 40) + "\": 1..20 of a-z, 0-9, '_', starting with a letter");
  return ok_status();
}

Result<std::string> render_nftables(const std::vector<DevicePolicy>& devices, const RenderOptions& options) {
  IOTONB_RETURN_IF_ERROR(check_table_name(options.table));
  std::ostringstream o;
  o << "#!/usr/sbin/nft -f\n"
    << "# MUD policy (RFC 8520) for " << devices.size() << " device(s), compiled by iotonb; regenerate rather than edit.\n"
    << "# nft -f replaces table inet " << options.table << " atomically and touches no other table. Only traffic\n"
    << "# forwarded to or from the devices below is filtered (hook forward" << (options.hook_local ? ", input, output" : "")
    << "); all else passes this table.\n";
  std::set<std::string> chains, addresses;
  std::vector<const NamedSet*> sets;
  std::set<std::string> set_names;
  for (const DevicePolicy& d : devices) {
    IOTONB_RETURN_IF_ERROR(check_device_id(d.device_id));
    if (!chains.insert(chain_base(d.device_id)).second) return input_error("device " + d.device_id + " is given twice");
    for (const auto* list : {&d.addresses.ipv4, &d.addresses.ipv6})
      for (const auto& a : *list) {
        auto p = parse_address(a);
        if (!p) return p.error().context("device " + d.device_id);
        if (!addresses.insert(p->text).second) return input_error("address " + p->text + " belongs to two devices");
      }
    if (d.addresses.mac) IOTONB_RETURN_IF_ERROR(parse_mac(*d.addresses.mac));
    for (const NamedSet& s : d.sets) {
      if (!is_set_name(s.name)) return input_error("set name \"" + comment_text(s.name, 40) + "\" is not a valid name");
      if (set_names.insert(s.name).second) sets.push_back(&s);
    }
    o << "# device " << d.device_id << ": " << (d.mud_url.empty() ? "no MUD file" : "mud-url " + comment_text(d.mud_url, 200))
      << "; segment " << comment_text(d.segment.name, 64);
    if (d.segment.vlan) o << " (VLAN " << *d.segment.vlan << ")";
    if (d.quarantine) o << "; QUARANTINE";
    o << "\n";
  }
  const std::string& t = options.table;
  o << "table inet " << t << "\ndelete table inet " << t << "\ntable inet " << t << " {\n";
  for (const NamedSet* s : sets)
    o << "\tset " << s->name << " {\n\t\ttype " << (s->family == Family::ipv4 ? "ipv4_addr" : "ipv6_addr")
      << "\n\t\tflags timeout\n\t\tcomment \"" << comment_text(s->dns_name) << ", filled by a resolver\"\n\t}\n";
  std::ostringstream chains_and_maps;  // after every set, which the device chains collect
  static const struct {
    const char* map;
    Family family;
    const char* suffix;
  } kMaps[] = {{"from4", Family::ipv4, "_from"}, {"from6", Family::ipv6, "_from"}, {"to4", Family::ipv4, "_to"}, {"to6", Family::ipv6, "_to"}};
  for (const auto& m : kMaps) {
    chains_and_maps << "\tmap " << m.map << " {\n\t\ttype " << (m.family == Family::ipv4 ? "ipv4_addr" : "ipv6_addr") << " : verdict\n";
    std::string elements;
    for (const DevicePolicy& d : devices)
      for (const auto& a : m.family == Family::ipv4 ? d.addresses.ipv4 : d.addresses.ipv6)
        elements += std::string(elements.empty() ? "" : ",\n") + "\t\t\t" + a + " : jump " + chain_base(d.device_id) + m.suffix;
    if (!elements.empty()) chains_and_maps << "\t\telements = {\n" << elements << "\n\t\t}\n";
    chains_and_maps << "\t}\n";
  }
  const auto base = [&](const char* name, const char* hook, bool from, bool to) {
    chains_and_maps << "\tchain " << name << " {\n\t\ttype filter hook " << hook << " priority filter; policy accept;\n";
    if (from) chains_and_maps << "\t\tip saddr vmap @from4\n\t\tip6 saddr vmap @from6\n";
    if (to) chains_and_maps << "\t\tip daddr vmap @to4\n\t\tip6 daddr vmap @to6\n";
    chains_and_maps << "\t}\n";
  };
  base("forward", "forward", true, true);
  if (options.hook_local) {
    base("output", "output", true, false);
    base("input", "input", false, true);
  }
  PeerSets peer_sets;
  std::ostringstream body;
  for (const DevicePolicy& d : devices) {
    const std::string chain = chain_base(d.device_id);
    for (Direction dir : {Direction::from_device, Direction::to_device}) {
      body << "\tchain " << chain << (dir == Direction::from_device ? "_from" : "_to") << " {\n";
      if (dir == Direction::from_device && d.addresses.mac)
        body << "\t\tether saddr != " << *d.addresses.mac << " counter drop comment \"source address spoofed\"\n";
      for (const Rule& r : d.rules) {
        if (r.direction != dir) continue;
        if (r.peer.kind == PeerSet::Kind::named_set && !set_names.count(r.peer.set_name))
          return internal_error("rule " + comment_text(r.origin) + " names a set the device does not declare");
        std::string peer_set;
        if (r.peer.kind != PeerSet::Kind::any) {
          if (!r.family) return internal_error("rule " + comment_text(r.origin) + " has peers but no family");
          for (const auto& a : r.peer.addresses) {
            auto p = parse_prefix(a);
            if (!p || p->family != *r.family) return input_error("rule " + comment_text(r.origin) + ": bad peer address");
          }
        }
        if (r.peer.kind == PeerSet::Kind::addresses && r.peer.addresses.size() > 1) {
          IOTONB_ASSIGN_OR_RETURN(peer_set, peer_sets.name_for(*r.family, r.peer.addresses));
        }
        body << "\t\t" << rule_text(r, peer_set) << "\n";
      }
      body << "\t\tcounter drop comment \"default deny\"\n\t}\n";
    }
  }
  // Sets are declared before the chains that use them.
  for (const auto& [name, set] : peer_sets.by_name)
    o << "\tset " << name << " {\n\t\ttype " << (set.first == Family::ipv4 ? "ipv4_addr" : "ipv6_addr")
      << "\n\t\tflags interval\n\t\tauto-merge\n\t\telements = { " << set.second << " }\n\t}\n";
  o << chains_and_maps.str() << body.str() << "}\n";
  return o.str();
}

}  // namespace iotonb::artifact::mud
