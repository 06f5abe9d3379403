// lib/artifact/eat token.h and verify.h: the cose-wg vectors through the token path (the same
// verdicts as tests/envelope/cose_test.cc), the PSA vectors, create/verify round trips for each
// algorithm and key hint, and a negative test for each rule the decoder and verifier enforce.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "artifact/eat/describe.h"
#include "artifact/eat/token.h"
#include "artifact/eat/verify.h"
#include "artifact/eat_test_util.h"
#include "envelope/cose_vectors.h"
#include "envelope/jwk_key.h"

namespace iotonb::artifact::eat {
namespace {

namespace cbor = core::cbor;
using cbor::Value;
using test::check_named;
using test::hex;
using test::must;
using test::TokenKey;

constexpr core::UnixTime kNow = 1795773600;  // 2026-11-27T10:00:00Z

// ---- cose-wg/Examples through the token path ----

TEST(EatCoseVectors, TokensReachTheEnvelopeVerdicts) {
  IOTONB_REQUIRE_VECTORS(dir);
  for (const test::CoseVector& v : test::kCoseVectors) {
    SCOPED_TRACE(v.file);
    auto j = nlohmann::json::parse(test::read_text(dir + "/cose/" + v.file));
    const auto& sign0 = j.at("input").at("sign0");
    core::EvpPkeyPtr key = test::jwk_key(sign0.at("key"));
    auto token = decode_token(hex(j.at("output").at("cbor").get<std::string>()));
    if (v.outcome == test::Outcome::parse_fails) {
      ASSERT_FALSE(token.ok());
      EXPECT_EQ(token.error().kind, ErrorKind::input);
      EXPECT_EQ(token.error().message, v.message);
      continue;
    }
    ASSERT_TRUE(token.ok()) << token.error().message;
    EXPECT_TRUE(token->claims_error.has_value());  // "This is the content." is no claims map
    VerifyOptions opts;
    opts.keys = {key.get()};
    opts.at = kNow;
    if (sign0.contains("external")) opts.external_aad = hex(sign0.at("external").get<std::string>());
    Verification result = verify_token(std::move(*token), opts);
    const Check& sig = check_named(result, "signature");
    if (v.outcome == test::Outcome::verifies) {
      EXPECT_EQ(sig.result, CheckResult::pass) << sig.detail;
    } else {
      EXPECT_EQ(sig.result, CheckResult::fail);
      EXPECT_EQ(sig.detail, v.message);
    }
    EXPECT_EQ(check_named(result, "claims").result, CheckResult::fail);
  }
}

// ---- PSA attestation tokens (vectors README section 4) ----

class PsaVectors : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = test::vectors_dir();
    if (!dir) GTEST_SKIP() << "IOTONB_VECTORS_DIR is not set";
    dir_ = *dir + "/eat/psa/";
    key_ = must(pki::parse_public_key(test::read_bytes(dir_ + "public.pem")), "public.pem");
  }
  std::string dir_;
  core::EvpPkeyPtr key_;
};

// Whitespace removed and upper-cased, so our pretty diagnostic and the file's compare as text.
std::string normalised(const std::string& diag) {
  std::string out;
  for (char c : diag)
    if (!std::isspace(static_cast<unsigned char>(c))) out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out;
}

TEST_F(PsaVectors, BothTokensVerifyWithThePublicKey) {
  for (const char* file : {"psa-2_0_0_sign1.bin", "psa-iot-1_sign1.bin"}) {
    SCOPED_TRACE(file);
    VerifyOptions opts;
    opts.keys = {key_.get()};
    opts.at = kNow;
    opts.nonce = Bytes(64, 0);
    Verification v = must(verify_token(test::read_bytes(dir_ + file), opts), file);
    EXPECT_TRUE(v.ok()) << v.first_failure()->name << ": " << v.first_failure()->detail;
    EXPECT_EQ(check_named(v, "nonce").result, CheckResult::pass);
  }
}

TEST_F(PsaVectors, Psa2InspectsToTheExpectedClaims) {
  Token t = must(decode_token(test::read_bytes(dir_ + "psa-2_0_0_sign1.bin")), "decode");
  ASSERT_FALSE(t.claims_error);
  EXPECT_EQ(t.profile, Profile::psa2);
  EXPECT_EQ(normalised(cbor::diagnostic(t.claims, true)), normalised(test::read_text(dir_ + "psa-2_0_0_claims.diag")));
  auto d = describe_token(t);
  EXPECT_EQ(d["alg"], "ES256");
  EXPECT_EQ(d["profile"], "psa2");
  const auto& c = d["claims"];
  EXPECT_EQ(c["psa-client-id"], 3002);
  EXPECT_EQ(c["psa-lifecycle"], 12288);
  EXPECT_EQ(c["psa-certification-reference"], "0604565272829-10010");
  EXPECT_EQ(c["psa-verification-service-indicator"], "www.trustedfirmware.org");
  EXPECT_EQ(c["eat_profile"], "http://arm.com/psa/2.0.0");
  ASSERT_EQ(c["psa-software-components"].size(), 2u);
  EXPECT_EQ(c["psa-software-components"][0]["type"], "SPE");
  EXPECT_EQ(c["psa-software-components"][0]["version"], "1.6.0");
  EXPECT_EQ(c["psa-software-components"][1]["type"], "NSPE");
  EXPECT_EQ(c["ueid"], core::to_base64(hex("01FA58755F658627CE5460F29B75296713248CAE7AD9E2984B90280EFCBCB50248")));
}

