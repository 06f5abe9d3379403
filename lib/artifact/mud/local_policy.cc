#include "artifact/mud/local_policy.h"

#include <algorithm>
#include <charconv>

#include "artifact/eat/yaml_value.h"

namespace iotonb::artifact::mud {
namespace {

namespace yaml = eat::yaml;

constexpr std::size_t kMaxDepth = 8;  // the deepest valid field is segments.quarantine.allow[i].peer[j]
constexpr std::size_t kMaxText = 2048;

// "path (line N)": the field and where it is, so an operator finds it in a long file.
std::string at(const YAML::Node& n, const std::string& path) {
  const YAML::Mark m = n.Mark();
  if (m.is_null()) return path;
  return path + " (line " + std::to_string(m.line + 1) + ")";
}

Error field_error(const YAML::Node& n, const std::string& path, const std::string& message) {
  return input_error(at(n, path) + ": " + message);
}

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

class Reader {
 public:
  Reader() : budget_(kMaxLocalPolicyValues, kMaxDepth) {}

  Result<LocalPolicy> read(const YAML::Node& root) {
    if (!root.IsMap())
      return input_error("the local policy must be a map (controllers, my-controller, local-networks, manufacturers, "
                         "models, dns, dns-mode, segments, rules)");
    LocalPolicy p;
    std::vector<std::string> seen;
    for (const auto& kv : root) {
      IOTONB_ASSIGN_OR_RETURN(std::string key, key_text(kv.first, "", seen));
      const YAML::Node& v = kv.second;
      IOTONB_RETURN_IF_ERROR(budget_.visit(key, 1));
      if (key == "controllers") {
        IOTONB_ASSIGN_OR_RETURN(p.controllers, address_map(v, key, false));
      } else if (key == "my-controller") {
        if (v.IsSequence()) {
          IOTONB_ASSIGN_OR_RETURN(p.my_controller, addresses(v, key, 2));
        } else {
          IOTONB_ASSIGN_OR_RETURN(p.my_controller_by_url, address_map(v, key, false));
          if (auto it = p.my_controller_by_url.find("*"); it != p.my_controller_by_url.end()) {
            p.my_controller = std::move(it->second);
            p.my_controller_by_url.erase(it);
          }
        }
      } else if (key == "local-networks") {
        IOTONB_ASSIGN_OR_RETURN(p.local_networks, addresses(v, key, 2));
      } else if (key == "manufacturers") {
        IOTONB_ASSIGN_OR_RETURN(p.manufacturers, address_map(v, key, true));
      } else if (key == "models") {
        IOTONB_ASSIGN_OR_RETURN(p.models, address_map(v, key, false));
      } else if (key == "dns") {
        IOTONB_ASSIGN_OR_RETURN(p.dns, address_map(v, key, true));
      } else if (key == "dns-mode") {
        IOTONB_ASSIGN_OR_RETURN(std::string mode, word(v, key));
        if (mode == "resolve") p.dns_mode = DnsMode::resolve;
        else if (mode == "named-sets") p.dns_mode = DnsMode::named_sets;
        else return field_error(v, key, "must be resolve or named-sets");
      } else if (key == "segments") {
        IOTONB_RETURN_IF_ERROR(segments(v, key, p));
      } else if (key == "rules") {
        IOTONB_ASSIGN_OR_RETURN(p.rules, rules(v, key, false));
      } else {
        return field_error(kv.first, key,
                           "unknown key (controllers, my-controller, local-networks, manufacturers, models, dns, "
                           "dns-mode, segments, rules)");
      }
    }
    return p;
  }

