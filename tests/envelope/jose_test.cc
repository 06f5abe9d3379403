#include "envelope/jose.h"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "core/encoding.h"
#include "envelope/interop_util.h"
#include "pki/pki_test_util.h"

namespace iotonb::envelope::jose {
namespace {

using nlohmann::json;
using test::must;
using test::share;

// gmock is not linked; a substring check with the whole text in the failure message.
#define EXPECT_HAS(text, needle) EXPECT_NE(std::string(text).find(needle), std::string::npos) << (text)

// RFC 7515 Appendix A.3 (ES256) and A.7 (the same signature, flattened JSON).
const std::string kA3Header = "eyJhbGciOiJFUzI1NiJ9";
const std::string kA3Payload =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
const std::string kA3Signature = "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const std::string kA3X = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
const std::string kA3Y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

const std::string kVoucher = R"({"ietf-voucher:voucher":{"assertion":"logged","serial-number":"JADA123456789"}})";

// The P-256 public key of RFC 7515 A.3's JWK.
core::EvpPkeyPtr a3_key() {
  Bytes point = {0x04};
  for (const auto& c : {kA3X, kA3Y}) {
    Bytes b = must(core::from_base64(c), "jwk coordinate");
    point.insert(point.end(), b.begin(), b.end());
  }
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0);
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  core::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  EVP_PKEY* key = nullptr;
  EVP_PKEY_fromdata_init(ctx.get());
  EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(bld);
  if (key == nullptr) throw std::runtime_error("cannot build the RFC 7515 A.3 key");
  return core::EvpPkeyPtr(key);
}

std::string b64url(std::string_view text) { return core::to_base64url(as_bytes(text)); }

struct Party {
  core::EvpPkeyPtr key;
  core::X509Ptr cert;
  std::unique_ptr<pki::Signer> signer;
};

Party make_party(pki::KeyType type, const test::TestCa& issuer) {
  Party p;
  p.key = test::new_key(type);
  p.cert = test::make_cert("C=US,O=Acme,CN=Acme MASA", p.key.get(), pki::Profile::masa, &issuer, 1767225600, 1830297600);
  p.signer = pki::memory_signer(share(p.key.get()), "memory:masa");
  return p;
}

// A flattened JWS over header_json (the protected header's exact text) and payload, signed
// correctly with party's key under alg, so a test isolates the one rule it breaks.
std::string crafted(const std::string& header_json, const std::string& payload, const Party& party,
                    SignatureAlgorithm alg, const json& unprotected = nullptr) {
  std::string protected_b64 = b64url(header_json);
  std::string payload_b64 = b64url(payload);
  Bytes sig = must(envelope::sign(*party.signer, alg, as_bytes(protected_b64 + "." + payload_b64)), "sign");
  json doc = {{"payload", payload_b64}, {"protected", protected_b64}, {"signature", core::to_base64url(sig)}};
  if (!unprotected.is_null()) doc["header"] = unprotected;
  return doc.dump();
}

Error parse_error(std::string_view text) {
  auto r = parse(text);
  EXPECT_FALSE(r.ok()) << text.substr(0, 200);
  if (r.ok()) return {};
  EXPECT_EQ(r.error().kind, ErrorKind::input) << r.error().message;
  return r.error();
}

// ---------------------------------------------------------------------------------------
// RFC 7515 examples

TEST(JoseRfc7515, AppendixA3CompactVerifies) {
  auto key = a3_key();
  std::string compact = kA3Header + "." + kA3Payload + "." + kA3Signature;
  auto jws = must(parse(compact), "parse");
  ASSERT_EQ(jws.signatures.size(), 1u);
  const Signature& s = jws.signatures[0];
  EXPECT_EQ(s.alg, SignatureAlgorithm::es256);
  EXPECT_EQ(s.protected_header, json({{"alg", "ES256"}}));
  EXPECT_TRUE(s.header.is_null());
  EXPECT_TRUE(s.typ.empty());
  EXPECT_TRUE(s.x5c.empty());
  EXPECT_EQ(as_chars(jws.payload), "{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
  Status ok = verify(jws, 0, key.get());
  EXPECT_TRUE(ok.ok()) << ok.error().message;
  // Trailing newline as a file would have it.
  EXPECT_TRUE(verify(must(parse(compact + "\n"), "parse"), 0, key.get()).ok());
}

TEST(JoseRfc7515, AppendixA7FlattenedAndGeneralFormsVerify) {
  auto key = a3_key();
  json header = {{"kid", "e9bc097a-ce51-4036-9562-d2ade882db0d"}};
  json flattened = {{"payload", kA3Payload}, {"protected", kA3Header}, {"header", header}, {"signature", kA3Signature}};
  auto jws = must(parse(flattened.dump()), "flattened");
  EXPECT_EQ(jws.signatures[0].kid, "e9bc097a-ce51-4036-9562-d2ade882db0d");
  EXPECT_EQ(jws.signatures[0].header, header);
  EXPECT_TRUE(verify(jws, 0, key.get()).ok());

  json general = {{"payload", kA3Payload},
                  {"signatures", json::array({{{"protected", kA3Header}, {"header", header}, {"signature", kA3Signature}}})}};
  auto g = must(parse(general.dump(2)), "general");
  EXPECT_TRUE(verify(g, 0, key.get()).ok());
  Status out_of_range = verify(g, 1, key.get());
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.error().kind, ErrorKind::usage);
}

// ---------------------------------------------------------------------------------------
// Round trips

struct KeyCase {
  pki::KeyType type;
  SignatureAlgorithm alg;
  std::size_t signature_size;  // 0: depends on the key
};

class JoseRoundTrip : public ::testing::TestWithParam<KeyCase> {
 protected:
  test::TestCa root = test::make_root();
  test::TestCa intermediate = test::make_intermediate(root);
  Party masa = make_party(GetParam().type, intermediate);
  SignOptions voucher_options() const {
    SignOptions o;
    o.x5c = {pki::certificate_der(masa.cert.get()), pki::certificate_der(intermediate.cert.get())};
    return o;
  }
};

TEST_P(JoseRoundTrip, GeneralSerializationAsVouchersUseIt) {
  std::string text = must(sign(as_bytes(kVoucher), *masa.signer, voucher_options()), "sign");
  json doc = json::parse(text);
  EXPECT_EQ(doc.size(), 2u);
  ASSERT_TRUE(doc["signatures"].is_array());
  EXPECT_EQ(doc["signatures"].size(), 1u);
  EXPECT_EQ(doc["payload"], b64url(kVoucher));
  json header = json::parse(as_chars(must(core::from_base64(doc["signatures"][0]["protected"].get<std::string>()), "b64")));
  EXPECT_EQ(header["alg"], std::string(jose_name(GetParam().alg)));
  EXPECT_EQ(header["typ"], "voucher-jws+json");
  ASSERT_EQ(header["x5c"].size(), 2u);
  EXPECT_EQ(header["x5c"][0], core::to_base64(pki::certificate_der(masa.cert.get())));  // standard, padded base64

  auto jws = must(parse(text), "parse");
  ASSERT_EQ(jws.signatures.size(), 1u);
  const Signature& s = jws.signatures[0];
  EXPECT_EQ(as_chars(jws.payload), kVoucher);
  EXPECT_EQ(s.alg, GetParam().alg);
  EXPECT_EQ(s.typ, "voucher-jws+json");
  EXPECT_FALSE(s.kid);
  ASSERT_EQ(s.x5c.size(), 2u);
  EXPECT_EQ(s.x5c[0], pki::certificate_der(masa.cert.get()));
  if (GetParam().signature_size != 0) {
    EXPECT_EQ(s.signature.size(), GetParam().signature_size);
  }
  Status ok = verify(jws, 0, X509_get0_pubkey(must(pki::parse_certificate(s.x5c[0]), "leaf").get()));
  EXPECT_TRUE(ok.ok()) << ok.error().message;
}

TEST_P(JoseRoundTrip, FlattenedAndCompactFormsOfTheSameSignature) {
  SignOptions o;
  o.kid = "masa-2026";
  o.typ = "";
  std::string text = must(sign(as_bytes(kVoucher), *masa.signer, o), "sign");
  json doc = json::parse(text);
  const json& entry = doc["signatures"][0];
  json flattened = {{"payload", doc["payload"]}, {"protected", entry["protected"]}, {"signature", entry["signature"]}};
  std::string compact = entry["protected"].get<std::string>() + "." + doc["payload"].get<std::string>() + "." +
                        entry["signature"].get<std::string>();
  for (const std::string& form : {text, flattened.dump(), compact}) {
    auto jws = must(parse(form), "parse " + form.substr(0, 20));
    EXPECT_EQ(jws.signatures[0].kid, "masa-2026");
    EXPECT_TRUE(jws.signatures[0].typ.empty());
    EXPECT_TRUE(verify(jws, 0, masa.key.get()).ok());
  }
}

TEST_P(JoseRoundTrip, TamperingAndTheWrongKeyFail) {
  std::string text = must(sign(as_bytes(kVoucher), *masa.signer, voucher_options()), "sign");
  json doc = json::parse(text);

  json payload_changed = doc;
  std::string other = kVoucher;
  other.replace(other.find("logged"), 6, "verified");
  payload_changed["payload"] = b64url(other);
  Status s1 = verify(must(parse(payload_changed.dump()), "parse"), 0, masa.key.get());
  ASSERT_FALSE(s1.ok());
  EXPECT_EQ(s1.error().kind, ErrorKind::verification);
  EXPECT_EQ(s1.error().message, "signature does not verify");

  json header_changed = doc;
  json header = json::parse(as_chars(must(core::from_base64(doc["signatures"][0]["protected"].get<std::string>()), "b64")));
  header["typ"] = "voucher-jws+json2";
  header_changed["signatures"][0]["protected"] = b64url(header.dump());
  EXPECT_FALSE(verify(must(parse(header_changed.dump()), "parse"), 0, masa.key.get()).ok());

  auto jws = must(parse(text), "parse");
  auto same_type = test::new_key(GetParam().type);
  Status wrong = verify(jws, 0, same_type.get());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().kind, ErrorKind::verification);
  auto other_type = test::new_key(GetParam().type == pki::KeyType::ed25519 ? pki::KeyType::p256 : pki::KeyType::ed25519);
  EXPECT_FALSE(verify(jws, 0, other_type.get()).ok());
}

