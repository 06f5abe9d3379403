// lib/artifact/mud/spec.h: the YAML spec `iotonb mud create` reads. The Luminaire flows give
// back the public vector's ACLs; the example spec's flows come out mirrored per direction;
// every spec rule has a negative test with its source, line and field; hostile input
// (oversize, deep nesting, alias bombs) is refused.
#include <gtest/gtest.h>

#include "artifact/mud/file.h"
#include "artifact/mud/spec.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact::mud {
namespace {

constexpr core::UnixTime kNow = 1795860000;  // 2026-11-28T10:00:00Z

MudFile spec_ok(const std::string& yaml) {
  auto r = read_spec(yaml, kNow, "spec.yaml");
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : MudFile{};
}

std::string spec_error(const std::string& yaml) {
  auto r = read_spec(yaml, kNow, "spec.yaml");
  if (r.ok()) return "(no error)";
  EXPECT_EQ(r.error().kind, ErrorKind::input) << r.error().message;
  return r.error().message;
}

const std::string kHead = "mud-url: https://devices.example.com/mud/t.json\n";

TEST(MudSpec, LuminaireFlowsGiveTheVectorsAcls) {
  IOTONB_REQUIRE_VECTORS(dir);
  MudFile vector = test::must(parse_mud(test::read_text(dir + "/mud/Luminaire_150.json")), "Luminaire_150.json");
  MudFile made = spec_ok(R"(
mud-url: https://luminaire.example.com/Luminaire_150
last-update: 2018-06-29T19:50:19+02:00
cache-validity: 48
supported: true
systeminfo: MUD-enabled Luminaire
ip-version: ipv4
allow:
  - to: fw-update.luminaire.example.com
    protocol: tcp
    port: 443
  - to: my-controller
    protocol: udp
    port: 5684
  - to: local-networks
    protocol: udp
    port: 5683
)");
  // Only the random number mudmaker put in the ACL names differs.
  ASSERT_EQ(made.acls.size(), 2u);
  for (auto* names : {&made.from_device_acls, &made.to_device_acls})
    for (auto& n : *names) n.replace(4, 5, "21966");
  for (auto& a : made.acls) a.name.replace(4, 5, "21966");
  EXPECT_EQ(made, vector);
  EXPECT_EQ(write_mud(made), test::read_text(dir + "/mud/Luminaire_150.json"));
}

TEST(MudSpec, ExampleSpecMakesMirroredAcesForBothVersions) {
  std::string source = IOTONB_TEST_SOURCE_DIR "/examples/mud/thermostat-spec.yaml";
  MudFile f = spec_ok(test::read_text(source));
  EXPECT_EQ(f.mud_signature, "https://devices.example.com/mud/thermostat.p7s");
  EXPECT_EQ(f.firmware_rev, "2.1");
  ASSERT_EQ(f.acls.size(), 4u);
  EXPECT_EQ(f.acls[0].type, AclType::ipv4);
  EXPECT_EQ(f.acls[2].type, AclType::ipv6);
  EXPECT_EQ(f.from_device_acls.size(), 2u);
  const Acl& to = *f.find_acl(f.to_device_acls[0]);
  const Acl& fr = *f.find_acl(f.from_device_acls[0]);
  ASSERT_EQ(fr.aces.size(), 5u);
  // update: the remote port is the destination from the device and the source towards it.
  EXPECT_EQ(fr.aces[0].name, "update-frdev");
  EXPECT_EQ(fr.aces[0].ip->dst_dnsname, "fw-update.devices.example.com");
  EXPECT_EQ(fr.aces[0].tcp->dst_port->port, 443);
  EXPECT_FALSE(fr.aces[0].tcp->src_port);
  EXPECT_EQ(fr.aces[0].tcp->direction_initiated, Direction::from_device);
  EXPECT_EQ(to.aces[0].name, "update-todev");
  EXPECT_EQ(to.aces[0].ip->src_dnsname, "fw-update.devices.example.com");
  EXPECT_EQ(to.aces[0].tcp->src_port->port, 443);
  EXPECT_EQ(to.aces[0].tcp->direction_initiated, Direction::from_device);
  // cloud: tcp defaults to initiated by the device.
  EXPECT_EQ(fr.aces[1].tcp->direction_initiated, Direction::from_device);
  // ctl: a service on the device: its own port is the destination towards it.
  EXPECT_TRUE(to.aces[2].mud->my_controller);
  EXPECT_EQ(to.aces[2].udp->dst_port->port, 5683);
  EXPECT_EQ(fr.aces[2].udp->src_port->port, 5683);
  // The unnamed same-manufacturer flow is named as mudmaker does; "either" leaves no initiator.
  EXPECT_EQ(fr.aces[4].name, "myman0-frdev");
  EXPECT_TRUE(fr.aces[4].mud->same_manufacturer);
  EXPECT_EQ(fr.aces[4].tcp->dst_port->op, PortOperator::range);
  EXPECT_EQ(fr.aces[4].tcp->dst_port->upper, 7010);
  EXPECT_FALSE(fr.aces[4].tcp->direction_initiated);
  auto again = read_mud(write_mud(f));
  ASSERT_TRUE(again.file);
  EXPECT_EQ(*again.file, f);
}

TEST(MudSpec, DefaultsAndDeterminism) {
  MudFile f = spec_ok(kHead + "allow:\n  - to: time.example.com\n    protocol: udp\n    port: 123\n");
  EXPECT_EQ(f.last_update, "2026-11-28T10:00:00Z");
  EXPECT_EQ(f.last_update_time, kNow);
  EXPECT_EQ(f.cache_validity, 48);
  EXPECT_TRUE(f.is_supported);
  ASSERT_EQ(f.acls.size(), 4u);  // ip-version both
  EXPECT_EQ(f.acls[3].aces[0].ip->protocol, 17);
  EXPECT_EQ(f.acls[3].aces[0].name, "cl0-frdev");
  EXPECT_EQ(write_mud(f), write_mud(spec_ok(kHead + "allow:\n  - to: time.example.com\n    protocol: udp\n    port: 123\n")));
  // No flows: no ACLs, and the file still validates.
  MudFile none = spec_ok(kHead + "allow:\n");
  EXPECT_TRUE(none.acls.empty());
  EXPECT_TRUE(none.from_device_acls.empty());
}

TEST(MudSpec, AbstractionsIcmpAndAny) {
  MudFile f = spec_ok(kHead + R"(ip-version: ipv6
allow:
  - to: {controller: "urn:example:bms"}
    protocol: any
  - to: {manufacturer: peers.example.com}
    protocol: icmp
  - to: {model: "https://devices.example.com/mud/hub.json"}
    protocol: tcp
    initiated-by: remote
)");
  const Acl& fr = f.acls[1];
  EXPECT_EQ(fr.type, AclType::ipv6);
  EXPECT_EQ(fr.aces[0].name, "ctl0-frdev");
  EXPECT_EQ(fr.aces[0].mud->controller, "urn:example:bms");
  EXPECT_FALSE(fr.aces[0].ip);
  EXPECT_EQ(fr.aces[1].ip->protocol, 58);
  EXPECT_EQ(fr.aces[1].mud->manufacturer, "peers.example.com");
  EXPECT_EQ(fr.aces[2].mud->model, "https://devices.example.com/mud/hub.json");
  EXPECT_EQ(fr.aces[2].tcp->direction_initiated, Direction::to_device);
}

TEST(MudSpecRules, EachErrorNamesSourceLineAndField) {
  EXPECT_EQ(spec_error(kHead + "allow:\n  - to: a.example.com\n    protocol: tcp\n  - to: b.example.com\n"
                               "    protocol: tcp\n  - to: c.example.com\n    protocol: udp\n    port: 70000\n"),
            "spec.yaml:9: allow[2].port: 70000 is not 0..65535");
  EXPECT_EQ(spec_error("systeminfo: x\n"), "spec.yaml:1: mud-url: missing (the https URL the file is served at)");
  EXPECT_EQ(spec_error("mud-url: http://x.example.com/m\n"),
            "spec.yaml:1: mud-url: \"http://x.example.com/m\" is not an https URL (RFC 8520 13.2)");
}

TEST(MudSpecRules, DeviceFields) {
  auto has = [](const std::string& message, const std::string& fragment) {
    return message.find(fragment) != std::string::npos;
  };
  EXPECT_PRED2(has, spec_error(kHead + "cache-validity: 169\n"), "spec.yaml:2: cache-validity: 169 is not 1..168");
  EXPECT_PRED2(has, spec_error(kHead + "cache-validity: soon\n"), "cache-validity: \"soon\" is not an integer");
  EXPECT_PRED2(has, spec_error(kHead + "supported: yes\n"), "spec.yaml:2: supported: must be true or false");
  EXPECT_PRED2(has, spec_error(kHead + "systeminfo: " + std::string(61, 'x') + "\n"), "systeminfo: must be 1..60");
  EXPECT_PRED2(has, spec_error(kHead + "last-update: 2026-11-28T10:00:00\n"), "last-update: \"2026-11-28T10:00:00\" is not a date-and-time with offset");
  EXPECT_PRED2(has, spec_error(kHead + "mud-signature: not a uri\n"), "mud-signature: \"not a uri\" is not a URI");
  EXPECT_PRED2(has, spec_error(kHead + "documentation: [1]\n"), "documentation: must be text");
  EXPECT_PRED2(has, spec_error(kHead + "extensions: [a, a]\n"), "extensions[1]: \"a\" is listed twice");
  EXPECT_PRED2(has, spec_error(kHead + "ip-version: 4\n"), "ip-version: \"4\" is not ipv4, ipv6 or both");
  EXPECT_PRED2(has, spec_error(kHead + "colour: blue\n"), "spec.yaml:2: colour: unknown field (mud-url,");
  EXPECT_PRED2(has, spec_error(kHead + kHead), "spec.yaml:2: mud-url: given twice");
  EXPECT_PRED2(has, spec_error("- a\n"), "the spec must be a map");
  EXPECT_PRED2(has, spec_error(kHead + "allow: {to: x}\n"), "allow: must be a list of flows");
}

TEST(MudSpecRules, Flows) {
  auto flow = [](const std::string& body) { return spec_error(kHead + "allow:\n  - " + body + "\n"); };
  auto has = [](const std::string& message, const std::string& fragment) {
    return message.find(fragment) != std::string::npos;
  };
  EXPECT_PRED2(has, flow("protocol: tcp"), "spec.yaml:3: allow[0].to: missing");
  EXPECT_PRED2(has, flow("to: a.example.com"), "allow[0].protocol: missing");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: sctp}"), "allow[0].protocol: \"sctp\" is not tcp, udp, icmp or any");
  EXPECT_PRED2(has, flow("{to: not a name, protocol: tcp}"), "allow[0].to: \"not a name\" is not a DNS name");
  EXPECT_PRED2(has, flow("{to: {printer: x}, protocol: tcp}"), "allow[0].to.printer: unknown peer kind");
  EXPECT_PRED2(has, flow("{to: {controller: not a uri}, protocol: tcp}"), "allow[0].to.controller: \"not a uri\" is not a URI");
  EXPECT_PRED2(has, flow("{to: {manufacturer: \"bad host!\"}, protocol: tcp}"), "is not a domain name");
  EXPECT_PRED2(has, flow("{to: {controller: a, model: b}, protocol: tcp}"), "allow[0].to: must be a DNS name");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: icmp, port: 1}"), "allow[0].port: only tcp and udp flows have ports");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: tcp, port: 9000-8000}"), "runs backwards");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: tcp, port: 80-x}"), "\"80-x\" is not a port");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: tcp, port: -1}"), "allow[0].port: -1 is not 0..65535");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: udp, device-port: 65536}"), "allow[0].device-port: 65536 is not 0..65535");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: udp, initiated-by: device}"), "only tcp flows have an initiator");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: tcp, initiated-by: me}"), "\"me\" is not device, remote or either");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: tcp, name: \"a b\"}"), "allow[0].name: \"a b\": use letters");
  EXPECT_PRED2(has, flow("{to: a.example.com, protocol: tcp, colour: red}"), "allow[0].colour: unknown field");
  EXPECT_PRED2(has, spec_error(kHead + "allow:\n  - {name: x, to: a.example.com, protocol: tcp}\n"
                                       "  - {name: x, to: b.example.com, protocol: tcp}\n"),
               "spec.yaml:4: allow[1].name: a second flow named \"x\"");
  EXPECT_PRED2(has, flow("7"), "allow[0]: must be a map");
  // Generated names skip the names the spec gave.
  MudFile f = spec_ok(kHead + "ip-version: ipv4\nallow:\n  - {to: a.example.com, protocol: tcp}\n"
                              "  - {name: cl0, to: b.example.com, protocol: tcp}\n");
  EXPECT_EQ(f.acls[1].aces[0].name, "cl1-frdev");
  EXPECT_EQ(f.acls[1].aces[1].name, "cl0-frdev");
}

