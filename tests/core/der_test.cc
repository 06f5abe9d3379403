// lib/core/der.h: the bounds-checked DER reader, tlv() and the OID text conversions. Every
// rule the reader enforces (truncation, indefinite length, non-minimal length, length past
// the end, multi-byte tags) has its own negative test.
#include "core/der.h"

#include <gtest/gtest.h>

#include <string>

namespace iotonb::core::der {
namespace {

Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

Bytes filled(std::size_t n, std::uint8_t value = 0xaa) { return Bytes(n, value); }

TEST(DerTlv, ShortForm) {
  EXPECT_EQ(tlv(kOctetString, B({1, 2, 3})), B({0x04, 0x03, 1, 2, 3}));
  EXPECT_EQ(tlv(kSequence, {}), B({0x30, 0x00}));
  Bytes content = filled(127);
  Bytes out = tlv(kOctetString, content);
  ASSERT_EQ(out.size(), 129u);
  EXPECT_EQ(out[1], 0x7f);
}

TEST(DerTlv, LongFormIsMinimal) {
  Bytes out = tlv(kOctetString, filled(128));
  ASSERT_EQ(out.size(), 3u + 128);
  EXPECT_EQ(out[1], 0x81);
  EXPECT_EQ(out[2], 0x80);

  out = tlv(kOctetString, filled(255));
  EXPECT_EQ(out[1], 0x81);
  EXPECT_EQ(out[2], 0xff);

  out = tlv(kOctetString, filled(256));
  ASSERT_EQ(out.size(), 4u + 256);
  EXPECT_EQ(out[1], 0x82);
  EXPECT_EQ(out[2], 0x01);
  EXPECT_EQ(out[3], 0x00);

  out = tlv(kOctetString, filled(65536));
  ASSERT_EQ(out.size(), 5u + 65536);
  EXPECT_EQ(out[1], 0x83);
  EXPECT_EQ(out[2], 0x01);
  EXPECT_EQ(out[3], 0x00);
  EXPECT_EQ(out[4], 0x00);
}

TEST(DerReader, RoundTripsTlvOfEveryLengthClass) {
  for (std::size_t n : {0u, 1u, 127u, 128u, 255u, 256u, 65535u, 65536u, 70000u}) {
    Bytes content = filled(n, static_cast<std::uint8_t>(n & 0xff));
    Bytes encoded = tlv(kOctetString, content);
    Reader r(encoded);
    auto e = r.next();
    ASSERT_TRUE(e.ok()) << n << ": " << e.error().message;
    EXPECT_EQ(e->tag, kOctetString);
    EXPECT_EQ(Bytes(e->content.begin(), e->content.end()), content) << n;
    EXPECT_TRUE(r.empty());
  }
}

TEST(DerReader, WalksSiblingsAndNested) {
  // SEQUENCE { OID 2.5.4.5, PrintableString "SN1" } followed by NULL
  Bytes seq = tlv(kSequence, B({0x06, 0x03, 0x55, 0x04, 0x05, 0x13, 0x03, 'S', 'N', '1'}));
  Bytes input = seq;
  input.push_back(0x05);
  input.push_back(0x00);
  Reader r(input);
  auto body = r.expect(kSequence, "outer");
  ASSERT_TRUE(body.ok()) << body.error().message;
  EXPECT_FALSE(r.empty());
  auto null_elem = r.next();
  ASSERT_TRUE(null_elem.ok());
  EXPECT_EQ(null_elem->tag, 0x05);
  EXPECT_TRUE(null_elem->content.empty());
  EXPECT_TRUE(r.empty());

  Reader inner(*body);
  auto oid = inner.expect(kOid, "type");
  ASSERT_TRUE(oid.ok());
  auto text = oid_to_text(*oid);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "2.5.4.5");
  auto value = inner.expect(kPrintableString, "value");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(std::string(as_chars(*value)), "SN1");
  EXPECT_TRUE(inner.empty());
}

void expect_input_error(const Bytes& input, const std::string& fragment) {
  Reader r(input);
  auto e = r.next();
  ASSERT_FALSE(e.ok()) << "accepted malformed DER expecting \"" << fragment << "\"";
  EXPECT_EQ(e.error().kind, ErrorKind::input);
  EXPECT_NE(e.error().message.find(fragment), std::string::npos) << e.error().message;
}

TEST(DerReaderRejects, Empty) { expect_input_error({}, "truncated"); }
TEST(DerReaderRejects, TagWithoutLength) { expect_input_error(B({0x04}), "truncated"); }

TEST(DerReaderRejects, IndefiniteLength) {
  expect_input_error(B({0x30, 0x80, 0x04, 0x00, 0x00, 0x00}), "indefinite length");
}

TEST(DerReaderRejects, LongFormForShortLength) {
  // 5 fits the short form; 81 05 is BER, not DER.
  expect_input_error(B({0x04, 0x81, 0x05, 1, 2, 3, 4, 5}), "non-minimal length");
  expect_input_error(B({0x04, 0x81, 0x7f}), "non-minimal length");
}

TEST(DerReaderRejects, LeadingZeroLengthOctet) {
  Bytes input = B({0x04, 0x82, 0x00, 0x80});
  Bytes content = filled(0x80);
  input.insert(input.end(), content.begin(), content.end());
  expect_input_error(input, "non-minimal length");
}

TEST(DerReaderRejects, LengthPastEnd) {
  expect_input_error(B({0x04, 0x05, 1, 2, 3, 4}), "runs past the end");
  expect_input_error(B({0x04, 0x01}), "runs past the end");
  Bytes input = B({0x04, 0x82, 0x01, 0x00});
  Bytes content = filled(0xff);  // one short of 256
  input.insert(input.end(), content.begin(), content.end());
  expect_input_error(input, "runs past the end");
}

TEST(DerReaderRejects, TruncatedLengthOctets) {
  expect_input_error(B({0x04, 0x82, 0x01}), "bad length");
  expect_input_error(B({0x04, 0x84, 0x01, 0x00, 0x00}), "bad length");
}

TEST(DerReaderRejects, MoreThanFourLengthOctets) {
  expect_input_error(B({0x04, 0x85, 0x01, 0x00, 0x00, 0x00, 0x00}), "bad length");
  expect_input_error(B({0x04, 0xff, 0x01}), "bad length");
}

TEST(DerReaderRejects, HugeLengthDoesNotWrap) {
  expect_input_error(B({0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00}), "runs past the end");
}

TEST(DerReaderRejects, MultiByteTag) { expect_input_error(B({0x1f, 0x81, 0x00, 0x00}), "multi-byte tags"); }

TEST(DerReader, ErrorLeavesNoPartialConsumption) {
  Bytes input = B({0x04, 0x01, 0x41, 0x04, 0x05, 0x00});
  Reader r(input);
  ASSERT_TRUE(r.next().ok());
  EXPECT_FALSE(r.next().ok());
  EXPECT_FALSE(r.empty());
}

TEST(DerReaderExpect, WrongTagNamesTheField) {
  Bytes input = B({0x0c, 0x01, 'x'});
  Reader r(input);
  auto v = r.expect(kIa5String, "masaUrl");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::input);
  EXPECT_EQ(v.error().message, "masaUrl: unexpected DER tag 0x12");
}