TEST_P(JoseRoundTrip, IndependentPythonCheck) {
  if (!test::have_python_crypto()) GTEST_SKIP() << "python3 with cryptography is not available";
  test::TempDir tmp;
  std::string file = tmp.write("voucher.jws", must(sign(as_bytes(kVoucher), *masa.signer, voucher_options()), "sign"));
  EXPECT_EQ(test::run("/usr/bin/python3 " + test::interop_script("check_jws.py") + " " + file +
                      " voucher-jws+json >/dev/null"),
            0);
  // The checker is not a rubber stamp: a changed payload fails it.
  json doc = json::parse(test::read_text(file));
  doc["payload"] = b64url(kVoucher + " ");
  std::string bad = tmp.write("bad.jws", doc.dump());
  EXPECT_NE(test::run("/usr/bin/python3 " + test::interop_script("check_jws.py") + " " + bad + " 2>/dev/null"), 0);
}

INSTANTIATE_TEST_SUITE_P(Keys, JoseRoundTrip,
                         ::testing::Values(KeyCase{pki::KeyType::p256, SignatureAlgorithm::es256, 64},
                                           KeyCase{pki::KeyType::p384, SignatureAlgorithm::es384, 96},
                                           KeyCase{pki::KeyType::ed25519, SignatureAlgorithm::eddsa, 64},
                                           KeyCase{pki::KeyType::rsa2048, SignatureAlgorithm::rs256, 256}),
                         [](const auto& p) { return std::string(pki::key_type_name(p.param.type)); });

