#include "artifact/mud/compile.h"

#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

namespace iotonb::artifact::mud {
namespace {

using Kind = LocalPeer::Kind;

// A rule before its peers are turned into addresses: from a MUD ACE or a local rule.
struct Spec {
  std::string origin;
  Direction direction = Direction::from_device;
  std::optional<Family> family;  // nullopt: both
  std::vector<LocalPeer> peers;  // empty: any peer
  std::optional<std::uint8_t> protocol;
  std::optional<PortMatch> src_port, dst_port;
  std::optional<std::uint8_t> icmp_type, icmp_code;
  ConnTrack ct = ConnTrack::any;
  Verdict verdict = Verdict::accept;
};

// What a peer becomes in one family.
struct Resolved {
  bool failed = false;
  std::string why;
  std::vector<std::string> addresses;
  std::optional<NamedSet> set;
};

// Addresses the site compiler adds to same-manufacturer and model peers: the other devices.
struct SitePeers {
  std::map<std::string, std::vector<std::pair<std::string, IpPrefix>>> by_authority;  // (device id, address)
  std::map<std::string, std::vector<std::pair<std::string, IpPrefix>>> by_url;
};

using DnsCache = std::map<std::pair<std::string, Family>, CompiledDns>;

std::string peer_text(const LocalPeer& p) {
  switch (p.kind) {
    case Kind::any: return "any";
    case Kind::address: return p.value;
    case Kind::dns: return "dns:" + p.value;
    case Kind::controller: return "controller:" + p.value;
    case Kind::my_controller: return "my-controller";
    case Kind::local_networks: return "local-networks";
    case Kind::manufacturer: return "manufacturer:" + p.value;
    case Kind::same_manufacturer: return "same-manufacturer";
    case Kind::model: return "model:" + p.value;
  }
  return "?";
}

// Names from a MUD file end up in ruleset comments: keep a safe alphabet.
std::string sanitize(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '-' || c == ':' || c == '/' || c == '[' || c == ']';
    out += ok ? c : '_';
  }
  return out;
}

class Compiler {
 public:
  Compiler(const LocalPolicy& local, const CompileOptions& options, DnsCache& cache, const SitePeers* site)
      : local_(local), options_(options), cache_(cache), site_(site) {
    mode_ = options.dns_mode.value_or(local.dns_mode);
  }

  Result<DevicePolicy> compile(const CompileInput& in) {
    IOTONB_RETURN_IF_ERROR(check_device_id(in.device_id));
    out_ = DevicePolicy{};
    out_.device_id = in.device_id;
    out_.quarantine = in.quarantine;
    out_.segment = in.quarantine ? local_.quarantine : local_.segment;
    IOTONB_RETURN_IF_ERROR(device_addresses(in.addresses));
    if (in.mud) out_.mud_url = in.mud->mud_url;
    if (mode_ == DnsMode::named_sets && !options_.named_sets_supported)
      out_.notes.push_back("dns: this target cannot use named sets; names are resolved at compile time instead");

    const auto& local_rules = in.quarantine ? local_.quarantine_allow : local_.rules;
    for (const LocalRule& r : local_rules)
      if (r.applies_to(out_.device_id, out_.mud_url)) local_specs(r, in.quarantine ? "quarantine:" : "local:");
    if (in.quarantine) {
      if (in.mud) out_.notes.push_back("quarantine: the MUD file's rules are not applied; only segments.quarantine.allow");
    } else if (in.mud) {
      mud_specs(*in.mud, in.mud->from_device_acls, Direction::from_device);
      mud_specs(*in.mud, in.mud->to_device_acls, Direction::to_device);
    } else {
      out_.notes.push_back("mud: no MUD file; only local rules apply");
    }
    return std::move(out_);
  }

 private:
  Status device_addresses(const DeviceAddresses& a) {
    const auto read = [&](const std::vector<std::string>& list, Family want, std::vector<std::string>& into) -> Status {
      for (const auto& s : list) {
        auto p = parse_address(s);
        if (!p) return p.error().context("device " + out_.device_id + " address");
        if (p->family != want) return input_error("device " + out_.device_id + ": " + s + " is not an " + family_name(want) + " address");
        if (std::find(into.begin(), into.end(), p->text) == into.end()) into.push_back(p->text);
      }
      std::sort(into.begin(), into.end());
      return ok_status();
    };
    IOTONB_RETURN_IF_ERROR(read(a.ipv4, Family::ipv4, out_.addresses.ipv4));
    IOTONB_RETURN_IF_ERROR(read(a.ipv6, Family::ipv6, out_.addresses.ipv6));
    if (out_.addresses.ipv4.empty() && out_.addresses.ipv6.empty())
      return input_error("device " + out_.device_id + ": no IPv4 or IPv6 address");
    if (a.mac) {
      auto mac = parse_mac(*a.mac);
      if (!mac) return mac.error().context("device " + out_.device_id + " MAC");
      out_.addresses.mac = *mac;
    }
    return ok_status();
  }