TEST_F(PsaVectors, Psa1IsRecognisedByItsLabels) {
  Token t = must(decode_token(test::read_bytes(dir_ + "psa-iot-1_sign1.bin")), "decode");
  ASSERT_FALSE(t.claims_error);
  EXPECT_EQ(t.profile, Profile::psa1);
  auto c = describe_token(t)["claims"];
  EXPECT_EQ(c["psa1-client-id"], 3002);
  EXPECT_EQ(c["psa1-software-components"][0]["type"], "SPE");
  EXPECT_TRUE(c.contains("psa1-nonce"));
  EXPECT_TRUE(c.contains("psa1-instance-id"));
}

// ---- create / verify ----

constexpr const char* kClaims =
    "ueid: 0198f50a4ff6c05861c8860d13a638ea\n"
    "hwmodel: hex:0102\n"
    "swversion: 1.4.2\n"
    "dbgstat: disabled\n"
    "nonce: 0011223344556677\n"
    "iat: 2026-11-27T09:59:00Z\n";

TEST(EatToken, RoundTripsForEachAlgorithm) {
  for (auto [type, alg] : {std::pair{pki::KeyType::p256, "ES256"}, std::pair{pki::KeyType::p384, "ES384"},
                           std::pair{pki::KeyType::ed25519, "EdDSA"}}) {
    SCOPED_TRACE(alg);
    TokenKey k(type);
    CreateOptions co;
    co.hint = envelope::cose::KeyHint::kid;
    co.kid = {'d', '1'};
    Bytes token = test::make_token(kClaims, k, co);
    auto opts = test::with_key(k);
    opts.nonce = hex("0011223344556677");
    Verification v = must(verify_token(token, opts), "verify");
    EXPECT_TRUE(v.ok()) << v.first_failure()->name << ": " << v.first_failure()->detail;
    EXPECT_EQ(describe_token(v.token)["alg"], alg);
    EXPECT_EQ(envelope::cose::kid(v.token.message), co.kid);
    EXPECT_TRUE(v.token.message.tagged);
    EXPECT_EQ(v.token.claims, test::claims_from(kClaims));
  }
}

