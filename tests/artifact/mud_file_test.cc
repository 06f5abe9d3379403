// lib/artifact/mud/file.h: RFC 8520 MUD files read (the public Luminaire vector), written
// back byte for byte, round-tripped, and one negative test per validation rule with the JSON
// Pointer of the violation asserted; hostile input (depth bomb, oversize, duplicate members,
// trailing garbage) refused without a crash.
#include <gtest/gtest.h>

#include <functional>

#include <nlohmann/json.hpp>

#include "artifact/mud/file.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact::mud {
namespace {

using Json = nlohmann::ordered_json;

// A small valid file touching each part of the model; the negative tests change one thing.
constexpr const char* kBase = R"({
  "ietf-mud:mud": {
    "mud-version": 1, "mud-url": "https://devices.example.com/mud/thermostat.json",
    "last-update": "2026-11-28T10:00:00Z", "cache-validity": 48, "is-supported": true,
    "systeminfo": "Example thermostat",
    "from-device-policy": {"access-lists": {"access-list": [{"name": "fr"}]}},
    "to-device-policy": {"access-lists": {"access-list": [{"name": "to"}]}}
  },
  "ietf-access-control-list:acls": {"acl": [
    {"name": "fr", "type": "ipv4-acl-type", "aces": {"ace": [
      {"name": "cl0-frdev",
       "matches": {"ipv4": {"ietf-acldns:dst-dnsname": "update.example.com", "protocol": 6},
                   "tcp": {"ietf-mud:direction-initiated": "from-device",
                           "destination-port": {"operator": "eq", "port": 443}}},
       "actions": {"forwarding": "accept"}},
      {"name": "ctl-frdev",
       "matches": {"ietf-mud:mud": {"my-controller": [null]}, "ipv4": {"protocol": 17},
                   "udp": {"destination-port": {"operator": "eq", "port": 5684}}},
       "actions": {"forwarding": "accept"}}]}},
    {"name": "to", "type": "ipv4-acl-type", "aces": {"ace": [
      {"name": "cl0-todev",
       "matches": {"ipv4": {"ietf-acldns:src-dnsname": "update.example.com", "protocol": 6},
                   "tcp": {"ietf-mud:direction-initiated": "from-device",
                           "source-port": {"operator": "eq", "port": 443}}},
       "actions": {"forwarding": "accept"}}]}}]}
})";

const std::string kMud = "/ietf-mud:mud";
const std::string kAce0 = "/ietf-access-control-list:acls/acl/0/aces/ace/0";
const std::string kAce1 = "/ietf-access-control-list:acls/acl/0/aces/ace/1";

Json base() { return Json::parse(kBase); }

std::vector<Violation> violations_of(const Json& doc) { return read_mud(doc.dump()).violations; }

std::vector<Violation> with(const std::string& pointer, const Json& value) {
  Json doc = base();
  doc[Json::json_pointer(pointer)] = value;
  return violations_of(doc);
}

std::vector<Violation> without(const std::string& pointer) {
  Json doc = base();
  Json::json_pointer p(pointer);
  doc[p.parent_pointer()].erase(p.back());
  return violations_of(doc);
}

std::string listed(const std::vector<Violation>& vs) {
  std::string s;
  for (const auto& v : vs) s += "\n  " + v.path + ": " + v.message;
  return s.empty() ? " (none)" : s;
}

// Exactly one violation, at path, its message containing fragment.
void expect_one(const std::vector<Violation>& vs, const std::string& path, const std::string& fragment) {
  ASSERT_EQ(vs.size(), 1u) << listed(vs);
  EXPECT_EQ(vs[0].path, path);
  EXPECT_NE(vs[0].message.find(fragment), std::string::npos) << vs[0].message;
}

MudFile valid(const Json& doc) {
  ReadOutcome r = read_mud(doc.dump());
  EXPECT_TRUE(r.violations.empty()) << listed(r.violations);
  return r.file.value_or(MudFile{});
}

TEST(MudFile, BaseIsValid) {
  MudFile f = valid(base());
  EXPECT_EQ(f.cache_validity, 48);
  EXPECT_EQ(f.last_update_time, 1795860000);
  ASSERT_EQ(f.acls.size(), 2u);
  EXPECT_EQ(f.acls[0].aces[1].mud->my_controller, true);
  EXPECT_EQ(f.acls[0].aces[1].udp->dst_port->port, 5684);
}

