// MUD compile for a whole site (issue 7): 1,000 devices, each with its own MUD file of 20 ACEs
// (DNS names left as named sets or mapped statically, every abstraction, port operators), read
// from RFC 8520 JSON, compiled with one local policy and rendered as one nftables ruleset; then
// `nft -c -f` checks the result, the bound the compile is set against (the kernel has to take
// the ruleset anyway). Also the iptables rendering, for the linear dispatch it has to use.
//   mud_compile_bench [DEVICES]   (default 1000)
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "artifact/mud/compile.h"
#include "artifact/mud/file.h"
#include "artifact/mud/local_policy.h"
#include "artifact/mud/render.h"
#include "bench_util.h"

namespace {

using namespace iotonb;
using namespace iotonb::artifact::mud;
using bench::Clock;

double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

constexpr int kManufacturers = 50;
constexpr int kAcesPerDirection = 10;

std::string url_of(int device) {
  return "https://mfg" + std::to_string(device % kManufacturers) + ".example.com/model-" + std::to_string(device % 7);
}

Ace make_ace(int device, int i, Direction d) {
  Ace a;
  a.name = std::string(d == Direction::from_device ? "fr" : "to") + std::to_string(i);
  a.ip = IpMatch{};
  const bool from = d == Direction::from_device;
  auto& name = from ? a.ip->dst_dnsname : a.ip->src_dnsname;
  const auto port = [&](std::uint16_t p, PortOperator op = PortOperator::eq) {
    TransportMatch t;
    (from ? t.dst_port : t.src_port) = PortMatch{op, p, op == PortOperator::range ? static_cast<std::uint16_t>(p + 10) : std::uint16_t{0}};
    return t;
  };
  switch (i) {
    case 0: case 1: case 2:  // the manufacturer's cloud: named sets, shared by its devices
      name = "svc" + std::to_string(i) + ".mfg" + std::to_string(device % kManufacturers) + ".example.com";
      a.ip->protocol = 6;
      a.tcp = port(443);
      a.tcp->direction_initiated = Direction::from_device;
      break;
    case 3:  // mapped statically in the local policy
      name = "ntp.example.org";
      a.ip->protocol = 17;
      a.udp = port(123);
      break;
    case 4:
      a.mud = MudMatch{};
      a.mud->controller = "urn:ietf:params:mud:coap";
      a.ip->protocol = 17;
      a.udp = port(5683, PortOperator::range);
      break;
    case 5:
      a.mud = MudMatch{};
      a.mud->my_controller = true;
      a.ip->protocol = 6;
      a.tcp = port(8443);
      break;
    case 6:
      a.mud = MudMatch{};
      a.mud->local_networks = true;
      a.ip->protocol = 17;
      a.udp = port(1024, PortOperator::gte);
      break;
    case 7:
      a.mud = MudMatch{};
      a.mud->same_manufacturer = true;
      a.ip->protocol = 17;
      a.udp = port(5000);
      break;
    case 8:
      a.mud = MudMatch{};
      a.mud->model = url_of(device);
      a.ip->protocol = 6;
      a.tcp = port(23, PortOperator::neq);
      break;
    default:
      a.mud = MudMatch{};
      a.mud->manufacturer = "gateway.example.net";
      a.ip->protocol = 6;
      a.tcp = port(1023, PortOperator::lte);
      break;
  }
  return a;
}

MudFile make_mud(int device) {
  MudFile f;
  f.mud_url = url_of(device);
  f.last_update = "2026-01-15T10:00:00+01:00";
  f.last_update_time = 1768467600;
  f.systeminfo = "bench device";
  Acl from{"acl-fr", AclType::ipv4, {}}, to{"acl-to", AclType::ipv4, {}};
  for (int i = 0; i < kAcesPerDirection; ++i) {
    from.aces.push_back(make_ace(device, i, Direction::from_device));
    to.aces.push_back(make_ace(device, i, Direction::to_device));
  }
  f.acls = {from, to};
  f.from_device_acls = {"acl-fr"};
  f.to_device_acls = {"acl-to"};
  return f;
}

// nft -c -f FILE (through an unprivileged user namespace when nft needs privileges); seconds, or
// a negative value when nft is absent or fails.
double nft_check(const std::string& file, std::string& how) {
  for (const char* prefix : {"", "unshare -rn "}) {
    const std::string cmd = std::string(prefix) + "nft -c -f " + file + " >/dev/null 2>&1";
    if (std::system((std::string(prefix) + "nft -c -f /dev/null >/dev/null 2>&1").c_str()) != 0) continue;
    const auto start = Clock::now();
    const int rc = std::system(cmd.c_str());
    const double s = since(start);
    how = std::string(prefix) + "nft -c -f";
    if (rc == 0) return s;
    how += " FAILED (rc " + std::to_string(rc) + ")";
    return -1;
  }
  how = "nft not usable here (not installed, or no privileges)";
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  const int devices = argc > 1 ? std::atoi(argv[1]) : 1000;
  const LocalPolicy local = bench::must(read_local_policy(R"(
controllers: {"urn:ietf:params:mud:coap": [10.0.0.3, "fd00::3"]}
my-controller: [10.0.0.5]
local-networks: [10.0.0.0/8, "fd00::/48"]
manufacturers: {gateway.example.net: [10.0.0.7]}
dns: {ntp.example.org: [10.0.0.1, "fd00::1"]}
dns-mode: named-sets
segments: {default: {name: iot, vlan: 100}}
rules:
  - {action: deny, protocol: tcp, dst-port: 23}
)"), "local policy");

  // The MUD files as a MUD manager gets them: JSON text.
  std::vector<std::string> texts;
  for (int i = 0; i < devices; ++i) texts.push_back(write_mud(make_mud(i)));
  auto start = Clock::now();
  std::vector<MudFile> files;
  files.reserve(texts.size());
  for (const auto& t : texts) files.push_back(bench::must(parse_mud(t), "parse_mud"));
  const double parse_s = since(start);

  std::vector<CompileInput> inputs;
  for (int i = 0; i < devices; ++i) {
    CompileInput in;
    in.device_id = "dev-" + std::to_string(i);
    in.mud = &files[static_cast<std::size_t>(i)];
    in.addresses.ipv4 = {"10." + std::to_string(1 + i / 250) + "." + std::to_string(i % 250) + ".10"};
    char v6[64];
    std::snprintf(v6, sizeof v6, "fd00:1::%x", i + 16);
    in.addresses.ipv6 = {v6};
    inputs.push_back(std::move(in));
  }
  start = Clock::now();
  auto site = bench::must(compile_site(inputs, local, {}), "compile_site");
  const double compile_s = since(start);
  start = Clock::now();
  const std::string ruleset = bench::must(render_nftables(site, {}), "render_nftables");
  const double render_s = since(start);

  std::size_t rules = 0, sets = 0, notes = 0;
  for (const auto& d : site) {
    rules += d.rules.size() + 2;  // + the two default denies
    notes += d.notes.size();
  }
  for (std::size_t at = ruleset.find("\tset "); at != std::string::npos; at = ruleset.find("\tset ", at + 1)) ++sets;

  CompileOptions resolved;
  resolved.named_sets_supported = false;
  resolved.resolver = [](const std::string&, Family f) -> Result<std::vector<std::string>> {
    return std::vector<std::string>{f == Family::ipv4 ? "203.0.113.1" : "2001:db8::1"};
  };
  auto ipt_site = bench::must(compile_site(inputs, local, resolved), "compile_site (resolved)");
  start = Clock::now();
  const std::string ipt = bench::must(render_iptables(ipt_site, Family::ipv4, {}), "render_iptables");
  const double ipt_s = since(start);

  char path[] = "/tmp/mud_bench_XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) return 1;
  close(fd);
  std::ofstream(path) << ruleset;
  std::string how;
  const double nft_s = nft_check(path, how);
  unlink(path);

  std::printf("MUD site compile: %d devices x %d ACEs (%d manufacturers, named DNS sets)\n", devices, 2 * kAcesPerDirection,
              kManufacturers);
  std::printf("  parse MUD JSON      %8.3f s  (%zu KiB of JSON)\n", parse_s,
              [&] { std::size_t n = 0; for (auto& t : texts) n += t.size(); return n / 1024; }());
  std::printf("  compile_site        %8.3f s  (%zu rules incl. default denies, %zu notes)\n", compile_s, rules, notes);
  std::printf("  render nftables     %8.3f s  (%zu KiB, %zu named sets, verdict-map dispatch)\n", render_s,
              ruleset.size() / 1024, sets);
  std::printf("  render iptables     %8.3f s  (%zu KiB, IPv4, names resolved, linear dispatch)\n", ipt_s, ipt.size() / 1024);
  if (nft_s >= 0)
    std::printf("  %-19s %8.3f s  (the bound: the kernel must take the ruleset)\n", how.c_str(), nft_s);
  else
    std::printf("  nft -c              skipped: %s\n", how.c_str());
  std::printf("  compile + render    %8.3f s  total (target well under 1 s)\n", compile_s + render_s);
  return nft_s < 0 && how.find("FAILED") != std::string::npos ? 1 : 0;
}
