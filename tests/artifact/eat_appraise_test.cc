// lib/artifact/eat policy.h, appraise.h and evidence.h: the policy syntax and its errors, the
// verdict of each rule (affirming, warning, contraindicated as appraise.h documents them), the
// overall verdict, appraisal of a PSA token, and evidence made from a device description.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "artifact/eat/appraise.h"
#include "artifact/eat/evidence.h"
#include "artifact/eat/policy.h"
#include "artifact/eat_test_util.h"

namespace iotonb::artifact::eat {
namespace {

namespace cbor = core::cbor;
using cbor::Value;
using test::hex;
using test::must;

constexpr core::UnixTime kNow = 1795773600;  // 2026-11-27T10:00:00Z
const std::string kFirmware(64, 'a');

Policy policy() {
  return must(read_policy("hwmodel: hex:0102\n"
                          "oemid: 76543\n"
                          "swversions: [1.4.2, 1.4.3]\n"
                          "measurements:\n"
                          "  - {name: firmware, digest: " + kFirmware + "}\n"
                          "  - " + std::string(64, 'b') + "\n"
                          "dbgstat: disabled\n"
                          "oemboot: true\n"
                          "max_age: 5m\n"),
              "policy");
}

const std::string kHealthy = "hwmodel: hex:0102\noemid: 76543\nswversion: 1.4.2\ndbgstat: disabled-permanently\n"
                             "oemboot: true\niat: 2026-11-27T09:58:00Z\nmeasurements: [{name: firmware, digest: " +
                             kFirmware + "}]\n";

Appraisal appraise_yaml(const std::string& yaml, const Policy& p = policy()) {
  return appraise_claims(test::claims_from(yaml), p, kNow);
}

const ClaimAppraisal& rule(const Appraisal& a, std::string_view claim) {
  for (const auto& c : a.claims)
    if (c.claim == claim) return c;
  throw std::runtime_error("no rule " + std::string(claim));
}

std::string with(const std::string& base, const std::string& key, const std::string& value) {
  std::string out;
  std::size_t pos = 0;
  bool replaced = false;
  while (pos < base.size()) {
    std::size_t end = base.find('\n', pos);
    std::string line = base.substr(pos, end - pos);
    if (line.rfind(key + ":", 0) == 0) {
      if (!value.empty()) out += key + ": " + value + "\n";
      replaced = true;
    } else {
      out += line + "\n";
    }
    pos = end + 1;
  }
  if (!replaced && !value.empty()) out += key + ": " + value + "\n";
  return out;
}

TEST(EatPolicy, ReadsEveryKey) {
  Policy p = policy();
  EXPECT_EQ(p.hwmodel, hex("0102"));
  EXPECT_EQ(p.oemid, Value::integer(76543));
  EXPECT_EQ(p.swversions, (std::vector<std::string>{"1.4.2", "1.4.3"}));
  ASSERT_EQ(p.measurements.size(), 2u);
  EXPECT_EQ(p.allowed_measurement(hex(kFirmware)), "firmware");
  EXPECT_EQ(p.allowed_measurement(hex(std::string(64, 'b'))), "");
  EXPECT_FALSE(p.allowed_measurement(hex(std::string(64, 'c'))));
  EXPECT_TRUE(p.require_debug_disabled);
  EXPECT_TRUE(p.require_oemboot);
  EXPECT_EQ(p.max_age, 300);
}

TEST(EatPolicy, ErrorsNameTheKey) {
  auto err = [](std::string_view text) {
    auto r = read_policy(text);
    return r.ok() ? std::string("(no error)") : r.error().message;
  };
  EXPECT_EQ(err("colour: red\n").rfind("colour: unknown policy key", 0), 0u);
  EXPECT_EQ(err("hwmodel: zz\n").rfind("hwmodel: not hex", 0), 0u);
  EXPECT_EQ(err("measurements: [00, {name: x}]\n"), "measurements[1].digest: missing");
  EXPECT_EQ(err("dbgstat: sometimes\n"), "dbgstat: must be disabled or any");
  EXPECT_EQ(err("max_age: soon\n"), "max_age: must be seconds, or a number with s, m, h or d");
  EXPECT_EQ(err("swversions: 1.0\n"), "swversions: must be a list of versions");
  EXPECT_EQ(err("[1]\n").rfind("the policy must be a map", 0), 0u);
}

TEST(EatAppraise, HealthyDeviceIsAffirming) {
  Appraisal a = appraise_yaml(kHealthy);
  EXPECT_EQ(a.verdict, Verdict::affirming);
  EXPECT_EQ(a.claims.size(), 7u);  // one per rule of the policy
  for (const auto& c : a.claims) EXPECT_EQ(c.verdict, Verdict::affirming) << c.claim << ": " << c.reason;
  EXPECT_EQ(rule(a, "measurements").reason, "1 digest in the reference list");
}

TEST(EatAppraise, EachRuleGivesItsVerdict) {
  struct Case {
    const char* key;
    std::string value;  // empty: the claim is removed
    const char* rule;
    Verdict verdict;
  };
  const Case cases[] = {
      {"swversion", "1.5.0", "swversion", Verdict::warning},
      {"swversion", "", "swversion", Verdict::warning},
      {"dbgstat", "enabled", "dbgstat", Verdict::contraindicated},
      {"dbgstat", "disabled-since-boot", "dbgstat", Verdict::affirming},
      {"dbgstat", "", "dbgstat", Verdict::warning},
      {"oemboot", "false", "oemboot", Verdict::contraindicated},
      {"oemboot", "", "oemboot", Verdict::warning},
      {"hwmodel", "hex:0103", "hwmodel", Verdict::contraindicated},
      {"hwmodel", "", "hwmodel", Verdict::warning},
      {"oemid", "hex:010203", "oemid", Verdict::contraindicated},
      {"measurements", "[{name: firmware, digest: " + std::string(64, 'c') + "}]", "measurements", Verdict::contraindicated},
      {"measurements", "", "measurements", Verdict::warning},
      {"measurements", "[{content-type: 258, content: a0}]", "measurements", Verdict::warning},
      {"iat", "2026-11-27T09:00:00Z", "iat", Verdict::contraindicated},
      {"iat", "", "iat", Verdict::warning},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.key) + "=" + c.value);
    Appraisal a = appraise_yaml(with(kHealthy, c.key, c.value));
    EXPECT_EQ(rule(a, c.rule).verdict, c.verdict) << rule(a, c.rule).reason;
    EXPECT_EQ(a.verdict, c.verdict);
  }
}

