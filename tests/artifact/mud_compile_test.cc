// MUD policy compilation: the local policy reader, the compiler (abstractions, ports,
// direction-initiated, local overrides, quarantine, DNS handling) and both renderers.
// tests/interop/mud_firewall_test.sh feeds the rulesets to the real nft and iptables-restore.
#include <gtest/gtest.h>

#include <algorithm>

#include "artifact/mud/compile.h"
#include "artifact/mud/local_policy.h"
#include "artifact/mud/render.h"

namespace iotonb::artifact::mud {
namespace {

constexpr const char* kUrl = "https://lum.example.com/Luminaire_150";

Ace ace(const std::string& name, std::optional<std::uint8_t> proto) {
  Ace a;
  a.name = name;
  a.ip = IpMatch{};
  a.ip->protocol = proto;
  return a;
}

MudMatch abstraction(void (*set)(MudMatch&)) {
  MudMatch m;
  set(m);
  return m;
}

// A from-device ACL and a to-device ACL, both IPv4, holding the given ACEs.
MudFile mud_with(std::vector<Ace> from, std::vector<Ace> to = {}, AclType type = AclType::ipv4) {
  MudFile f;
  f.mud_url = kUrl;
  f.acls.push_back({"fr", type, std::move(from)});
  f.acls.push_back({"to", type, std::move(to)});
  f.from_device_acls = {"fr"};
  f.to_device_acls = {"to"};
  return f;
}

LocalPolicy policy(const std::string& yaml) {
  auto p = read_local_policy(yaml);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : LocalPolicy{};
}

CompileOptions fake_dns(std::vector<std::string>* asked = nullptr) {
  CompileOptions o;
  o.resolver = [asked](const std::string& name, Family f) -> Result<std::vector<std::string>> {
    if (asked) asked->push_back(name);
    if (name == "fw.example.com" && f == Family::ipv4) return std::vector<std::string>{"203.0.113.9", "203.0.113.7"};
    return Error{ErrorKind::network, "Name or service not known"};
  };
  return o;
}

DevicePolicy compile(const MudFile* mud, const LocalPolicy& local, const CompileOptions& o = fake_dns(),
                     bool quarantine = false) {
  CompileInput in;
  in.device_id = "lum-1";
  in.mud = mud;
  in.addresses.ipv4 = {"192.168.1.50"};
  in.addresses.ipv6 = {"fd00::50"};
  in.quarantine = quarantine;
  auto p = compile_device(in, local, o);
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
  return p.ok() ? *p : DevicePolicy{};
}

std::string nft(const DevicePolicy& p) {
  auto r = render_nftables({p}, {});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "";
}

std::string ipt(const DevicePolicy& p, Family f = Family::ipv4) {
  auto r = render_iptables({p}, f, {});
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : "";
}

bool has_note(const DevicePolicy& p, const std::string& part) {
  return std::any_of(p.notes.begin(), p.notes.end(), [&](const std::string& n) { return n.find(part) != std::string::npos; });
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// --- local policy reader ---

TEST(MudLocalPolicy, ReadsEveryKey) {
  LocalPolicy p = policy(R"(
controllers: {"urn:c": [192.168.1.1, "fd00::1"]}
my-controller: {"https://lum.example.com/Luminaire_150": [192.168.1.10], "*": [192.168.1.11]}
local-networks: [192.168.1.0/24, "fd00::/64"]
manufacturers: {Lum.Example.com: [192.168.1.40]}
models: {"https://x.example/m": [192.168.1.41]}
dns: {ntp.example.com: 198.51.100.1}
dns-mode: named-sets
segments:
  default: {name: iot, vlan: 100}
  quarantine: {name: q, vlan: 999, allow: [{peer: 192.168.1.2, protocol: tcp, dst-port: 443}]}
rules:
  - {action: deny, protocol: tcp, dst-port: "!= 22", direction: from-device}
  - {action: allow, peer: [dns:NTP.example.com., my-controller], protocol: udp, src-port: "1000-2000", devices: [lum-1]}
)");
  EXPECT_EQ(p.controllers.at("urn:c").size(), 2u);
  EXPECT_EQ(p.my_controller_for(kUrl)->at(0).text, "192.168.1.10");
  EXPECT_EQ(p.my_controller_for("https://other/")->at(0).text, "192.168.1.11");
  EXPECT_EQ(p.local_networks->at(1).text, "fd00::/64");
  EXPECT_TRUE(p.manufacturers.count("lum.example.com"));  // lower case
  EXPECT_EQ(p.dns.at("ntp.example.com").at(0).text, "198.51.100.1");
  EXPECT_EQ(p.dns_mode, DnsMode::named_sets);
  EXPECT_EQ(p.segment.name, "iot");
  EXPECT_EQ(*p.quarantine.vlan, 999);
  ASSERT_EQ(p.quarantine_allow.size(), 1u);
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_FALSE(p.rules[0].allow);
  EXPECT_EQ(p.rules[0].dst_port->op, PortOperator::neq);
  EXPECT_EQ(p.rules[1].peers[0].value, "ntp.example.com");
  EXPECT_EQ(p.rules[1].src_port->upper, 2000);
}

TEST(MudLocalPolicy, ErrorsNameFieldAndLine) {
  const auto error = [](const std::string& yaml) {
    auto p = read_local_policy(yaml);
    return p.ok() ? std::string("(accepted)") : p.error().message;
  };
  EXPECT_TRUE(contains(error("rules:\n  - action: allow\n    peer: [10.0.0.1, 300.1.1.1]\n"),
                       "rules[0].peer[1] (line 3): \"300.1.1.1\" is no peer"));
  EXPECT_EQ(error("controllers:\n  urn:x: [10.0.0.1, 10.0.0.256]\n"),
            "controllers.urn:x[1] (line 2): \"10.0.0.256\" is not an IPv4 or IPv6 address or prefix");
  EXPECT_TRUE(contains(error("local-networks: [10.0.0.1/8]"), "bits beyond the /8 prefix"));
  EXPECT_TRUE(contains(error("segments: {default: {vlan: 4095}}"), "segments.default.vlan (line 1): must be a VLAN id"));
  EXPECT_TRUE(contains(error("dns-mode: maybe"), "dns-mode (line 1): must be resolve or named-sets"));
  EXPECT_TRUE(contains(error("dns: {a.example: [10.0.0.1]}\ndns: {}\n"), "dns (line 2): given twice"));
  EXPECT_TRUE(contains(error("firewall: x"), "firewall (line 1): unknown key"));
  EXPECT_TRUE(contains(error("rules: [{peer: any}]"), "rules[0].action"));
  EXPECT_TRUE(contains(error("rules: [{action: allow, dst-port: 80}]"), "ports need protocol tcp or udp"));
  EXPECT_TRUE(contains(error("rules: [{action: allow, protocol: udp, initiated-by: device}]"), "needs protocol tcp"));
  EXPECT_TRUE(contains(error("rules: [{action: allow, protocol: tcp, dst-port: 70000}]"), "no port match"));
  EXPECT_TRUE(contains(error("rules: [{action: allow, peer: dns:bad_name.example}]"), "not a DNS host name"));
  EXPECT_TRUE(contains(error("segments: {quarantine: {allow: [{action: deny}]}}"), "quarantine lists only"));
  EXPECT_TRUE(contains(error("segments: {default: {name: \"a b\"}}"), "segments.default.name"));
  EXPECT_TRUE(contains(error("- 1\n- 2\n"), "must be a map"));
  EXPECT_TRUE(contains(error(""), "empty"));
}

TEST(MudLocalPolicy, BoundsHostileInput) {
  EXPECT_FALSE(read_local_policy(std::string(kMaxLocalPolicySize + 1, ' ')).ok());
  EXPECT_FALSE(read_local_policy("rules: " + std::string(100, '[') + std::string(100, ']')).ok());
  // Aliases repeat a subtree without repeating its text: each use counts.
  std::string many = "controllers:\n  base: &a [";
  for (int i = 0; i < 1000; ++i) many += (i ? ", " : "") + std::string("10.0.0.1");
  many += "]\n";
  for (int i = 0; i < 400; ++i) many += "  c" + std::to_string(i) + ": *a\n";
  auto r = read_local_policy(many);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(contains(r.error().message, "too many values"));
}

TEST(MudLocalPolicy, PortMatches) {
  EXPECT_EQ(parse_port_match("443")->op, PortOperator::eq);
  EXPECT_EQ(parse_port_match(">= 1024")->op, PortOperator::gte);
  EXPECT_EQ(parse_port_match("<=1023")->port, 1023);
  EXPECT_EQ(parse_port_match("8000-8080")->upper, 8080);
  EXPECT_FALSE(parse_port_match("8080-8000").ok());
  EXPECT_FALSE(parse_port_match("65536").ok());
  EXPECT_FALSE(parse_port_match("> 5").ok());
  EXPECT_FALSE(parse_port_match("").ok());
}

// --- compiler ---

TEST(MudCompile, EachAbstractionMapsThroughTheLocalPolicy) {
  const LocalPolicy local = policy(R"(
controllers: {"urn:c": [192.168.1.1]}
my-controller: [192.168.1.10]
local-networks: [192.168.1.0/24]
manufacturers: {lum.example.com: [192.168.1.40], other.example: [192.168.1.42]}
models: {"https://x.example/m": [192.168.1.41]}
)");
  std::vector<Ace> aces;
  const std::pair<const char*, void (*)(MudMatch&)> kinds[] = {
      {"ctl", [](MudMatch& m) { m.controller = "urn:c"; }},
      {"myctl", [](MudMatch& m) { m.my_controller = true; }},
      {"loc", [](MudMatch& m) { m.local_networks = true; }},
      {"mfg", [](MudMatch& m) { m.manufacturer = "other.example"; }},
      {"same", [](MudMatch& m) { m.same_manufacturer = true; }},
      {"model", [](MudMatch& m) { m.model = "https://x.example/m"; }},
  };
  for (const auto& [name, set] : kinds) {
    Ace a = ace(name, 17);
    a.mud = abstraction(set);
    aces.push_back(a);
  }
  const MudFile mud = mud_with(aces);
  const DevicePolicy p = compile(&mud, local);
  ASSERT_EQ(p.rules.size(), 6u);
  const char* want[] = {"192.168.1.1", "192.168.1.10", "192.168.1.0/24", "192.168.1.42", "192.168.1.40", "192.168.1.41"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(p.rules[i].peer.kind, PeerSet::Kind::addresses);
    EXPECT_EQ(p.rules[i].peer.addresses, std::vector<std::string>{want[i]}) << p.rules[i].origin;
    EXPECT_EQ(p.rules[i].family, Family::ipv4);
    EXPECT_EQ(p.rules[i].protocol, 17);
  }
  EXPECT_TRUE(contains(nft(p), "ip daddr 192.168.1.0/24 meta l4proto udp return comment \"mud:fr/loc\""));
  EXPECT_TRUE(contains(ipt(p), "-A MUD-" ));
  EXPECT_TRUE(p.notes.empty());

  // Nothing configured: every accept is left out (denied) and named in a note.
  const DevicePolicy bare = compile(&mud, LocalPolicy{});
  EXPECT_TRUE(bare.rules.empty());
  EXPECT_EQ(bare.notes.size(), 6u);
  EXPECT_TRUE(has_note(bare, "mud:fr/ctl (ipv4): left out (denied): controller:urn:c: controller urn:c is not in"));
  EXPECT_TRUE(has_note(bare, "mud:fr/loc (ipv4): left out (denied): local-networks"));
}

TEST(MudCompile, PortsAndOperators) {
  std::vector<Ace> aces;
  const PortMatch ports[] = {{PortOperator::eq, 443, 0}, {PortOperator::neq, 23, 0}, {PortOperator::lte, 1023, 0},
                             {PortOperator::gte, 1024, 0}, {PortOperator::range, 8000, 8080}};
  for (int i = 0; i < 5; ++i) {
    Ace a = ace("p" + std::to_string(i), 6);
    a.ip->dst_network = "198.51.100.0/24";
    a.tcp = TransportMatch{};
    a.tcp->dst_port = ports[i];
    if (i == 4) a.tcp->src_port = PortMatch{PortOperator::eq, 5000, 0};
    aces.push_back(a);
  }
  const MudFile mud = mud_with(aces);
  const DevicePolicy p = compile(&mud, LocalPolicy{});
  const std::string n = nft(p), i = ipt(p);
  EXPECT_TRUE(contains(n, "ip daddr 198.51.100.0/24 tcp dport 443 return"));
  EXPECT_TRUE(contains(n, "tcp dport != 23 return"));
  EXPECT_TRUE(contains(n, "tcp dport <= 1023 return"));
  EXPECT_TRUE(contains(n, "tcp dport >= 1024 return"));
  EXPECT_TRUE(contains(n, "tcp sport 5000 tcp dport 8000-8080 return"));
  EXPECT_TRUE(contains(i, "-d 198.51.100.0/24 -p tcp -m tcp --dport 443 "));
  EXPECT_TRUE(contains(i, "-m tcp ! --dport 23 "));
  EXPECT_TRUE(contains(i, "--dport :1023 "));
  EXPECT_TRUE(contains(i, "--dport 1024: "));
  EXPECT_TRUE(contains(i, "--sport 5000 --dport 8000:8080 "));
}

TEST(MudCompile, DirectionInitiatedUsesConnectionTracking) {
  Ace out = ace("out", 6);
  out.ip->dst_dnsname = "fw.example.com";
  out.tcp = TransportMatch{};
  out.tcp->dst_port = PortMatch{PortOperator::eq, 443, 0};
  out.tcp->direction_initiated = Direction::from_device;
  Ace back = ace("back", 6);
  back.ip->src_dnsname = "fw.example.com";
  back.tcp = TransportMatch{};
  back.tcp->src_port = PortMatch{PortOperator::eq, 443, 0};
  back.tcp->direction_initiated = Direction::from_device;
  const MudFile mud = mud_with({out}, {back});
  const DevicePolicy p = compile(&mud, LocalPolicy{});
  ASSERT_EQ(p.rules.size(), 2u);
  EXPECT_EQ(p.rules[0].ct, ConnTrack::initiate);
  EXPECT_EQ(p.rules[1].ct, ConnTrack::answer);
  const std::string n = nft(p);
  const std::string set = "@peers4_" + short_hash("203.0.113.7, 203.0.113.9");
  EXPECT_TRUE(contains(n, "ip daddr " + set + " tcp dport 443 ct state new,established return"));
  EXPECT_TRUE(contains(n, "ip saddr " + set + " tcp sport 443 ct state established return"));
  EXPECT_TRUE(contains(ipt(p), "-m conntrack --ctstate ESTABLISHED -m comment --comment \"mud:to/back\" -j RETURN"));

  // The device as server: the peer initiates, so the device's packets only answer.
  const LocalPolicy local = policy("rules: [{action: allow, peer: 10.9.0.0/16, protocol: tcp, src-port: 80, initiated-by: peer}]");
  const DevicePolicy server = compile(nullptr, local);
  ASSERT_EQ(server.rules.size(), 2u);  // both directions, ports mirrored
  EXPECT_EQ(server.rules[0].direction, Direction::from_device);
  EXPECT_EQ(server.rules[0].ct, ConnTrack::answer);
  EXPECT_EQ(server.rules[0].src_port->port, 80);
  EXPECT_EQ(server.rules[1].direction, Direction::to_device);
  EXPECT_EQ(server.rules[1].ct, ConnTrack::initiate);
  EXPECT_EQ(server.rules[1].dst_port->port, 80);
}

TEST(MudCompile, LocalDenyBeatsMudAcceptAndLocalAllowAddsAFlow) {
  const LocalPolicy local = policy(R"(
dns: {fw.example.com: [203.0.113.7]}
rules:
  - {action: deny, peer: dns:fw.example.com, protocol: tcp, dst-port: 443, direction: from-device}
  - {action: allow, peer: 10.1.0.0/16, protocol: udp, dst-port: 123}
  - {action: allow, peer: 10.2.0.1, devices: [someone-else]}
)");
  Ace a = ace("fw", 6);
  a.ip->dst_dnsname = "fw.example.com";
  a.tcp = TransportMatch{};
  a.tcp->dst_port = PortMatch{PortOperator::eq, 443, 0};
  const MudFile mud = mud_with({a});
  const DevicePolicy p = compile(&mud, local);
  ASSERT_EQ(p.rules.size(), 4u);
  EXPECT_EQ(p.rules[0].verdict, Verdict::drop);
  EXPECT_EQ(p.rules[0].origin, "local:rules[0]");
  EXPECT_EQ(p.rules[1].origin, "local:rules[1]");
  EXPECT_EQ(p.rules[2].origin, "local:rules[1]");
  EXPECT_EQ(p.rules[2].direction, Direction::to_device);
  EXPECT_EQ(p.rules[2].src_port->port, 123);
  EXPECT_EQ(p.rules[3].origin, "mud:fr/fw");
  const std::string n = nft(p);
  EXPECT_LT(n.find("ip daddr 203.0.113.7 tcp dport 443 drop"), n.find("ip daddr 203.0.113.7 tcp dport 443 return"));
  EXPECT_EQ(p.dns.at(0).how, CompiledDns::How::static_map);
}

TEST(MudCompile, QuarantineHasOnlyItsFlows) {
  const LocalPolicy local = policy(R"(
local-networks: [192.168.1.0/24]
segments:
  default: {name: iot, vlan: 100}
  quarantine: {name: quarantine, vlan: 999, allow: [{peer: 192.168.1.2, protocol: tcp, dst-port: 443, initiated-by: device}]}
rules: [{action: allow, peer: 10.0.0.0/8}]
)");
  Ace a = ace("loc", 17);
  a.mud = abstraction([](MudMatch& m) { m.local_networks = true; });
  const MudFile mud = mud_with({a});
  const DevicePolicy normal = compile(&mud, local);
  EXPECT_EQ(normal.segment.name, "iot");
  EXPECT_EQ(*normal.segment.vlan, 100);
  const DevicePolicy q = compile(&mud, local, fake_dns(), true);
  EXPECT_TRUE(q.quarantine);
  EXPECT_EQ(q.segment.name, "quarantine");
  EXPECT_EQ(*q.segment.vlan, 999);
  ASSERT_EQ(q.rules.size(), 2u);
  for (const Rule& r : q.rules) {
    EXPECT_EQ(r.origin, "quarantine:segments.quarantine.allow[0]");
    EXPECT_EQ(r.peer.addresses, std::vector<std::string>{"192.168.1.2"});
  }
  EXPECT_TRUE(has_note(q, "quarantine: the MUD file's rules are not applied"));
  const std::string n = nft(q);
  EXPECT_TRUE(contains(n, "segment quarantine (VLAN 999); QUARANTINE"));
  EXPECT_FALSE(contains(n, "192.168.1.0/24"));
  EXPECT_FALSE(contains(n, "10.0.0.0/8"));
}

TEST(MudCompile, DnsNamesResolvedNamedOrReported) {
  Ace good = ace("good", 6);
  good.ip->dst_dnsname = "FW.example.com";
  Ace bad = ace("bad", 6);
  bad.ip->dst_dnsname = "gone.example.com";
  Ace bad_drop = ace("baddrop", 17);
  bad_drop.ip->dst_dnsname = "gone.example.com";
  bad_drop.forwarding = Forwarding::drop;
  const MudFile mud = mud_with({good, bad, bad_drop});

  std::vector<std::string> asked;
  const DevicePolicy resolved = compile(&mud, LocalPolicy{}, fake_dns(&asked));
  EXPECT_EQ(asked, (std::vector<std::string>{"fw.example.com", "gone.example.com"}));  // each name once
  ASSERT_EQ(resolved.dns.size(), 2u);
  EXPECT_EQ(resolved.dns[0].how, CompiledDns::How::resolved);
  EXPECT_EQ(resolved.dns[0].addresses, (std::vector<std::string>{"203.0.113.7", "203.0.113.9"}));
  EXPECT_EQ(resolved.dns[1].how, CompiledDns::How::unresolved);
  EXPECT_EQ(resolved.dns[1].detail, "Name or service not known");
  ASSERT_EQ(resolved.rules.size(), 2u);
  EXPECT_EQ(resolved.rules[0].origin, "mud:fr/good");
  // The unresolved drop drops every peer (fail closed); the unresolved accept is gone.
  EXPECT_EQ(resolved.rules[1].origin, "mud:fr/baddrop");
  EXPECT_EQ(resolved.rules[1].peer.kind, PeerSet::Kind::any);
  EXPECT_TRUE(has_note(resolved, "mud:fr/bad (ipv4): left out (denied): dns:gone.example.com: does not resolve"));
  EXPECT_TRUE(has_note(resolved, "mud:fr/baddrop (ipv4)"));

  CompileOptions named = fake_dns(&asked);
  named.dns_mode = DnsMode::named_sets;
  asked.clear();
  const DevicePolicy sets = compile(&mud, LocalPolicy{}, named);
  EXPECT_TRUE(asked.empty());
  ASSERT_EQ(sets.sets.size(), 2u);
  EXPECT_EQ(sets.sets[0].name, "dns4_fw_example_com");
  EXPECT_EQ(sets.dns[0].how, CompiledDns::How::named_set);
  EXPECT_EQ(sets.rules.size(), 3u);
  const std::string n = nft(sets);
  EXPECT_TRUE(contains(n, "set dns4_fw_example_com {\n\t\ttype ipv4_addr\n"));
  EXPECT_TRUE(contains(n, "ip daddr @dns4_fw_example_com meta l4proto tcp return"));
  // iptables cannot hold named sets: refused by the renderer, resolved by the compiler when told.
  EXPECT_FALSE(render_iptables({sets}, Family::ipv4, {}).ok());
  named.named_sets_supported = false;
  const DevicePolicy ipt_policy = compile(&mud, LocalPolicy{}, named);
  EXPECT_TRUE(ipt_policy.sets.empty());
  EXPECT_TRUE(has_note(ipt_policy, "cannot use named sets"));
  EXPECT_TRUE(contains(ipt(ipt_policy), "-d 203.0.113.7,203.0.113.9 -p tcp"));
}

TEST(MudCompile, FamiliesFollowTheAclAndTheDevice) {
  Ace six = ace("six", 58);
  six.icmp = IcmpMatch{128, 0};
  six.ip->dst_network = "2001:db8::/32";
  const MudFile mud = mud_with({six}, {}, AclType::ipv6);
  const DevicePolicy p = compile(&mud, LocalPolicy{});
  ASSERT_EQ(p.rules.size(), 1u);
  EXPECT_TRUE(contains(nft(p), "ip6 daddr 2001:db8::/32 icmpv6 type 128 icmpv6 code 0 return"));
  EXPECT_TRUE(contains(ipt(p, Family::ipv6), "-d 2001:db8::/32 -p ipv6-icmp -m icmp6 --icmpv6-type 128/0"));
  EXPECT_FALSE(contains(ipt(p, Family::ipv4), "2001:db8"));

  CompileInput v4only;
  v4only.device_id = "d4";
  v4only.mud = &mud;
  v4only.addresses.ipv4 = {"10.0.0.4"};
  auto q = compile_device(v4only, LocalPolicy{}, fake_dns());
  ASSERT_TRUE(q.ok());
  EXPECT_TRUE(q->rules.empty());
  EXPECT_TRUE(has_note(*q, "the device has no ipv6 address"));
}

TEST(MudCompile, HostileNamesNeverReachTheRuleset) {
  const MudFile clean = mud_with({});
  CompileInput in;
  in.mud = &clean;
  in.addresses.ipv4 = {"10.0.0.2"};
  for (const char* id : {"a\"; flush ruleset; \"", "a b", "-x", "", "a\nb", "x{y}"}) {
    in.device_id = id;
    EXPECT_FALSE(compile_device(in, LocalPolicy{}, fake_dns()).ok()) << id;
  }
  in.device_id = "ok";
  in.addresses.ipv4 = {"10.0.0.2; drop"};
  EXPECT_FALSE(compile_device(in, LocalPolicy{}, fake_dns()).ok());
  in.addresses.ipv4 = {"10.0.0.2"};
  in.addresses.mac = "02:00:00:00:00:01 drop";
  EXPECT_FALSE(compile_device(in, LocalPolicy{}, fake_dns()).ok());

  Ace evil = ace("x\" drop; table inet t {", 6);
  evil.ip->dst_dnsname = "a.example\"; flush ruleset";
  Ace evil2 = ace("y\ncomment", 17);
  evil2.mud = abstraction([](MudMatch& m) { m.controller = "urn:\"x\n"; });
  MudFile mud = mud_with({evil, evil2});
  mud.mud_url = "https://a.example/\"\nflush ruleset";
  const DevicePolicy p = compile(&mud, LocalPolicy{});
  EXPECT_TRUE(p.rules.empty());
  EXPECT_TRUE(has_note(p, "not a DNS host name"));
  // The URL's newline would end a comment line; it is written as '_'.
  const std::string n = nft(p);
  EXPECT_TRUE(contains(n, "mud-url https://a.example/__flush ruleset;"));
  EXPECT_FALSE(contains(n, "\nflush"));
  EXPECT_FALSE(contains(ipt(p), "\nflush"));
  // A hostile ACE name in an accepted rule is only ever a sanitized comment.
  Ace named = ace("z\" accept; \\", 17);
  const MudFile mud2 = mud_with({named});
  const std::string n2 = nft(compile(&mud2, LocalPolicy{}));
  EXPECT_TRUE(contains(n2, "comment \"mud:fr/z__accept___\"")) << n2;
  DevicePolicy forged = compile(&mud2, LocalPolicy{});
  forged.sets.push_back({"dns4_x; flush ruleset", Family::ipv4, "x"});
  EXPECT_FALSE(render_nftables({forged}, {}).ok());
  forged.sets.clear();
  forged.device_id = "a;b";
  EXPECT_FALSE(render_nftables({forged}, {}).ok());
  EXPECT_FALSE(render_iptables({forged}, Family::ipv4, {}).ok());
  RenderOptions bad_table;
  bad_table.table = "t; flush";
  EXPECT_FALSE(render_nftables({}, bad_table).ok());
}

TEST(MudCompile, SiteFillsSameManufacturerAndModelAndIsDeterministic) {
  const LocalPolicy local = policy("dns-mode: named-sets\nsegments: {default: {name: iot, vlan: 100}}\n");
  Ace same = ace("same", 17);
  same.mud = abstraction([](MudMatch& m) { m.same_manufacturer = true; });
  Ace model = ace("model", 6);
  model.mud = abstraction([](MudMatch& m) { m.model = kUrl; });
  Ace fw = ace("fw", 6);
  fw.ip->dst_dnsname = "fw.example.com";
  const MudFile lum = mud_with({same, model, fw});
  MudFile other = lum;
  other.mud_url = "https://other.example/x";
  std::vector<CompileInput> site;
  const auto add = [&](const std::string& id, const MudFile* m, const std::string& ip, bool quarantine = false) {
    CompileInput in;
    in.device_id = id;
    in.mud = m;
    in.addresses.ipv4 = {ip};
    in.quarantine = quarantine;
    site.push_back(in);
  };
  add("lum-1", &lum, "10.0.0.1");
  add("lum-2", &lum, "10.0.0.2");
  add("lum-3", &lum, "10.0.0.3", true);  // quarantined: not a peer
  add("other", &other, "10.0.0.9");
  auto compiled = compile_site(site, local, fake_dns());
  ASSERT_TRUE(compiled.ok()) << compiled.error().message;
  const DevicePolicy& d1 = (*compiled)[0];
  ASSERT_EQ(d1.rules.size(), 3u);
  const std::vector<std::string> both{"10.0.0.1", "10.0.0.2"};
  EXPECT_EQ(d1.rules[0].peer.addresses, both);
  EXPECT_EQ(d1.rules[1].peer.addresses, both);
  const DevicePolicy& d9 = (*compiled)[3];
  EXPECT_TRUE(has_note(d9, "mud:fr/same (ipv4): left out (denied)"));  // no other device of its manufacturer

  auto a = render_nftables(*compiled, {});
  auto again = compile_site(site, local, fake_dns());
  auto b = render_nftables(*again, {});
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  CompileOptions resolved = fake_dns();
  resolved.named_sets_supported = false;
  auto i1 = render_iptables(*compile_site(site, local, resolved), Family::ipv4, {});
  auto i2 = render_iptables(*compile_site(site, local, resolved), Family::ipv4, {});
  ASSERT_TRUE(i1.ok() && i2.ok());
  EXPECT_EQ(*i1, *i2);
  // One set for the site, however many devices use the name.
  std::size_t uses = 0;
  for (auto at = a->find("@dns4_fw_example_com"); at != std::string::npos; at = a->find("@dns4_fw_example_com", at + 1)) ++uses;
  EXPECT_EQ(uses, 3u);  // lum-1, lum-2, other (lum-3 is quarantined)
  EXPECT_EQ(a->find("set dns4_fw_example_com"), a->rfind("set dns4_fw_example_com"));
  EXPECT_TRUE(contains(*a, "\t\t\t10.0.0.1 : jump dev_lum-1_from,\n\t\t\t10.0.0.2 : jump dev_lum-2_from"));
  // The peer list lum-1 and lum-2 share is one named set, never an anonymous one.
  const std::string set = "peers4_" + short_hash("10.0.0.1, 10.0.0.2");
  EXPECT_TRUE(contains(*a, "\tset " + set + " {\n\t\ttype ipv4_addr\n\t\tflags interval\n"));
  EXPECT_TRUE(contains(*a, "ip daddr @" + set + " meta l4proto udp return comment \"mud:fr/same\""));
  EXPECT_FALSE(contains(*a, "daddr {"));

  site[1].addresses.ipv4 = {"10.0.0.1"};
  EXPECT_FALSE(compile_site(site, local, fake_dns()).ok());
  site[1].addresses.ipv4 = {"10.0.0.2"};
  site[1].device_id = "lum-1";
  EXPECT_FALSE(compile_site(site, local, fake_dns()).ok());
}

TEST(MudCompile, MacAndDefaultDenyInBothDirections) {
  CompileInput in;
  in.device_id = "cam:7";
  in.addresses.ipv4 = {"10.0.0.7"};
  in.addresses.mac = "02-00-00-AA-BB-01";
  auto p = compile_device(in, LocalPolicy{}, fake_dns());
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(has_note(*p, "no MUD file"));
  const std::string n = nft(*p);
  EXPECT_TRUE(contains(n, "ether saddr != 02:00:00:aa:bb:01 counter drop"));
  std::size_t denies = 0;
  for (std::size_t at = n.find("counter drop comment \"default deny\""); at != std::string::npos;
       at = n.find("counter drop comment \"default deny\"", at + 1))
    ++denies;
  EXPECT_EQ(denies, 2u);
  EXPECT_TRUE(contains(n, "chain dev_cam_7_" + short_hash("cam:7") + "_from"));
  const std::string i = ipt(*p);
  EXPECT_TRUE(contains(i, "-m mac ! --mac-source 02:00:00:aa:bb:01"));
  EXPECT_TRUE(contains(i, "-A FORWARD -j IOTONB-MUD\n"));
}

}  // namespace
}  // namespace iotonb::artifact::mud
