// Fuzzes the MUD local policy reader (lib/artifact/mud/local_policy.h) and what consumes its
// result: bounded input must never crash or hang, however deep or aliased; a policy that is
// read compiles a MUD file that uses every abstraction (names answered by a fake resolver, so
// no network) and renders as nftables and iptables without error, and every rule line stays
// one line (no name from the input can start another rule).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "artifact/mud/compile.h"
#include "artifact/mud/local_policy.h"
#include "artifact/mud/render.h"
#include "fuzz_require.h"

namespace m = iotonb::artifact::mud;

namespace {


m::MudFile every_abstraction() {
  m::MudFile f;
  f.mud_url = "https://lum.example.com/Luminaire_150";
  m::Acl acl{"fr", m::AclType::ipv4, {}};
  for (int i = 0; i < 7; ++i) {
    m::Ace a;
    a.name = "a" + std::to_string(i);
    a.ip = m::IpMatch{};
    a.ip->protocol = 17;
    a.udp = m::TransportMatch{};
    a.udp->dst_port = m::PortMatch{m::PortOperator::eq, 5683, 0};
    a.mud = m::MudMatch{};
    switch (i) {
      case 0: a.mud->controller = "urn:c"; break;
      case 1: a.mud->my_controller = true; break;
      case 2: a.mud->local_networks = true; break;
      case 3: a.mud->manufacturer = "example.com"; break;
      case 4: a.mud->same_manufacturer = true; break;
      case 5: a.mud->model = f.mud_url; break;
      default: a.mud.reset(); a.ip->dst_dnsname = "fw.example.com"; break;
    }
    acl.aces.push_back(a);
  }
  f.acls = {acl, m::Acl{"to", m::AclType::ipv6, {}}};
  f.from_device_acls = {"fr"};
  f.to_device_acls = {"to"};
  return f;
}

// Every line a renderer writes starts with one of these; a name that smuggled a newline in
// would start a line with something else.
bool line_start_ok(std::string_view line) {
  for (std::string_view start : {"-A ", "\t", "#", ":", "table inet ", "delete table inet ", "}", "COMMIT", "*filter"})
    if (line.substr(0, start.size()) == start) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto local = m::read_local_policy(text);
  if (!local) return 0;
  static const m::MudFile mud = every_abstraction();
  m::CompileOptions options;
  options.named_sets_supported = false;
  options.resolver = [](const std::string&, m::Family f) -> iotonb::Result<std::vector<std::string>> {
    return std::vector<std::string>{f == m::Family::ipv4 ? "203.0.113.1" : "2001:db8::1"};
  };
  for (bool quarantine : {false, true}) {
    m::CompileInput in;
    in.device_id = "dev-1";
    in.mud = &mud;
    in.addresses.ipv4 = {"192.168.1.50"};
    in.addresses.ipv6 = {"fd00::50"};
    in.quarantine = quarantine;
    auto policy = m::compile_device(in, *local, options);
    require(policy.ok());
    auto nft = m::render_nftables({*policy}, {});
    auto ipt = m::render_iptables({*policy}, m::Family::ipv4, {});
    require(nft.ok() && ipt.ok());
    for (const auto* out : {&*nft, &*ipt})
      for (std::size_t at = out->find('\n'); at != std::string::npos; at = out->find('\n', at + 1))
        require(at + 1 == out->size() || line_start_ok(std::string_view(*out).substr(at + 1)));
  }
  return 0;
}
