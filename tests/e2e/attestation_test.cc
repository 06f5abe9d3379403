// End-to-end onboarding with attestation required (issue 6): the registrar hands out a nonce,
// the pledge (service::enroll with a device description, as `iotonb enroll --evidence` runs
// it) sends evidence signed with its IDevID key, and the registrar appraises it before it
// asks the MASA. A healthy device is admitted, debug enabled is refused, an unknown software
// version lands in the quarantine segment, a replayed token and evidence without a nonce of
// this registrar are refused, and a device that sends no evidence gets no voucher.
#include <fstream>

#include <nlohmann/json.hpp>

#include "artifact/eat/evidence.h"
#include "artifact/eat/token.h"
#include "core/encoding.h"
#include "e2e/onboarding_world.h"
#include "net/https_client.h"
#include "protocol/brski/attestation.h"

namespace iotonb::test {
namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Attestation : public ::testing::Test {
 protected:
  OnboardingWorld world{::testing::UnitTest::GetInstance()->current_test_info()->name()};

  void SetUp() override {
    write("device/firmware.bin", "example thermostat firmware 1.4.2\n");
    const std::string digest = core::to_hex(must(artifact::eat::sha256_file(world.path("device/firmware.bin")), "digest"));
    write("policy.yaml",
          "hwmodel: hex:0102\n"
          "swversions: [1.4.1, 1.4.2]\n"
          "measurements:\n"
          "  - {name: firmware 1.4.2, digest: " + digest + "}\n"
          "dbgstat: disabled\n"
          "oemboot: true\n"
          "max_age: 5m\n");
    world.start_masa();
    world.start_registrar("", "attestation: {policy: policy.yaml, required: true, lifetime: 2m}\n");
  }

  void write(const std::string& name, const std::string& text) {
    std::filesystem::create_directories(std::filesystem::path(world.path(name)).parent_path());
    std::ofstream(world.path(name), std::ios::binary) << text;
  }

  // A device description (artifact/eat/evidence.h) stating these claims and measuring the
  // firmware; returns its path.
  std::string description(const std::string& name, const std::string& swversion, const std::string& dbgstat) {
    write(name + ".yaml",
          "claims:\n"
          "  hwmodel: hex:0102\n"
          "  swversion: " + swversion + "\n"
          "  dbgstat: " + dbgstat + "\n"
          "  oemboot: true\n"
          "measure:\n"
          "  - {name: firmware, file: device/firmware.bin}\n");
    return world.path(name + ".yaml");
  }

  Device& sold_device(const std::string& serial) {
    Device& d = world.add_device(serial);
    world.sell({&d});
    return d;
  }

  // A client presenting the device's IDevID, as the pledge's provisional connection does.
  std::unique_ptr<net::HttpsClient> device_client(const Device& d) {
    net::ClientOptions o;
    o.url = world.registrar->url();
    o.trust = {world.domain.cert.get()};
    o.client_certificate = d.idevid.get();
    o.client_key = d.key.get();
    return must(net::HttpsClient::create(o), "client");
  }

  // Evidence for d with this nonce, signed with key (the IDevID's unless given).
  std::string evidence(const Device& d, ByteView nonce, EVP_PKEY* key = nullptr) {
    auto claims = must(artifact::eat::evidence_claims_from_file(description(d.serial, "1.4.2", "disabled"), nonce, core::now()),
                       "claims");
    auto signer = pki::memory_signer(share(key ? key : d.key.get()), "memory:" + d.serial);
    return std::string(as_chars(must(artifact::eat::create_token(claims, *signer, {}), "token")));
  }

  static net::ClientResponse post_evidence(net::HttpsClient& client, const std::string& token,
                                          const std::string& media_type = protocol::brski::kEatMediaType) {
    return must(client.post(protocol::brski::kAttestationPath, media_type, token, ""), "post evidence");
  }

  Bytes fresh_nonce(net::HttpsClient& client) {
    auto r = must(client.post(protocol::brski::kAttestationNoncePath, "application/json", "", "application/json"), "nonce");
    EXPECT_EQ(r.status, 200) << r.body;
    return must(protocol::brski::parse_attestation_nonce(r.body), "parse nonce");
  }
};

TEST_F(Attestation, AHealthyDeviceIsAdmitted) {
  Device& d = sold_device("ATT-000001");
  auto o = world.enroll_options(d);
  o.evidence = description("healthy", "1.4.2", "disabled-permanently");
  auto r = must(service::enroll(o), "enroll");
  EXPECT_EQ(r.attestation["verdict"], "affirming") << r.attestation.dump();
  EXPECT_EQ(r.network_profile["segment"], "thermostats");
  auto record = must(world.registrar->store().attestation(d.serial), "record");
  ASSERT_TRUE(record);
  EXPECT_EQ(record->verdict, "affirming");
  EXPECT_TRUE(contains(record->appraisal, "measurements")) << record->appraisal;
  auto device = must(world.registrar->store().device(d.serial), "device");
  ASSERT_TRUE(device);
  EXPECT_EQ(device->status, store::DeviceStatus::enrolled);
}

TEST_F(Attestation, ADeviceWithDebugEnabledIsRefusedBeforeTheMasaIsAsked) {
  Device& d = sold_device("ATT-000002");
  auto o = world.enroll_options(d);
  o.evidence = description("debug", "1.4.2", "enabled");
  service::EnrollTrace trace;
  auto r = service::enroll(o, &trace);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::not_authorized);
  EXPECT_TRUE(contains(r.error().message, "HTTP 403")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "contraindicated; dbgstat")) << r.error().message;
  EXPECT_EQ(trace.failed_step, "attestation");
  EXPECT_EQ(must(world.registrar->store().attestation(d.serial), "record")->verdict, "contraindicated");
  // No voucher request was made, so the registrar has no device row and the MASA no audit entry.
  EXPECT_FALSE(must(world.registrar->store().device(d.serial), "device"));

  // A device that ignores the 403 and asks for a voucher anyway is refused there: its latest
  // appraisal is contraindicated.
  o.evidence.clear();
  auto again = service::enroll(o);
  ASSERT_FALSE(again);
  EXPECT_TRUE(contains(again.error().message, "appraised as contraindicated")) << again.error().message;
}