TEST(EatAppraise, TheMostSevereVerdictWins) {
  Appraisal a = appraise_yaml(with(with(kHealthy, "swversion", "9.9"), "dbgstat", "enabled"));
  EXPECT_EQ(a.verdict, Verdict::contraindicated);
  EXPECT_EQ(rule(a, "swversion").verdict, Verdict::warning);
  EXPECT_EQ(rule(a, "swversion").reason, "software version 9.9 is not in the allowed list (quarantine)");
  EXPECT_EQ(rule(a, "dbgstat").reason, "debug is enabled");
}

TEST(EatAppraise, AnEmptyPolicyAffirmsAnything) {
  Appraisal a = appraise_claims(test::claims_from("dbgstat: enabled\n"), Policy{}, kNow);
  EXPECT_EQ(a.verdict, Verdict::affirming);
  EXPECT_TRUE(a.claims.empty());
}

TEST(EatAppraise, SubmodulesAreHeldToTheStateRules) {
  // A healthy main module does not hide a part in debug mode, nested at any depth.
  Appraisal a = appraise_yaml(kHealthy + "submods:\n  radio:\n    dbgstat: enabled\n");
  EXPECT_EQ(a.verdict, Verdict::contraindicated);
  EXPECT_EQ(rule(a, "submods.radio.dbgstat").reason, "debug is enabled");
  EXPECT_EQ(rule(a, "dbgstat").verdict, Verdict::affirming);

  a = appraise_yaml(kHealthy + "submods:\n  radio:\n    submods:\n      dsp:\n        oemboot: false\n");
  EXPECT_EQ(a.verdict, Verdict::contraindicated);
  EXPECT_EQ(rule(a, "submods.radio.submods.dsp.oemboot").verdict, Verdict::contraindicated);

  a = appraise_yaml(kHealthy + "submods:\n  radio:\n    measurements: [{name: radio-fw, digest: " + std::string(64, 'c') + "}]\n");
  EXPECT_EQ(a.verdict, Verdict::contraindicated);
  EXPECT_EQ(rule(a, "submods.radio.measurements").reason, "not in the reference list: radio-fw hex:" + std::string(64, 'c'));

  // A part stating healthy values gets a verdict per claim it states and nothing for what it
  // leaves out; the identity rules (hwmodel here) are the whole device's, not the part's.
  a = appraise_yaml(kHealthy + "submods:\n  radio:\n    dbgstat: disabled\n    hwmodel: hex:0999\n"
                               "    measurements: [{digest: " + std::string(64, 'b') + "}]\n");
  EXPECT_EQ(a.verdict, Verdict::affirming);
  EXPECT_EQ(a.claims.size(), 9u);  // the policy's 7 rules, then the radio's dbgstat and measurements
  EXPECT_EQ(rule(a, "submods.radio.dbgstat").reason, "disabled");
  EXPECT_EQ(rule(a, "submods.radio.measurements").reason, "1 digest in the reference list");
  EXPECT_EQ(appraise_yaml(kHealthy + "submods:\n  radio:\n    uptime: 5\n").claims.size(), 7u);
}

