// The ietf-access-control-list:acls container of a MUD file: the RFC 8519 subset RFC 8520
// uses (ipv4/ipv6 with ietf-acldns names, tcp/udp ports and ietf-mud:direction-initiated,
// icmp, and the ietf-mud:mud abstractions). A match condition outside that subset is refused
// rather than passed over: a compiler that drops a condition makes an accept rule wider than
// the manufacturer wrote it.
#include <algorithm>
#include <initializer_list>
#include <set>

#include "artifact/mud/read_util.h"
#include "artifact/mud/syntax.h"

namespace iotonb::artifact::mud::detail {
namespace {

constexpr std::string_view kAclModule = "ietf-access-control-list";
constexpr const char* kOutsideSubset =
    "an RFC 8519 match outside the subset MUD uses: refused, since ignoring it would widen the rule";

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::optional<AclType> acl_type(const Json& v) {
  if (!v.is_string()) return std::nullopt;
  std::string_view t = identity(v.get_ref<const std::string&>(), kAclModule);
  if (t == "ipv4-acl-type") return AclType::ipv4;
  if (t == "ipv6-acl-type") return AclType::ipv6;
  return std::nullopt;
}

const char* family_name(AclType t) { return t == AclType::ipv4 ? "ipv4" : "ipv6"; }

class AclReader {
 public:
  explicit AclReader(Checker& check) : check_(check) {}

  void acls(const Json& v, const std::string& path, std::vector<Acl>& out) {
    if (!check_.object(v, path)) return;
    for (const auto& [name, list] : v.items()) {
      const std::string at = child(path, name);
      if (name != "acl") {
        check_.unknown(path, name);
        continue;
      }
      if (!check_.array(list, at)) continue;
      std::set<std::string> names;
      for (std::size_t i = 0; i < list.size(); ++i) {
        Acl& a = out.emplace_back();
        if (acl(list[i], child(at, i), a) && !names.insert(a.name).second)
          check_.fail(child(child(at, i), "name"), "a second ACL named \"" + a.name + "\"");
      }
    }
  }

 private:
  // True when the ACL has a valid name (for the uniqueness check).
  bool acl(const Json& v, const std::string& path, Acl& a) {
    if (!check_.object(v, path)) return false;
    // The type decides which of ipv4/ipv6 the ACEs may match on, whichever member comes first.
    std::optional<AclType> family;
    if (auto t = v.find("type"); t != v.end()) family = acl_type(*t);
    if (family) a.type = *family;
    bool named = false, typed = false;
    for (const auto& [name, m] : v.items()) {
      const std::string at = child(path, name);
      if (name == "name") {
        if (auto s = check_.text(m, at, 1, 64)) {
          a.name = *s;
          named = true;
        }
      } else if (name == "type") {
        typed = true;
        if (!family)
          check_.fail(at, "must be ipv4-acl-type or ipv6-acl-type (the ACL types MUD uses), is " + shown(m));
      } else if (name == "aces") {
        aces(m, at, family, a.aces);
      } else {
        check_.unknown(path, name);
      }
    }
    if (!v.contains("name")) check_.missing(path, "name");
    if (!typed) check_.missing(path, "type");
    return named;
  }

  void aces(const Json& v, const std::string& path, std::optional<AclType> family, std::vector<Ace>& out) {
    if (!check_.object(v, path)) return;
    for (const auto& [name, list] : v.items()) {
      const std::string at = child(path, name);
      if (name != "ace") {
        check_.unknown(path, name);
        continue;
      }
      if (!check_.array(list, at)) continue;
      std::set<std::string> names;
      for (std::size_t i = 0; i < list.size(); ++i) {
        Ace& e = out.emplace_back();
        if (ace(list[i], child(at, i), family, e) && !names.insert(e.name).second)
          check_.fail(child(child(at, i), "name"), "a second ACE named \"" + e.name + "\" in this ACL");
      }
    }
  }