TEST_F(Attestation, AnUnknownSoftwareVersionLandsInQuarantine) {
  Device& d = sold_device("ATT-000003");
  auto o = world.enroll_options(d);
  o.evidence = description("unvetted", "1.5.0-beta", "disabled");
  auto r = must(service::enroll(o), "enroll");
  EXPECT_EQ(r.attestation["verdict"], "warning") << r.attestation.dump();
  EXPECT_EQ(r.network_profile["segment"], "quarantine");
  EXPECT_EQ(must(world.registrar->store().attestation(d.serial), "record")->verdict, "warning");
}

TEST_F(Attestation, AReplayedTokenAndANonceFromElsewhereAreRefused) {
  Device& d = sold_device("ATT-000004");
  auto client = device_client(d);
  const std::string token = evidence(d, fresh_nonce(*client));
  auto first = post_evidence(*client, token);
  EXPECT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(nlohmann::json::parse(first.body)["verdict"], "affirming") << first.body;

  auto replay = post_evidence(*client, token);
  EXPECT_EQ(replay.status, 403);
  EXPECT_TRUE(contains(replay.body, "used before (a replayed token)")) << replay.body;

  const Bytes made_up(32, 0x5a);
  auto forged = post_evidence(*client, evidence(d, made_up));
  EXPECT_EQ(forged.status, 403);
  EXPECT_TRUE(contains(forged.body, "not issued by this registrar")) << forged.body;

  // Another device's nonce does not serve this one.
  Device& other = sold_device("ATT-000005");
  auto other_client = device_client(other);
  const Bytes others = fresh_nonce(*other_client);
  auto stolen = post_evidence(*client, evidence(d, others));
  EXPECT_EQ(stolen.status, 403);
  EXPECT_TRUE(contains(stolen.body, "issued to another device")) << stolen.body;

  auto wrong_type = post_evidence(*client, token, "application/cbor");
  EXPECT_EQ(wrong_type.status, 415);
}

TEST_F(Attestation, EvidenceSignedWithAnotherKeyIsContraindicated) {
  Device& d = sold_device("ATT-000006");
  auto client = device_client(d);
  auto r = post_evidence(*client, evidence(d, fresh_nonce(*client), world.registrar_key.get()));
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(contains(r.body, "signature")) << r.body;
}

TEST_F(Attestation, WithoutEvidenceNoVoucherIsAskedFor) {
  Device& d = sold_device("ATT-000007");
  service::EnrollTrace trace;
  auto r = service::enroll(world.enroll_options(d), &trace);
  ASSERT_FALSE(r);
  EXPECT_EQ(trace.failed_step, "requestvoucher");
  EXPECT_EQ(trace.http_status, 403);
  EXPECT_TRUE(contains(r.error().message, "attestation is required")) << r.error().message;
}

TEST_F(Attestation, AStrangerGetsNoNonce) {
  Device& d = world.add_device("ATT-000008");  // not sold to this owner
  auto client = device_client(d);
  auto r = must(client->post(protocol::brski::kAttestationNoncePath, "application/json", "", "application/json"), "nonce");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(contains(r.body, "not on the allow-list")) << r.body;
}

}  // namespace
}  // namespace iotonb::test
