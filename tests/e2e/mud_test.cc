// End-to-end MUD enforcement at onboarding (issue 7): a manufacturer serves signed MUD files
// over HTTPS on loopback, devices whose IDevIDs carry MUD URLs enroll with a registrar
// configured for MUD, and the registrar fetches, verifies and compiles their policy into its
// policy folder; a device whose MUD signature does not verify ends in the quarantine segment.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "artifact/mud/file.h"
#include "artifact/mud/signature.h"
#include "e2e/onboarding_world.h"
#include "net/https_server.h"
#include "pki/signer.h"

namespace iotonb::test {
namespace {

namespace mud = artifact::mud;

// A thermostat's MUD file: HTTPS to its cloud, NTP, and anything from its controller.
std::string thermostat_mud(const std::string& url) {
  mud::MudFile f;
  f.mud_url = url;
  f.last_update = "2026-11-01T10:00:00+01:00";
  f.last_update_time = 1761987600;
  f.systeminfo = "Example thermostat";
  f.from_device_acls = {"from-v4"};
  f.to_device_acls = {"to-v4"};
  mud::Ace cloud_out;
  cloud_out.name = "cloud-out";
  cloud_out.ip = mud::IpMatch{6, std::nullopt, std::string("cloud.example.com"), std::nullopt, std::nullopt};
  cloud_out.tcp = mud::TransportMatch{std::nullopt, mud::PortMatch{mud::PortOperator::eq, 443, 0}, mud::Direction::from_device};
  mud::Ace cloud_in;
  cloud_in.name = "cloud-in";
  cloud_in.ip = mud::IpMatch{6, std::string("cloud.example.com"), std::nullopt, std::nullopt, std::nullopt};
  cloud_in.tcp = mud::TransportMatch{mud::PortMatch{mud::PortOperator::eq, 443, 0}, std::nullopt, mud::Direction::from_device};
  f.acls = {{"from-v4", mud::AclType::ipv4, {cloud_out}}, {"to-v4", mud::AclType::ipv4, {cloud_in}}};
  return mud::write_mud(f);
}

class MudOnboarding : public ::testing::Test {
 protected:
  void SetUp() override {
    mud_signer_key = new_key();
    mud_signer = make_cert("O=Example Devices,CN=Example MUD signer", mud_signer_key.get(), pki::Profile::client, &world.maker,
                           kWorldFrom, kWorldTo, {0x71});
    net::TlsCredentials tls{world.masa_tls.get(), {}, world.masa_tls_key.get()};
    mud_server = must(net::HttpsServer::create(tls, {}), "mud server");
    must(mud_server->start(), "mud server start");
    write("local.yaml",
          "dns: {cloud.example.com: [203.0.113.10]}\n"
          "segments: {default: {name: x, vlan: 100}, quarantine: {name: y, vlan: 999}}\n");
    world.start_masa();
    world.start_registrar("", "mud: {trust: maker.crt, tls-trust: maker.crt, local-policy: local.yaml, policy-dir: policy}\n");
  }

  std::string base() const { return "https://127.0.0.1:" + std::to_string(mud_server->port()); }

  // Serves a MUD file at path and a signature beside it (.p7s), signed over signed_bytes.
  std::string publish(const std::string& path, const std::string& signed_over = "") {
    const std::string url = base() + path;
    const std::string file = thermostat_mud(url);
    auto signer = pki::memory_signer(share(mud_signer_key.get()), "memory:mud-signer");
    Bytes sig = must(mud::sign_mud(as_bytes(signed_over.empty() ? file : signed_over), *signer, mud_signer.get(), {}), "sign");
    std::string sig_text(as_chars(sig));
    mud_server->route("GET", path, [file](const net::Request&) { return net::Response{200, "application/mud+json", file, {}}; });
    mud_server->route("GET", path.substr(0, path.size() - 5) + ".p7s",
                      [sig_text](const net::Request&) { return net::Response{200, "application/pkcs7-signature", sig_text, {}}; });
    return url;
  }

  Device& sold_device(const std::string& serial, const std::string& mud_url) {
    Device& d = world.add_device(serial, mud_url);
    world.sell({&d});
    return d;
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(world.path(name), std::ios::binary) << text;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  OnboardingWorld world{"mud"};
  core::EvpPkeyPtr mud_signer_key;
  core::X509Ptr mud_signer;
  std::unique_ptr<net::HttpsServer> mud_server;
};

TEST_F(MudOnboarding, AVerifiedMudFileIsCompiledIntoTheDevicesRules) {
  Device& d = sold_device("MUD-000001", publish("/mud/thermostat.json"));
  auto result = must(service::enroll(world.enroll_options(d)), "enroll");
  EXPECT_EQ(result.network_profile.value("segment", ""), "thermostats");

  auto record = must(world.registrar->store().mud(d.serial), "record");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->verdict, "verified") << record->reason;
  EXPECT_EQ(record->mud_url, base() + "/mud/thermostat.json");
  EXPECT_EQ(record->segment, "thermostats");
  EXPECT_EQ(record->addresses, "127.0.0.1");
  const std::string rules = read(world.path("policy/MUD-000001.nft"));
  EXPECT_NE(rules.find("203.0.113.10"), std::string::npos) << rules;
  EXPECT_NE(rules.find("127.0.0.1"), std::string::npos) << rules;
  EXPECT_NE(rules.find("443"), std::string::npos) << rules;
  const std::string site = read(world.path("policy/site.nft"));
  EXPECT_NE(site.find("203.0.113.10"), std::string::npos) << site;

