// lib/core/encoding.h: hex, base64/base64url (RFC 4648 test vectors) and PEM (RFC 7468),
// with a negative test for each rule the decoders enforce.
#include "core/encoding.h"

#include <gtest/gtest.h>

namespace iotonb::core {
namespace {

Bytes B(std::string_view s) { return Bytes(s.begin(), s.end()); }
Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}

TEST(Hex, Encode) {
  EXPECT_EQ(to_hex(B({0xde, 0xad, 0xbe, 0xef, 0x00, 0x01})), "deadbeef0001");
  EXPECT_EQ(to_hex(B({0xde, 0xad, 0xbe, 0xef}), true), "DEADBEEF");
  EXPECT_EQ(to_hex({}), "");
  EXPECT_EQ(to_hex_separated(B({0xde, 0xad, 0x0f}), ':'), "DE:AD:0F");
  EXPECT_EQ(to_hex_separated(B({0x01}), ':'), "01");
  EXPECT_EQ(to_hex_separated({}, ':'), "");
}

TEST(Hex, DecodeAcceptsCaseAndSeparators) {
  auto b = from_hex("DeAd:bE ef\n01\t2\r3");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*b, B({0xde, 0xad, 0xbe, 0xef, 0x01, 0x23}));
  b = from_hex("");
  ASSERT_TRUE(b.ok());
  EXPECT_TRUE(b->empty());
}

TEST(HexRejects, BadCharacterWithOffset) {
  auto b = from_hex("0g");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, ErrorKind::input);
  EXPECT_EQ(b.error().message, "invalid hex digit at offset 1");
  b = from_hex("0x12");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "invalid hex digit at offset 1");
  for (const char* bad : {"zz", "12-34", "12.34", "+1", "\xc3\xa9"}) EXPECT_FALSE(from_hex(bad).ok()) << bad;
}

TEST(HexRejects, OddDigits) {
  auto b = from_hex("abc");
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().message, "odd number of hex digits");
  EXPECT_FALSE(from_hex("a:bc").ok());
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> kVectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : kVectors) {
    EXPECT_EQ(to_base64(as_bytes(plain)), encoded);
    auto d = from_base64(encoded);
    ASSERT_TRUE(d.ok()) << encoded;
    EXPECT_EQ(*d, B(plain)) << encoded;
  }
}

TEST(Base64, UrlAlphabetWithoutPadding) {
  EXPECT_EQ(to_base64url(B({0xfb, 0xff})), "-_8");
  EXPECT_EQ(to_base64(B({0xfb, 0xff})), "+/8=");
  EXPECT_EQ(to_base64url(as_bytes("f")), "Zg");
  auto d = from_base64("-_8");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B({0xfb, 0xff}));
  d = from_base64("+/8");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, B({0xfb, 0xff}));
}

TEST(Base64, ToleratesLineBreaksAndSpaces) {
  auto d = from_base64("Zm9v\r\nYmFy \tZg==\n");
  ASSERT_TRUE(d.ok()) << d.error().message;
  EXPECT_EQ(*d, B("foobarf"));
}

TEST(Base64, RoundTripAllByteValues) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<std::uint8_t>(i));
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    Bytes part(all.begin(), all.begin() + static_cast<long>(n));
    auto a = from_base64(to_base64(part));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(*a, part);
    auto b = from_base64(to_base64url(part));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(*b, part);
  }
}

TEST(Base64Rejects, BadCharacterWithOffset) {
  auto d = from_base64("Zm9v!");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().kind, ErrorKind::input);
  EXPECT_EQ(d.error().message, "invalid base64 at offset 4");
  for (const char* bad : {"Zm9v.", "Zm9v*Zm9v", "Zm9\xc3\xa9", "Zm9v:", "Zm9v-_+/@"}) EXPECT_FALSE(from_base64(bad).ok()) << bad;
  EXPECT_FALSE(from_base64(std::string_view("Zm\0v", 4)).ok()) << "NUL inside base64";
}

TEST(Base64Rejects, DataAfterPadding) {
  auto d = from_base64("Zg==Zg==");
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, "invalid base64 at offset 4");
  EXPECT_FALSE(from_base64("Zm=9v").ok());
}