TEST(JoseSign, RefusesAnX5cLeafThatIsNotTheSignersAndNonUtf8Text) {
  test::TestCa root = test::make_root();
  Party masa = make_party(pki::KeyType::p256, root);
  Party other = make_party(pki::KeyType::p256, root);
  SignOptions o;
  o.x5c = {pki::certificate_der(other.cert.get())};
  auto r = sign(as_bytes(kVoucher), *masa.signer, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_HAS(r.error().message, "does not match the x5c leaf");
  o.x5c = {Bytes{0x30, 0x00}};
  EXPECT_EQ(sign(as_bytes(kVoucher), *masa.signer, o).error().kind, ErrorKind::usage);
  SignOptions bad_kid;
  bad_kid.kid = std::string("\xff\xfe");
  EXPECT_EQ(sign(as_bytes(kVoucher), *masa.signer, bad_kid).error().kind, ErrorKind::usage);
}

// ---------------------------------------------------------------------------------------
// Negative cases, one per rule parse enforces

class JoseNegative : public ::testing::Test {
 protected:
  test::TestCa root = test::make_root();
  Party masa = make_party(pki::KeyType::p256, root);
};

TEST_F(JoseNegative, CraftedHeadersAreSoundWhenTheyFollowTheRules) {
  // The baseline for the cases below: the same crafting, with nothing wrong, parses and verifies.
  auto jws = must(parse(crafted(R"({"alg":"ES256","typ":"voucher-jws+json"})", kVoucher, masa, SignatureAlgorithm::es256)),
                  "parse");
  EXPECT_TRUE(verify(jws, 0, masa.key.get()).ok());
}

TEST_F(JoseNegative, AlgNone) {
  std::string compact = b64url(R"({"alg":"none"})") + "." + b64url(kVoucher) + ".";
  EXPECT_HAS(parse_error(compact).message, "alg \"none\" (unsecured JWS) is not accepted");
  json flattened = {{"payload", b64url(kVoucher)}, {"protected", b64url(R"({"alg":"none"})")}, {"signature", ""}};
  EXPECT_HAS(parse_error(flattened.dump()).message, "\"none\"");
}

TEST_F(JoseNegative, UnknownAlg) {
  std::string text = crafted(R"({"alg":"HS256"})", kVoucher, masa, SignatureAlgorithm::es256);
  EXPECT_HAS(parse_error(text).message, "unknown alg \"HS256\"");
  EXPECT_HAS(parse_error(crafted(R"({"alg":"es256"})", kVoucher, masa, SignatureAlgorithm::es256)).message,
             "unknown alg \"es256\"");
  EXPECT_HAS(parse_error(crafted(R"({"alg":7})", kVoucher, masa, SignatureAlgorithm::es256)).message,
             "\"alg\" is not a string");
  EXPECT_HAS(parse_error(crafted(R"({"typ":"JWT"})", kVoucher, masa, SignatureAlgorithm::es256)).message, "no \"alg\"");
}

TEST_F(JoseNegative, AlgMustBeProtected) {
  json doc = {{"payload", b64url(kVoucher)}, {"header", {{"alg", "ES256"}}}, {"signature", kA3Signature}};
  EXPECT_HAS(parse_error(doc.dump()).message, "no protected header");
  std::string both = crafted(R"({"alg":"ES256"})", kVoucher, masa, SignatureAlgorithm::es256, {{"alg", "ES256"}});
  EXPECT_HAS(parse_error(both).message, "\"alg\" is in both the protected and the unprotected header");
  std::string kid_twice =
      crafted(R"({"alg":"ES256","kid":"a"})", kVoucher, masa, SignatureAlgorithm::es256, {{"kid", "b"}});
  EXPECT_HAS(parse_error(kid_twice).message, "\"kid\" is in both");
}

TEST_F(JoseNegative, CritNotUnderstood) {
  EXPECT_HAS(parse_error(crafted(R"({"alg":"ES256","b64":false,"crit":["b64"]})", kVoucher, masa,
                                 SignatureAlgorithm::es256))
                 .message,
             "critical header parameter \"b64\" is not understood");
  EXPECT_HAS(parse_error(crafted(R"({"alg":"ES256","crit":[]})", kVoucher, masa, SignatureAlgorithm::es256)).message,
             "\"crit\" must be a non-empty array");
  EXPECT_HAS(parse_error(crafted(R"({"alg":"ES256"})", kVoucher, masa, SignatureAlgorithm::es256, {{"crit", {"exp"}}}))
                 .message,
             "\"crit\" must be in the protected header");
}

TEST_F(JoseNegative, DuplicateMembers) {
  // RFC 7515 5.2: a parser that kept the last "alg" would see "none" here.
  std::string text = crafted(R"({"alg":"ES256","alg":"none"})", kVoucher, masa, SignatureAlgorithm::es256);
  EXPECT_HAS(parse_error(text).message, "duplicate member \"alg\"");
  EXPECT_HAS(parse_error(crafted(R"({"alg":"ES256","typ":"a","t\u0079p":"b"})", kVoucher, masa, SignatureAlgorithm::es256))
                 .message,
             "duplicate member \"typ\"");
  // And in the JWS itself.
  std::string outer = R"({"payload":")" + b64url(kVoucher) + R"(","payload":"","protected":")" + kA3Header +
                      R"(","signature":")" + kA3Signature + R"("})";
  EXPECT_HAS(parse_error(outer).message, "duplicate member \"payload\"");
}

