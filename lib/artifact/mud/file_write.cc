// write_mud: RFC 8520 JSON with members in the order of the RFC's examples (Section 9) and
// the files in the wild (mudmaker's), which is also the YANG order of the ietf-mud container.
#include "artifact/mud/file.h"

#include <nlohmann/json.hpp>

namespace iotonb::artifact::mud {
namespace {

using Json = nlohmann::ordered_json;

// RFC 7951 6.9: an empty leaf is [null].
Json empty_leaf() { return Json::array({nullptr}); }

const char* operator_name(PortOperator op) {
  switch (op) {
    case PortOperator::eq: return "eq";
    case PortOperator::neq: return "neq";
    case PortOperator::lte: return "lte";
    case PortOperator::gte: return "gte";
    case PortOperator::range: break;
  }
  return "eq";
}

Json port(const PortMatch& p) {
  if (p.op == PortOperator::range) return Json{{"lower-port", p.port}, {"upper-port", p.upper}};
  return Json{{"operator", operator_name(p.op)}, {"port", p.port}};
}

Json transport(const TransportMatch& t) {
  Json o = Json::object();
  if (t.direction_initiated)
    o["ietf-mud:direction-initiated"] = *t.direction_initiated == Direction::from_device ? "from-device" : "to-device";
  if (t.src_port) o["source-port"] = port(*t.src_port);
  if (t.dst_port) o["destination-port"] = port(*t.dst_port);
  return o;
}

Json ip(const IpMatch& m, AclType family) {
  const std::string v = family == AclType::ipv4 ? "ipv4" : "ipv6";
  Json o = Json::object();
  if (m.src_dnsname) o["ietf-acldns:src-dnsname"] = *m.src_dnsname;
  if (m.dst_dnsname) o["ietf-acldns:dst-dnsname"] = *m.dst_dnsname;
  if (m.protocol) o["protocol"] = *m.protocol;
  if (m.src_network) o["source-" + v + "-network"] = *m.src_network;
  if (m.dst_network) o["destination-" + v + "-network"] = *m.dst_network;
  return o;
}

Json mud_match(const MudMatch& m) {
  Json o = Json::object();
  if (m.manufacturer) o["manufacturer"] = *m.manufacturer;
  if (m.same_manufacturer) o["same-manufacturer"] = empty_leaf();
  if (m.model) o["model"] = *m.model;
  if (m.local_networks) o["local-networks"] = empty_leaf();
  if (m.controller) o["controller"] = *m.controller;
  if (m.my_controller) o["my-controller"] = empty_leaf();
  return o;
}

const char* forwarding_name(Forwarding f) {
  switch (f) {
    case Forwarding::accept: return "accept";
    case Forwarding::drop: return "drop";
    case Forwarding::reject: return "reject";
  }
  return "drop";
}

Json ace(const Ace& e, AclType family) {
  Json matches = Json::object();
  if (e.mud) matches["ietf-mud:mud"] = mud_match(*e.mud);
  if (e.ip) matches[family == AclType::ipv4 ? "ipv4" : "ipv6"] = ip(*e.ip, family);
  if (e.tcp) matches["tcp"] = transport(*e.tcp);
  if (e.udp) matches["udp"] = transport(*e.udp);
  if (e.icmp) {
    Json icmp = Json::object();
    if (e.icmp->type) icmp["type"] = *e.icmp->type;
    if (e.icmp->code) icmp["code"] = *e.icmp->code;
    matches["icmp"] = std::move(icmp);
  }
  Json o{{"name", e.name}};
  if (!matches.empty()) o["matches"] = std::move(matches);
  o["actions"] = Json{{"forwarding", forwarding_name(e.forwarding)}};
  return o;
}

Json policy(const std::vector<std::string>& names) {
  Json list = Json::array();
  for (const auto& n : names) list.push_back(Json{{"name", n}});
  return Json{{"access-lists", Json{{"access-list", std::move(list)}}}};
}

}  // namespace

std::string write_mud(const MudFile& f) {
  Json mud = Json::object();
  mud["mud-version"] = f.mud_version;
  mud["mud-url"] = f.mud_url;
  mud["last-update"] = f.last_update;
  if (f.mud_signature) mud["mud-signature"] = *f.mud_signature;
  mud["cache-validity"] = f.cache_validity;
  mud["is-supported"] = f.is_supported;
  if (f.systeminfo) mud["systeminfo"] = *f.systeminfo;
  if (f.mfg_name) mud["mfg-name"] = *f.mfg_name;
  if (f.model_name) mud["model-name"] = *f.model_name;
  if (f.firmware_rev) mud["firmware-rev"] = *f.firmware_rev;
  if (f.software_rev) mud["software-rev"] = *f.software_rev;
  if (f.documentation) mud["documentation"] = *f.documentation;
  if (!f.extensions.empty()) mud["extensions"] = f.extensions;
  if (!f.from_device_acls.empty()) mud["from-device-policy"] = policy(f.from_device_acls);
  if (!f.to_device_acls.empty()) mud["to-device-policy"] = policy(f.to_device_acls);

  Json doc{{"ietf-mud:mud", std::move(mud)}};
  if (!f.acls.empty()) {
    Json acls = Json::array();
    for (const Acl& a : f.acls) {
      Json aces = Json::array();
      for (const Ace& e : a.aces) aces.push_back(ace(e, a.type));
      acls.push_back(Json{{"name", a.name},
                          {"type", a.type == AclType::ipv4 ? "ipv4-acl-type" : "ipv6-acl-type"},
                          {"aces", Json{{"ace", std::move(aces)}}}});
    }
    doc["ietf-access-control-list:acls"] = Json{{"acl", std::move(acls)}};
  }
  return doc.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace iotonb::artifact::mud