TEST(Base64Rejects, TruncatedQuantum) {
  for (const char* bad : {"Z", "Zm9vY", "Zm9vY=", "Z==="}) {
    auto d = from_base64(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.error().message, "truncated base64") << bad;
  }
}

constexpr std::string_view kCertB64Der = "MAMCAQE=";  // SEQUENCE { INTEGER 1 }

TEST(Pem, EncodeWrapsAt64Columns) {
  Bytes data(100, 0x41);
  std::string pem = to_pem("CERTIFICATE", data);
  std::string b64 = to_base64(data);
  ASSERT_EQ(b64.size(), 136u);
  std::string expected =
      "-----BEGIN CERTIFICATE-----\n" + b64.substr(0, 64) + "\n" + b64.substr(64, 64) + "\n" + b64.substr(128) +
      "\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(pem, expected);
  EXPECT_EQ(to_pem("X", {}), "-----BEGIN X-----\n-----END X-----\n");
}

TEST(Pem, ParsesSeveralBlocksAndIgnoresTextAround) {
  std::string text = "Bag Attributes: junk\nsubject=CN=x\n" + to_pem("CERTIFICATE", B({0x30, 0x03, 0x02, 0x01, 0x01})) +
                     "between\n" + to_pem("PRIVATE KEY", B({0x01, 0x02})) + "trailer";
  auto blocks = parse_pem(text);
  ASSERT_TRUE(blocks.ok()) << blocks.error().message;
  ASSERT_EQ(blocks->size(), 2u);
  EXPECT_EQ((*blocks)[0].label, "CERTIFICATE");
  EXPECT_EQ((*blocks)[0].der, B({0x30, 0x03, 0x02, 0x01, 0x01}));
  EXPECT_EQ((*blocks)[1].label, "PRIVATE KEY");
  EXPECT_EQ((*blocks)[1].der, B({0x01, 0x02}));
}

TEST(Pem, NoBlocksIsEmptyNotAnError) {
  auto blocks = parse_pem("just text, no armour");
  ASSERT_TRUE(blocks.ok());
  EXPECT_TRUE(blocks->empty());
  blocks = parse_pem("");
  ASSERT_TRUE(blocks.ok());
  EXPECT_TRUE(blocks->empty());
}

TEST(Pem, CrLfLineEndings) {
  std::string text = "-----BEGIN CERTIFICATE-----\r\n" + std::string(kCertB64Der) + "\r\n-----END CERTIFICATE-----\r\n";
  auto blocks = parse_pem(text);
  ASSERT_TRUE(blocks.ok()) << blocks.error().message;
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].der, B({0x30, 0x03, 0x02, 0x01, 0x01}));
}

TEST(Pem, SkipsEncapsulatedHeaders) {
  std::string text =
      "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n\n" +
      std::string(kCertB64Der) + "\n-----END RSA PRIVATE KEY-----\n";
  auto blocks = parse_pem(text);
  ASSERT_TRUE(blocks.ok()) << blocks.error().message;
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].label, "RSA PRIVATE KEY");
  EXPECT_EQ((*blocks)[0].der, B({0x30, 0x03, 0x02, 0x01, 0x01}));
}

TEST(PemRejects, MissingEndLine) {
  auto blocks = parse_pem("-----BEGIN CERTIFICATE-----\n" + std::string(kCertB64Der) + "\n");
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.error().kind, ErrorKind::input);
  EXPECT_EQ(blocks.error().message, "PEM CERTIFICATE: no END line");
}

TEST(PemRejects, EndLineOfAnotherLabel) {
  auto blocks = parse_pem("-----BEGIN CERTIFICATE-----\n" + std::string(kCertB64Der) + "\n-----END PRIVATE KEY-----\n");
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.error().message, "PEM CERTIFICATE: no END line");
}