 private:
  // A map key: text, given once (yaml-cpp keeps duplicate keys, and the second would be ignored).
  Result<std::string> key_text(const YAML::Node& k, const std::string& path, std::vector<std::string>& seen) {
    if (!k.IsScalar()) return field_error(k, yaml::join(path, "?"), "a key must be text");
    const std::string key = k.Scalar();
    if (key.size() > kMaxText) return field_error(k, path, "a key longer than " + std::to_string(kMaxText) + " characters");
    if (std::find(seen.begin(), seen.end(), key) != seen.end())
      return field_error(k, yaml::join(path, key), "given twice");
    seen.push_back(key);
    return key;
  }

  Result<std::string> word(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) return field_error(n, path, "must be text");
    if (n.Scalar().size() > kMaxText) return field_error(n, path, "longer than " + std::to_string(kMaxText) + " characters");
    return n.Scalar();
  }

  Result<IpPrefix> prefix(const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    IOTONB_ASSIGN_OR_RETURN(std::string s, word(n, path));
    auto p = parse_prefix(s);
    if (!p) return field_error(n, path, p.error().message);
    return p;
  }

  // A list of addresses and prefixes (a single one may be written without the list).
  Result<std::vector<IpPrefix>> addresses(const YAML::Node& n, const std::string& path, std::size_t depth) {
    std::vector<IpPrefix> out;
    if (n.IsScalar()) {
      IOTONB_ASSIGN_OR_RETURN(out.emplace_back(), prefix(n, path, depth));
      return out;
    }
    if (!n.IsSequence()) return field_error(n, path, "must be a list of IPv4/IPv6 addresses or prefixes");
    for (std::size_t i = 0; i < n.size(); ++i) {
      IOTONB_ASSIGN_OR_RETURN(IpPrefix p, prefix(n[i], index_path(path, i), depth + 1));
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(std::move(p));
    }
    return out;
  }

  // NAME: [addresses]; dns_keys: names are DNS host names (manufacturer domains, dns answers),
  // stored in their canonical lower-case form.
  Result<std::map<std::string, std::vector<IpPrefix>>> address_map(const YAML::Node& n, const std::string& path,
                                                                   bool dns_keys) {
    if (!n.IsMap()) return field_error(n, path, "must be a map of names to address lists");
    std::map<std::string, std::vector<IpPrefix>> out;
    std::vector<std::string> seen;
    for (const auto& kv : n) {
      IOTONB_ASSIGN_OR_RETURN(std::string key, key_text(kv.first, path, seen));
      const std::string here = yaml::join(path, key);
      IOTONB_RETURN_IF_ERROR(budget_.visit(here, 2));
      if (dns_keys) {
        auto name = parse_dns_name(key);
        if (!name) return field_error(kv.first, here, name.error().message);
        key = *name;
      }
      IOTONB_ASSIGN_OR_RETURN(auto list, addresses(kv.second, here, 3));
      auto& slot = out[key];
      if (!slot.empty()) return field_error(kv.first, here, "given twice (names are compared in lower case)");
      slot = std::move(list);
    }
    return out;
  }

  Status segments(const YAML::Node& n, const std::string& path, LocalPolicy& p) {
    if (!n.IsMap()) return field_error(n, path, "must be a map with default and quarantine");
    std::vector<std::string> seen;
    for (const auto& kv : n) {
      IOTONB_ASSIGN_OR_RETURN(std::string key, key_text(kv.first, path, seen));
      const std::string here = yaml::join(path, key);
      IOTONB_RETURN_IF_ERROR(budget_.visit(here, 2));
      if (key == "default") {
        IOTONB_RETURN_IF_ERROR(segment(kv.second, here, p.segment, nullptr));
      } else if (key == "quarantine") {
        IOTONB_RETURN_IF_ERROR(segment(kv.second, here, p.quarantine, &p.quarantine_allow));
      } else {
        return field_error(kv.first, here, "unknown segment (default, quarantine)");
      }
    }
    return ok_status();
  }