TEST(DerReaderExpect, MalformedElementIsPrefixedWithTheField) {
  Bytes input = B({0x04, 0x80});
  Reader r(input);
  auto v = r.expect(kOctetString, "hwSerialNum");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().message, "hwSerialNum: DER: indefinite length");
}

TEST(DerOid, ToText) {
  auto t = oid_to_text(B({0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x04}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "1.3.6.1.5.5.7.8.4");
  t = oid_to_text(B({0x55, 0x04, 0x05}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "2.5.4.5");
  // 2.999: first subidentifier 1079 = 0x88 0x37
  t = oid_to_text(B({0x88, 0x37, 0x03}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "2.999.3");
  // 0.0
  t = oid_to_text(B({0x00}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "0.0");
  // private enterprise arc with a multi-byte component: 1.3.6.1.4.1.32473.1
  t = oid_to_text(B({0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xfd, 0x59, 0x01}));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "1.3.6.1.4.1.32473.1");
}

TEST(DerOidRejects, Empty) {
  auto t = oid_to_text({});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().kind, ErrorKind::input);
}

TEST(DerOidRejects, TooLong) {
  Bytes content(65, 0x01);
  EXPECT_FALSE(oid_to_text(content).ok());
  Bytes ok_content(64, 0x01);
  EXPECT_TRUE(oid_to_text(ok_content).ok());
}

TEST(DerOidRejects, TruncatedArc) {
  auto t = oid_to_text(B({0x2b, 0x06, 0x81}));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("truncated"), std::string::npos) << t.error().message;
}

TEST(DerOidRejects, NonMinimalArc) {
  auto t = oid_to_text(B({0x2b, 0x80, 0x01}));
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("non-minimal"), std::string::npos) << t.error().message;
  EXPECT_FALSE(oid_to_text(B({0x80, 0x2b})).ok());
}

