// lib/artifact/eat claims.h, claims_file.h, claims_check.h and describe.h: the label table,
// the claims-file syntax (YAML and JSON) for each value kind, a negative test per rule the
// reader enforces (errors naming the field, bounds on size, depth and aliases), and how claims
// are shown.
#include <gtest/gtest.h>

#include "artifact/eat/claims.h"
#include "artifact/eat/claims_check.h"
#include "artifact/eat/claims_file.h"
#include "artifact/eat/describe.h"
#include "artifact/eat_test_util.h"

namespace iotonb::artifact::eat {
namespace {

namespace cbor = core::cbor;
using cbor::Value;
using test::hex;
using test::must;

std::string error_of(std::string_view yaml) {
  auto r = read_claims(yaml);
  if (r.ok()) return "(no error)";
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  return r.error().message;
}

TEST(EatClaimTable, NamesAndLabelsFromTheRfcs) {
  EXPECT_EQ(find_claim("nonce")->label, 10);
  EXPECT_EQ(find_claim("ueid")->label, 256);
  EXPECT_EQ(find_claim("dbgstat")->label, 263);
  EXPECT_EQ(find_claim("measurements")->label, 273);
  EXPECT_EQ(find_claim("intuse")->label, 275);
  EXPECT_EQ(find_claim("iat")->label, 6);
  EXPECT_EQ(find_claim("psa-software-components")->label, 2399);
  EXPECT_EQ(find_claim("psa1-nonce")->label, -75008);
  EXPECT_EQ(find_claim(-75010)->name, "psa1-verification-service-indicator");
  // Old EAT draft labels (ctoken: ueid -75009 aside, e.g. nonce -75008 outside PSA, dbgstat -76008) are unknown.
  EXPECT_EQ(find_claim(-76008), nullptr);
  EXPECT_EQ(claim_name(Value::integer(-76008)), "-76008");
  EXPECT_EQ(*dbgstat_name(4), "disabled-fully-and-permanently");
  EXPECT_EQ(*dbgstat_value("disabled-since-boot"), 2u);
  EXPECT_FALSE(dbgstat_name(5));
}

TEST(EatClaimsFile, EachValueKind) {
  Value c = must(read_claims("ueid: hex:0198f50a4ff6c05861c8860d13a638ea\n"
                             "oemid: 76543\n"
                             "hwmodel: base64:AQI=\n"
                             "hwversion: [\"2.1\", 1]\n"
                             "swname: acme-os\n"
                             "swversion: 1.4.2\n"
                             "dbgstat: disabled-permanently\n"
                             "oemboot: true\n"
                             "bootcount: 3\n"
                             "iat: 2026-11-27T10:00:00Z\n"
                             "exp: 1795777200\n"
                             "eat_profile: tag:example.com,2026:device\n"
                             "nonce: 0011223344556677\n"
                             "measurements:\n"
                             "  - {name: firmware, digest: \"" + std::string(64, 'a') + "\"}\n"
                             "  - {content-type: 258, content: hex:a0}\n"
                             "submods:\n"
                             "  radio: {swversion: 0.9, dbgstat: 0}\n"
                             "-70000: {a: [1, true, hex:ff, \"7\", null]}\n"),
                 "claims");
  EXPECT_EQ(*c.find(256), Value::bytes(hex("0198f50a4ff6c05861c8860d13a638ea")));
  EXPECT_EQ(*c.find(258), Value::integer(76543));
  EXPECT_EQ(*c.find(259), Value::bytes(hex("0102")));
  EXPECT_EQ(*c.find(260), Value::array({Value::text("2.1"), Value::integer(1)}));
  EXPECT_EQ(*c.find(271), Value::array({Value::text("1.4.2")}));
  EXPECT_EQ(*c.find(263), Value::uint(3));
  EXPECT_EQ(*c.find(262), Value::boolean(true));
  EXPECT_EQ(*c.find(6), Value::integer(1795773600));
  EXPECT_EQ(*c.find(4), Value::integer(1795777200));
  EXPECT_EQ(*c.find(273), Value::array({digest_measurement("firmware", Bytes(32, 0xaa)),
                                        Value::array({Value::uint(258), Value::bytes(hex("a0"))})}));
  EXPECT_EQ(*c.find(266)->find("radio")->find(263), Value::uint(0));
  EXPECT_EQ(*c.find(-70000), Value::map({{Value::text("a"), Value::array({Value::integer(1), Value::boolean(true),
                                                                           Value::bytes(hex("ff")), Value::text("7"),
                                                                           Value::null()})}}));
  // Encoding order is the file's order.
  EXPECT_EQ(c.as_map().front().first, Value::integer(256));
}

TEST(EatClaimsFile, JsonAndPsaComponents) {
  Value c = must(read_claims(R"({"psa-client-id": -1, "psa-lifecycle": 12288,
      "psa-software-components": [{"type": "SPE", "value": "hex:0102", "version": "1.6.0",
                                   "signer-id": "base64:AwQ=", "desc": "SHA256"}],
      "2394000": "kept"})"),
                 "json");
  EXPECT_EQ(*c.find(2394), Value::integer(-1));
  const Value& comp = c.find(2399)->as_array()[0];
  EXPECT_EQ(*comp.find(1), Value::text("SPE"));
  EXPECT_EQ(*comp.find(2), Value::bytes(hex("0102")));
  EXPECT_EQ(*comp.find(5), Value::bytes(hex("0304")));
  EXPECT_EQ(*c.find(2394000), Value::text("kept"));
}

TEST(EatClaimsFile, ErrorsNameTheField) {
  EXPECT_EQ(error_of("hwmodel: xyz\n").rfind("hwmodel: not hex", 0), 0u) << error_of("hwmodel: xyz\n");
  EXPECT_EQ(error_of("measurements:\n  - {digest: 00}\n  - {digest: zz}\n").rfind("measurements[1].digest: not hex", 0), 0u);
  EXPECT_EQ(error_of("measurements:\n  - {name: x}\n"), "measurements[0].digest: missing");
  EXPECT_EQ(error_of("dbgstat: sometimes\n").rfind("dbgstat: \"sometimes\" is not a debug state", 0), 0u);
  EXPECT_EQ(error_of("dbgstat: 9\n"), "dbgstat: 9 is not a debug state (0..4)");
  EXPECT_EQ(error_of("oemboot: yes please\n"), "oemboot: must be true or false");
  EXPECT_EQ(error_of("bootcount: -1\n"), "bootcount: must not be negative");
  EXPECT_EQ(error_of("iat: yesterday\n").rfind("iat: must be seconds since the epoch or an RFC 3339 time", 0), 0u);
  EXPECT_EQ(error_of("colour: red\n"), "colour: unknown claim (give an unknown claim by its integer label)");
  EXPECT_EQ(error_of("submods:\n  radio: {dbgstat: never}\n").rfind("submods.radio.dbgstat:", 0), 0u);
  EXPECT_EQ(error_of("psa-software-components: [{value: 00, colour: red}]\n"),
            "psa-software-components[0].colour: unknown field (type, value, version, signer-id, desc)");
  EXPECT_EQ(error_of("nonce: 00\n10: 00\n"), "10: the claim is given twice");
  EXPECT_EQ(error_of("- a\n- b\n"), "claims: must be a map of claim names to values");
  EXPECT_EQ(error_of("a: [unclosed\n").rfind("not YAML or JSON", 0), 0u);
  EXPECT_EQ(error_of("swname: \"caf\xe9\"\n"), "not UTF-8 text");  // Latin-1, found by fuzz_eat_claims_file
  EXPECT_EQ(error_of(std::string("swname: a\0b\n", 12)), "a NUL byte is not YAML text");
}

TEST(EatClaimsFile, BoundsOnSizeDepthAndAliases) {
  EXPECT_EQ(error_of(std::string(kMaxClaimsFileSize + 1, ' ')).rfind("larger than", 0), 0u);
  std::string deep = "-70000: " + std::string(100, '[') + std::string(100, ']') + "\n";
  EXPECT_NE(error_of(deep).find("nested deeper"), std::string::npos);
  std::string block = "-70000:\n";
  for (int i = 0; i < 30; ++i) block += std::string(static_cast<std::size_t>(2 * i + 2), ' ') + "k:\n";
  EXPECT_NE(error_of(block).find("nested deeper"), std::string::npos) << error_of(block);
  // Each level names the one before nine times: 9^8 nodes if expanded.
  std::string bomb = "a0: &a0 [1, 2, 3, 4, 5, 6, 7, 8, 9]\n";
  for (int i = 1; i < 9; ++i)
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + ", *a" +
            std::to_string(i - 1) + ", *a" + std::to_string(i - 1) + "]\n";
  std::string with_labels;
  for (std::size_t pos = 0, n = 0; pos < bomb.size(); ++n) {  // give each key a numeric label
    std::size_t end = bomb.find('\n', pos);
    with_labels += "-" + std::to_string(80000 + n) + bomb.substr(bomb.find(':', pos), end + 1 - bomb.find(':', pos));
    pos = end + 1;
  }
  EXPECT_NE(error_of(with_labels).find("too many values"), std::string::npos) << error_of(with_labels);
}

TEST(EatClaimsCheck, RejectsWrongShapes) {
  EXPECT_FALSE(check_claims(Value::array({})).ok());
  EXPECT_FALSE(check_claims(Value::map({{Value::bytes(Bytes{1}), Value::null()}})).ok());
  EXPECT_FALSE(check_claims(Value::map({{Value::integer(273), Value::array({Value::uint(1)})}})).ok());
  EXPECT_FALSE(check_claims(Value::map({{Value::integer(2399), Value::array({Value::map({})})}})).ok());
  EXPECT_TRUE(check_claims(Value::map({{Value::integer(-76000), Value::array({Value::uint(1)})}})).ok());
}

TEST(EatDescribe, ClaimsByNameUnknownByNumber) {
  Value c = test::claims_from("dbgstat: 1\niat: 1795773600\nswversion: [\"1.0\", 16384]\nhwmodel: 0102\n"
                              "measurements: [{name: fw, digest: 00ff}]\n-70000: 5\nsubmods: {radio: {oemboot: false}}\n");
  auto d = describe_claims(c);
  EXPECT_EQ(d["dbgstat"], "disabled");
  EXPECT_EQ(d["iat"], "2026-11-27T10:00:00Z");
  EXPECT_EQ(d["swversion"], nlohmann::ordered_json::parse(R"(["1.0", 16384])"));
  EXPECT_EQ(d["hwmodel"], "AQI=");
  EXPECT_EQ(d["measurements"][0]["type"], "fw");
  EXPECT_EQ(d["measurements"][0]["value"], "AP8=");
  EXPECT_EQ(d["measurements"][0]["content-type"], 65000);
  EXPECT_EQ(d["-70000"], 5);
  EXPECT_EQ(d["submods"]["radio"]["oemboot"], false);
}

TEST(EatDescribe, DiagnosticDecodesHeaderAndClaims) {
  test::TokenKey k;
  Token t = must(decode_token(test::make_token("nonce: 0011223344556677\n", k)), "decode");
  std::string diag = token_diagnostic(t);
  EXPECT_EQ(diag.rfind("18([\n  << {1: -7} >>,\n  {},\n  << {\n  10: h'0011223344556677'\n} >>,\n  h'", 0), 0u) << diag;
}

}  // namespace
}  // namespace iotonb::artifact::eat