  Status segment(const YAML::Node& n, const std::string& path, Segment& s, std::vector<LocalRule>* allow) {
    if (!n.IsMap()) return field_error(n, path, allow ? "must be a map (name, vlan, allow)" : "must be a map (name, vlan)");
    std::vector<std::string> seen;
    for (const auto& kv : n) {
      IOTONB_ASSIGN_OR_RETURN(std::string key, key_text(kv.first, path, seen));
      const std::string here = yaml::join(path, key);
      IOTONB_RETURN_IF_ERROR(budget_.visit(here, 3));
      if (key == "name") {
        IOTONB_ASSIGN_OR_RETURN(s.name, word(kv.second, here));
        // The name goes into ruleset comments and JSON: keep it a plain word.
        if (s.name.empty() || s.name.size() > 64 || !std::all_of(s.name.begin(), s.name.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
            }))
          return field_error(kv.second, here, "must be 1..64 letters, digits, '-', '_' or '.'");
      } else if (key == "vlan") {
        auto v = yaml::integer(kv.second, here);
        if (!v || *v < 1 || *v > 4094) return field_error(kv.second, here, "must be a VLAN id 1..4094 (IEEE 802.1Q)");
        s.vlan = static_cast<std::uint16_t>(*v);
      } else if (key == "allow" && allow) {
        IOTONB_ASSIGN_OR_RETURN(*allow, rules(kv.second, here, true));
      } else {
        return field_error(kv.first, here, allow ? "unknown key (name, vlan, allow)" : "unknown key (name, vlan)");
      }
    }
    return ok_status();
  }

  Result<std::vector<LocalRule>> rules(const YAML::Node& n, const std::string& path, bool allow_only) {
    if (!n.IsSequence()) return field_error(n, path, "must be a list of rules");
    if (n.size() > kMaxLocalRules) return field_error(n, path, "more than " + std::to_string(kMaxLocalRules) + " rules");
    std::vector<LocalRule> out;
    for (std::size_t i = 0; i < n.size(); ++i) {
      IOTONB_ASSIGN_OR_RETURN(LocalRule r, rule(n[i], index_path(path, i), allow_only));
      out.push_back(std::move(r));
    }
    return out;
  }