  bool has_family(Family f) const {
    return f == Family::ipv4 ? !out_.addresses.ipv4.empty() : !out_.addresses.ipv6.empty();
  }

  void local_specs(const LocalRule& r, const std::string& prefix) {
    for (Direction d : {Direction::from_device, Direction::to_device}) {
      if (r.direction && *r.direction != d) continue;
      Spec s;
      s.origin = prefix + r.where;
      s.direction = d;
      s.family = r.family;
      s.peers = r.peers;
      s.protocol = r.protocol;
      // Ports are written as in packets from the device; "both" mirrors them for the return.
      const bool mirrored = !r.direction && d == Direction::to_device;
      s.src_port = mirrored ? r.dst_port : r.src_port;
      s.dst_port = mirrored ? r.src_port : r.dst_port;
      if (r.initiated_by) s.ct = *r.initiated_by == d ? ConnTrack::initiate : ConnTrack::answer;
      s.verdict = r.allow ? Verdict::accept : Verdict::drop;
      emit(s);
    }
  }

  void mud_specs(const MudFile& mud, const std::vector<std::string>& acl_names, Direction d) {
    for (const std::string& name : acl_names) {
      const Acl* acl = mud.find_acl(name);
      if (!acl) {  // the reader refuses this; a MudFile built in code may still hold it
        out_.notes.push_back("mud: access list " + sanitize(name) + " is not in the file; left out");
        continue;
      }
      for (const Ace& ace : acl->aces) {
        Spec s;
        s.origin = "mud:" + sanitize(acl->name) + "/" + sanitize(ace.name);
        s.direction = d;
        s.family = acl->type == AclType::ipv4 ? Family::ipv4 : Family::ipv6;
        s.verdict = ace.forwarding == Forwarding::accept ? Verdict::accept
                    : ace.forwarding == Forwarding::drop ? Verdict::drop
                                                          : Verdict::reject;
        std::string why = ace_spec(ace, d, s);
        if (why.empty()) {
          emit(s);
        } else if (s.verdict == Verdict::accept) {
          out_.notes.push_back(s.origin + ": left out (denied): " + why);
        } else {
          s.peers.clear();  // fail closed: the drop covers every peer
          out_.notes.push_back(s.origin + ": " + why + "; the drop matches every peer instead");
          emit(s);
        }
      }
    }
  }

