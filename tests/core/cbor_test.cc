// lib/core/cbor.h: RFC 8949 Appendix A (decode, preferred encoding, diagnostic notation),
// round trips at every head-size boundary, and a negative test for each rule the decoder
// enforces (size, depth, item count, duplicate keys, trailing bytes, truncation, reserved
// values, UTF-8, indefinite-length string chunks, stray breaks).
#include "core/cbor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <string>

#include "core/encoding.h"

namespace iotonb::core::cbor {
namespace {

Bytes H(std::string_view hex) {
  auto b = from_hex(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes{};
}

Value must_decode(std::string_view hex, const Limits& limits = {}) {
  auto v = decode(H(hex), limits);
  EXPECT_TRUE(v.ok()) << hex << ": " << (v.ok() ? "" : v.error().message);
  return v.ok() ? *v : Value();
}

// The decoder's message for hex, or "" when it decodes.
std::string decode_error(std::string_view hex, const Limits& limits = {}) {
  auto v = decode(H(hex), limits);
  if (v.ok()) return "";
  EXPECT_EQ(v.error().kind, ErrorKind::input);
  return v.error().message;
}

std::string decode_error(const Bytes& data, const Limits& limits = {}) {
  auto v = decode(data, limits);
  if (v.ok()) return "";
  EXPECT_EQ(v.error().kind, ErrorKind::input);
  return v.error().message;
}

struct Example {
  std::string_view diag;
  std::string_view hex;
  std::string_view preferred;  // the encoder's output when it differs from hex
};

// RFC 8949 Appendix A, Table 6, except the simple values (see Rejects.SimpleValues). Our
// diagnostic notation has no indefinite-length markers and writes text as UTF-8.
const Example kAppendixA[] = {
    {"0", "00", ""},
    {"1", "01", ""},
    {"10", "0a", ""},
    {"23", "17", ""},
    {"24", "1818", ""},
    {"25", "1819", ""},
    {"100", "1864", ""},
    {"1000", "1903e8", ""},
    {"1000000", "1a000f4240", ""},
    {"1000000000000", "1b000000e8d4a51000", ""},
    {"18446744073709551615", "1bffffffffffffffff", ""},
    {"2(h'010000000000000000')", "c249010000000000000000", ""},
    {"-18446744073709551616", "3bffffffffffffffff", ""},
    {"3(h'010000000000000000')", "c349010000000000000000", ""},
    {"-1", "20", ""},
    {"-10", "29", ""},
    {"-100", "3863", ""},
    {"-1000", "3903e7", ""},
    {"0.0", "f90000", ""},
    {"-0.0", "f98000", ""},
    {"1.0", "f93c00", ""},
    {"1.1", "fb3ff199999999999a", ""},
    {"1.5", "f93e00", ""},
    {"65504.0", "f97bff", ""},
    {"100000.0", "fa47c35000", ""},
    {"3.4028234663852886e+38", "fa7f7fffff", ""},
    {"1.0e+300", "fb7e37e43c8800759c", ""},
    {"5.960464477539063e-8", "f90001", ""},
    {"0.00006103515625", "f90400", ""},
    {"-4.0", "f9c400", ""},
    {"-4.1", "fbc010666666666666", ""},
    {"Infinity", "f97c00", ""},
    {"NaN", "f97e00", ""},
    {"-Infinity", "f9fc00", ""},
    {"Infinity", "fa7f800000", "f97c00"},
    {"NaN", "fa7fc00000", "f97e00"},
    {"-Infinity", "faff800000", "f9fc00"},
    {"Infinity", "fb7ff0000000000000", "f97c00"},
    {"NaN", "fb7ff8000000000000", "f97e00"},
    {"-Infinity", "fbfff0000000000000", "f9fc00"},
    {"false", "f4", ""},
    {"true", "f5", ""},
    {"null", "f6", ""},
    {"undefined", "f7", ""},
    {"0(\"2013-03-21T20:04:00Z\")", "c074323031332d30332d32315432303a30343a30305a", ""},
    {"1(1363896240)", "c11a514b67b0", ""},
    {"1(1363896240.5)", "c1fb41d452d9ec200000", ""},
    {"23(h'01020304')", "d74401020304", ""},
    {"24(h'6449455446')", "d818456449455446", ""},
    {"32(\"http://www.example.com\")", "d82076687474703a2f2f7777772e6578616d706c652e636f6d", ""},
    {"h''", "40", ""},
    {"h'01020304'", "4401020304", ""},
    {"\"\"", "60", ""},
    {"\"a\"", "6161", ""},
    {"\"IETF\"", "6449455446", ""},
    {"\"\\\"\\\\\"", "62225c", ""},
    {"\"\xc3\xbc\"", "62c3bc", ""},
    {"\"\xe6\xb0\xb4\"", "63e6b0b4", ""},
    {"\"\xf0\x90\x85\x91\"", "64f0908591", ""},
    {"[]", "80", ""},
    {"[1, 2, 3]", "83010203", ""},
    {"[1, [2, 3], [4, 5]]", "8301820203820405", ""},
    {"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
     "98190102030405060708090a0b0c0d0e0f101112131415161718181819", ""},
    {"{}", "a0", ""},
    {"{1: 2, 3: 4}", "a201020304", ""},
    {"{\"a\": 1, \"b\": [2, 3]}", "a26161016162820203", ""},
    {"[\"a\", {\"b\": \"c\"}]", "826161a161626163", ""},
    {"{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}",
     "a56161614161626142616361436164614461656145", ""},
    // Indefinite lengths decode to the same values as their definite forms.
    {"h'0102030405'", "5f42010243030405ff", "450102030405"},
    {"\"streaming\"", "7f657374726561646d696e67ff", "6973747265616d696e67"},
    {"[]", "9fff", "80"},
    {"[1, [2, 3], [4, 5]]", "9f018202039f0405ffff", "8301820203820405"},
    {"[1, [2, 3], [4, 5]]", "9f01820203820405ff", "8301820203820405"},
    {"[1, [2, 3], [4, 5]]", "83018202039f0405ff", "8301820203820405"},
    {"[1, [2, 3], [4, 5]]", "83019f0203ff820405", "8301820203820405"},
    {"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]",
     "9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff",
     "98190102030405060708090a0b0c0d0e0f101112131415161718181819"},
    {"{\"a\": 1, \"b\": [2, 3]}", "bf61610161629f0203ffff", "a26161016162820203"},
    {"[\"a\", {\"b\": \"c\"}]", "826161bf61626163ff", "826161a161626163"},
    {"{\"Fun\": true, \"Amt\": -2}", "bf6346756ef563416d7421ff", "a26346756ef563416d7421"},
};

TEST(CborAppendixA, DecodeDiagnosticAndPreferredEncoding) {
  for (const Example& e : kAppendixA) {
    SCOPED_TRACE(std::string(e.hex));
    auto v = decode(H(e.hex));
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(diagnostic(*v), e.diag);
    EXPECT_EQ(to_hex(encode(*v)), e.preferred.empty() ? e.hex : e.preferred);
    auto again = decode(encode(*v));
    ASSERT_TRUE(again.ok());
    EXPECT_TRUE(*again == *v);
  }
}

TEST(CborAppendixA, EncodeFromBuiltValues) {
  EXPECT_EQ(to_hex(encode(Value::integer(-1000))), "3903e7");
  EXPECT_EQ(to_hex(encode(Value::negative(UINT64_MAX))), "3bffffffffffffffff");
  EXPECT_EQ(to_hex(encode(Value::uint(UINT64_MAX))), "1bffffffffffffffff");
  EXPECT_EQ(to_hex(encode(Value::floating(1.1))), "fb3ff199999999999a");
  EXPECT_EQ(to_hex(encode(Value::floating(100000.0))), "fa47c35000");
  EXPECT_EQ(to_hex(encode(Value::floating(5.960464477539063e-8))), "f90001");
  EXPECT_EQ(to_hex(encode(Value::floating(std::nan("")))), "f97e00");
  EXPECT_EQ(to_hex(encode(Value::tagged(1, Value::uint(1363896240)))), "c11a514b67b0");
  EXPECT_EQ(to_hex(encode(Value::map({{Value::text("a"), Value::uint(1)},
                                      {Value::text("b"), Value::array({Value::uint(2), Value::uint(3)})}}))),
            "a26161016162820203");
  EXPECT_EQ(to_hex(encode(Value::boolean(false))), "f4");
  EXPECT_EQ(to_hex(encode(Value::null())), "f6");
  EXPECT_EQ(to_hex(encode(Value::undefined())), "f7");
  EXPECT_EQ(to_hex(encode(Value::bytes(Bytes{}))), "40");
  EXPECT_EQ(to_hex(encode(Value::text(""))), "60");
}

TEST(CborEncode, IntegerHeadsAreShortest) {
  struct Case {
    std::uint64_t value;
    std::string_view hex;
  };
  for (const Case& c : {Case{23, "17"}, Case{24, "1818"}, Case{255, "18ff"}, Case{256, "190100"},
                        Case{65535, "19ffff"}, Case{65536, "1a00010000"}, Case{4294967295u, "1affffffff"},
                        Case{4294967296u, "1b0000000100000000"}}) {
    SCOPED_TRACE(c.value);
    EXPECT_EQ(to_hex(encode(Value::uint(c.value))), c.hex);
    Value v = must_decode(c.hex);
    EXPECT_EQ(v.raw_integer(), c.value);
  }
  // Byte string lengths use the same heads.
  Bytes long_bytes = encode(Value::bytes(Bytes(256, 0x11)));
  EXPECT_EQ(to_hex(ByteView(long_bytes).first(3)), "590100");
}

TEST(CborEncode, FloatsUseTheShortestExactWidth) {
  EXPECT_EQ(to_hex(encode(Value::floating(65504.0))), "f97bff");
  EXPECT_EQ(to_hex(encode(Value::floating(65505.0))), "fa477fe100");  // past binary16
  EXPECT_EQ(to_hex(encode(Value::floating(std::ldexp(1.0, -24)))), "f90001");   // smallest subnormal
  EXPECT_EQ(to_hex(encode(Value::floating(std::ldexp(1.0, -25)))), "fa33000000");  // too small for binary16
  EXPECT_EQ(to_hex(encode(Value::floating(std::ldexp(1.0, -14)))), "f90400");   // smallest normal
  EXPECT_EQ(to_hex(encode(Value::floating(1.0 + std::ldexp(1.0, -10)))), "f93c01");
  EXPECT_EQ(to_hex(encode(Value::floating(1.0 + std::ldexp(1.0, -11)))), "fa3f801000");
  EXPECT_EQ(to_hex(encode(Value::floating(-std::numeric_limits<double>::infinity()))), "f9fc00");
  EXPECT_EQ(to_hex(encode(Value::floating(-0.0))), "f98000");
  EXPECT_EQ(to_hex(encode(Value::floating(0.1))), "fb3fb999999999999a");
}

TEST(CborValue, IntegersAndAccessors) {
  EXPECT_EQ(Value::integer(-1).type(), Type::negative_integer);
  EXPECT_EQ(Value::integer(-1).raw_integer(), 0u);
  EXPECT_EQ(Value::integer(INT64_MIN).as_int64(), INT64_MIN);
  EXPECT_EQ(Value::integer(INT64_MAX).as_int64(), INT64_MAX);
  EXPECT_FALSE(Value::uint(UINT64_MAX).as_int64());
  EXPECT_FALSE(Value::negative(UINT64_MAX).as_int64());
  EXPECT_FALSE(Value::text("1").as_int64());
  EXPECT_TRUE(Value::integer(7) == Value::uint(7));
  EXPECT_FALSE(Value::integer(-7) == Value::uint(6));
  EXPECT_FALSE(Value::floating(0.0) == Value::floating(-0.0));
  EXPECT_TRUE(Value::floating(std::nan("1")) == Value::floating(std::nan("2")));
  EXPECT_FALSE(Value::floating(1.0) == Value::uint(1));

  Value m = must_decode("a3016131206132626262a0");  // {1: "1", -1: "2", "bb": {}}
  ASSERT_NE(m.find(1), nullptr);
  EXPECT_EQ(m.find(1)->as_text(), "1");
  ASSERT_NE(m.find(-1), nullptr);
  EXPECT_EQ(m.find(-1)->as_text(), "2");
  ASSERT_NE(m.find("bb"), nullptr);
  EXPECT_EQ(m.find("bb")->type(), Type::map);
  EXPECT_EQ(m.find(2), nullptr);
  EXPECT_EQ(m.find("b"), nullptr);
  EXPECT_NE(m.find(Value::text("bb")), nullptr);
  EXPECT_EQ(Value::uint(1).find(1), nullptr);  // not a map
}

TEST(CborRoundTrip, NestedValues) {
  Value v = Value::tagged(
      18, Value::array({Value::bytes(H("a10126")), Value::map({{Value::integer(4), Value::bytes(H("3131"))}}),
                        Value::null(), Value::bytes(Bytes(70000, 0x5a)),
                        Value::map({{Value::text("k\xc3\xa9y"), Value::floating(-2.5)},
                                    {Value::array({}), Value::boolean(true)},
                                    {Value::negative(UINT64_MAX), Value::undefined()}})}));
  Bytes encoded = encode(v);
  auto back = decode(encoded);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_TRUE(*back == v);
  EXPECT_EQ(encode(*back), encoded);
}

TEST(CborDecode, EveryOneByteTagHead) {
  // libcbor 0.8 refuses tags 6..20 in one-byte form; COSE_Sign1 (18, 0xd2) is among them.
  for (int tag = 0; tag <= 23; ++tag) {
    Bytes data = {static_cast<std::uint8_t>(0xc0 + tag), 0x80};
    auto v = decode(data);
    ASSERT_TRUE(v.ok()) << tag << ": " << v.error().message;
    EXPECT_EQ(v->tag(), static_cast<std::uint64_t>(tag));
    EXPECT_EQ(encode(*v), data);
  }
  EXPECT_EQ(diagnostic(must_decode("d28440a0f640")), "18([h'', {}, null, h''])");
}

TEST(CborDecode, PrefixReportsTheLength) {
  auto r = decode_prefix(H("8201020304"));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->second, 3u);
  EXPECT_EQ(diagnostic(r->first), "[1, 2]");
}

TEST(CborDiagnostic, TextEscapesAndPrettyPrinting) {
  EXPECT_EQ(diagnostic(Value::text("a\"b\\c\n\t\x01")), "\"a\\\"b\\\\c\\n\\t\\u0001\"");
  EXPECT_EQ(diagnostic(Value::bytes(H("DEADBEEF"))), "h'deadbeef'");
  Value v = must_decode("d283a10126a20461318101" "02f6");  // 18([{1: -7}, {4: "1", [1]: 2}, null])
  EXPECT_EQ(diagnostic(v), "18([{1: -7}, {4: \"1\", [1]: 2}, null])");
  EXPECT_EQ(diagnostic(v, true),
            "18([\n"
            "  {\n"
            "    1: -7\n"
            "  },\n"
            "  {\n"
            "    4: \"1\",\n"
            "    [\n"
            "      1\n"
            "    ]: 2\n"
            "  },\n"
            "  null\n"
            "])");
  EXPECT_EQ(diagnostic(must_decode("a0"), true), "{}");
  EXPECT_EQ(diagnostic(Value::floating(1e21)), "1.0e+21");
  EXPECT_EQ(diagnostic(Value::floating(1e20)), "100000000000000000000.0");
  EXPECT_EQ(diagnostic(Value::floating(1e-7)), "1.0e-7");
  EXPECT_EQ(diagnostic(Value::floating(-0.000001)), "-0.000001");
}

// ---- one negative test per rule ----

TEST(CborRejects, InputLargerThanTheLimit) {
  Limits limits;
  limits.max_size = 16;
  Bytes data = encode(Value::bytes(Bytes(20, 0)));
  EXPECT_EQ(decode_error(data, limits), "CBOR: input is 21 octets, more than the limit of 16");
  // decode_prefix bounds the item, not the buffer it sits in.
  data.insert(data.begin(), 0x00);
  auto prefix = decode_prefix(data, limits);
  ASSERT_TRUE(prefix.ok());
  EXPECT_EQ(prefix->second, 1u);
  data.erase(data.begin());
  auto big = decode_prefix(data, limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "CBOR: the item is larger than the limit of 16 octets");
}

TEST(CborRejects, NestingDeeperThanTheLimit) {
  Bytes ok_depth(32, 0x81);
  ok_depth.push_back(0x00);
  EXPECT_EQ(decode_error(ok_depth), "");
  Bytes bomb(33, 0x81);
  bomb.push_back(0x00);
  EXPECT_EQ(decode_error(bomb), "CBOR: nesting deeper than 32 at offset 32");
  // Tags and maps nest too, and a million-deep bomb costs no more than the limit.
  Bytes tags(40, 0xc1);
  tags.push_back(0x00);
  EXPECT_EQ(decode_error(tags), "CBOR: nesting deeper than 32 at offset 32");
  Bytes maps;
  for (int i = 0; i < 40; ++i) maps.insert(maps.end(), {0xa1, 0x00});
  maps.push_back(0x00);
  EXPECT_EQ(decode_error(maps), "CBOR: nesting deeper than 32 at offset 64");
  Bytes huge(1000000, 0x9f);
  EXPECT_EQ(decode_error(huge), "CBOR: nesting deeper than 32 at offset 32");
  Limits shallow;
  shallow.max_depth = 1;
  EXPECT_EQ(decode_error("8180", shallow), "CBOR: nesting deeper than 1 at offset 1");
  EXPECT_EQ(decode_error("80", shallow), "");
}

TEST(CborRejects, MoreItemsThanTheLimit) {
  Limits limits;
  limits.max_items = 4;
  EXPECT_EQ(decode_error("83010203", limits), "");
  EXPECT_EQ(decode_error("9f01020304ff", limits), "CBOR: more than 4 data items at offset 4");
  EXPECT_EQ(decode_error("8401020304", limits), "CBOR: array at offset 0 declares 4 items, more than the limit of 4");
  EXPECT_EQ(decode_error("a2010203f6", limits), "CBOR: map at offset 0 declares 2 pairs, more than the limit of 4 items");
  // A declared count is refused before anything is allocated for it.
  EXPECT_EQ(decode_error("9bffffffffffffffff"),
            "CBOR: array at offset 0 declares 18446744073709551615 items, more than the limit of 65536");
  EXPECT_EQ(decode_error("bb7fffffffffffffff"),
            "CBOR: map at offset 0 declares 9223372036854775807 pairs, more than the limit of 65536 items");
}

TEST(CborRejects, DuplicateMapKeys) {
  EXPECT_EQ(decode_error("a201000100"), "CBOR: duplicate map key at offset 3");
  EXPECT_EQ(decode_error("a2616100616100"), "CBOR: duplicate map key at offset 4");
  // The same value in a longer head is the same key.
  EXPECT_EQ(decode_error("a20100180100"), "CBOR: duplicate map key at offset 3");
  // Container keys compare by value; the offset is where the duplicate key starts.
  EXPECT_EQ(decode_error("a2820102008201020100"), "CBOR: duplicate map key at offset 5");
  EXPECT_EQ(decode_error("bf0100010100ff"), "CBOR: duplicate map key at offset 3");
  // Different types are different keys: 1, 1.0, "1", h'01'.
  EXPECT_EQ(decode_error("a40100f93c0000613100410100"), "");
  // Nested maps have their own key sets.
  EXPECT_EQ(decode_error("a201a1010002a10100"), "");
}

TEST(CborRejects, DuplicateKeysInALargeMapQuickly) {
  constexpr std::uint32_t kKeys = 65536;
  Bytes data = {0xba, 0x00, 0x01, 0x00, 0x00};  // map of 65536 pairs
  for (std::uint32_t k = 0; k < kKeys; ++k) {
    data.insert(data.end(), {0x1a, static_cast<std::uint8_t>(k >> 24), static_cast<std::uint8_t>(k >> 16),
                             static_cast<std::uint8_t>(k >> 8), static_cast<std::uint8_t>(k)});
    data.push_back(0xf6);
  }
  Limits limits;
  limits.max_items = 1 << 18;
  auto start = std::chrono::steady_clock::now();
  auto v = decode(data, limits);
  ASSERT_TRUE(v.ok()) << v.error().message;
  EXPECT_EQ(v->as_map().size(), kKeys);
  // Last key repeats the first one (0 in a five-byte head).
  data[data.size() - 2] = 0;
  data[data.size() - 3] = 0;
  EXPECT_EQ(decode_error(data, limits), "CBOR: duplicate map key at offset " + std::to_string(data.size() - 6));
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  std::cout << "two 65536-key maps decoded in " << elapsed.count() << " ms\n";
}

TEST(CborRejects, TrailingBytes) {
  EXPECT_EQ(decode_error("0000"), "CBOR: 1 trailing byte after the item at offset 1");
  EXPECT_EQ(decode_error("82010203ff"), "CBOR: 2 trailing bytes after the item at offset 3");
}

TEST(CborRejects, Truncation) {
  EXPECT_EQ(decode_error(""), "CBOR: empty input");
  EXPECT_EQ(decode_error("1901"), "CBOR: truncated: the item at offset 0 runs past the end of the input");
  EXPECT_EQ(decode_error("8201"), "CBOR: truncated: the input ends at offset 2 inside the array at offset 0");
  EXPECT_EQ(decode_error("a1016261"), "CBOR: truncated: the item at offset 2 runs past the end of the input");
  EXPECT_EQ(decode_error("a101"), "CBOR: truncated: the input ends at offset 2 inside the map at offset 0");
  EXPECT_EQ(decode_error("d2"), "CBOR: truncated: the input ends at offset 1 inside the tag at offset 0");
  EXPECT_EQ(decode_error("5f4101"), "CBOR: truncated: the input ends at offset 3 inside the indefinite-length byte string at offset 0");
  // A length no buffer could hold is just truncation: nothing is allocated for it.
  EXPECT_EQ(decode_error("5bffffffffffffffff"), "CBOR: truncated: the item at offset 0 runs past the end of the input");
  EXPECT_EQ(decode_error("7a7fffffff61"), "CBOR: truncated: the item at offset 0 runs past the end of the input");
}

TEST(CborRejects, ReservedAdditionalInformation) {
  for (int major = 0; major < 8; ++major)
    for (int info = 28; info <= 30; ++info) {
      auto initial = static_cast<std::uint8_t>(major << 5 | info);
      Bytes data = {initial, 0, 0, 0, 0, 0, 0, 0, 0};
      EXPECT_EQ(decode_error(data), "CBOR: reserved additional information " + std::to_string(info) +
                                        " (initial byte " + "0x" + to_hex(Bytes{initial}) + ") at offset 0");
    }
  EXPECT_EQ(decode_error("811c"), "CBOR: reserved additional information 28 (initial byte 0x1c) at offset 1");
  // Indefinite length exists only for strings, arrays and maps.
  EXPECT_EQ(decode_error("1f"), "CBOR: indefinite length is not allowed for major type 0 (initial byte 0x1f) at offset 0");
  EXPECT_EQ(decode_error("3f"), "CBOR: indefinite length is not allowed for major type 1 (initial byte 0x3f) at offset 0");
  EXPECT_EQ(decode_error("df00"), "CBOR: indefinite length is not allowed for major type 6 (initial byte 0xdf) at offset 0");
}

TEST(CborRejects, SimpleValuesOtherThanFalseTrueNullUndefined) {
  // RFC 8949 Appendix A: simple(16) and simple(255); 0xf818 is not even well-formed (3.3).
  EXPECT_EQ(decode_error("f0"), "CBOR: unsupported simple value (initial byte 0xf0) at offset 0");
  EXPECT_EQ(decode_error("f8ff"), "CBOR: unsupported simple value (initial byte 0xf8) at offset 0");
  EXPECT_EQ(decode_error("f818"), "CBOR: unsupported simple value (initial byte 0xf8) at offset 0");
  EXPECT_EQ(decode_error("e0"), "CBOR: unsupported simple value (initial byte 0xe0) at offset 0");
}

TEST(CborRejects, TextThatIsNotUtf8) {
  EXPECT_EQ(decode_error("62c328"), "CBOR: text string at offset 0 is not valid UTF-8");
  EXPECT_EQ(decode_error("62c080"), "CBOR: text string at offset 0 is not valid UTF-8");        // overlong
  EXPECT_EQ(decode_error("63eda080"), "CBOR: text string at offset 0 is not valid UTF-8");      // surrogate
  EXPECT_EQ(decode_error("a16261ff01"), "CBOR: text string at offset 1 is not valid UTF-8");    // as a key
  // A code point split across chunks is invalid even though the whole would be UTF-8.
  EXPECT_EQ(decode_error("7f61c361bcff"), "CBOR: text string at offset 1 is not valid UTF-8");
  EXPECT_EQ(decode_error("7f62c3bcff"), "");
}

TEST(CborRejects, IndefiniteStringChunksOfTheWrongType) {
  EXPECT_EQ(decode_error("5f6161ff"),
            "CBOR: chunk at offset 1 of the indefinite-length byte string at offset 0 is not a definite-length byte string");
  EXPECT_EQ(decode_error("7f4161ff"),
            "CBOR: chunk at offset 1 of the indefinite-length text string at offset 0 is not a definite-length text string");
  EXPECT_EQ(decode_error("5f5fffff"),
            "CBOR: chunk at offset 1 of the indefinite-length byte string at offset 0 is not a definite-length byte string");
  EXPECT_EQ(decode_error("5f01ff"),
            "CBOR: chunk at offset 1 of the indefinite-length byte string at offset 0 is not a definite-length byte string");
  EXPECT_EQ(decode_error("7f80ff"),
            "CBOR: chunk at offset 1 of the indefinite-length text string at offset 0 is not a definite-length text string");
  // Empty and zero-length chunks are fine.
  EXPECT_EQ(diagnostic(must_decode("5fff")), "h''");
  EXPECT_EQ(diagnostic(must_decode("7f6060ff")), "\"\"");
}

TEST(CborRejects, StrayBreaks) {
  EXPECT_EQ(decode_error("ff"), "CBOR: unexpected break (0xff) at offset 0");
  EXPECT_EQ(decode_error("8201ff"), "CBOR: unexpected break (0xff) at offset 2");
  EXPECT_EQ(decode_error("c1ff"), "CBOR: unexpected break (0xff) at offset 1");
  EXPECT_EQ(decode_error("bf01ff"), "CBOR: map at offset 0 ends at offset 2 after a key without a value");
}

}  // namespace
}  // namespace iotonb::core::cbor
