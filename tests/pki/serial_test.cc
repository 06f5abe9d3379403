// lib/pki/serial.h: certificate serial numbers (RFC 5280 4.1.2.2: positive, non-zero, at
// most 20 octets), random and seed-derived.
#include "pki/serial.h"

#include <gtest/gtest.h>

#include <set>

#include "core/encoding.h"

namespace iotonb::pki {
namespace {

TEST(RandomSerial, ShapedPositiveSixteenOctets) {
  std::set<Bytes> seen;
  for (int i = 0; i < 200; ++i) {
    auto s = random_serial();
    ASSERT_TRUE(s.ok());
    ASSERT_EQ(s->size(), 16u);
    EXPECT_EQ((*s)[0] & 0x80, 0) << "top bit set: the INTEGER would be negative";
    EXPECT_EQ((*s)[0] & 0x40, 0x40) << "second bit clear: the serial could be shorter";
    seen.insert(*s);
  }
  EXPECT_EQ(seen.size(), 200u);
}

TEST(DerivedSerial, MatchesSha256OfSeedNulLabel) {
  // Python: d = sha256(b"fixture-seed\0SN-000001").digest()[:16]; d[0] = d[0] & 0x3f | 0x40
  EXPECT_EQ(core::to_hex(derived_serial("fixture-seed", "SN-000001")), "7c97a9f9259132818a74073f00f55b5c");
}

TEST(DerivedSerial, DeterministicAndDistinct) {
  EXPECT_EQ(derived_serial("seed", "SN-1"), derived_serial("seed", "SN-1"));
  EXPECT_NE(derived_serial("seed", "SN-1"), derived_serial("seed", "SN-2"));
  EXPECT_NE(derived_serial("seed", "SN-1"), derived_serial("seed2", "SN-1"));
  // the NUL separator keeps ("ab","c") and ("a","bc") apart
  EXPECT_NE(derived_serial("ab", "c"), derived_serial("a", "bc"));
  Bytes s = derived_serial("", "");
  ASSERT_EQ(s.size(), 16u);
  EXPECT_EQ(s[0] & 0xc0, 0x40);
}

Bytes parse_ok(std::string_view hex) {
  auto r = parse_serial(hex);
  if (!r.ok()) {
    ADD_FAILURE() << "parse_serial(\"" << hex << "\"): " << r.error().message;
    return {};
  }
  return *r;
}

TEST(ParseSerial, Values) {
  EXPECT_EQ(parse_ok("01"), (Bytes{0x01}));
  EXPECT_EQ(parse_ok("0a:bc"), (Bytes{0x0a, 0xbc}));
  EXPECT_EQ(parse_ok("0ABC"), (Bytes{0x0a, 0xbc}));
  EXPECT_EQ(parse_ok("000001"), (Bytes{0x01}));
  EXPECT_EQ(parse_ok("7f"), (Bytes{0x7f}));
  // high bit: a 0x00 sign octet keeps it positive
  EXPECT_EQ(parse_ok("80"), (Bytes{0x00, 0x80}));
  EXPECT_EQ(parse_ok("0080"), (Bytes{0x00, 0x80}));
  EXPECT_EQ(parse_ok("00000080"), (Bytes{0x00, 0x80}));
  EXPECT_EQ(parse_ok("ff:ff"), (Bytes{0x00, 0xff, 0xff}));
}

TEST(ParseSerial, TwentyOctetsIsTheLimit) {
  std::string max = "7f" + std::string(38, 'f');  // 20 octets, positive
  EXPECT_EQ(parse_ok(max).size(), 20u);
  std::string padded = "00" + max;  // a redundant leading zero is stripped
  EXPECT_EQ(parse_ok(padded).size(), 20u);
  std::string nineteen_high = "80" + std::string(36, '0');  // 19 octets + sign octet = 20
  EXPECT_EQ(parse_ok(nineteen_high).size(), 20u);
}

void expect_rejected(std::string_view hex, const std::string& fragment) {
  auto r = parse_serial(hex);
  ASSERT_FALSE(r.ok()) << "accepted \"" << hex << "\"";
  EXPECT_EQ(r.error().kind, ErrorKind::usage) << hex;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(ParseSerialRejects, Zero) {
  expect_rejected("00", "must not be zero");
  expect_rejected("0000", "must not be zero");
  expect_rejected("00:00:00", "must not be zero");
  expect_rejected("", "must not be zero");
}

TEST(ParseSerialRejects, MoreThanTwentyOctets) {
  expect_rejected("01" + std::string(40, '0'), "longer than 20 octets");  // 21 octets
  // 20 octets with the high bit set need a sign octet: 21 in DER
  expect_rejected("80" + std::string(38, '0'), "longer than 20 octets");
  expect_rejected(std::string(64, 'f'), "longer than 20 octets");
}

TEST(ParseSerialRejects, NotHex) {
  expect_rejected("zz", "certificate serial \"zz\": invalid hex digit");
  expect_rejected("0x01", "certificate serial \"0x01\"");
  expect_rejected("abc", "odd number of hex digits");
  expect_rejected("-01", "invalid hex digit");
}

}  // namespace
}  // namespace iotonb::pki