  // The real nft accepts what the registrar wrote, where it is installed.
  if (std::system("nft --version >/dev/null 2>&1") == 0) {
    EXPECT_EQ(std::system(("nft -c -f " + world.path("policy/site.nft") + " >/dev/null").c_str()), 0);
  }
}

TEST_F(MudOnboarding, ABadSignaturePutsTheDeviceInQuarantineAndSaysWhy) {
  const std::string url = publish("/mud/tampered.json", "{\"not\": \"the file\"}\n");
  Device& d = sold_device("MUD-000002", url);
  auto result = must(service::enroll(world.enroll_options(d)), "enroll");
  EXPECT_EQ(result.network_profile.value("segment", ""), "quarantine");

  auto record = must(world.registrar->store().mud(d.serial), "record");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->verdict, "failed");
  EXPECT_NE(record->reason.find("signature"), std::string::npos) << record->reason;
  EXPECT_EQ(record->segment, "quarantine");
  EXPECT_TRUE(record->mud_file.empty());  // an unverified file is not kept
  const std::string rules = read(world.path("policy/MUD-000002.nft"));
  EXPECT_EQ(rules.find("203.0.113.10"), std::string::npos) << rules;  // none of the file's flows
  auto reports = must(world.registrar->store().reports(d.serial), "reports");
  bool reported = false;
  for (const auto& r : reports) reported = reported || (r.kind == "mud" && !r.status);
  EXPECT_TRUE(reported);
}

TEST_F(MudOnboarding, AnUnreachableMudServerIsAFailureNotASilentPass) {
  Device& d = sold_device("MUD-000003", base() + "/mud/missing.json");
  auto result = must(service::enroll(world.enroll_options(d)), "enroll");
  EXPECT_EQ(result.network_profile.value("segment", ""), "quarantine");
  auto record = must(world.registrar->store().mud(d.serial), "record");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->verdict, "failed");
  EXPECT_NE(record->reason.find("404"), std::string::npos) << record->reason;
}

TEST_F(MudOnboarding, QuarantiningAnOnboardedDeviceRecompilesItsRules) {
  Device& d = sold_device("MUD-000004", publish("/mud/thermostat.json"));
  must(service::enroll(world.enroll_options(d)), "enroll");
  ASSERT_NE(read(world.path("policy/MUD-000004.nft")).find("203.0.113.10"), std::string::npos);

  auto recompiled = must(world.registrar->mud()->quarantine(d.serial), "recompile");
  EXPECT_EQ(recompiled.segment, "quarantine");
  EXPECT_EQ(read(world.path("policy/MUD-000004.nft")).find("203.0.113.10"), std::string::npos);
  EXPECT_EQ(read(world.path("policy/site.nft")).find("203.0.113.10"), std::string::npos);
  EXPECT_TRUE(world.registrar->mud()->quarantined(d.serial));
}

// Whether the site's chain for traffic from the device allows the thermostat's cloud flow,
// which a quarantined device's chain (default deny only) does not.
bool cloud_flow_in_site(const std::string& site, const std::string& serial) {
  const std::size_t chain = site.find("chain dev_" + serial + "_from {");
  if (chain == std::string::npos) return false;
  return site.substr(chain, site.find('}', chain) - chain).find("203.0.113.10") != std::string::npos;
}

// Compiling the site reads every record, so concurrent changes share compiles; each caller
// must still find its own change in the site file when its call returns.
TEST_F(MudOnboarding, ConcurrentChangesEachFindThemselvesInTheSiteFile) {
  const std::string url = publish("/mud/thermostat.json");
  constexpr int kDevices = 24;
  for (int i = 0; i <= kDevices; ++i) {  // verified, each at its own address; the last is a bystander
    store::MudRecord r;
    r.serial = "MUD-C" + std::to_string(100 + i);
    r.mud_url = url;
    r.verdict = "verified";
    r.addresses = "10.0.0." + std::to_string(10 + i);
    r.segment = "thermostats";
    r.mud_file = thermostat_mud(url);
    r.checked_at = 1795773600;
    must(world.registrar->store().record_mud(r), "record");
  }
  auto* mud = world.registrar->mud();
  // Quarantining the bystander compiles the site with every verified device's cloud flow.
  must(mud->quarantine("MUD-C" + std::to_string(100 + kDevices)), "quarantine");
  ASSERT_TRUE(cloud_flow_in_site(read(world.path("policy/site.nft")), "MUD-C100"));
  const std::uint64_t compiles_before = mud->site_compiles();
  std::vector<std::string> problems;
  std::mutex problems_mutex;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = t; i < kDevices; i += 4) {
        const std::string serial = "MUD-C" + std::to_string(100 + i);
        auto done = mud->quarantine(serial);
        const std::string site = read(world.path("policy/site.nft"));
        std::lock_guard lock(problems_mutex);
        if (!done) problems.push_back(serial + ": " + done.error().message);
        else if (site.find("jump dev_" + serial + "_from") == std::string::npos) problems.push_back(serial + ": not in the site file");
        else if (cloud_flow_in_site(site, serial)) problems.push_back(serial + ": not quarantined in the site file yet");
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_TRUE(problems.empty()) << problems.front();
  const std::uint64_t compiles = mud->site_compiles() - compiles_before;
  EXPECT_GE(compiles, 1u);
  EXPECT_LE(compiles, static_cast<std::uint64_t>(kDevices));
  std::printf("site compiles for %d concurrent quarantines: %llu\n", kDevices, static_cast<unsigned long long>(compiles));
}

TEST_F(MudOnboarding, ADeviceWithoutAMudUrlGetsNoRecord) {
  Device& d = sold_device("MUD-000005", "");
  must(service::enroll(world.enroll_options(d)), "enroll");
  EXPECT_FALSE(must(world.registrar->store().mud(d.serial), "record"));
}

}  // namespace
}  // namespace iotonb::test
