// HTTP/1.1 framing of the server (lib/net/http_message.h): request heads, the chunked coding
// and response heads, each refusal with its status.
#include "net/http_message.h"

#include <gtest/gtest.h>

#include <string>

namespace iotonb::net::http {
namespace {

RequestHead parsed(std::string_view head, std::size_t max_body = 1000) {
  RequestHead out;
  Refusal r = parse_request_head(head, max_body, out);
  EXPECT_FALSE(r) << r.message;
  return out;
}

int refused(std::string_view head, std::size_t max_body = 1000) {
  RequestHead out;
  return parse_request_head(head, max_body, out).status;
}

TEST(HeadEnd, FindsTheEmptyLineWithCrlfOrBareLf) {
  Refusal r;
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\nHost: a\r\n\r\nBODY", r), 27u);
  EXPECT_EQ(head_end("GET / HTTP/1.1\nHost: a\n\nBODY", r), 24u);
  EXPECT_EQ(head_end("GET / HTTP/1.1\r\nHost: a\r\n", r), 0u);
  EXPECT_FALSE(r);
}

TEST(HeadEnd, RefusesAHeadLargerThanTheLimit) {
  Refusal r;
  std::string big = "GET / HTTP/1.1\r\nX: " + std::string(kMaxHeadSize, 'a');
  EXPECT_EQ(head_end(big, r), 0u);
  EXPECT_EQ(r.status, 431);
  Refusal complete_but_big;
  EXPECT_EQ(head_end(big + "\r\n\r\n", complete_but_big), 0u);
  EXPECT_EQ(complete_but_big.status, 431);
}

TEST(RequestHead, ParsesMethodPathHeadersAndLength) {
  RequestHead h = parsed("POST /.well-known/est/simpleenroll?x=1 HTTP/1.1\r\nHost: r\r\nContent-Type:  application/pkcs10 \r\n"
                         "Content-Length: 12\r\n\r\n");
  EXPECT_EQ(h.method, "POST");
  EXPECT_EQ(h.path, "/.well-known/est/simpleenroll");
  EXPECT_EQ(h.content_length, 12u);
  ASSERT_EQ(h.headers.size(), 3u);
  EXPECT_EQ(h.headers[1].first, "Content-Type");
  EXPECT_EQ(h.headers[1].second, "application/pkcs10");
  EXPECT_FALSE(h.close);
  EXPECT_FALSE(h.chunked);
}

TEST(RequestHead, ConnectionPersistenceFollowsTheVersion) {
  EXPECT_TRUE(parsed("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Close\r\n\r\n").close);
  EXPECT_TRUE(parsed("GET / HTTP/1.0\r\n\r\n").close);
  EXPECT_FALSE(parsed("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").close);
}

TEST(RequestHead, AbsoluteFormAndOneLeadingEmptyLine) {
  EXPECT_EQ(parsed("GET https://registrar.example:8443/.well-known/est/cacerts HTTP/1.1\r\nHost: a\r\n\r\n").path,
            "/.well-known/est/cacerts");
  EXPECT_EQ(parsed("\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n").path, "/x");
}

TEST(RequestHead, ChunkedAndExpect) {
  RequestHead h = parsed("POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\nExpect: 100-Continue\r\n\r\n");
  EXPECT_TRUE(h.chunked);
  EXPECT_TRUE(h.expect_continue);
  EXPECT_FALSE(parsed("GET /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n").expect_continue);  // no body
}

TEST(RequestHead, RefusalsCarryTheirStatus) {
  EXPECT_EQ(refused("GET /\r\nHost: a\r\n\r\n"), 400);                               // no version
  EXPECT_EQ(refused("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);                     // two spaces
  EXPECT_EQ(refused("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400);                      // method not a token
  EXPECT_EQ(refused("GET x HTTP/1.1\r\nHost: a\r\n\r\n"), 400);                      // not a path
  EXPECT_EQ(refused("GET /\x01 HTTP/1.1\r\nHost: a\r\n\r\n"), 400);                  // control octet
  EXPECT_EQ(refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505);
  EXPECT_EQ(refused("GET / HTTQ/1.1\r\nHost: a\r\n\r\n"), 400);
  EXPECT_EQ(refused("GET / HTTP/1.1\r\n\r\n"), 400);                                 // no Host
  EXPECT_EQ(refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
  EXPECT_EQ(refused("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), 400);
  EXPECT_EQ(refused("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400);                     // space before colon
  EXPECT_EQ(refused("GET / HTTP/1.1\r\nHost a\r\n\r\n"), 400);
  EXPECT_EQ(refused("GET / HTTP/1.1\r\nHost: a\r\nX: a\x01" "b\r\n\r\n"), 400);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), 400);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"), 400);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1001\r\n\r\n"), 413);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 413);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400);
  EXPECT_EQ(refused("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(refused("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n"), 417);
  std::string many = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (std::size_t i = 0; i < kMaxHeaderFields; ++i) many += "X: y\r\n";
  EXPECT_EQ(refused(many + "\r\n"), 431);
}

TEST(Chunked, DecodesAcrossCallsAsDataArrives) {
  const std::string wire = "4;ext=1\r\nWiki\r\n5\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nTrailer: x\r\n\r\nNEXT";
  std::string body;
  std::size_t pos = 0;
  Refusal r;
  // Fed one octet more at a time, it reports "more needed" until the trailer's empty line.
  for (std::size_t n = 0; n < wire.size() - 4; ++n) {
    ASSERT_FALSE(decode_chunks(std::string_view(wire).substr(0, n), pos, body, 100, r)) << n;
    ASSERT_FALSE(r) << r.message;
  }
  ASSERT_TRUE(decode_chunks(std::string_view(wire).substr(0, wire.size() - 4), pos, body, 100, r));
  EXPECT_EQ(body, "Wikipedia in\r\n\r\nchunks.");
  EXPECT_EQ(wire.substr(pos), "NEXT");
}

TEST(Chunked, Refusals) {
  auto status = [](std::string_view wire, std::size_t max_body = 10) {
    std::string body;
    std::size_t pos = 0;
    Refusal r;
    decode_chunks(wire, pos, body, max_body, r);
    return r.status;
  };
  EXPECT_EQ(status("z\r\n"), 400);
  EXPECT_EQ(status(";x\r\n"), 400);
  EXPECT_EQ(status("3\r\nabcX\r\n"), 400);                   // data not followed by CRLF
  EXPECT_EQ(status("b\r\n"), 413);                           // 11 > 10, refused before the data
  EXPECT_EQ(status("6\r\nabcdef\r\n6\r\n"), 413);            // the sum
  EXPECT_EQ(status("fffffffffffffffffffffff\r\n"), 413);     // no overflow
  EXPECT_EQ(status(std::string(2000, '0')), 400);            // endless size line
  EXPECT_EQ(status("0\r\n" + std::string(kMaxHeadSize, 'x')), 400);
}

TEST(ResponseHead, ParsesStatusFramingAndPersistence) {
  ResponseHead h;
  ASSERT_FALSE(parse_response_head("HTTP/1.1 202 Accepted\r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n", 100, h));
  EXPECT_EQ(h.status, 202);
  EXPECT_EQ(h.header("retry-after"), "3");
  EXPECT_TRUE(h.has_length);
  EXPECT_FALSE(h.close);
  ASSERT_FALSE(parse_response_head("HTTP/1.1 200 \r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n", 100, h));
  EXPECT_TRUE(h.chunked);
  EXPECT_TRUE(h.close);
  ASSERT_FALSE(parse_response_head("HTTP/1.0 200 OK\r\n\r\n", 100, h));
  EXPECT_FALSE(h.has_length);  // runs to the end of the connection
  EXPECT_TRUE(h.close);
}

TEST(ResponseHead, RefusesMalformedOrOversizedAnswers) {
  ResponseHead h;
  EXPECT_EQ(parse_response_head("HTTP/2 200 OK\r\n\r\n", 100, h).status, 502);
  EXPECT_EQ(parse_response_head("HTTP/1.1 2x0 OK\r\n\r\n", 100, h).status, 502);
  EXPECT_EQ(parse_response_head("HTTP/1.1 099 Low\r\n\r\n", 100, h).status, 502);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", 100, h).status, 502);
  EXPECT_EQ(parse_response_head("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", 100, h).status, 502);
  Refusal big = parse_response_head("HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n", 100, h);
  EXPECT_EQ(big.status, 413);
  EXPECT_NE(big.message.find("larger than the limit of 100 octets"), std::string::npos) << big.message;
}

TEST(ResponseHead, OneBlockWithLengthDateAndClose) {
  std::string head = response_head(404, "text/plain", 5, {{"Allow", "GET"}, {"Bad", "a\r\nInjected: 1"}}, true,
                                   format_date(784111777));
  EXPECT_EQ(head,
            "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: text/plain\r\n"
            "Content-Length: 5\r\nAllow: GET\r\nConnection: close\r\n\r\n");
}

}  // namespace
}  // namespace iotonb::net::http