TEST(EatAppraise, AnUnopenedSubmoduleIsAWarningUnderAStateRule) {
  Value claims = test::claims_from(kHealthy);
  cbor::Map parts;
  parts.emplace_back(Value::text("sensor"), Value::bytes(hex("d28443a10126a0")));  // a nested token
  parts.emplace_back(Value::text("camera"), Value::array({Value::integer(-16), Value::bytes(hex("00"))}));  // detached digest
  claims.as_map().emplace_back(Value::integer(label::submods), Value::map(std::move(parts)));
  Appraisal a = appraise_claims(claims, policy(), kNow);
  EXPECT_EQ(a.verdict, Verdict::warning);
  EXPECT_EQ(rule(a, "submods.sensor").reason, "a nested token iotonb does not open: the state it reports is not appraised");
  EXPECT_EQ(rule(a, "submods.camera").reason, "a detached digest iotonb does not open: the state it reports is not appraised");
  // Without a state rule there is nothing to prove about the parts.
  Policy identity_only;
  identity_only.hwmodel = hex("0102");
  a = appraise_claims(claims, identity_only, kNow);
  EXPECT_EQ(a.verdict, Verdict::affirming);
  EXPECT_EQ(a.claims.size(), 1u);
}

TEST(EatAppraise, FailedVerificationIsContraindicated) {
  test::TokenKey k, other;
  Bytes token = test::make_token(kHealthy, k);
  Verification good = must(verify_token(token, test::with_key(k)), "verify");
  EXPECT_EQ(appraise(good, policy(), kNow).verdict, Verdict::affirming);
  Verification bad = must(verify_token(token, test::with_key(other)), "verify");
  Appraisal a = appraise(bad, policy(), kNow);
  EXPECT_EQ(a.verdict, Verdict::contraindicated);
  EXPECT_EQ(rule(a, "signature").reason, "COSE: signature does not verify");
  auto opts = test::with_key(k);
  opts.nonce = hex("0000000000000000");  // a replayed token: the nonce is not the one sent
  EXPECT_EQ(rule(appraise(must(verify_token(token, opts), "v"), policy(), kNow), "nonce").verdict, Verdict::contraindicated);
}

TEST(EatAppraise, PsaSoftwareComponentsAreMeasurements) {
  auto dir = test::vectors_dir();
  if (!dir) GTEST_SKIP();
  Token t = must(decode_token(test::read_bytes(*dir + "/eat/psa/psa-2_0_0_sign1.bin")), "psa");
  Policy p = must(read_policy("measurements:\n  - 96A2EC56C65120A60CE3A53EF8D2082233772AACD5B17935A92BE12AC577F685\n"
                              "  - 087D13C68F32AAAFB8C4FC0A2253445432009765E216FB85C398C9580522C1BF\n"),
                  "policy");
  EXPECT_EQ(appraise_claims(t.claims, p, kNow).verdict, Verdict::affirming);
  p.measurements.pop_back();
  p.measurement_names.pop_back();
  p.sort_measurements();
  Appraisal a = appraise_claims(t.claims, p, kNow);
  EXPECT_EQ(a.verdict, Verdict::contraindicated) << a.claims[0].reason;
}

TEST(EatEvidence, MeasuresTheFilesAndSigns) {
  auto dir = std::filesystem::temp_directory_path() / ("eat-evidence-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "firmware.bin") << "firmware image";
  DeviceDescription d = must(read_device_description("claims:\n  swversion: 1.4.2\n  nonce: 0000000000000000\n"
                                                     "  measurements: [{name: boot, digest: 00}]\n"
                                                     "measure:\n  - {name: firmware, file: firmware.bin}\n"),
                             "device");
  auto measured = must(measure_files(d, dir.string()), "measure");
  ASSERT_EQ(measured.size(), 1u);
  // sha256("firmware image")
  EXPECT_EQ(core::to_hex(measured[0].sha256), core::to_hex(must(sha256_file((dir / "firmware.bin").string()), "sha")));
  Value c = must(evidence_claims(d, measured, hex("0011223344556677"), kNow), "claims");
  EXPECT_EQ(*c.find(10), Value::bytes(hex("0011223344556677")));  // the static nonce is replaced
  EXPECT_EQ(*c.find(6), Value::integer(kNow));
  ASSERT_EQ(c.find(273)->as_array().size(), 2u);
  EXPECT_EQ(c.find(273)->as_array()[1], digest_measurement("firmware", measured[0].sha256));
  EXPECT_EQ(evidence_claims(d, measured, hex("0011"), kNow).error().kind, ErrorKind::usage);  // nonce too short
  std::filesystem::remove_all(dir);

  auto missing = measure_files(d, "/nonexistent");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("firmware.bin"), std::string::npos);
  EXPECT_EQ(read_device_description("colour: red\n").error().message, "colour: unknown key (claims, measure)");
  EXPECT_EQ(read_device_description("measure: [{name: x}]\n").error().message, "measure[0]: must be {name, file}");
  EXPECT_EQ(read_device_description("claims: {dbgstat: maybe}\n").error().message.rfind("claims.dbgstat:", 0), 0u);
}

}  // namespace
}  // namespace iotonb::artifact::eat