  // Fills s from the ACE's matches; a reason when the ACE cannot be represented.
  std::string ace_spec(const Ace& ace, Direction d, Spec& s) {
    const bool from = d == Direction::from_device;
    int peer_matches = 0;
    if (ace.ip) {
      const IpMatch& ip = *ace.ip;
      s.protocol = ip.protocol;
      const auto& own_name = from ? ip.src_dnsname : ip.dst_dnsname;
      const auto& own_net = from ? ip.src_network : ip.dst_network;
      if (own_name || own_net) return "a match on the device's own address is not supported";
      const auto& name = from ? ip.dst_dnsname : ip.src_dnsname;
      const auto& net = from ? ip.dst_network : ip.src_network;
      if (name) {
        auto n = parse_dns_name(*name);
        if (!n) return n.error().message;
        s.peers.push_back({Kind::dns, *n, std::nullopt});
        ++peer_matches;
      }
      if (net) {
        auto p = parse_prefix(*net);
        if (!p) return p.error().message;
        if (p->family != *s.family) return "network " + p->text + " is not of the access list's family";
        s.peers.push_back({Kind::address, p->text, p->family});
        ++peer_matches;
      }
    }
    const auto transport = [&](const TransportMatch& t, std::uint8_t proto) -> std::string {
      if (s.protocol && *s.protocol != proto) return "protocol " + std::to_string(*s.protocol) + " contradicts its port match";
      s.protocol = proto;
      s.src_port = t.src_port;
      s.dst_port = t.dst_port;
      if (t.direction_initiated) {
        if (proto != 6) return "direction-initiated on udp is not supported (RFC 8520 8: tcp only)";
        s.ct = *t.direction_initiated == d ? ConnTrack::initiate : ConnTrack::answer;
      }
      return "";
    };
    if (ace.tcp && ace.udp) return "both tcp and udp matches";
    const std::string why = ace.tcp ? transport(*ace.tcp, 6) : ace.udp ? transport(*ace.udp, 17) : "";
    if (!why.empty()) return why;
    if (ace.icmp) {
      const std::uint8_t proto = *s.family == Family::ipv4 ? 1 : 58;
      if ((s.protocol && *s.protocol != proto) || ace.tcp || ace.udp) return "an icmp match with another protocol";
      s.protocol = proto;
      if (ace.icmp->code && !ace.icmp->type) return "an icmp code without a type is not supported";
      s.icmp_type = ace.icmp->type;
      s.icmp_code = ace.icmp->code;
    }
    if (ace.mud) {
      const MudMatch& m = *ace.mud;
      if (m.manufacturer) {
        auto n = parse_dns_name(*m.manufacturer);
        if (!n) return "manufacturer: " + n.error().message;
        s.peers.push_back({Kind::manufacturer, *n, std::nullopt});
        ++peer_matches;
      }
      const auto add = [&](bool present, Kind kind, std::string value) {
        if (!present) return;
        s.peers.push_back({kind, std::move(value), std::nullopt});
        ++peer_matches;
      };
      add(m.same_manufacturer, Kind::same_manufacturer, "");
      add(m.model.has_value(), Kind::model, m.model.value_or(""));
      add(m.local_networks, Kind::local_networks, "");
      add(m.controller.has_value(), Kind::controller, m.controller.value_or(""));
      add(m.my_controller, Kind::my_controller, "");
    }
    // Several peer matches in one ACE mean their intersection, which addresses cannot express
    // in general; refusing is safer than matching their union.
    if (peer_matches > 1) return "several peer matches in one ACE (" + std::to_string(peer_matches) + ") are not supported";
    return "";
  }

  // Turns a spec into rules for each family the device has.
  void emit(const Spec& s) {
    std::vector<Family> families;
    if (s.family) families = {*s.family};
    else if (s.protocol == 1) families = {Family::ipv4};
    else if (s.protocol == 58) families = {Family::ipv6};
    else families = {Family::ipv4, Family::ipv6};
    std::erase_if(families, [&](Family f) { return !has_family(f); });
    if (families.empty()) {
      if (s.family) out_.notes.push_back(s.origin + ": the device has no " + family_name(*s.family) + " address; left out");
      return;
    }
    // A family-agnostic rule: a peer failing in one family but answering in the other simply
    // has no address there (a name without AAAA records), which is no failure.
    std::vector<std::map<Family, Resolved>> resolved(s.peers.size());
    for (std::size_t i = 0; i < s.peers.size(); ++i)
      for (Family f : s.family ? std::vector<Family>{*s.family} : std::vector<Family>{Family::ipv4, Family::ipv6})
        resolved[i][f] = resolve(s.peers[i], f);
    for (Family f : families) {
      Rule base;
      base.direction = s.direction;
      base.family = f;
      base.protocol = s.protocol;
      base.src_port = s.src_port;
      base.dst_port = s.dst_port;
      base.icmp_type = s.icmp_type;
      base.icmp_code = s.icmp_code;
      base.ct = s.ct;
      base.verdict = s.verdict;
      base.origin = s.origin;
      if (s.peers.empty()) {
        out_.rules.push_back(base);
        continue;
      }
      std::set<std::string> addresses;
      std::vector<NamedSet> sets;
      std::vector<std::string> failures;
      for (std::size_t i = 0; i < s.peers.size(); ++i) {
        const Resolved& r = resolved[i][f];
        if (r.failed) {
          bool elsewhere = false;
          for (const auto& [other, rr] : resolved[i])
            if (other != f && !rr.failed) elsewhere = true;
          if (!elsewhere) failures.push_back(peer_text(s.peers[i]) + ": " + r.why);
          continue;
        }
        addresses.insert(r.addresses.begin(), r.addresses.end());
        if (r.set) sets.push_back(*r.set);
      }
      const std::string fam = std::string(" (") + family_name(f) + ")";
      if (!failures.empty()) {
        if (s.verdict != Verdict::accept) {
          for (const auto& why : failures) out_.notes.push_back(s.origin + fam + ": " + why + "; the drop matches every peer instead");
          out_.rules.push_back(base);
          continue;
        }
        for (const auto& why : failures) out_.notes.push_back(s.origin + fam + ": left out (denied): " + why);
      }
      if (addresses.empty() && sets.empty()) {
        if (failures.empty() && s.family) out_.notes.push_back(s.origin + fam + ": the peer has no " + family_name(f) + " address; left out");
        continue;
      }
      if (!addresses.empty()) {
        Rule r = base;
        r.peer.kind = PeerSet::Kind::addresses;
        r.peer.addresses.assign(addresses.begin(), addresses.end());
        out_.rules.push_back(std::move(r));
      }
      for (const NamedSet& ns : sets) {
        Rule r = base;
        r.peer.kind = PeerSet::Kind::named_set;
        r.peer.set_name = ns.name;
        out_.rules.push_back(std::move(r));
        if (std::none_of(out_.sets.begin(), out_.sets.end(), [&](const NamedSet& x) { return x.name == ns.name; }))
          out_.sets.push_back(ns);
      }
    }
  }