// ---- the public vector ----

TEST(MudFile, ReadsLuminaireAndWritesItBackByteForByte) {
  IOTONB_REQUIRE_VECTORS(dir);
  const std::string text = test::read_text(dir + "/mud/Luminaire_150.json");
  ReadOutcome r = read_mud(text);
  ASSERT_TRUE(r.file) << listed(r.violations);
  const MudFile& f = *r.file;
  EXPECT_EQ(f.mud_url, "https://luminaire.example.com/Luminaire_150");
  EXPECT_EQ(f.last_update, "2018-06-29T19:50:19+02:00");
  EXPECT_EQ(f.last_update_time, 1530294619);  // 17:50:19Z
  EXPECT_FALSE(f.mud_signature);
  EXPECT_EQ(f.systeminfo, "MUD-enabled Luminaire");
  EXPECT_EQ(f.from_device_acls, std::vector<std::string>{"mud-21966-v4fr"});
  EXPECT_EQ(f.to_device_acls, std::vector<std::string>{"mud-21966-v4to"});
  ASSERT_EQ(f.acls.size(), 2u);
  const Acl* fr = f.find_acl("mud-21966-v4fr");
  ASSERT_NE(fr, nullptr);
  ASSERT_EQ(fr->aces.size(), 3u);
  const Ace& cl = fr->aces[0];
  EXPECT_EQ(cl.name, "cl0-frdev");
  EXPECT_EQ(cl.ip->dst_dnsname, "fw-update.luminaire.example.com");
  EXPECT_EQ(cl.ip->protocol, 6);
  EXPECT_EQ(cl.tcp->direction_initiated, Direction::from_device);
  EXPECT_EQ(cl.tcp->dst_port->op, PortOperator::eq);
  EXPECT_EQ(cl.tcp->dst_port->port, 443);
  EXPECT_TRUE(fr->aces[2].mud->local_networks);
  // The writer's member order is the RFC's (and mudmaker's): the vector comes back unchanged.
  EXPECT_EQ(write_mud(f), text);
}

TEST(MudFile, RoundTripsThroughTheWriter) {
  Json doc = base();
  doc["ietf-mud:mud"]["mud-signature"] = "https://devices.example.com/mud/thermostat.p7s";
  doc["ietf-mud:mud"]["mfg-name"] = "Example";
  doc["ietf-mud:mud"]["model-name"] = "T-1000";
  doc["ietf-mud:mud"]["firmware-rev"] = "1.0";
  doc["ietf-mud:mud"]["software-rev"] = "2.3";
  doc["ietf-mud:mud"]["documentation"] = "https://devices.example.com/doc";
  doc["ietf-mud:mud"]["extensions"] = {"ext-a", "ext-b"};
  Json& aces = doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"];
  aces.push_back(Json::parse(R"({"name": "r", "matches": {
      "ietf-mud:mud": {"manufacturer": "peer.example.com", "same-manufacturer": [null],
                       "model": "https://x.example.com/m", "local-networks": [null],
                       "controller": "urn:example:ctl", "my-controller": [null]},
      "ipv4": {"protocol": 17, "source-ipv4-network": "192.0.2.0/24", "destination-ipv4-network": "198.51.100.7/32"},
      "udp": {"source-port": {"lower-port": 8000, "upper-port": 8100}, "destination-port": {"port": 53}}},
    "actions": {"forwarding": "reject"}})"));
  aces.push_back(Json::parse(R"({"name": "i", "matches": {"ipv4": {"protocol": 1}, "icmp": {"type": 8, "code": 0}},
    "actions": {"forwarding": "ietf-access-control-list:drop"}})"));
  aces.push_back(Json::parse(R"({"name": "all", "actions": {"forwarding": "drop"}})"));
  doc["ietf-access-control-list:acls"]["acl"].push_back(Json::parse(R"({"name": "v6", "type":
    "ietf-access-control-list:ipv6-acl-type", "aces": {"ace": [{"name": "n", "matches": {"ipv6": {"protocol": 58,
    "destination-ipv6-network": "2001:db8::/32"}, "icmp": {"type": 128}}, "actions": {"forwarding": "accept"}}]}})"));
  MudFile f = valid(doc);
  EXPECT_EQ(f.acls[0].aces[2].udp->src_port->op, PortOperator::range);
  EXPECT_EQ(f.acls[0].aces[2].udp->dst_port->op, PortOperator::eq);  // the RFC 8519 default
  EXPECT_EQ(f.acls[0].aces[2].forwarding, Forwarding::reject);
  EXPECT_EQ(f.acls[0].aces[3].forwarding, Forwarding::drop);
  EXPECT_EQ(f.acls[2].type, AclType::ipv6);
  std::string written = write_mud(f);
  EXPECT_EQ(written.back(), '\n');
  auto again = read_mud(written);
  ASSERT_TRUE(again.file) << listed(again.violations);
  EXPECT_EQ(*again.file, f);
  EXPECT_EQ(write_mud(*again.file), written);
}

