// The voucher model and its JSON and CBOR codecs, against the RFC 8995 and cBRSKI payloads.
#include "artifact/voucher.h"

#include <gtest/gtest.h>

#include <cctype>

#include "artifact/voucher_cbor.h"
#include "artifact/voucher_inputs.h"
#include "artifact/voucher_json.h"
#include "core/encoding.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact {
namespace {

using test::must;

Bytes hex_file(const std::string& path) {
  std::string text = test::read_text(path), compact;
  for (char c : text)
    if (!std::isspace(static_cast<unsigned char>(c))) compact.push_back(c);
  return must(core::from_hex(compact), path);
}

Voucher minimal_voucher() {
  Voucher v(VoucherKind::voucher);
  v.set_text("assertion", "logged");
  v.set_text("created-on", "2026-11-27T10:00:00Z");
  v.set_text("serial-number", "SN-0001");
  v.set_bytes("pinned-domain-pubk-sha256", Bytes(32, 0xab));
  v.set_bytes("nonce", Bytes(16, 0x01));
  return v;
}

std::string error_of(const Status& s) { return s.ok() ? "" : s.error().message; }

TEST(VoucherJson, Rfc8995VoucherParses) {
  IOTONB_REQUIRE_VECTORS(dir);
  std::string text = test::read_text(dir + "/brski/rfc8995/derived/voucher_00-D0-E5-F2-00-02.content.json");
  Voucher v = must(voucher_from_json(text), "voucher");
  EXPECT_EQ(v.kind(), VoucherKind::voucher);
  EXPECT_EQ(v.serial_number(), "00-D0-E5-F2-00-02");
  EXPECT_EQ(v.assertion(), Assertion::logged);
  EXPECT_EQ(v.get("nonce")->text, "-_XE9zK9q8Ll1qylMtLKeg");  // base64url, kept as written
  EXPECT_EQ(v.get("nonce")->bytes.size(), 16u);
  auto jrc = test::vector_cert(dir, "brski/rfc8995/jrc_prime256v1.crt");
  EXPECT_EQ(*v.binary("pinned-domain-cert"), pki::certificate_der(jrc.get()));
  EXPECT_EQ(*v.time("created-on"), test::at("2021-04-13T21:43:24Z"));

  // Written back, it reads the same, nonce text included.
  Voucher again = must(voucher_from_json(voucher_to_json(v)), "round trip");
  EXPECT_EQ(again.leaves().size(), v.leaves().size());
  EXPECT_EQ(again.get("nonce")->text, "-_XE9zK9q8Ll1qylMtLKeg");
}

TEST(VoucherJson, Rfc8995RequestsParse) {
  IOTONB_REQUIRE_VECTORS(dir);
  Voucher pvr = must(voucher_from_json(test::read_text(dir + "/brski/rfc8995/derived/vr_00-D0-E5-F2-00-02.content.json")), "pvr");
  EXPECT_EQ(pvr.kind(), VoucherKind::request);
  EXPECT_EQ(pvr.assertion(), Assertion::proximity);
  EXPECT_TRUE(pvr.has("proximity-registrar-cert"));
  Voucher rvr = must(voucher_from_json(test::read_text(dir + "/brski/rfc8995/derived/parboiled_vr_00-D0-E5-F2-00-02.content.json")), "rvr");
  Bytes pvr_cms = must(core::from_base64(test::read_text(dir + "/brski/rfc8995/vr_00-D0-E5-F2-00-02.b64")), "pvr b64");
  EXPECT_EQ(*rvr.binary("prior-signed-voucher-request"), pvr_cms);
}

TEST(VoucherCbor, CbrskiPayloadsRoundTripByteForByte) {
  IOTONB_REQUIRE_VECTORS(dir);
  for (const char* name : {"voucher-nonsigned.hex", "pvr-nonsigned.hex", "rvr-nonsigned.hex"}) {
    Bytes cbor = hex_file(dir + "/brski/cbrski-cose/" + name);
    Voucher v = must(voucher_from_cbor(cbor), name);
    EXPECT_EQ(voucher_to_cbor(v), cbor) << name;
  }
  Voucher v = must(voucher_from_cbor(hex_file(dir + "/brski/cbrski-cose/voucher-nonsigned.hex")), "voucher");
  EXPECT_EQ(v.kind(), VoucherKind::voucher);
  EXPECT_EQ(v.serial_number(), "JADA123456789");
  EXPECT_EQ(v.assertion(), Assertion::proximity);
  EXPECT_EQ(core::to_hex(*v.binary("nonce"), true), "57EED786AD404907");
  EXPECT_FALSE(v.get("domain-cert-revocation-checks")->boolean);

  Voucher pvr = must(voucher_from_cbor(hex_file(dir + "/brski/cbrski-cose/pvr-nonsigned.hex")), "pvr");
  auto registrar = test::vector_cert(dir, "brski/cbrski-cose/registrar.pem");
  EXPECT_EQ(*pvr.binary("proximity-registrar-pubk"), subject_public_key_info(registrar.get()));
  Voucher rvr = must(voucher_from_cbor(hex_file(dir + "/brski/cbrski-cose/rvr-nonsigned.hex")), "rvr");
  EXPECT_EQ(*rvr.binary("prior-signed-voucher-request"), hex_file(dir + "/brski/cbrski-cose/pvr.hex"));
  auto pledge = test::vector_cert(dir, "brski/cbrski-cose/pledge.pem");
  EXPECT_EQ(*rvr.binary("idevid-issuer"), must(idevid_issuer(pledge.get()), "idevid-issuer"));
}

TEST(VoucherCbor, JsonAndCborCarryTheSameLeaves) {
  Voucher v = minimal_voucher();
  Voucher from_cbor = must(voucher_from_cbor(voucher_to_cbor(v)), "cbor");
  Voucher from_json = must(voucher_from_json(voucher_to_json(v)), "json");
  for (const auto& [name, value] : v.leaves()) {
    EXPECT_EQ(from_cbor.get(name)->bytes, value.bytes) << name;
    EXPECT_EQ(from_json.get(name)->bytes, value.bytes) << name;
    EXPECT_EQ(from_cbor.get(name)->text, value.text) << name;
  }
}

TEST(VoucherCbor, LegacySidsAreRead) {
  // {1001104: {1: 0, 2: "...", 10: "SN-1", 8: h'..32..'}} with the 2018 SIDs: assertion 1001105,
  // created-on 1001106, serial-number 1001114, pinned-domain-pubk 1001113 (as an SPKI).
  auto key = test::new_key();
  Bytes spki = must(subject_public_key_info(key.get()), "spki");
  core::cbor::Map body;
  body.emplace_back(core::cbor::Value::uint(1), core::cbor::Value::uint(0));
  body.emplace_back(core::cbor::Value::uint(2), core::cbor::Value::text("2019-01-01T00:00:00Z"));
  body.emplace_back(core::cbor::Value::uint(9), core::cbor::Value::bytes(spki));
  body.emplace_back(core::cbor::Value::uint(10), core::cbor::Value::text("SN-1"));
  core::cbor::Map root;
  root.emplace_back(core::cbor::Value::uint(1001104), core::cbor::Value::map(std::move(body)));
  Voucher v = must(voucher_from_cbor(core::cbor::encode(core::cbor::Value::map(std::move(root)))), "legacy");
  EXPECT_EQ(v.serial_number(), "SN-1");
  EXPECT_EQ(v.assertion(), Assertion::verified);
  EXPECT_EQ(*v.binary("pinned-domain-pubk"), spki);
  // Written out, it uses the 8366bis SIDs.
  EXPECT_EQ(voucher_to_cbor(v)[1], 0x19);  // {2451: ...}: uint16 key
}

TEST(VoucherValidate, MandatoryLeaves) {
  Voucher v = minimal_voucher();
  EXPECT_EQ(error_of(validate(v)), "");
  v.erase("serial-number");
  EXPECT_EQ(error_of(validate(v)), "voucher: serial-number: mandatory leaf is missing");
  v = minimal_voucher();
  v.erase("assertion");
  EXPECT_EQ(error_of(validate(v)), "voucher: assertion: mandatory leaf is missing");
  v = minimal_voucher();
  v.erase("pinned-domain-pubk-sha256");
  EXPECT_EQ(error_of(validate(v)),
            "voucher: pinned-domain-cert: mandatory leaf is missing (or pinned-domain-pubk, pinned-domain-pubk-sha256)");
  Voucher request(VoucherKind::request);
  request.set_text("serial-number", "SN-1");
  EXPECT_EQ(error_of(validate(request)), "");  // a request needs nothing else
}

TEST(VoucherValidate, EachRuleNamesTheLeaf) {
  Voucher v = minimal_voucher();
  v.set_text("assertion", "trusted");
  EXPECT_EQ(error_of(validate(v)),
            "voucher: assertion: \"trusted\" is not one of verified, logged, proximity, agent-proximity");
  v = minimal_voucher();
  v.set_text("created-on", "2026-11-27");
  EXPECT_EQ(error_of(validate(v)), "voucher: created-on: \"2026-11-27\" is not an RFC 3339 date-time with a time zone");
  v = minimal_voucher();
  v.set_text("expires-on", "2026-11-27T10:00:00");
  EXPECT_NE(error_of(validate(v)).find("expires-on"), std::string::npos);
  v = minimal_voucher();
  v.set_bytes("nonce", Bytes(7, 1));
  EXPECT_EQ(error_of(validate(v)), "voucher: nonce: 7 octets, the nonce must be 8 to 32");
  v.set_bytes("nonce", Bytes(33, 1));
  EXPECT_EQ(error_of(validate(v)), "voucher: nonce: 33 octets, the nonce must be 8 to 32");
  v = minimal_voucher();
  v.set_bytes("pinned-domain-pubk-sha256", Bytes(31, 1));
  EXPECT_EQ(error_of(validate(v)), "voucher: pinned-domain-pubk-sha256: 31 octets, a SHA-256 hash is 32");
  v = minimal_voucher();
  v.erase("pinned-domain-pubk-sha256");
  v.set_bytes("pinned-domain-cert", Bytes{0x30, 0x00});
  EXPECT_EQ(error_of(validate(v)), "voucher: pinned-domain-cert: is not a DER X.509 certificate");
  v = minimal_voucher();
  v.set_bytes("pinned-domain-cert", Bytes{0x30, 0x00});
  EXPECT_NE(error_of(validate(v)).find("pinned-domain-cert"), std::string::npos);
  v = minimal_voucher();
  v.set_text("last-renewal-date", "2027-01-01T00:00:00Z");
  EXPECT_EQ(error_of(validate(v)), "voucher: last-renewal-date: is present without expires-on (RFC 8366 5.3)");
  v = minimal_voucher();
  v.set_bytes("prior-signed-voucher-request", Bytes{1});
  EXPECT_EQ(error_of(validate(v)), "voucher: prior-signed-voucher-request: not a leaf of ietf-voucher:voucher");
}

TEST(VoucherJson, RejectsWhatRfc7951Forbids) {
  auto err = [](std::string_view text) {
    auto r = voucher_from_json(text);
    return r.ok() ? std::string() : r.error().message;
  };
  std::string body = R"("assertion":"logged","serial-number":"S","pinned-domain-pubk-sha256":"q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=")";
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{" + body + "}}"), "");
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{" + body + ",\"colour\":\"red\"}}"), "voucher: colour: unknown leaf");
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{" + body + ",\"serial-number\":\"T\"}}"),
            "JSON: duplicate member \"serial-number\"");
  EXPECT_EQ(err("{\"acme:voucher\":{" + body + "}}"), "unknown voucher JSON root \"acme:voucher\"");
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{" + body + ",\"nonce\":\"***\"}}"), "voucher: nonce: is not base64");
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{" + body + ",\"domain-cert-revocation-checks\":\"yes\"}}"),
            "voucher: domain-cert-revocation-checks: must be true or false");
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{\"serial-number\":5}}"), "voucher: serial-number: must be a string");
  EXPECT_EQ(err("{\"ietf-voucher:voucher\":{" + body + "}} x").substr(0, 23), "JSON: syntax error at b");
  std::string bomb(100000, '[');
  EXPECT_EQ(err(bomb), "JSON: nesting deeper than 32");
  EXPECT_EQ(err(std::string(2 << 20, ' ')).substr(0, 6), "JSON: ");
}

