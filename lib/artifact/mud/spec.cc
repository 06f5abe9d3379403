#include "artifact/mud/spec.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <initializer_list>
#include <set>
#include <vector>

#include "artifact/eat/yaml_value.h"
#include "artifact/mud/file.h"
#include "artifact/mud/syntax.h"

namespace iotonb::artifact::mud {
namespace {

namespace yaml = eat::yaml;

enum class Protocol { tcp, udp, icmp, any };

// Who a flow talks to, and the prefix mudmaker gives ACE names for that kind of peer.
struct Peer {
  std::optional<std::string> dns_name;
  MudMatch abstraction;
  const char* prefix = "cl";
};

struct Flow {
  std::string name;  // empty until generated
  Peer peer;
  Protocol protocol = Protocol::any;
  std::optional<PortMatch> port;
  std::optional<PortMatch> device_port;
  std::optional<Direction> initiated;  // nullopt: either side
};

constexpr std::initializer_list<const char*> kTopFields = {
    "mud-url",      "mud-signature", "last-update",   "cache-validity", "supported",  "systeminfo", "mfg-name",
    "model-name",   "firmware-rev",  "software-rev",  "documentation",  "extensions", "ip-version", "allow"};
constexpr std::initializer_list<const char*> kFlowFields = {"name",        "to",          "protocol", "port",
                                                            "device-port", "initiated-by"};

std::string joined(std::initializer_list<const char*> names) {
  std::string s;
  for (const char* n : names) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

// mudmaker names ACLs "mud-NNNNN-v4fr" with a random number; a number derived from the MUD
// URL (FNV-1a) keeps the output reproducible run to run.
std::string acl_stem(const std::string& url) {
  std::uint32_t h = 2166136261u;
  for (char c : url) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  char buf[16];
  std::snprintf(buf, sizeof buf, "mud-%05u", static_cast<unsigned>(h % 100000));
  return buf;
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.';
}

class SpecReader {
 public:
  explicit SpecReader(std::string source) : source_(std::move(source)), budget_(kMaxSpecNodes, kMaxSpecDepth) {}

  Error fail(const YAML::Node& n, const std::string& path, const std::string& message) const {
    return input_error(where(n) + path + ": " + message);
  }

  Result<MudFile> read(const YAML::Node& root, core::UnixTime now) {
    IOTONB_RETURN_IF_ERROR(visit(root, "spec", 0));
    if (!root.IsMap()) return input_error(where(root) + "the spec must be a map of fields (" + joined(kTopFields) + ")");
    IOTONB_RETURN_IF_ERROR(known_fields(root, "", kTopFields, 1));
    MudFile f;
    std::vector<AclType> families{AclType::ipv4, AclType::ipv6};
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      const YAML::Node& v = kv.second;
      if (key == "mud-url") {
        IOTONB_ASSIGN_OR_RETURN(f.mud_url, text(v, key, 1, 8192));
        if (!is_https_url(f.mud_url)) return fail(v, key, "\"" + f.mud_url + "\" is not an https URL (RFC 8520 13.2)");
      } else if (key == "mud-signature" || key == "documentation") {
        IOTONB_ASSIGN_OR_RETURN(std::string u, text(v, key, 1, 8192));
        if (!is_uri(u)) return fail(v, key, "\"" + u + "\" is not a URI");
        (key == "documentation" ? f.documentation : f.mud_signature) = u;
      } else if (key == "last-update") {
        IOTONB_ASSIGN_OR_RETURN(f.last_update, text(v, key, 1, 64));
        auto t = parse_date_and_time(f.last_update);
        if (!t) return fail(v, key, t.error().message);
      } else if (key == "cache-validity") {
        IOTONB_ASSIGN_OR_RETURN(std::int64_t hours, integer(v, key));
        if (hours < 1 || hours > 168) return fail(v, key, std::to_string(hours) + " is not 1..168 (hours)");
        f.cache_validity = static_cast<int>(hours);
      } else if (key == "supported") {
        auto b = yaml::boolean(v, key);
        if (!b) return located(v, b.error());
        f.is_supported = *b;
      } else if (key == "systeminfo") {
        IOTONB_ASSIGN_OR_RETURN(f.systeminfo, text(v, key, 1, 60));
      } else if (key == "mfg-name") {
        IOTONB_ASSIGN_OR_RETURN(f.mfg_name, text(v, key, 1, 255));
      } else if (key == "model-name") {
        IOTONB_ASSIGN_OR_RETURN(f.model_name, text(v, key, 1, 255));
      } else if (key == "firmware-rev") {
        IOTONB_ASSIGN_OR_RETURN(f.firmware_rev, text(v, key, 1, 255));
      } else if (key == "software-rev") {
        IOTONB_ASSIGN_OR_RETURN(f.software_rev, text(v, key, 1, 255));
      } else if (key == "extensions") {
        IOTONB_RETURN_IF_ERROR(extensions(v, f.extensions));
      } else if (key == "ip-version") {
        IOTONB_ASSIGN_OR_RETURN(std::string iv, text(v, key, 1, 16));
        if (iv == "ipv4") families = {AclType::ipv4};
        else if (iv == "ipv6") families = {AclType::ipv6};
        else if (iv == "both") families = {AclType::ipv4, AclType::ipv6};
        else return fail(v, key, "\"" + iv + "\" is not ipv4, ipv6 or both");
      } else if (key == "allow") {
        IOTONB_RETURN_IF_ERROR(flows(v));
      }
    }
    if (!root["mud-url"]) return input_error(where(root) + "mud-url: missing (the https URL the file is served at)");
    if (f.last_update.empty()) f.last_update = core::format_rfc3339(now);
    name_flows();
    build_acls(f, families);
    // The spec's checks mirror the reader's; reading the result back proves it, so a
    // mismatch is caught here rather than by whoever fetches the file.
    ReadOutcome again = read_mud(write_mud(f));
    if (!again.file) {
      std::string why;
      for (const auto& v : again.violations) why += "; " + v.path + ": " + v.message;
      return internal_error(source_ + ": the generated MUD file does not validate" + why);
    }
    return std::move(*again.file);
  }

 private:
  std::string where(const YAML::Node& n) const {
    return source_ + ":" + (n.Mark().line >= 0 ? std::to_string(n.Mark().line + 1) + ": " : " ");
  }
  Error located(const YAML::Node& n, const Error& e) const { return input_error(where(n) + e.message); }

  Status visit(const YAML::Node& n, const std::string& path, std::size_t depth) {
    Status s = budget_.visit(path, depth);
    if (!s.ok()) return located(n, s.error());
    return s;
  }

  // Every key text, known and given once (yaml-cpp keeps duplicate keys).
  Status known_fields(const YAML::Node& map, const std::string& path, std::initializer_list<const char*> known,
                      std::size_t depth) {
    std::set<std::string> seen;
    for (const auto& kv : map) {
      IOTONB_RETURN_IF_ERROR(visit(kv.first, path, depth));
      if (!kv.first.IsScalar()) return input_error(where(kv.first) + yaml::join(path, "?") + ": a field name must be text");
      const std::string key = kv.first.Scalar();
      const std::string at = yaml::join(path, key);
      if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
        return fail(kv.first, at, "unknown field (" + joined(known) + ")");
      if (!seen.insert(key).second) return fail(kv.first, at, "given twice");
    }
    return ok_status();
  }

  Result<std::string> text(const YAML::Node& n, const std::string& path, std::size_t min_chars, std::size_t max_chars) {
    auto s = yaml::text(n, path);
    if (!s) return located(n, s.error());
    std::size_t count = char_count(*s);
    if (count < min_chars || count > max_chars)
      return fail(n, path, "must be " + std::to_string(min_chars) + ".." + std::to_string(max_chars) +
                               " characters, is " + std::to_string(count));
    return s;
  }

  Result<std::int64_t> integer(const YAML::Node& n, const std::string& path) {
    auto i = yaml::integer(n, path);
    if (!i) return located(n, i.error());
    return i;
  }

  Status extensions(const YAML::Node& n, std::vector<std::string>& out) {
    if (!n.IsSequence()) return fail(n, "extensions", "must be a list of extension names");
    for (std::size_t i = 0; i < n.size(); ++i) {
      const std::string at = "extensions[" + std::to_string(i) + "]";
      IOTONB_RETURN_IF_ERROR(visit(n[i], at, 2));
      IOTONB_ASSIGN_OR_RETURN(std::string e, text(n[i], at, 1, 40));
      if (std::find(out.begin(), out.end(), e) != out.end()) return fail(n[i], at, "\"" + e + "\" is listed twice");
      out.push_back(e);
    }
    return ok_status();
  }

  Status flows(const YAML::Node& n) {
    if (n.IsNull()) return ok_status();  // "allow:" with nothing under it: the device talks to no one
    if (!n.IsSequence()) return fail(n, "allow", "must be a list of flows ({to, protocol, port, ...})");
    if (n.size() > kMaxSpecFlows) return fail(n, "allow", "more than " + std::to_string(kMaxSpecFlows) + " flows");
    for (std::size_t i = 0; i < n.size(); ++i) {
      IOTONB_ASSIGN_OR_RETURN(Flow f, flow(n[i], "allow[" + std::to_string(i) + "]"));
      flows_.push_back(std::move(f));
    }
    return ok_status();
  }

  Result<Flow> flow(const YAML::Node& n, const std::string& path) {
    IOTONB_RETURN_IF_ERROR(visit(n, path, 2));
    if (!n.IsMap()) return fail(n, path, "must be a map (" + joined(kFlowFields) + ")");
    IOTONB_RETURN_IF_ERROR(known_fields(n, path, kFlowFields, 3));
    Flow f;
    if (!n["to"]) return fail(n, path + ".to", "missing (a DNS name or an abstraction)");
    if (!n["protocol"]) return fail(n, path + ".protocol", "missing (tcp, udp, icmp or any)");
    const std::string proto_at = path + ".protocol";
    IOTONB_ASSIGN_OR_RETURN(std::string proto, text(n["protocol"], proto_at, 1, 8));
    if (proto == "tcp") f.protocol = Protocol::tcp;
    else if (proto == "udp") f.protocol = Protocol::udp;
    else if (proto == "icmp") f.protocol = Protocol::icmp;
    else if (proto == "any") f.protocol = Protocol::any;
    else return fail(n["protocol"], proto_at, "\"" + proto + "\" is not tcp, udp, icmp or any");
    const bool ports = f.protocol == Protocol::tcp || f.protocol == Protocol::udp;
    if (f.protocol == Protocol::tcp) f.initiated = Direction::from_device;
    for (const auto& kv : n) {
      const std::string key = kv.first.Scalar();
      const std::string at = path + "." + key;
      const YAML::Node& v = kv.second;
      IOTONB_RETURN_IF_ERROR(visit(v, at, 3));
      if (key == "name") {
        IOTONB_ASSIGN_OR_RETURN(f.name, text(v, at, 1, 58));
        if (!std::all_of(f.name.begin(), f.name.end(), name_char))
          return fail(v, at, "\"" + f.name + "\": use letters, digits, '-', '_' and '.'");
        for (const Flow& other : flows_)
          if (other.name == f.name) return fail(v, at, "a second flow named \"" + f.name + "\"");
      } else if (key == "to") {
        IOTONB_ASSIGN_OR_RETURN(f.peer, peer(v, at));
      } else if (key == "port" || key == "device-port") {
        if (!ports) return fail(v, at, "only tcp and udp flows have ports");
        IOTONB_ASSIGN_OR_RETURN(PortMatch p, port(v, at));
        (key == "port" ? f.port : f.device_port) = p;
      } else if (key == "initiated-by") {
        if (f.protocol != Protocol::tcp) return fail(v, at, "only tcp flows have an initiator (RFC 8520 direction-initiated)");
        IOTONB_ASSIGN_OR_RETURN(std::string who, text(v, at, 1, 16));
        if (who == "device") f.initiated = Direction::from_device;
        else if (who == "remote") f.initiated = Direction::to_device;
        else if (who == "either") f.initiated.reset();
        else return fail(v, at, "\"" + who + "\" is not device, remote or either");
      }
    }
    return f;
  }

  Result<Peer> peer(const YAML::Node& v, const std::string& at) {
    Peer p;
    if (v.IsScalar()) {
      const std::string s = v.Scalar();
      // The keywords are checked first: "my-controller" is also a valid one-label DNS name.
      if (s == "my-controller") {
        p.abstraction.my_controller = true;
        p.prefix = "myctl";
      } else if (s == "local-networks") {
        p.abstraction.local_networks = true;
        p.prefix = "loc";
      } else if (s == "same-manufacturer") {
        p.abstraction.same_manufacturer = true;
        p.prefix = "myman";
      } else if (is_domain_name(s)) {
        p.dns_name = s;
        p.prefix = "cl";
      } else {
        return fail(v, at, "\"" + s + "\" is not a DNS name, my-controller, local-networks or same-manufacturer");
      }
      return p;
    }
    const char* kinds = "{controller: URI}, {manufacturer: DOMAIN} or {model: MUD-URL}";
    if (!v.IsMap() || v.size() != 1) return fail(v, at, std::string("must be a DNS name, a keyword, or one of ") + kinds);
    const auto kv = *v.begin();
    IOTONB_RETURN_IF_ERROR(visit(kv.second, at, 4));
    const std::string kind = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    const std::string kind_at = at + "." + kind;
    IOTONB_ASSIGN_OR_RETURN(std::string value, text(kv.second, kind_at, 1, 8192));
    if (kind == "controller") {
      if (!is_uri(value)) return fail(kv.second, kind_at, "\"" + value + "\" is not a URI");
      p.abstraction.controller = value;
      p.prefix = "ctl";
    } else if (kind == "manufacturer") {
      if (!is_domain_name(value)) return fail(kv.second, kind_at, "\"" + value + "\" is not a domain name");
      p.abstraction.manufacturer = value;
      p.prefix = "man";
    } else if (kind == "model") {
      if (!is_uri(value)) return fail(kv.second, kind_at, "\"" + value + "\" is not a URI (a MUD URL)");
      p.abstraction.model = value;
      p.prefix = "mod";
    } else {
      return fail(kv.first, kind_at, std::string("unknown peer kind; use ") + kinds);
    }
    return p;
  }

  // 443, "443", or a range "8000-8100".
  Result<PortMatch> port(const YAML::Node& v, const std::string& at) {
    if (!v.IsScalar()) return fail(v, at, "must be a port (443) or a range (\"8000-8100\")");
    const std::string s = v.Scalar();
    auto number = [&](std::string_view part) -> Result<std::uint16_t> {
      auto n = yaml::as_integer(part);
      if (!n || part.empty() || part[0] == '+') return fail(v, at, "\"" + s + "\" is not a port or a range \"LOW-HIGH\"");
      if (*n < 0 || *n > 65535) return fail(v, at, std::string(part) + " is not 0..65535");
      return static_cast<std::uint16_t>(*n);
    };
    std::size_t dash = s.find('-', 1);
    if (dash == std::string::npos) {
      IOTONB_ASSIGN_OR_RETURN(std::uint16_t p, number(s));
      return PortMatch{PortOperator::eq, p, 0};
    }
    IOTONB_ASSIGN_OR_RETURN(std::uint16_t lo, number(std::string_view(s).substr(0, dash)));
    IOTONB_ASSIGN_OR_RETURN(std::uint16_t hi, number(std::string_view(s).substr(dash + 1)));
    if (lo > hi) return fail(v, at, "the range \"" + s + "\" runs backwards");
    return PortMatch{PortOperator::range, lo, hi};
  }

  // Names for unnamed flows, mudmaker style: the peer kind's prefix and a counter, skipping
  // names the spec gave.
  void name_flows() {
    std::set<std::string> used;
    for (const Flow& f : flows_)
      if (!f.name.empty()) used.insert(f.name);
    std::vector<std::pair<std::string, int>> counters;
    for (Flow& f : flows_) {
      if (!f.name.empty()) continue;
      auto it = std::find_if(counters.begin(), counters.end(), [&](const auto& c) { return c.first == f.peer.prefix; });
      if (it == counters.end()) it = counters.insert(counters.end(), {f.peer.prefix, 0});
      do f.name = f.peer.prefix + std::to_string(it->second++);
      while (used.count(f.name));
      used.insert(f.name);
    }
  }

  Ace ace(const Flow& flow, AclType family, Direction dir) const {
    const bool out = dir == Direction::from_device;
    Ace a;
    a.name = flow.name + (out ? "-frdev" : "-todev");
    IpMatch ip;
    switch (flow.protocol) {
      case Protocol::tcp: ip.protocol = 6; break;
      case Protocol::udp: ip.protocol = 17; break;
      case Protocol::icmp: ip.protocol = family == AclType::ipv4 ? 1 : 58; break;
      case Protocol::any: break;
    }
    if (flow.peer.dns_name) (out ? ip.dst_dnsname : ip.src_dnsname) = flow.peer.dns_name;
    if (ip.protocol || flow.peer.dns_name) a.ip = ip;
    if (!flow.peer.dns_name) a.mud = flow.peer.abstraction;
    if (flow.protocol == Protocol::tcp || flow.protocol == Protocol::udp) {
      TransportMatch t;
      // The peer's port is where the device sends to, and where replies come from.
      t.dst_port = out ? flow.port : flow.device_port;
      t.src_port = out ? flow.device_port : flow.port;
      if (flow.protocol == Protocol::tcp) {
        t.direction_initiated = flow.initiated;
        a.tcp = t;
      } else {
        a.udp = t;
      }
    }
    return a;
  }

  void build_acls(MudFile& f, const std::vector<AclType>& families) const {
    if (flows_.empty()) return;
    const std::string stem = acl_stem(f.mud_url);
    for (AclType family : families) {
      const std::string v = family == AclType::ipv4 ? "-v4" : "-v6";
      Acl to{stem + v + "to", family, {}};
      Acl fr{stem + v + "fr", family, {}};
      for (const Flow& flow : flows_) {
        to.aces.push_back(ace(flow, family, Direction::to_device));
        fr.aces.push_back(ace(flow, family, Direction::from_device));
      }
      f.from_device_acls.push_back(fr.name);
      f.to_device_acls.push_back(to.name);
      f.acls.push_back(std::move(to));
      f.acls.push_back(std::move(fr));
    }
  }

  std::string source_;
  yaml::Budget budget_;
  std::vector<Flow> flows_;
};

}  // namespace

Result<MudFile> read_spec(std::string_view text, core::UnixTime now, const std::string& source) {
  auto doc = yaml::load(text, kMaxSpecSize, kMaxSpecDepth);
  if (!doc) return doc.error().context(source);
  return SpecReader(source).read(*doc, now);
}

}  // namespace iotonb::artifact::mud