// ---- the ietf-mud:mud container ----

TEST(MudFileRules, MudVersionMustBeOne) {
  expect_one(with(kMud + "/mud-version", 2), kMud + "/mud-version", "must be 1");
  expect_one(with(kMud + "/mud-version", "1"), kMud + "/mud-version", "integer");
  expect_one(with(kMud + "/mud-version", 1.0), kMud + "/mud-version", "integer");
  expect_one(without(kMud + "/mud-version"), kMud + "/mud-version", "missing");
}

TEST(MudFileRules, MudUrlIsAnHttpsUrl) {
  expect_one(with(kMud + "/mud-url", "http://devices.example.com/m"), kMud + "/mud-url", "https URL");
  expect_one(with(kMud + "/mud-url", "https://"), kMud + "/mud-url", "https URL");
  expect_one(with(kMud + "/mud-url", "https://bad host/m"), kMud + "/mud-url", "https URL");
  expect_one(without(kMud + "/mud-url"), kMud + "/mud-url", "missing");
}

TEST(MudFileRules, LastUpdateIsADateAndTimeWithOffset) {
  EXPECT_EQ(valid(base()).last_update_time, valid([] {
              Json d = base();
              d["ietf-mud:mud"]["last-update"] = "2026-11-28T12:00:00+02:00";
              return d;
            }()).last_update_time);
  for (const char* bad : {"2026-11-28T10:00:00", "2026-11-28", "2026-11-28t10:00:00z", "2026-13-28T10:00:00Z",
                          "20261128100000Z", "@1795860000", "2026-11-28T10:00:00+0200"})
    expect_one(with(kMud + "/last-update", bad), kMud + "/last-update", "");
  expect_one(without(kMud + "/last-update"), kMud + "/last-update", "missing");
}

TEST(MudFileRules, CacheValidityIs1To168DefaultingTo48) {
  expect_one(with(kMud + "/cache-validity", 0), kMud + "/cache-validity", "1..168");
  expect_one(with(kMud + "/cache-validity", 169), kMud + "/cache-validity", "1..168");
  expect_one(with(kMud + "/cache-validity", -1), kMud + "/cache-validity", "1..168");
  Json doc = base();
  doc["ietf-mud:mud"]["cache-validity"] = 168;
  EXPECT_EQ(valid(doc).cache_validity, 168);
  doc["ietf-mud:mud"].erase("cache-validity");
  EXPECT_EQ(valid(doc).cache_validity, 48);
}

TEST(MudFileRules, IsSupportedIsAMandatoryBoolean) {
  expect_one(with(kMud + "/is-supported", "true"), kMud + "/is-supported", "true or false");
  expect_one(without(kMud + "/is-supported"), kMud + "/is-supported", "missing");
  Json doc = base();
  doc["ietf-mud:mud"]["is-supported"] = false;
  EXPECT_FALSE(valid(doc).is_supported);
}