TEST(VoucherCbor, RejectsWhatRfc9254Forbids) {
  auto err = [](const std::string& hex) {
    auto r = voucher_from_cbor(must(core::from_hex(hex), "hex"));
    return r.ok() ? std::string() : r.error().message;
  };
  // {2451: {1: 7, ...}}: unknown assertion value.
  EXPECT_EQ(err("A1190993A10107"), "voucher: assertion: unknown assertion 7 (0 verified, 1 logged, 2 proximity, 3 agent-proximity)");
  EXPECT_EQ(err("A1190994A10100"), "unknown constrained voucher root 2452");
  EXPECT_EQ(err("A1190993A11863F5"), "voucher: unknown leaf, SID 2550");
  EXPECT_EQ(err("A1190993A10B01"), "voucher: serial-number: must be a text string");
  EXPECT_NE(err("A1190993A201000100").find("duplicate"), std::string::npos);  // duplicate key 1
  EXPECT_NE(err("A1190993A1010000").find("trailing"), std::string::npos);
}

TEST(VoucherInputs, NonceAndIdevidFields) {
  EXPECT_EQ(core::to_hex(must(parse_nonce("23BFBBC9C2BCF213"), "hex"), true), "23BFBBC9C2BCF213");
  EXPECT_EQ(must(parse_nonce("-_XE9zK9q8Ll1qylMtLKeg"), "b64url").size(), 16u);
  EXPECT_FALSE(parse_nonce("abcd").ok());
  EXPECT_EQ(must(random_nonce(), "random").size(), 16u);
}

}  // namespace
}  // namespace iotonb::artifact