TEST(PemRejects, SecondBlockMissingEnd) {
  std::string text = to_pem("CERTIFICATE", B({1})) + "-----BEGIN CERTIFICATE-----\nAQ==\n";
  auto blocks = parse_pem(text);
  ASSERT_FALSE(blocks.ok());
  EXPECT_NE(blocks.error().message.find("no END line"), std::string::npos);
}

TEST(PemRejects, UnterminatedBeginLine) {
  auto blocks = parse_pem("-----BEGIN CERTIFICATE\nMAMCAQE=\n");
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.error().message, "PEM: unterminated BEGIN line");
}

TEST(PemRejects, BadBase64NamesTheLabel) {
  auto blocks = parse_pem("-----BEGIN CERTIFICATE-----\nMAMC!QE=\n-----END CERTIFICATE-----\n");
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.error().kind, ErrorKind::input);
  EXPECT_EQ(blocks.error().message.rfind("PEM CERTIFICATE: invalid base64", 0), 0u) << blocks.error().message;
  blocks = parse_pem("-----BEGIN CERTIFICATE-----\nMAMCA\n-----END CERTIFICATE-----\n");
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.error().message, "PEM CERTIFICATE: truncated base64");
}

TEST(PemRejects, HeadersWithoutBlankLine) {
  auto blocks = parse_pem("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nMAMCAQE=\n-----END RSA PRIVATE KEY-----\n");
  ASSERT_FALSE(blocks.ok());
  EXPECT_EQ(blocks.error().message, "PEM RSA PRIVATE KEY: bad headers");
}

TEST(Pem, LooksLikePem) {
  EXPECT_TRUE(looks_like_pem(as_bytes("xx\n-----BEGIN CERTIFICATE-----\n")));
  EXPECT_FALSE(looks_like_pem(as_bytes("-----END CERTIFICATE-----")));
  EXPECT_FALSE(looks_like_pem(B({0x30, 0x82, 0x01, 0x00})));
  EXPECT_FALSE(looks_like_pem({}));
}

TEST(Utf8, WellFormed) {
  for (std::string_view ok : {std::string_view(""), std::string_view("ascii"), std::string_view("Ger\xc3\xa4t"),
                              std::string_view("\xe2\x82\xac"), std::string_view("\xf0\x9f\x94\x91"),
                              std::string_view("\xef\xbf\xbd"), std::string_view("a\0b", 3),
                              std::string_view("\xf4\x8f\xbf\xbf")}) {
    EXPECT_TRUE(is_utf8(ok)) << to_hex(as_bytes(ok));
    EXPECT_EQ(to_utf8_lossy(ok), ok);
  }
}

TEST(Utf8Rejects, IllFormed) {
  const std::pair<std::string_view, std::string_view> kCases[] = {
      {"\xfd", "\xef\xbf\xbd"},                                     // never valid
      {"a\x80" "b", "a\xef\xbf\xbd" "b"},                               // lone continuation byte
      {"\xc3", "\xef\xbf\xbd"},                                     // truncated
      {"\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd"},                     // overlong '/'
      {"\xe0\x80\xaf", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},     // overlong, 3 bytes
      {"\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},     // surrogate U+D800
      {"\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},  // past U+10FFFF
      {"\xff\xfe", "\xef\xbf\xbd\xef\xbf\xbd"},
  };
  for (auto [bad, lossy] : kCases) {
    EXPECT_FALSE(is_utf8(bad)) << to_hex(as_bytes(bad));
    EXPECT_EQ(to_utf8_lossy(bad), lossy) << to_hex(as_bytes(bad));
    EXPECT_TRUE(is_utf8(to_utf8_lossy(bad)));
  }
}

TEST(Pem, RoundTrip) {
  Bytes data;
  for (int i = 0; i < 1000; ++i) data.push_back(static_cast<std::uint8_t>(i * 7));
  auto blocks = parse_pem(to_pem("CERTIFICATE REQUEST", data));
  ASSERT_TRUE(blocks.ok());
  ASSERT_EQ(blocks->size(), 1u);
  EXPECT_EQ((*blocks)[0].label, "CERTIFICATE REQUEST");
  EXPECT_EQ((*blocks)[0].der, data);
}

}  // namespace
}  // namespace iotonb::core