TEST(MudFileRules, SysteminfoIsAtMost60Characters) {
  expect_one(with(kMud + "/systeminfo", std::string(61, 'x')), kMud + "/systeminfo", "1..60 characters");
  expect_one(with(kMud + "/systeminfo", ""), kMud + "/systeminfo", "1..60 characters");
  expect_one(with(kMud + "/systeminfo", 5), kMud + "/systeminfo", "string");
  // YANG lengths count characters: 60 two-octet characters are fine.
  std::string umlauts;
  for (int i = 0; i < 60; ++i) umlauts += "\xC3\xA4";
  Json doc = base();
  doc["ietf-mud:mud"]["systeminfo"] = umlauts;
  EXPECT_EQ(valid(doc).systeminfo, umlauts);
}

TEST(MudFileRules, DeviceInfoLeavesAreTextAndUris) {
  expect_one(with(kMud + "/mfg-name", ""), kMud + "/mfg-name", "1..255");
  expect_one(with(kMud + "/model-name", std::string(256, 'm')), kMud + "/model-name", "1..255");
  expect_one(with(kMud + "/firmware-rev", 1), kMud + "/firmware-rev", "string");
  expect_one(with(kMud + "/software-rev", nullptr), kMud + "/software-rev", "string");
  expect_one(with(kMud + "/documentation", "not a uri"), kMud + "/documentation", "URI");
  expect_one(with(kMud + "/mud-signature", "https://x.example.com/a b"), kMud + "/mud-signature", "URI");
}

TEST(MudFileRules, ExtensionsAreUniqueShortNames) {
  expect_one(with(kMud + "/extensions", {"a", "a"}), kMud + "/extensions/1", "twice");
  expect_one(with(kMud + "/extensions", {std::string(41, 'e')}), kMud + "/extensions/0", "1..40");
  expect_one(with(kMud + "/extensions", "a"), kMud + "/extensions", "array");
}

TEST(MudFileRules, PolicyNamesResolveToAcls) {
  const std::string name = kMud + "/from-device-policy/access-lists/access-list/0/name";
  expect_one(with(name, "nowhere"), name, "no ACL named \"nowhere\"");
  expect_one(with(kMud + "/to-device-policy/access-lists/access-list/1", {{"name", "to"}}),
             kMud + "/to-device-policy/access-lists/access-list/1/name", "twice");
  expect_one(with(kMud + "/to-device-policy/access-lists/access-list/0", Json::object()),
             kMud + "/to-device-policy/access-lists/access-list/0/name", "missing");
  expect_one(with(kMud + "/to-device-policy/access-lists", Json::array()), kMud + "/to-device-policy/access-lists",
             "object");
}

// ---- unknown members and other modules' data (RFC 7951 4) ----

TEST(MudFileRules, UnknownMembersAreViolationsOtherModulesDataIsPassedOver) {
  expect_one(with(kMud + "/colour", "blue"), kMud + "/colour", "unknown member");
  expect_one(with(kMud + "/ietf-mud:colour", "blue"), kMud + "/ietf-mud:colour", "unknown member");
  expect_one(with("/acls", Json::object()), "/acls", "unknown member");
  // JSON Pointer escaping (RFC 6901 3) of '/' and '~' in a member name.
  expect_one(with(kMud + "/a~1b~0c", 1), kMud + "/a~1b~0c", "unknown member");
  // Another module's augmentation (e.g. RFC 9472's transparency) is not ours to judge.
  Json doc = base();
  doc["ietf-mud:mud"]["ietf-mud-transparency:transparency"] = {{"sbom-local-well-known", "https"}};
  doc["example-vendor:extra"] = 1;
  doc["ietf-access-control-list:acls"]["acl"][0]["example-vendor:tag"] = "x";
  doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"][0]["actions"]["example-vendor:log"] = true;
  EXPECT_EQ(valid(doc), valid(base()));
}

TEST(MudFileRules, DocumentShape) {
  expect_one(without("/ietf-mud:mud"), "/ietf-mud:mud", "missing");
  expect_one(read_mud("[1]").violations, "", "must be a JSON object");
  expect_one(with(kMud, "x"), kMud, "object");
}

// ---- ACLs and ACEs ----