TEST(DerOidRejects, ArcLargerThan64Bits) {
  Bytes content = B({0x2b});
  for (int i = 0; i < 10; ++i) content.push_back(0xff);
  content.push_back(0x7f);
  auto t = oid_to_text(content);
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().message.find("too large"), std::string::npos) << t.error().message;
}

TEST(DerOid, FromText) {
  auto d = oid_from_text("1.3.6.1.5.5.7.8.4");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B({0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x04}));
  d = oid_from_text("2.5.4.5");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B({0x06, 0x03, 0x55, 0x04, 0x05}));
  d = oid_from_text("1.3.6.1.4.1.32473.1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B({0x06, 0x09, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x81, 0xfd, 0x59, 0x01}));
  d = oid_from_text("2.999");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B({0x06, 0x02, 0x88, 0x37}));
}

TEST(DerOidFromTextRejects, Malformed) {
  for (const char* bad : {"", "1", "3.1", "1.40", "0.40", "1..2", "1.2.", ".1.2", "a.b", "1.2 ", " 1.2", "1.-2", "1.2.x",
                          "1.2.99999999999999999999999"}) {
    auto d = oid_from_text(bad);
    ASSERT_FALSE(d.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(d.error().kind, ErrorKind::input) << bad;
    EXPECT_NE(d.error().message.find(std::string("\"") + bad + "\""), std::string::npos) << d.error().message;
  }
}

TEST(DerOid, TextRoundTrip) {
  for (const char* oid : {"1.3.6.1.5.5.7.1.32", "1.3.6.1.5.5.7.1.25", "1.3.6.1.5.5.7.1.30", "1.3.6.1.4.1.46930.2",
                          "1.3.6.1.5.5.7.3.28", "2.999.1", "0.9.2342.19200300.100.1.25", "1.2.840.113549.1.5.13",
                          "2.18446744073709551535", "1.3.18446744073709551615"}) {
    auto der = oid_from_text(oid);
    ASSERT_TRUE(der.ok()) << oid << ": " << der.error().message;
    Reader r(*der);
    auto content = r.expect(kOid, "oid");
    ASSERT_TRUE(content.ok());
    auto text = oid_to_text(*content);
    ASSERT_TRUE(text.ok()) << oid << ": " << text.error().message;
    EXPECT_EQ(*text, oid);
  }
}

// 2.X encodes X + 80 as the first subidentifier: an X so large that X + 80 overflows 64 bits
// must be refused, not silently encoded as a different (short) OID.
TEST(DerOidFromTextRejects, FirstSubidentifierOverflow) {
  auto d = oid_from_text("2.18446744073709551615");
  if (d.ok()) {
    Reader r(*d);
    auto content = r.expect(kOid, "oid");
    ASSERT_TRUE(content.ok());
    auto text = oid_to_text(*content);
    ASSERT_TRUE(text.ok());
    EXPECT_EQ(*text, "2.18446744073709551615") << "encoded a different OID";
  }
}

}  // namespace
}  // namespace iotonb::core::der