TEST(EatToken, RsaKeysDoNotSignTokens) {
  TokenKey k(pki::KeyType::rsa2048);
  auto r = create_token(test::claims_from(kClaims), *k.signer, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

TEST(EatToken, X5ChainVerifiesAgainstItsTrustAnchor) {
  test::TestCa root = test::make_root();
  TokenKey k;
  auto leaf = test::make_cert("CN=device-1", k.key.get(), pki::Profile::client, &root, test::at("2026-01-01"),
                              test::at("2030-01-01"));
  CreateOptions co;
  co.hint = envelope::cose::KeyHint::x5chain;
  co.certificates = {pki::certificate_der(leaf.get())};
  Bytes token = test::make_token(kClaims, k, co);
  VerifyOptions opts;
  opts.trust = {root.cert.get()};
  opts.at = kNow;
  Verification v = must(verify_token(token, opts), "verify");
  EXPECT_TRUE(v.ok()) << v.first_failure()->detail;
  EXPECT_EQ(check_named(v, "signature").detail, "signed by CN=device-1");

  test::TestCa other = test::make_root("CN=Other Root");
  opts.trust = {other.cert.get()};
  v = must(verify_token(token, opts), "verify other");
  EXPECT_EQ(check_named(v, "signature").result, CheckResult::pass);
  EXPECT_EQ(check_named(v, "signer-chain").result, CheckResult::fail);

  opts.trust = {root.cert.get()};
  opts.at = test::at("2031-01-01");  // the leaf has expired
  v = must(verify_token(token, opts), "verify later");
  EXPECT_EQ(check_named(v, "signer-chain").result, CheckResult::fail);

  opts.trust.clear();
  v = must(verify_token(token, opts), "verify without trust");
  EXPECT_EQ(check_named(v, "signer-chain").result, CheckResult::fail);
}

TEST(EatToken, WithoutKeyOrChainTheSignatureFails) {
  TokenKey k;
  Verification v = must(verify_token(test::make_token(kClaims, k), VerifyOptions{}), "verify");
  EXPECT_EQ(check_named(v, "signature").result, CheckResult::fail);
}

TEST(EatToken, AcceptsHexAndBase64Text) {
  TokenKey k;
  Bytes token = test::make_token(kClaims, k);
  std::string h = core::to_hex(token) + "\n", b = core::to_base64(token) + "\n";
  EXPECT_EQ(must(token_bytes(as_bytes(h)), "hex"), token);
  EXPECT_EQ(must(token_bytes(as_bytes(b)), "base64"), token);
  EXPECT_FALSE(token_bytes(as_bytes(std::string_view("not a token!"))).ok());
}

// ---- negative tests, one per rule ----

TEST(EatTokenRules, WrongKey) {
  TokenKey k, other;
  Verification v = must(verify_token(test::make_token(kClaims, k), test::with_key(other)), "verify");
  EXPECT_EQ(check_named(v, "signature").detail, "COSE: signature does not verify");
  EXPECT_FALSE(v.ok());
}

TEST(EatTokenRules, TamperedPayload) {
  TokenKey k;
  Bytes token = test::make_token(kClaims, k);
  // swversion "1.4.2" -> "1.4.3" inside the signed payload.
  std::string s(token.begin(), token.end());
  auto at = s.find("1.4.2");
  ASSERT_NE(at, std::string::npos);
  token[at + 4] = '3';
  Verification v = must(verify_token(token, test::with_key(k)), "verify");
  EXPECT_EQ(check_named(v, "claims").result, CheckResult::pass);
  EXPECT_EQ(check_named(v, "signature").detail, "COSE: signature does not verify");
}

// A Sign1 with the protected header given, signed over it with k as alg says.
Bytes sign_with_header(const Value& protected_header, envelope::SignatureAlgorithm alg, const TokenKey& k) {
  Bytes prot = cbor::encode(protected_header);
  Bytes payload = cbor::encode(test::claims_from(kClaims));
  Bytes tbs = envelope::cose::sig_structure(prot, {}, payload);
  Bytes sig = must(envelope::sign(*k.signer, alg, tbs), "sign");
  return cbor::encode(Value::tagged(18, Value::array({Value::bytes(prot), Value::map({}), Value::bytes(payload), Value::bytes(sig)})));
}

TEST(EatTokenRules, UnknownAlgorithm) {
  TokenKey k;
  Bytes token = sign_with_header(Value::map({{Value::integer(1), Value::integer(-999)}}), envelope::SignatureAlgorithm::es256, k);
  Verification v = must(verify_token(token, test::with_key(k)), "verify");
  EXPECT_EQ(check_named(v, "signature").detail, "COSE: unsupported algorithm -999");
}

TEST(EatTokenRules, AlgorithmThatIsNotTheKeys) {
  TokenKey k;  // P-256, but the header says ES384 (and the signature is ES256's)
  Bytes token = sign_with_header(Value::map({{Value::integer(1), Value::integer(-35)}}), envelope::SignatureAlgorithm::es256, k);
  Verification v = must(verify_token(token, test::with_key(k)), "verify");
  EXPECT_NE(check_named(v, "signature").detail.find("ES384 needs an EC secp384r1 key"), std::string::npos)
      << check_named(v, "signature").detail;
}

TEST(EatTokenRules, ExpiredNotYetValidAndIssuedInTheFuture) {
  TokenKey k;
  Bytes expired = test::make_token("exp: 2026-11-27T09:00:00Z\n", k);
  Bytes early = test::make_token("nbf: 2026-11-27T11:00:00Z\n", k);
  Bytes future = test::make_token("iat: 2026-11-28T00:00:00Z\n", k);
  Bytes fine = test::make_token("iat: 2026-11-27T09:00:00Z\nnbf: 2026-11-27T09:00:00Z\nexp: 2026-11-27T11:00:00Z\n", k);
  EXPECT_EQ(check_named(must(verify_token(expired, test::with_key(k)), "v"), "exp").result, CheckResult::fail);
  EXPECT_EQ(check_named(must(verify_token(early, test::with_key(k)), "v"), "nbf").result, CheckResult::fail);
  EXPECT_EQ(check_named(must(verify_token(future, test::with_key(k)), "v"), "iat").result, CheckResult::fail);
  EXPECT_TRUE(must(verify_token(fine, test::with_key(k)), "v").ok());
  // exp is exclusive: at the expiry second the token is expired.
  EXPECT_EQ(check_named(must(verify_token(fine, test::with_key(k, kNow + 3600)), "v"), "exp").result, CheckResult::fail);
}

TEST(EatTokenRules, NonceMismatchOrAbsent) {
  TokenKey k;
  auto opts = test::with_key(k);
  opts.nonce = hex("8899aabbccddeeff");
  Verification v = must(verify_token(test::make_token(kClaims, k), opts), "verify");
  EXPECT_EQ(check_named(v, "nonce").result, CheckResult::fail);
  EXPECT_EQ(check_named(v, "nonce").detail, "nonce 0011223344556677 is not the nonce sent (8899aabbccddeeff)");
  v = must(verify_token(test::make_token("swname: x\n", k), opts), "verify");
  EXPECT_EQ(check_named(v, "nonce").result, CheckResult::fail);
  // One of several nonces (RFC 9711 4.1) is enough.
  v = must(verify_token(test::make_token("nonce: [0000000000000000, 8899aabbccddeeff]\n", k), opts), "verify");
  EXPECT_EQ(check_named(v, "nonce").result, CheckResult::pass);
}

std::string claims_error_of(ByteView payload) {
  TokenKey k;
  Token t = must(decode_token(test::sign_payload(payload, k)), "decode");
  return t.claims_error ? t.claims_error->message : "";
}

TEST(EatTokenRules, DuplicateMapKeys) {
  // {10: h'0011223344556677', 10: h'0011223344556677'}
  EXPECT_NE(claims_error_of(hex("a20a4800112233445566770a480011223344556677")).find("duplicate map key"), std::string::npos);
  // ... and in the envelope's unprotected header: {4: h'01', 4: h'02'}
  Bytes dup = hex("d28443a10126a204410104410241a040");
  auto r = decode_token(dup);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("duplicate map key"), std::string::npos) << r.error().message;
}

TEST(EatTokenRules, IndefiniteLengthAbuse) {
  // A byte string whose chunk is text; an indefinite map never closed.
  EXPECT_NE(claims_error_of(hex("a11901005f6161ff")).find("CBOR"), std::string::npos);
  EXPECT_NE(claims_error_of(hex("bf0a4800112233445566770a")).find("CBOR"), std::string::npos);
  EXPECT_NE(claims_error_of(hex("a11901005f41005f4100ffff")).find("CBOR"), std::string::npos);  // nested chunks
}

TEST(EatTokenRules, NestingDepthBomb) {
  Bytes deep = hex("a1190400");
  for (int i = 0; i < 40; ++i) deep.push_back(0x81);
  deep.push_back(0x00);
  std::string e = claims_error_of(deep);
  EXPECT_NE(e.find("deep"), std::string::npos) << e;
  // The envelope too: a deep unprotected header.
  Bytes env = hex("d28443a10126a1182a");
  for (int i = 0; i < 40; ++i) env.push_back(0x81);
  env.push_back(0x00);
  env.insert(env.end(), {0x40, 0x40});
  EXPECT_FALSE(decode_token(env).ok());
}

TEST(EatTokenRules, TrailingBytes) {
  TokenKey k;
  Bytes token = test::make_token(kClaims, k);
  token.push_back(0x00);
  auto r = decode_token(token);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("trailing"), std::string::npos) << r.error().message;
  // Inside the payload as well.
  EXPECT_NE(claims_error_of(hex("a10a48001122334455667700")).find("trailing"), std::string::npos);
}