TEST(MudFileRules, AclNamesAreUniqueAndPresent) {
  const std::string name = "/ietf-access-control-list:acls/acl/1/name";
  auto renamed = [&](const Json& value) {
    Json doc = base();
    doc["ietf-mud:mud"].erase("to-device-policy");  // which names "to"
    if (value.is_null()) doc["ietf-access-control-list:acls"]["acl"][1].erase("name");
    else doc[Json::json_pointer(name)] = value;
    return violations_of(doc);
  };
  expect_one(renamed("fr"), name, "a second ACL named \"fr\"");
  expect_one(renamed(std::string(65, 'n')), name, "1..64");
  expect_one(renamed(nullptr), name, "missing");
}

TEST(MudFileRules, AceNamesAreUniqueWithinAnAcl) {
  expect_one(with(kAce1 + "/name", "cl0-frdev"), kAce1 + "/name", "a second ACE named \"cl0-frdev\"");
  // The same name in another ACL is fine (RFC 8519: ace names are keys within their acl).
  Json doc = base();
  doc["ietf-access-control-list:acls"]["acl"][1]["aces"]["ace"][0]["name"] = "cl0-frdev";
  valid(doc);
  expect_one(without(kAce0 + "/name"), kAce0 + "/name", "missing");
}

TEST(MudFileRules, AclTypeIsIpv4OrIpv6) {
  const std::string type = "/ietf-access-control-list:acls/acl/0/type";
  expect_one(with(type, "eth-acl-type"), type, "ipv4-acl-type or ipv6-acl-type");
  expect_one(with(type, "other-module:ipv4-acl-type"), type, "ipv4-acl-type or ipv6-acl-type");
  expect_one(without(type), type, "missing");
  Json doc = base();
  doc["ietf-access-control-list:acls"]["acl"][0]["type"] = "ietf-access-control-list:ipv4-acl-type";
  EXPECT_EQ(valid(doc), valid(base()));
}

TEST(MudFileRules, IpContainerMatchesTheAclType) {
  Json doc = base();
  Json& m = doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"][0]["matches"];
  m["ipv6"] = m["ipv4"];
  m.erase("ipv4");
  expect_one(violations_of(doc), kAce0 + "/matches/ipv6", "an ipv6 match in an ipv4-acl-type ACL");
}

TEST(MudFileRules, ProtocolIsAnOctet) {
  expect_one(with(kAce1 + "/matches/ipv4/protocol", 256), kAce1 + "/matches/ipv4/protocol", "0..255");
  expect_one(with(kAce1 + "/matches/ipv4/protocol", "udp"), kAce1 + "/matches/ipv4/protocol", "integer");
}

TEST(MudFileRules, DnsNamesAreDnsNames) {
  const std::string dst = kAce0 + "/matches/ipv4/ietf-acldns:dst-dnsname";
  for (const char* bad : {"bad name.example.com", "-x.example.com", "a..b", "x.example.com/", "https://x.example.com",
                          ""})
    expect_one(with(dst, bad), dst, "");
  expect_one(with(dst, std::string(64, 'a') + ".com"), dst, "DNS name");
  Json doc = base();
  doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"][0]["matches"]["ipv4"]["ietf-acldns:dst-dnsname"] =
      "_srv.update.example.com.";
  valid(doc);
}

TEST(MudFileRules, NetworksArePrefixesOfTheAclFamily) {
  const std::string net = kAce1 + "/matches/ipv4/source-ipv4-network";
  expect_one(with(net, "2001:db8::/32"), net, "IPv4 prefix");
  expect_one(with(net, "192.0.2.0/33"), net, "IPv4 prefix");
  expect_one(with(net, "192.0.2.0"), net, "IPv4 prefix");
  expect_one(with(kAce1 + "/matches/ipv4/source-ipv6-network", "2001:db8::/32"),
             kAce1 + "/matches/ipv4/source-ipv6-network", "unknown member");
  // A name and a network for the same end exclude each other (RFC 8520 11, one choice).
  expect_one(with(kAce0 + "/matches/ipv4/destination-ipv4-network", "192.0.2.0/24"),
             kAce0 + "/matches/ipv4/ietf-acldns:dst-dnsname", "exclude each other");
}