TEST_F(JoseNegative, BadBase64url) {
  std::string good = b64url(kVoucher);
  auto with_payload = [&](const std::string& payload_b64) {
    json doc = {{"payload", payload_b64}, {"protected", kA3Header}, {"signature", kA3Signature}};
    return doc.dump();
  };
  EXPECT_TRUE(parse(with_payload(good)).ok());
  EXPECT_HAS(parse_error(with_payload(core::to_base64(as_bytes(kVoucher + "??")))).message, "payload is not base64url");
  EXPECT_HAS(parse_error(with_payload(good + "==")).message, "payload is not base64url");
  EXPECT_HAS(parse_error(with_payload(good.substr(0, 10) + " " + good.substr(10))).message, "payload is not base64url");
  EXPECT_HAS(parse_error(with_payload("QR")).message, "non-zero trailing bits");
  EXPECT_HAS(parse_error(with_payload("QUJDR")).message, "truncated");
  std::string compact = kA3Header + "=." + kA3Payload + "." + kA3Signature;
  EXPECT_HAS(parse_error(compact).message, "protected header is not base64url");
  std::string bad_signature = kA3Header + "." + kA3Payload + "." + kA3Signature.substr(0, 84) + "+Q";
  EXPECT_HAS(parse_error(bad_signature).message, "signature is not base64url");
}