  bool ace(const Json& v, const std::string& path, std::optional<AclType> family, Ace& e) {
    if (!check_.object(v, path)) return false;
    bool named = false, forwarding = false;
    for (const auto& [name, m] : v.items()) {
      const std::string at = child(path, name);
      if (name == "name") {
        if (auto s = check_.text(m, at, 1, 64)) {
          e.name = *s;
          named = true;
        }
      } else if (name == "matches") {
        matches(m, at, family, e);
      } else if (name == "actions") {
        forwarding = actions(m, at, e);
      } else {
        check_.unknown(path, name);
      }
    }
    if (!v.contains("name")) check_.missing(path, "name");
    if (!forwarding) check_.missing(child(path, "actions"), "forwarding");
    return named;
  }

  void matches(const Json& v, const std::string& path, std::optional<AclType> family, Ace& e) {
    if (!check_.object(v, path)) return;
    std::optional<AclType> ip_family;
    const char* l4 = nullptr;
    bool several_l4 = false;
    for (const auto& [name, m] : v.items()) {
      const std::string at = child(path, name);
      if (name == "ipv4" || name == "ipv6") {
        AclType own = name == "ipv4" ? AclType::ipv4 : AclType::ipv6;
        if (ip_family) check_.fail(at, "only one of ipv4 and ipv6 per ACE");
        else if (family && *family != own)
          check_.fail(at, std::string("an ") + family_name(own) + " match in an " + family_name(*family) +
                              "-acl-type ACL");
        ip_family = own;
        ip(m, at, own, e.ip.emplace());
      } else if (name == "tcp" || name == "udp" || name == "icmp") {
        if (l4) {
          check_.fail(at, std::string("only one of tcp, udp and icmp per ACE, and this one has ") + l4);
          several_l4 = true;
        }
        l4 = name == "tcp" ? "tcp" : name == "udp" ? "udp" : "icmp";
        if (name == "icmp") icmp(m, at, e.icmp.emplace());
        else transport(m, at, name == "tcp", (name == "tcp" ? e.tcp : e.udp).emplace());
      } else if (name == "ietf-mud:mud") {
        mud(m, at, e.mud.emplace());
      } else if (one_of(name, {"eth", "egress-interface", "ingress-interface"})) {
        check_.fail(at, kOutsideSubset);
      } else {
        check_.unknown(path, name, false);
      }
    }
    // The l4 container and the ip protocol must agree (RFC 8519 4.1: the l4 choice assumes
    // its protocol); a missing protocol is implied by the l4 container.
    if (l4 && !several_l4 && e.ip && e.ip->protocol) {
      int want = std::string_view(l4) == "tcp" ? 6 : std::string_view(l4) == "udp" ? 17
                 : ip_family == AclType::ipv6                                      ? 58
                                                                                   : 1;
      if (*e.ip->protocol != want)
        check_.fail(child(path, l4), std::string(l4[0] == 'i' ? "an " : "a ") + l4 + " match needs protocol " + std::to_string(want) +
                                         ", the " + family_name(*ip_family) + " match says " +
                                         std::to_string(*e.ip->protocol));
    }
  }

  void ip(const Json& v, const std::string& path, AclType family, IpMatch& m) {
    if (!check_.object(v, path)) return;
    const std::string src_net = std::string("source-") + family_name(family) + "-network";
    const std::string dst_net = std::string("destination-") + family_name(family) + "-network";
    for (const auto& [name, x] : v.items()) {
      const std::string at = child(path, name);
      if (name == "protocol") {
        if (auto n = check_.integer(x, at, 0, 255)) m.protocol = static_cast<std::uint8_t>(*n);
      } else if (name == "ietf-acldns:src-dnsname") {
        m.src_dnsname = dns_name(x, at);
      } else if (name == "ietf-acldns:dst-dnsname") {
        m.dst_dnsname = dns_name(x, at);
      } else if (name == src_net) {
        m.src_network = prefix(x, at, family);
      } else if (name == dst_net) {
        m.dst_network = prefix(x, at, family);
      } else if (one_of(name, {"dscp", "ecn", "length", "ttl", "ihl", "flags", "offset", "identification",
                               "flow-label"})) {
        check_.fail(at, kOutsideSubset);
      } else {
        check_.unknown(path, name, false);
      }
    }
    // ietf-acldns adds the names as cases of the network choices (RFC 8520 11).
    if (v.contains("ietf-acldns:src-dnsname") && v.contains(src_net))
      check_.fail(child(path, "ietf-acldns:src-dnsname"), "a source DNS name and " + src_net + " exclude each other");
    if (v.contains("ietf-acldns:dst-dnsname") && v.contains(dst_net))
      check_.fail(child(path, "ietf-acldns:dst-dnsname"), "a destination DNS name and " + dst_net +
                                                               " exclude each other");
  }