  static Resolved from_list(const std::vector<IpPrefix>& list, Family f) {
    Resolved r;
    for (const auto& p : list)
      if (p.family == f) r.addresses.push_back(p.text);
    return r;
  }
  static Resolved failure(std::string why) {
    Resolved r;
    r.failed = true;
    r.why = std::move(why);
    return r;
  }

  Resolved resolve(const LocalPeer& p, Family f) {
    switch (p.kind) {
      case Kind::any: return {};
      case Kind::address: return p.family == f ? Resolved{false, "", {p.value}, std::nullopt} : Resolved{};
      case Kind::dns: return dns(p.value, f);
      case Kind::controller: {
        auto it = local_.controllers.find(p.value);
        if (it == local_.controllers.end()) return failure("controller " + sanitize(p.value) + " is not in the local policy's controllers");
        return from_list(it->second, f);
      }
      case Kind::my_controller: {
        const auto* list = local_.my_controller_for(out_.mud_url);
        if (!list) return failure("the local policy names no my-controller for this device");
        return from_list(*list, f);
      }
      case Kind::local_networks:
        if (!local_.local_networks) return failure("the local policy has no local-networks");
        return from_list(*local_.local_networks, f);
      case Kind::manufacturer: return peers_of(p.value, local_.manufacturers, site_ ? &site_->by_authority : nullptr, f, "manufacturers");
      case Kind::same_manufacturer: {
        auto authority = url_authority(out_.mud_url);
        if (!authority) return failure("the device has no https MUD URL to take its manufacturer from");
        return peers_of(*authority, local_.manufacturers, site_ ? &site_->by_authority : nullptr, f, "manufacturers");
      }
      case Kind::model: return peers_of(p.value, local_.models, site_ ? &site_->by_url : nullptr, f, "models");
    }
    return failure("unknown peer");
  }

  Resolved peers_of(const std::string& key, const std::map<std::string, std::vector<IpPrefix>>& configured,
                    const std::map<std::string, std::vector<std::pair<std::string, IpPrefix>>>* site, Family f,
                    const char* section) {
    Resolved r;
    bool known = false;
    if (auto it = configured.find(key); it != configured.end()) {
      known = true;
      r = from_list(it->second, f);
    }
    if (site)
      if (auto it = site->find(key); it != site->end())
        for (const auto& [id, prefix] : it->second) {
          // The device's own addresses stay in the list (traffic to itself is never forwarded)
          // so that every device of a manufacturer shares one list, and one nft set.
          if (id != out_.device_id) known = true;
          if (prefix.family == f) r.addresses.push_back(prefix.text);
        }
    if (!known) r.addresses.clear();
    if (!known) return failure(sanitize(key) + " is not in the local policy's " + section + " and no compiled device has it");
    return r;
  }

  Resolved dns(const std::string& name, Family f) {
    CompiledDns record;
    record.name = name;
    record.family = f;
    Resolved r;
    if (auto fixed = local_.dns.find(name); fixed != local_.dns.end()) {
      r = from_list(fixed->second, f);
      record.how = CompiledDns::How::static_map;
      record.addresses = r.addresses;
    } else if (mode_ == DnsMode::named_sets && options_.named_sets_supported) {
      record.how = CompiledDns::How::named_set;
      record.set_name = named_set_name(name, f);
      r.set = NamedSet{record.set_name, f, name};
    } else {
      auto key = std::make_pair(name, f);
      auto it = cache_.find(key);
      if (it == cache_.end()) {
        CompiledDns looked = record;
        auto answer = options_.resolver ? options_.resolver(name, f) : resolve_with_getaddrinfo(name, f);
        if (answer && !answer->empty()) {
          looked.how = CompiledDns::How::resolved;
          for (const auto& a : *answer) {
            auto p = parse_address(a);
            if (p && p->family == f) looked.addresses.push_back(p->text);
          }
          std::sort(looked.addresses.begin(), looked.addresses.end());
          looked.addresses.erase(std::unique(looked.addresses.begin(), looked.addresses.end()), looked.addresses.end());
        }
        if (looked.addresses.empty()) {
          looked.how = CompiledDns::How::unresolved;
          looked.detail = answer ? "no " + std::string(family_name(f)) + " address" : answer.error().message;
        }
        it = cache_.emplace(key, std::move(looked)).first;
      }
      record = it->second;
      if (record.how == CompiledDns::How::unresolved) r = failure("does not resolve (" + record.detail + ")");
      else r.addresses = record.addresses;
    }
    if (std::none_of(out_.dns.begin(), out_.dns.end(), [&](const CompiledDns& d) { return d.name == name && d.family == f; }))
      out_.dns.push_back(record);
    return r;
  }