TEST_F(JoseNegative, X5cMustBeStandardBase64) {
  std::string der_b64 = core::to_base64(pki::certificate_der(masa.cert.get()));
  auto header_with = [&](const json& x5c) { return json({{"alg", "ES256"}, {"x5c", x5c}}).dump(); };
  EXPECT_TRUE(parse(crafted(header_with({der_b64}), kVoucher, masa, SignatureAlgorithm::es256)).ok());
  std::string url = core::to_base64url(pki::certificate_der(masa.cert.get()));
  EXPECT_HAS(parse_error(crafted(header_with({url}), kVoucher, masa, SignatureAlgorithm::es256)).message,
             "x5c[0] is not standard base64");
  std::string wrapped = der_b64.substr(0, 64) + "\n" + der_b64.substr(64);
  EXPECT_HAS(parse_error(crafted(header_with({der_b64, wrapped}), kVoucher, masa, SignatureAlgorithm::es256)).message,
             "x5c[1] is not standard base64");
  EXPECT_HAS(parse_error(crafted(header_with(json::array()), kVoucher, masa, SignatureAlgorithm::es256)).message,
             "\"x5c\" must be a non-empty array");
  EXPECT_HAS(parse_error(crafted(header_with("abcd"), kVoucher, masa, SignatureAlgorithm::es256)).message,
             "\"x5c\" must be a non-empty array");
}

TEST_F(JoseNegative, WrongSignatureLength) {
  Bytes sig = must(core::from_base64(kA3Signature), "sig");
  for (std::size_t size : {sig.size() - 1, sig.size() + 1}) {
    Bytes wrong(sig.begin(), sig.begin() + static_cast<long>(std::min(size, sig.size())));
    if (size > sig.size()) wrong.push_back(0);
    std::string compact = kA3Header + "." + kA3Payload + "." + core::to_base64url(wrong);
    EXPECT_HAS(parse_error(compact).message, "ES256 signature is " + std::to_string(size) + " octets, expected 64");
  }
  EXPECT_HAS(parse_error(kA3Header + "." + kA3Payload + ".").message, "signature is empty");
  // An Ed25519 signature under ES384 has the wrong size too.
  EXPECT_HAS(parse_error(crafted(R"({"alg":"ES384"})", kVoucher, masa, SignatureAlgorithm::es256)).message,
             "ES384 signature is 64 octets, expected 96");
}