TEST(MudSpecHostile, BoundsBeforeAndWhileReading) {
  auto has = [](const std::string& message, const std::string& fragment) {
    return message.find(fragment) != std::string::npos;
  };
  EXPECT_PRED2(has, spec_error(kHead + "systeminfo: x\n" + std::string(kMaxSpecSize, '#')), "larger than");
  EXPECT_PRED2(has, spec_error(kHead + "extensions: " + std::string(100, '[')), "nested deeper");
  EXPECT_PRED2(has, spec_error(kHead + "systeminfo: \"\xFF\"\n"), "not UTF-8");
  EXPECT_PRED2(has, spec_error(kHead + std::string("systeminfo: a\0b\n", 16)), "NUL");
  EXPECT_PRED2(has, spec_error(kHead + "allow: [\n"), "not YAML");
  std::string flows = "allow: [";
  for (int i = 0; i < 300; ++i) flows += std::string(i ? ", " : "") + "{to: a.example.com, protocol: tcp}";
  EXPECT_PRED2(has, spec_error(kHead + flows + "]\n"), "more than 256 flows");
  // Values are counted as they are visited (aliases each time they are used).
  std::string extensions = "extensions: [";
  for (int i = 0; i < 9000; ++i) extensions += (i ? "," : "") + std::to_string(i);
  EXPECT_PRED2(has, spec_error(kHead + extensions + "]\n"), "too many values");
}

}  // namespace
}  // namespace iotonb::artifact::mud