  const LocalPolicy& local_;
  const CompileOptions& options_;
  DnsCache& cache_;
  const SitePeers* site_;
  DnsMode mode_;
  DevicePolicy out_;
};

}  // namespace

Result<std::vector<std::string>> resolve_with_getaddrinfo(const std::string& name, Family family) {
  addrinfo hints{};
  hints.ai_family = family == Family::ipv4 ? AF_INET : AF_INET6;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (rc != 0) return Error{ErrorKind::network, gai_strerror(rc)};
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(list, freeaddrinfo);
  std::set<std::string> out;
  for (const addrinfo* a = list; a; a = a->ai_next) {
    char host[NI_MAXHOST] = {};
    if (getnameinfo(a->ai_addr, a->ai_addrlen, host, sizeof host, nullptr, 0, NI_NUMERICHOST) == 0) out.insert(host);
  }
  return std::vector<std::string>(out.begin(), out.end());
}

Result<DevicePolicy> compile_device(const CompileInput& input, const LocalPolicy& local, const CompileOptions& options) {
  DnsCache cache;
  return Compiler(local, options, cache, nullptr).compile(input);
}

Result<std::vector<DevicePolicy>> compile_site(const std::vector<CompileInput>& inputs, const LocalPolicy& local,
                                               const CompileOptions& options) {
  SitePeers site;
  std::set<std::string> ids, addresses;
  for (const CompileInput& in : inputs) {
    IOTONB_RETURN_IF_ERROR(check_device_id(in.device_id));
    if (!ids.insert(in.device_id).second) return input_error("device " + in.device_id + " is given twice");
    std::vector<IpPrefix> own;
    for (const auto* list : {&in.addresses.ipv4, &in.addresses.ipv6})
      for (const auto& a : *list) {
        auto p = parse_address(a);
        if (!p) return p.error().context("device " + in.device_id + " address");
        if (!addresses.insert(p->text).second) return input_error("address " + p->text + " belongs to two devices");
        own.push_back(*p);
      }
    // A quarantined device gains no peers: its MUD file is not trusted.
    if (in.quarantine || !in.mud) continue;
    for (const auto& p : own) {
      if (auto authority = url_authority(in.mud->mud_url)) site.by_authority[*authority].emplace_back(in.device_id, p);
      site.by_url[in.mud->mud_url].emplace_back(in.device_id, p);
    }
  }
  DnsCache cache;
  Compiler compiler(local, options, cache, &site);
  std::vector<DevicePolicy> out;
  out.reserve(inputs.size());
  for (const CompileInput& in : inputs) {
    IOTONB_ASSIGN_OR_RETURN(DevicePolicy p, compiler.compile(in));
    out.push_back(std::move(p));
  }
  return out;
}

std::string named_set_name(const std::string& dns_name, Family family) {
  // '.' becomes '_' ('_' is not in a host name, so distinct names stay distinct); long names
  // keep a hash so the identifier stays within nft's 256-octet set names.
  std::string body = dns_name;
  std::replace(body.begin(), body.end(), '.', '_');
  if (body.size() > 200) body = body.substr(0, 180) + "_" + short_hash(dns_name);
  return std::string(family == Family::ipv4 ? "dns4_" : "dns6_") + body;
}

const char* family_name(Family f) { return f == Family::ipv4 ? "ipv4" : "ipv6"; }

const char* dns_how_name(CompiledDns::How how) {
  switch (how) {
    case CompiledDns::How::static_map: return "static";
    case CompiledDns::How::resolved: return "resolved";
    case CompiledDns::How::named_set: return "named-set";
    case CompiledDns::How::unresolved: return "unresolved";
  }
  return "?";
}

}  // namespace iotonb::artifact::mud