  std::optional<std::string> dns_name(const Json& v, const std::string& at) {
    auto s = check_.text(v, at, 1, 254);
    if (s && !is_domain_name(*s)) {
      check_.fail(at, "not a DNS name: " + shown(v));
      return std::nullopt;
    }
    return s;
  }

  std::optional<std::string> prefix(const Json& v, const std::string& at, AclType family) {
    auto s = check_.text(v, at, 1, 64);
    if (s && !is_prefix(*s, family)) {
      check_.fail(at, std::string("not an ") + (family == AclType::ipv4 ? "IPv4 prefix (192.0.2.0/24)"
                                                                         : "IPv6 prefix (2001:db8::/32)") +
                          ": " + shown(v));
      return std::nullopt;
    }
    return s;
  }

  void transport(const Json& v, const std::string& path, bool tcp, TransportMatch& m) {
    if (!check_.object(v, path)) return;
    for (const auto& [name, x] : v.items()) {
      const std::string at = child(path, name);
      if (name == "source-port") {
        m.src_port = port(x, at);
      } else if (name == "destination-port") {
        m.dst_port = port(x, at);
      } else if (name == "ietf-mud:direction-initiated") {
        if (!tcp) {
          check_.fail(at, "direction-initiated applies to tcp only (RFC 8520 2.4)");
          continue;
        }
        if (x == "from-device") m.direction_initiated = Direction::from_device;
        else if (x == "to-device") m.direction_initiated = Direction::to_device;
        else check_.fail(at, "must be from-device or to-device, is " + shown(x));
      } else if (tcp ? one_of(name, {"sequence-number", "acknowledgement-number", "data-offset", "reserved", "flags",
                                     "window-size", "urgent-pointer", "options"})
                     : name == "length") {
        check_.fail(at, kOutsideSubset);
      } else {
        check_.unknown(path, name, false);
      }
    }
  }

  // RFC 8519 port-range-or-operator: {operator (default eq), port} or {lower-port, upper-port}.
  std::optional<PortMatch> port(const Json& v, const std::string& path) {
    if (!check_.object(v, path)) return std::nullopt;
    std::optional<PortOperator> op;
    std::optional<std::int64_t> port, lower, upper;
    bool valid = true;
    for (const auto& [name, x] : v.items()) {
      const std::string at = child(path, name);
      if (name == "operator") {
        if (x == "eq") op = PortOperator::eq;
        else if (x == "neq") op = PortOperator::neq;
        else if (x == "lte") op = PortOperator::lte;
        else if (x == "gte") op = PortOperator::gte;
        else {
          check_.fail(at, "must be eq, neq, lte or gte, is " + shown(x));
          valid = false;
        }
      } else if (name == "port" || name == "lower-port" || name == "upper-port") {
        auto n = check_.integer(x, at, 0, 65535);
        valid = valid && n.has_value();
        (name == "port" ? port : name == "lower-port" ? lower : upper) = n;
      } else {
        check_.unknown(path, name, false);
        valid = false;
      }
    }
    bool range = v.contains("lower-port") || v.contains("upper-port");
    if (range && (v.contains("operator") || v.contains("port"))) {
      check_.fail(path, "either operator and port or lower-port and upper-port, not both");
      return std::nullopt;
    }
    if (range) {
      if (!v.contains("lower-port")) check_.missing(path, "lower-port");
      if (!v.contains("upper-port")) check_.missing(path, "upper-port");
      if (!lower || !upper || !valid) return std::nullopt;
      if (*lower > *upper) {
        check_.fail(path, "lower-port " + std::to_string(*lower) + " is above upper-port " + std::to_string(*upper));
        return std::nullopt;
      }
      return PortMatch{PortOperator::range, static_cast<std::uint16_t>(*lower), static_cast<std::uint16_t>(*upper)};
    }
    if (!v.contains("port")) check_.missing(path, "port");
    if (!port || !valid) return std::nullopt;
    return PortMatch{op.value_or(PortOperator::eq), static_cast<std::uint16_t>(*port), 0};
  }