TEST_F(JoseNegative, DeepNestingBombIsRefused) {
  std::string bomb = R"({"payload":"","x":)" + std::string(200000, '[') + std::string(200000, ']') + "}";
  EXPECT_HAS(parse_error(bomb).message, "nesting deeper than 32");
  std::string header_bomb = R"({"alg":"ES256","x":)" + std::string(40, '[') + std::string(40, ']') + "}";
  EXPECT_HAS(parse_error(crafted(header_bomb, kVoucher, masa, SignatureAlgorithm::es256)).message,
             "protected header: JSON: nesting deeper than 32");
  // 31 levels inside the top-level object is within the bound.
  std::string deep_ok = R"({"alg":"ES256","x":)" + std::string(31, '[') + std::string(31, ']') + "}";
  EXPECT_TRUE(parse(crafted(deep_ok, kVoucher, masa, SignatureAlgorithm::es256)).ok());
}

TEST_F(JoseNegative, Oversized) {
  std::string big = crafted(R"({"alg":"ES256"})", std::string(kMaxInput, 'x'), masa, SignatureAlgorithm::es256);
  EXPECT_HAS(parse_error(big).message, "more than the limit");
  std::string padded = std::string(kMaxInput + 1, ' ');
  EXPECT_HAS(parse_error(padded).message, "more than the limit");
}

TEST_F(JoseNegative, ShapeOfTheSerialization) {
  EXPECT_HAS(parse_error("").message, "empty");
  EXPECT_HAS(parse_error("[]").message, "three parts");
  EXPECT_HAS(parse_error(R"(["payload"])").message, "three parts");
  EXPECT_HAS(parse_error(kA3Header + "." + kA3Payload).message, "three parts");
  EXPECT_HAS(parse_error(kA3Header + "." + kA3Payload + "." + kA3Signature + ".").message, "three parts");
  EXPECT_HAS(parse_error(R"({"payload":)").message, "JSON");
  EXPECT_HAS(parse_error(R"({"protected":")" + kA3Header + R"(","signature":")" + kA3Signature + R"("})").message,
             "no \"payload\"");
  EXPECT_HAS(parse_error(R"({"payload":")" + kA3Payload + R"("})").message, "neither");
  EXPECT_HAS(parse_error(R"({"payload":")" + kA3Payload + R"(","signatures":[]})").message, "non-empty array");
  EXPECT_HAS(parse_error(R"({"payload":")" + kA3Payload + R"(","signatures":[1]})").message, "signatures[0]: not a JSON object");
  json mixed = {{"payload", kA3Payload},
                {"signature", kA3Signature},
                {"signatures", json::array({{{"protected", kA3Header}, {"signature", kA3Signature}}})}};
  EXPECT_HAS(parse_error(mixed.dump()).message, "mixes the general and the flattened");
  json no_sig = {{"payload", kA3Payload}, {"signatures", json::array({{{"protected", kA3Header}}})}};
  EXPECT_HAS(parse_error(no_sig.dump()).message, "signatures[0]: no \"signature\"");
  json header_not_object = {{"payload", kA3Payload}, {"protected", kA3Header}, {"header", "x"}, {"signature", kA3Signature}};
  EXPECT_HAS(parse_error(header_not_object.dump()).message, "\"header\" is not a JSON object");
  std::string protected_not_object = b64url("[1]") + "." + kA3Payload + "." + kA3Signature;
  EXPECT_HAS(parse_error(protected_not_object).message, "protected header is not a JSON object");
  std::string protected_not_utf8 = b64url("{\"alg\":\"ES256\",\"x\":\"\xff\"}") + "." + kA3Payload + "." + kA3Signature;
  EXPECT_HAS(parse_error(protected_not_utf8).message, "protected header: JSON");
}

}  // namespace
}  // namespace iotonb::envelope::jose