TEST(MudFileRules, TransportNeedsItsProtocol) {
  expect_one(with(kAce0 + "/matches/ipv4/protocol", 17), kAce0 + "/matches/tcp", "needs protocol 6");
  expect_one(with(kAce1 + "/matches/ipv4/protocol", 6), kAce1 + "/matches/udp", "needs protocol 17");
  expect_one(with(kAce1 + "/matches/tcp", Json::object()), kAce1 + "/matches/tcp", "only one of tcp, udp and icmp");
  expect_one(with(kAce1 + "/matches/icmp", Json::object()), kAce1 + "/matches/icmp", "only one of tcp, udp and icmp");
  Json doc = base();
  auto& ace = doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"][1]["matches"];
  ace.erase("udp");
  ace["icmp"] = {{"type", 8}};
  expect_one(violations_of(doc), kAce1 + "/matches/icmp", "needs protocol 1");
}

TEST(MudFileRules, PortsAndOperators) {
  const std::string port = kAce0 + "/matches/tcp/destination-port";
  expect_one(with(port + "/port", 65536), port + "/port", "0..65535");
  expect_one(with(port + "/operator", "lt"), port + "/operator", "eq, neq, lte or gte");
  expect_one(with(port, {{"lower-port", 9000}, {"upper-port", 8000}}), port, "above upper-port");
  expect_one(with(port, {{"lower-port", 9000}}), port + "/upper-port", "missing");
  expect_one(with(port, {{"operator", "eq"}}), port + "/port", "missing");
  expect_one(with(port, {{"lower-port", 1}, {"upper-port", 2}, {"port", 3}}), port, "not both");
  expect_one(with(port + "/colour", 1), port + "/colour", "unknown member");
  Json doc = base();
  doc[Json::json_pointer(port)] = {{"operator", "gte"}, {"port", 1024}};
  EXPECT_EQ(valid(doc).acls[0].aces[0].tcp->dst_port->op, PortOperator::gte);
}

TEST(MudFileRules, DirectionInitiatedIsTcpOnly) {
  expect_one(with(kAce0 + "/matches/tcp/ietf-mud:direction-initiated", "both"),
             kAce0 + "/matches/tcp/ietf-mud:direction-initiated", "from-device or to-device");
  expect_one(with(kAce1 + "/matches/udp/ietf-mud:direction-initiated", "from-device"),
             kAce1 + "/matches/udp/ietf-mud:direction-initiated", "tcp only");
}

TEST(MudFileRules, IcmpTypeAndCodeAreOctets) {
  Json doc = base();
  auto& m = doc["ietf-access-control-list:acls"]["acl"][0]["aces"]["ace"][1]["matches"];
  m.erase("udp");
  m["ipv4"]["protocol"] = 1;
  m["icmp"] = {{"type", 256}, {"code", -1}};
  auto vs = violations_of(doc);
  ASSERT_EQ(vs.size(), 2u) << listed(vs);
  EXPECT_EQ(vs[0].path, kAce1 + "/matches/icmp/type");
  EXPECT_EQ(vs[1].path, kAce1 + "/matches/icmp/code");
}

TEST(MudFileRules, AbstractionsUseNullForEmptyLeaves) {
  const std::string ctl = kAce1 + "/matches/ietf-mud:mud/my-controller";
  for (const Json& bad : {Json(true), Json::array(), Json::array({nullptr, nullptr}), Json(nullptr),
                          Json::array({1})})
    expect_one(with(ctl, bad), ctl, "[null]");
  expect_one(with(kAce1 + "/matches/ietf-mud:mud", Json::object()), kAce1 + "/matches/ietf-mud:mud",
             "names no abstraction");
  expect_one(with(kAce1 + "/matches/ietf-mud:mud/manufacturer", "not a host!"),
             kAce1 + "/matches/ietf-mud:mud/manufacturer", "DNS name");
  expect_one(with(kAce1 + "/matches/ietf-mud:mud/controller", "no uri"), kAce1 + "/matches/ietf-mud:mud/controller",
             "URI");
}

TEST(MudFileRules, ForwardingIsMandatory) {
  expect_one(without(kAce0 + "/actions"), kAce0 + "/actions/forwarding", "missing");
  expect_one(without(kAce0 + "/actions/forwarding"), kAce0 + "/actions/forwarding", "missing");
  expect_one(with(kAce0 + "/actions/forwarding", "allow"), kAce0 + "/actions/forwarding", "accept, drop or reject");
  expect_one(with(kAce0 + "/actions/logging", "log-everything"), kAce0 + "/actions/logging", "log-syslog");
}