  void icmp(const Json& v, const std::string& path, IcmpMatch& m) {
    if (!check_.object(v, path)) return;
    for (const auto& [name, x] : v.items()) {
      const std::string at = child(path, name);
      if (name == "type") {
        if (auto n = check_.integer(x, at, 0, 255)) m.type = static_cast<std::uint8_t>(*n);
      } else if (name == "code") {
        if (auto n = check_.integer(x, at, 0, 255)) m.code = static_cast<std::uint8_t>(*n);
      } else if (name == "rest-of-header") {
        check_.fail(at, kOutsideSubset);
      } else {
        check_.unknown(path, name, false);
      }
    }
  }

  // The ietf-mud:mud match container (RFC 8520 8).
  void mud(const Json& v, const std::string& path, MudMatch& m) {
    if (!check_.object(v, path)) return;
    bool any = false;
    for (const auto& [name, x] : v.items()) {
      const std::string at = child(path, name);
      bool known = true;
      if (name == "manufacturer") m.manufacturer = dns_name(x, at);
      else if (name == "same-manufacturer") m.same_manufacturer = check_.empty_leaf(x, at);
      else if (name == "model") m.model = uri(x, at);
      else if (name == "local-networks") m.local_networks = check_.empty_leaf(x, at);
      else if (name == "controller") m.controller = uri(x, at);
      else if (name == "my-controller") m.my_controller = check_.empty_leaf(x, at);
      else {
        known = false;
        check_.unknown(path, name, false);
      }
      any = any || known;
    }
    if (!any)
      check_.fail(path, "names no abstraction (manufacturer, same-manufacturer, model, local-networks, controller, "
                        "my-controller)");
  }

  std::optional<std::string> uri(const Json& v, const std::string& at) {
    auto s = check_.text(v, at, 1, SIZE_MAX);
    if (s && !is_uri(*s)) {
      check_.fail(at, "must be a URI, is " + shown(v));
      return std::nullopt;
    }
    return s;
  }

  // True when a forwarding action is present (valid or not: a wrong one is reported where it is).
  bool actions(const Json& v, const std::string& path, Ace& e) {
    if (!check_.object(v, path)) return true;
    bool forwarding = false;
    for (const auto& [name, x] : v.items()) {
      const std::string at = child(path, name);
      std::string_view id = x.is_string() ? identity(x.get_ref<const std::string&>(), kAclModule) : "";
      if (name == "forwarding") {
        forwarding = true;
        if (id == "accept") e.forwarding = Forwarding::accept;
        else if (id == "drop") e.forwarding = Forwarding::drop;
        else if (id == "reject") e.forwarding = Forwarding::reject;
        else check_.fail(at, "must be accept, drop or reject, is " + shown(x));
      } else if (name == "logging") {
        // Logging changes no packet's fate; accepted and left to the enforcing device.
        if (id != "log-syslog" && id != "log-none") check_.fail(at, "must be log-syslog or log-none, is " + shown(x));
      } else {
        check_.unknown(path, name);
      }
    }
    return forwarding;
  }

  Checker& check_;
};

}  // namespace

void read_acls(const Json& acls, const std::string& path, Checker& check, std::vector<Acl>& out) {
  AclReader(check).acls(acls, path, out);
}

}  // namespace iotonb::artifact::mud::detail