TEST(EatTokenRules, OversizedTokens) {
  TokenKey k;
  Bytes big = cbor::encode(Value::map({{Value::integer(-70000), Value::bytes(Bytes(kMaxTokenSize, 0x41))}}));
  auto r = decode_token(test::sign_payload(big, k));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("larger than"), std::string::npos) << r.error().message;
  auto made = create_token(must(cbor::decode(big, {kMaxTokenSize * 2, 8, 16}), "big"), *k.signer, {});
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.error().kind, ErrorKind::usage);
}

TEST(EatTokenRules, NotASign1) {
  EXPECT_FALSE(decode_token(hex("a10a4800112233445566")).ok());    // a bare claims map, truncated
  EXPECT_FALSE(decode_token(hex("d28340a0f6")).ok());             // three items
  EXPECT_FALSE(decode_token({}).ok());
}

TEST(EatTokenRules, ClaimsOfTheWrongType) {
  // dbgstat 7; swversion as a bare string (not [version]); nonce as text.
  EXPECT_NE(claims_error_of(hex("a119010707")).find("dbgstat"), std::string::npos);
  EXPECT_NE(claims_error_of(hex("a119010f6131")).find("swversion"), std::string::npos);
  EXPECT_NE(claims_error_of(hex("a10a6161")).find("nonce"), std::string::npos);
  // A claims map that is an array.
  EXPECT_NE(claims_error_of(hex("80")).find("map"), std::string::npos);
}

}  // namespace
}  // namespace iotonb::artifact::eat