TEST(MudFileRules, MatchesOutsideTheSubsetAreRefused) {
  // Ignoring a condition would widen an accept rule, so neither RFC 8519 leaves MUD does not
  // use nor other modules' conditions are passed over.
  expect_one(with(kAce0 + "/matches/ipv4/dscp", 10), kAce0 + "/matches/ipv4/dscp", "outside the subset");
  expect_one(with(kAce0 + "/matches/tcp/flags", "syn"), kAce0 + "/matches/tcp/flags", "outside the subset");
  expect_one(with(kAce0 + "/matches/eth", Json::object()), kAce0 + "/matches/eth", "outside the subset");
  expect_one(with(kAce0 + "/matches/example-vendor:vlan", 3), kAce0 + "/matches/example-vendor:vlan",
             "widen the rule");
}

TEST(MudFileRules, EveryViolationIsReportedInDocumentOrder) {
  Json doc = base();
  doc["ietf-mud:mud"]["mud-version"] = 2;
  doc["ietf-mud:mud"]["cache-validity"] = 500;
  doc[Json::json_pointer(kAce0 + "/matches/tcp/destination-port/port")] = 70000;
  doc[Json::json_pointer(kAce1 + "/actions/forwarding")] = "maybe";
  auto vs = violations_of(doc);
  ASSERT_EQ(vs.size(), 4u) << listed(vs);
  EXPECT_EQ(vs[0].path, kMud + "/mud-version");
  EXPECT_EQ(vs[1].path, kMud + "/cache-validity");
  EXPECT_EQ(vs[2].path, kAce0 + "/matches/tcp/destination-port/port");
  EXPECT_EQ(vs[3].path, kAce1 + "/actions/forwarding");
  auto r = parse_mud(doc.dump());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_NE(r.error().message.find("/ietf-mud:mud/cache-validity: must be 1..168, is 500\n"), std::string::npos)
      << r.error().message;
}

// ---- hostile input ----

TEST(MudFileHostile, DepthBombIsRefusedBeforeItIsBuilt) {
  std::string bomb(100000, '[');
  auto vs = read_mud(bomb).violations;
  ASSERT_EQ(vs.size(), 1u);
  EXPECT_EQ(vs[0].path, "");
  EXPECT_NE(vs[0].message.find("deeper than 32"), std::string::npos) << vs[0].message;
}

TEST(MudFileHostile, OversizeIsRefused) {
  std::string big = kBase;
  big.insert(big.size() - 1, std::string(kMaxMudFileSize, ' '));
  expect_one(read_mud(big).violations, "", "more than the limit");
}

TEST(MudFileHostile, ViolationsPastAThousandAreCountedNotListed) {
  Json doc = base();
  doc["ietf-mud:mud"]["extensions"] = Json::array();
  for (int i = 0; i < 5000; ++i) doc["ietf-mud:mud"]["extensions"].push_back(i);
  auto vs = violations_of(doc);
  ASSERT_EQ(vs.size(), 1001u);
  EXPECT_EQ(vs[999].path, kMud + "/extensions/999");
  EXPECT_EQ(vs[1000].path, "");
  EXPECT_EQ(vs[1000].message, "4000 more violations not listed");
}

TEST(MudFileHostile, DuplicateMembersAreRefused) {
  std::string dup = R"({"ietf-mud:mud": {"mud-version": 1, "mud-version": 1}})";
  expect_one(read_mud(dup).violations, "", "duplicate member \"mud-version\"");
}

TEST(MudFileHostile, TrailingGarbageAndBrokenTextAreRefused) {
  expect_one(read_mud(std::string(kBase) + "x").violations, "", "syntax error");
  expect_one(read_mud(std::string(kBase) + "{}").violations, "", "syntax error");
  expect_one(read_mud("").violations, "", "JSON");
  expect_one(read_mud("{\"ietf-mud:mud\": \"\xFF\"}").violations, "", "JSON");
}

}  // namespace
}  // namespace iotonb::artifact::mud