  Result<LocalRule> rule(const YAML::Node& n, const std::string& path, bool allow_only) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, 4));
    if (!n.IsMap()) return field_error(n, path, "a rule must be a map (action, direction, peer, protocol, ports, ...)");
    LocalRule r;
    r.where = path;
    bool has_action = false;
    std::vector<std::string> seen;
    for (const auto& kv : n) {
      IOTONB_ASSIGN_OR_RETURN(std::string key, key_text(kv.first, path, seen));
      const std::string here = yaml::join(path, key);
      const YAML::Node& v = kv.second;
      IOTONB_RETURN_IF_ERROR(budget_.visit(here, 5));
      if (key == "action") {
        IOTONB_ASSIGN_OR_RETURN(std::string a, word(v, here));
        if (a != "allow" && a != "deny") return field_error(v, here, "must be allow or deny");
        if (allow_only && a != "allow") return field_error(v, here, "quarantine lists only the flows it allows");
        r.allow = a == "allow";
        has_action = true;
      } else if (key == "direction") {
        IOTONB_ASSIGN_OR_RETURN(std::string d, word(v, here));
        if (d == "from-device") r.direction = Direction::from_device;
        else if (d == "to-device") r.direction = Direction::to_device;
        else if (d != "both") return field_error(v, here, "must be from-device, to-device or both");
      } else if (key == "peer") {
        IOTONB_ASSIGN_OR_RETURN(r.peers, peers(v, here));
      } else if (key == "protocol") {
        IOTONB_ASSIGN_OR_RETURN(r.protocol, protocol(v, here));
      } else if (key == "src-port" || key == "dst-port") {
        IOTONB_ASSIGN_OR_RETURN(std::string s, word(v, here));
        auto pm = parse_port_match(s);
        if (!pm) return field_error(v, here, pm.error().message);
        (key == "src-port" ? r.src_port : r.dst_port) = *pm;
      } else if (key == "initiated-by") {
        IOTONB_ASSIGN_OR_RETURN(std::string s, word(v, here));
        if (s == "device") r.initiated_by = Direction::from_device;
        else if (s == "peer") r.initiated_by = Direction::to_device;
        else return field_error(v, here, "must be device or peer");
      } else if (key == "family") {
        IOTONB_ASSIGN_OR_RETURN(std::string s, word(v, here));
        if (s == "ipv4") r.family = Family::ipv4;
        else if (s == "ipv6") r.family = Family::ipv6;
        else if (s != "any") return field_error(v, here, "must be ipv4, ipv6 or any");
      } else if (key == "devices") {
        if (!v.IsSequence()) return field_error(v, here, "must be a list of device ids or MUD URLs");
        for (std::size_t i = 0; i < v.size(); ++i) {
          IOTONB_RETURN_IF_ERROR(budget_.visit(index_path(here, i), 6));
          IOTONB_ASSIGN_OR_RETURN(r.devices.emplace_back(), word(v[i], index_path(here, i)));
        }
      } else {
        return field_error(kv.first, here,
                           "unknown key (action, direction, peer, protocol, src-port, dst-port, initiated-by, family, devices)");
      }
    }
    if (!has_action && !allow_only) return field_error(n, path + ".action", "missing (allow or deny)");
    const bool transport = r.protocol && (*r.protocol == 6 || *r.protocol == 17);
    if ((r.src_port || r.dst_port) && !transport) return field_error(n, path, "ports need protocol tcp or udp");
    if (r.initiated_by && !(r.protocol && *r.protocol == 6)) return field_error(n, path, "initiated-by needs protocol tcp");
    for (const LocalPeer& p : r.peers)
      if (p.kind == LocalPeer::Kind::address && r.family && p.family != r.family)
        return field_error(n, path, "peer " + p.value + " is not of family " + (*r.family == Family::ipv4 ? "ipv4" : "ipv6"));
    return r;
  }

  Result<std::optional<std::uint8_t>> protocol(const YAML::Node& v, const std::string& here) {
    IOTONB_ASSIGN_OR_RETURN(std::string s, word(v, here));
    if (s == "any") return std::optional<std::uint8_t>();
    if (s == "tcp") return std::optional<std::uint8_t>(6);
    if (s == "udp") return std::optional<std::uint8_t>(17);
    if (s == "icmp") return std::optional<std::uint8_t>(1);
    if (s == "ipv6-icmp" || s == "icmpv6") return std::optional<std::uint8_t>(58);
    auto n = yaml::as_integer(s);
    if (!n || *n < 0 || *n > 255) return field_error(v, here, "must be tcp, udp, icmp, ipv6-icmp, any or 0..255");
    return std::optional<std::uint8_t>(static_cast<std::uint8_t>(*n));
  }

  Result<std::vector<LocalPeer>> peers(const YAML::Node& v, const std::string& here) {
    std::vector<LocalPeer> out;
    if (v.IsScalar()) {
      IOTONB_ASSIGN_OR_RETURN(LocalPeer p, peer(v, here));
      if (p.kind != LocalPeer::Kind::any) out.push_back(std::move(p));
      return out;
    }
    if (!v.IsSequence()) return field_error(v, here, "must be a peer or a list of peers");
    for (std::size_t i = 0; i < v.size(); ++i) {
      IOTONB_RETURN_IF_ERROR(budget_.visit(index_path(here, i), 6));
      IOTONB_ASSIGN_OR_RETURN(LocalPeer p, peer(v[i], index_path(here, i)));
      if (p.kind == LocalPeer::Kind::any) return field_error(v[i], index_path(here, i), "any stands alone, not in a list");
      out.push_back(std::move(p));
    }
    return out;
  }

  Result<LocalPeer> peer(const YAML::Node& v, const std::string& here) {
    IOTONB_ASSIGN_OR_RETURN(std::string s, word(v, here));
    using K = LocalPeer::Kind;
    LocalPeer p;
    const auto prefixed = [&](std::string_view prefix, K kind) {
      if (s.rfind(prefix, 0) != 0) return false;
      p.kind = kind;
      p.value = s.substr(prefix.size());
      return true;
    };
    if (s == "any") return p;
    if (s == "my-controller") { p.kind = K::my_controller; return p; }
    if (s == "local-networks") { p.kind = K::local_networks; return p; }
    if (s == "same-manufacturer") { p.kind = K::same_manufacturer; return p; }
    if (prefixed("dns:", K::dns) || prefixed("manufacturer:", K::manufacturer)) {
      auto name = parse_dns_name(p.value);
      if (!name) return field_error(v, here, name.error().message);
      p.value = *name;
      return p;
    }
    if (prefixed("controller:", K::controller) || prefixed("model:", K::model)) {
      if (p.value.empty()) return field_error(v, here, "names no URI");
      return p;
    }
    auto addr = parse_prefix(s);
    if (!addr)
      return field_error(v, here,
                         "\"" + s + "\" is no peer: any, an address or prefix, dns:NAME, controller:URI, my-controller, "
                         "local-networks, manufacturer:DOMAIN, same-manufacturer or model:URL");
    p.kind = K::address;
    p.value = addr->text;
    p.family = addr->family;
    return p;
  }

  yaml::Budget budget_;
};

