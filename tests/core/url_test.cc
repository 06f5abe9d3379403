// lib/core/url.h: the one reading of https URLs the client, the registrar and the MUD code share.
#include "core/url.h"

#include <gtest/gtest.h>

#include <string>

namespace iotonb::core {
namespace {

HttpsUrl must_parse(std::string_view url) {
  auto parsed = parse_https_url(url);
  if (!parsed.ok()) {
    ADD_FAILURE() << "parse_https_url(\"" << url << "\"): " << parsed.error().message;
    return {};
  }
  return *parsed;
}

std::string refusal(std::string_view url) {
  auto parsed = parse_https_url(url);
  if (parsed.ok()) return "accepted";
  EXPECT_EQ(parsed.error().kind, ErrorKind::usage);
  return parsed.error().message;
}

TEST(HttpsUrl, HostPortAndTarget) {
  HttpsUrl u = must_parse("https://masa.example.com:9443/.well-known/brski?x=1#frag");
  EXPECT_EQ(u.host, "masa.example.com");
  EXPECT_EQ(u.port, 9443);
  EXPECT_EQ(u.target, "/.well-known/brski?x=1");
  EXPECT_EQ(u.authority(), "masa.example.com:9443");
  EXPECT_EQ(u.origin(), "https://masa.example.com:9443");

  u = must_parse("https://example.com");
  EXPECT_EQ(u.port, 443);
  EXPECT_EQ(u.target, "/");
  EXPECT_EQ(u.origin(), "https://example.com");
  EXPECT_EQ(must_parse("https://example.com?q").target, "/?q");
  EXPECT_EQ(must_parse("https://example.com#only-a-fragment").target, "/");
  EXPECT_EQ(must_parse("https://example.com:443/a").origin(), "https://example.com");
  EXPECT_EQ(must_parse("HTTPS://Example.COM/a").host, "Example.COM");  // the scheme without regard to case
}

TEST(HttpsUrl, Ipv6Literals) {
  HttpsUrl u = must_parse("https://[::1]:8443/x");
  EXPECT_TRUE(u.ipv6());
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, 8443);
  EXPECT_EQ(u.authority(), "[::1]:8443");
  EXPECT_EQ(must_parse("https://[2001:db8::5]").origin(), "https://[2001:db8::5]");
  EXPECT_FALSE(must_parse("https://192.0.2.1:1/").ipv6());
}

TEST(HttpsUrl, RefusalsNameTheReason) {
  EXPECT_NE(refusal("http://example.com/").find("not an https:// URL"), std::string::npos);
  EXPECT_NE(refusal("https:/example.com").find("not an https:// URL"), std::string::npos);
  EXPECT_NE(refusal("https://").find("no host"), std::string::npos);
  EXPECT_NE(refusal("https:///path").find("no host"), std::string::npos);
  EXPECT_NE(refusal("https://:443/").find("no host"), std::string::npos);
  EXPECT_NE(refusal("https://[::1/").find("unclosed IPv6"), std::string::npos);
  EXPECT_NE(refusal("https://[example.com]/").find("not IPv6"), std::string::npos);
  EXPECT_NE(refusal("https://[::1]x/").find("junk after the host"), std::string::npos);
  for (const char* port : {"0", "65536", "", "-1", "44x", "99999999999"})
    EXPECT_NE(refusal(std::string("https://h:") + port + "/").find("bad port"), std::string::npos) << port;
  EXPECT_NE(refusal("https://user:pw@example.com/").find("userinfo"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/a b").find("space, control"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/\r\nHost: evil").find("space, control"), std::string::npos);
  EXPECT_NE(refusal("https://example.com/\xc3\xa9").find("non-ASCII"), std::string::npos);
  const std::string longest = "https://example.com/" + std::string(kMaxUrlLength - 20, 'a');
  EXPECT_EQ(must_parse(longest).target.size(), kMaxUrlLength - 19);
  const std::string refused = refusal(longest + "a");
  EXPECT_NE(refused.find("longer than 2048 octets"), std::string::npos);
  EXPECT_LT(refused.size(), 300u);  // the message quotes only the URL's start
}

}  // namespace
}  // namespace iotonb::core