std::optional<std::uint16_t> port_number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  unsigned v = 0;
  if (s.empty() || s.size() > 5) return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(v);
}

}  // namespace

bool LocalRule::applies_to(const std::string& device_id, const std::string& mud_url) const {
  if (devices.empty()) return true;
  for (const auto& d : devices)
    if (d == device_id || (!mud_url.empty() && d == mud_url)) return true;
  return false;
}

const std::vector<IpPrefix>* LocalPolicy::my_controller_for(const std::string& mud_url) const {
  if (auto it = my_controller_by_url.find(mud_url); it != my_controller_by_url.end()) return &it->second;
  return my_controller.empty() ? nullptr : &my_controller;
}

Result<PortMatch> parse_port_match(std::string_view text) {
  const auto bad = [&] {
    return input_error("\"" + std::string(text.substr(0, 40)) + "\" is no port match (N, \"!= N\", \"<= N\", \">= N\", \"N-M\")");
  };
  PortMatch m;
  std::string_view rest = text;
  static const std::pair<std::string_view, PortOperator> kOps[] = {
      {"!=", PortOperator::neq}, {"<=", PortOperator::lte}, {">=", PortOperator::gte}, {"==", PortOperator::eq}};
  for (const auto& [op, value] : kOps)
    if (rest.rfind(op, 0) == 0) {
      m.op = value;
      rest.remove_prefix(op.size());
      auto port = port_number(rest);
      if (!port) return bad();
      m.port = *port;
      return m;
    }
  if (auto dash = rest.find('-'); dash != std::string_view::npos) {
    auto lo = port_number(rest.substr(0, dash));
    auto hi = port_number(rest.substr(dash + 1));
    if (!lo || !hi) return bad();
    if (*lo > *hi) return input_error("\"" + std::string(text) + "\": the lower port is above the upper one");
    m.op = PortOperator::range;
    m.port = *lo;
    m.upper = *hi;
    return m;
  }
  auto port = port_number(rest);
  if (!port) return bad();
  m.port = *port;
  return m;
}

Result<LocalPolicy> read_local_policy(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(YAML::Node root, yaml::load(text, kMaxLocalPolicySize, kMaxDepth));
  if (!root || root.IsNull()) return input_error("the local policy is empty");
  Reader reader;
  try {
    return reader.read(root);
  } catch (const YAML::Exception& e) {
    // yaml-cpp throws on some malformed nodes only when they are walked.
    return input_error("not a YAML map: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

}  // namespace iotonb::artifact::mud
