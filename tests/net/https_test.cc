// The HTTPS server and client on loopback: routing, status codes, body limit, the two
// server-trust modes, client certificates reaching handlers, retry on 503, and a stalled
// client that must not stop the server from serving others.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/ssl.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "net/https_client.h"
#include "net/https_server.h"
#include "pki/pki_test_util.h"

namespace iotonb::net {
namespace {

using test::make_cert;
using test::make_root;
using test::must;
using test::new_key;
using test::TestCa;

struct Fixture : ::testing::Test {
  static constexpr core::UnixTime kFrom = 1767225600;  // 2026-01-01
  static constexpr core::UnixTime kTo = 2082758400;    // 2036-01-01
  TestCa root = make_root();
  core::EvpPkeyPtr server_key = new_key();
  core::X509Ptr server_cert = make_cert("CN=registrar.example", server_key.get(), pki::Profile::server, &root, kFrom, kTo);
  core::EvpPkeyPtr client_key = new_key();
  core::X509Ptr client_cert = make_cert("CN=device", client_key.get(), pki::Profile::client, &root, kFrom, kTo, {0x33});
  std::unique_ptr<HttpsServer> server;

  void start(ServerOptions options = {}) {
    server = must(HttpsServer::create({server_cert.get(), {}, server_key.get()}, options), "server");
    server->route("POST", "/echo", [](const Request& r) {
      Response out;
      out.content_type = r.content_type;
      out.body = r.body;
      out.headers.emplace_back("X-Peer-Certs", std::to_string(r.peer_certificates.size()));
      if (!r.peer_certificates.empty()) {
        out.headers.emplace_back("X-Peer", pki::certificate_pem(r.peer_certificates[0].get()).substr(0, 40));
      }
      return out;
    });
    must(server->start(), "start");
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(server->port()); }

  std::unique_ptr<HttpsClient> client(ClientOptions options = {}) {
    options.url = url();
    if (options.trust_mode == ServerTrust::anchors && options.trust.empty()) options.trust = {root.cert.get()};
    return must(HttpsClient::create(options), "client");
  }
};

TEST(MediaType, IgnoresParametersAndCase) {
  EXPECT_TRUE(media_type_is("Application/PKCS10; charset=x", "application/pkcs10"));
  EXPECT_TRUE(media_type_is(" application/voucher-cms+json ", "application/voucher-cms+json"));
  EXPECT_FALSE(media_type_is("application/pkcs10x", "application/pkcs10"));
  EXPECT_EQ(media_type_parameter("application/pkcs7-mime; smime-type=certs-only", "smime-type"), "certs-only");
  EXPECT_EQ(media_type_parameter("application/pkcs7-mime; SMIME-Type=\"certs-only\"", "smime-type"), "certs-only");
  EXPECT_EQ(media_type_parameter("application/pkcs7-mime", "smime-type"), "");
}

TEST_F(Fixture, RoundTripWithClientCertificateAndAnchors) {
  start();
  ClientOptions o;
  o.client_certificate = client_cert.get();
  o.client_key = client_key.get();
  auto c = client(o);
  auto r = must(c->post("/echo", "application/json", "{\"a\":1}", "application/json"), "post");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"a\":1}");
  EXPECT_EQ(r.content_type, "application/json");
  ASSERT_EQ(c->server_certificates().size(), 1u);
  EXPECT_EQ(X509_cmp(c->server_certificates()[0].get(), server_cert.get()), 0);
  // A second request on the kept-alive connection still knows the server's certificate.
  auto again = must(c->post("/echo", "text/plain", "x", ""), "post again");
  EXPECT_EQ(again.body, "x");
  EXPECT_EQ(c->server_certificates().size(), 1u);
}

TEST_F(Fixture, HandlerSeesTheClientCertificate) {
  start();
  ClientOptions o;
  o.client_certificate = client_cert.get();
  o.client_key = client_key.get();
  o.client_chain = {root.cert.get()};
  auto r = must(client(o)->post("/echo", "text/plain", "x", ""), "post");
  EXPECT_EQ(r.status, 200);
  auto without = must(client()->post("/echo", "text/plain", "x", ""), "post without");
  EXPECT_EQ(without.status, 200);
  // Headers are not exposed by ClientResponse; the handler's view is checked through a route.
  std::atomic<int> seen{-1};
  server->stop();
  server = must(HttpsServer::create({server_cert.get(), {}, server_key.get()}, {}), "server");
  server->route("GET", "/who", [&](const Request& req) {
    seen = static_cast<int>(req.peer_certificates.size());
    Response out;
    out.body = req.peer_certificates.empty() ? "" : pki::certificate_pem(req.peer_certificates[0].get());
    return out;
  });
  must(server->start(), "restart");
  auto who = must(client(o)->get("/who", ""), "who");
  EXPECT_EQ(seen.load(), 2);  // leaf + the chain certificate the client sent
  EXPECT_EQ(who.body, pki::certificate_pem(client_cert.get()));
  must(client()->get("/who", ""), "who without");
  EXPECT_EQ(seen.load(), 0);
}

TEST_F(Fixture, ProvisionalTrustAcceptsAnyServerAndKeepsItsCertificate) {
  start();
  ClientOptions o;
  o.trust_mode = ServerTrust::provisional;
  auto c = client(o);
  EXPECT_EQ(must(c->post("/echo", "text/plain", "hi", ""), "post").status, 200);
  ASSERT_FALSE(c->server_certificates().empty());
  EXPECT_EQ(X509_cmp(c->server_certificates()[0].get(), server_cert.get()), 0);
}

TEST_F(Fixture, AnchorsModeRefusesAServerFromAnotherCa) {
  start();
  TestCa other = make_root("CN=Other Root");
  ClientOptions o;
  o.trust = {other.cert.get()};
  auto r = client(o)->post("/echo", "text/plain", "hi", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::network);
  EXPECT_NE(r.error().message.find("server certificate not trusted"), std::string::npos) << r.error().message;
}

TEST_F(Fixture, AnchorMayBeTheServerCertificateItself) {
  start();
  ClientOptions o;
  o.trust = {server_cert.get()};  // a pinned end-entity certificate
  EXPECT_EQ(must(client(o)->post("/echo", "text/plain", "hi", ""), "post").status, 200);
}

TEST_F(Fixture, UnknownPathIs404AndWrongMethodIs405) {
  start();
  auto c = client();
  auto missing = must(c->get("/nothing", ""), "get");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("/nothing"), std::string::npos);
  EXPECT_EQ(must(c->get("/echo", ""), "get echo").status, 405);
}

TEST_F(Fixture, TreeRoutesTakeWhatNoExactRouteTakesLongestPrefixFirst) {
  server = must(HttpsServer::create({server_cert.get(), {}, server_key.get()}, {}), "server");
  auto answer_with = [](std::string text) {
    return [text](const Request& r) { return Response{200, "text/plain", text + " " + r.path, {}}; };
  };
  server->route("GET", "/a/exact", answer_with("exact"));
  server->route_tree("GET", "/", answer_with("root"));
  server->route_tree("GET", "/a/", answer_with("a"));
  must(server->start(), "start");
  auto c = client();
  EXPECT_EQ(must(c->get("/a/exact", ""), "exact").body, "exact /a/exact");
  EXPECT_EQ(must(c->get("/a/b/c.json", ""), "a").body, "a /a/b/c.json");
  EXPECT_EQ(must(c->get("/a", ""), "root").body, "root /a");  // "/a" is not under "/a/"
  EXPECT_EQ(must(c->get("/b?q=1", ""), "root").body, "root /b");
  EXPECT_EQ(must(c->post("/a/x", "text/plain", "x", ""), "post").status, 405);
}

// What a client writes on one TLS connection, raw, and everything the server answers until
// it closes the connection.
std::string exchange_raw(int port, const std::string& bytes) {
  core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx(SSL_CTX_new(TLS_client_method()));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  core::OsslPtr<SSL, SSL_free> ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  EXPECT_EQ(SSL_connect(ssl.get()), 1);
  EXPECT_GT(SSL_write(ssl.get(), bytes.data(), static_cast<int>(bytes.size())), 0);
  std::string answer;
  char buffer[4096];
  int n = 0;
  while ((n = SSL_read(ssl.get(), buffer, sizeof buffer)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
  ::close(fd);
  return answer;
}

TEST_F(Fixture, PipelinedChunkedAndExpectContinueRequests) {
  start();
  std::string answer = exchange_raw(
      server->port(),
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nfirst"
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
      "Expect: 100-continue\r\n\r\n3\r\nsec\r\n3;x=y\r\nond\r\n0\r\n\r\n"
      "POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\nConnection: close\r\n\r\nthird");
  auto first = answer.find("HTTP/1.1 200 OK\r\n");
  auto cont = answer.find("HTTP/1.1 100 Continue\r\n\r\n");
  auto second = answer.find("Content-Length: 6\r\nX-Peer-Certs: 0\r\n\r\nsecond");
  auto third = answer.find("Connection: close\r\n\r\nthird");
  EXPECT_NE(first, std::string::npos) << answer;
  EXPECT_NE(answer.find("\r\n\r\nfirstHTTP/1.1 100 Continue"), std::string::npos) << answer;
  EXPECT_TRUE(cont != std::string::npos && second != std::string::npos && cont < second) << answer;
  EXPECT_TRUE(third != std::string::npos && second < third) << answer;
  EXPECT_NE(answer.find("\r\nDate: "), std::string::npos);
}

TEST_F(Fixture, MalformedRequestsAreAnsweredAndClosed) {
  start();
  EXPECT_EQ(exchange_raw(server->port(), "GET /echo HTTP/3.0\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 505 ", 0), 0u);
  std::string bad = exchange_raw(server->port(), "POST /echo HTTP/1.1\r\nContent-Length: 1\r\n\r\nx");
  EXPECT_EQ(bad.rfind("HTTP/1.1 400 ", 0), 0u) << bad;
  EXPECT_NE(bad.find("without a Host field"), std::string::npos) << bad;
  EXPECT_NE(bad.find("Connection: close"), std::string::npos) << bad;
  std::string huge = exchange_raw(server->port(), "GET /echo HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n");
  EXPECT_EQ(huge.rfind("HTTP/1.1 431 ", 0), 0u) << huge.substr(0, 200);
  EXPECT_EQ(exchange_raw(server->port(), "PATCH /echo HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").rfind("HTTP/1.1 405 ", 0), 0u);
}

TEST_F(Fixture, ClientRefusesATargetThatWouldSplitTheRequest) {
  start();
  auto c = client();
  for (const char* target : {"/a b", "/x\r\nInjected: 1", "relative", ""}) {
    auto r = c->get(target, "");
    ASSERT_FALSE(r.ok()) << target;
    EXPECT_EQ(r.error().kind, ErrorKind::usage) << target;
  }
  EXPECT_EQ(must(c->get("/nothing?q=1", ""), "query").status, 404);
}

// A server that answers one request in HTTP/1.0 style, its body running to the end of the
// connection (no Content-Length), as old or hostile servers do.
class CloseDelimitedServer {
 public:
  CloseDelimitedServer(X509* cert, EVP_PKEY* key, std::string body) : ctx_(SSL_CTX_new(TLS_server_method())) {
    SSL_CTX_use_certificate(ctx_.get(), cert);
    SSL_CTX_use_PrivateKey(ctx_.get(), key);
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(listener_, 1), 0);
    socklen_t length = sizeof addr;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &length);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this, body = std::move(body)] {
      int fd = ::accept(listener_, nullptr, nullptr);
      core::OsslPtr<SSL, SSL_free> ssl(SSL_new(ctx_.get()));
      SSL_set_fd(ssl.get(), fd);
      if (SSL_accept(ssl.get()) == 1) {
        std::string request;
        char buffer[1024];
        int n = 0;
        while (request.find("\r\n\r\n") == std::string::npos && (n = SSL_read(ssl.get(), buffer, sizeof buffer)) > 0)
          request.append(buffer, static_cast<std::size_t>(n));
        std::string answer = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n" + body;
        SSL_write(ssl.get(), answer.data(), static_cast<int>(answer.size()));
        SSL_shutdown(ssl.get());
      }
      ::close(fd);
    });
  }
  ~CloseDelimitedServer() {
    thread_.join();
    ::close(listener_);
  }
  int port() const { return port_; }

 private:
  core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx_;
  int listener_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(Fixture, BodyRunningToTheEndOfTheConnectionIsReadAndBounded) {
  for (std::size_t size : {5u, 20u}) {
    CloseDelimitedServer old(server_cert.get(), server_key.get(), std::string(size, 'x'));
    ClientOptions o;
    o.url = "https://127.0.0.1:" + std::to_string(old.port());
    o.trust = {root.cert.get()};
    o.max_body = 10;
    auto r = must(HttpsClient::create(o), "client")->get("/", "");
    if (size <= 10) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->body, std::string(size, 'x'));
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_NE(r.error().message.find("larger than the limit of 10 octets"), std::string::npos) << r.error().message;
    }
  }
}

TEST_F(Fixture, OversizedBodyIs413) {
  ServerOptions so;
  so.max_body = 1024;
  start(so);
  auto r = must(client()->post("/echo", "text/plain", std::string(4096, 'x'), ""), "post");
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("too large"), std::string::npos) << r.body;
}

TEST_F(Fixture, RetriesOn503ThenReturnsTheAnswer) {
  start();
  std::atomic<int> calls{0};
  server->route("GET", "/busy", [&](const Request&) {
    if (++calls < 3) {
      Response r = error_response(503, "busy");
      r.headers.emplace_back("Retry-After", "0");
      return r;
    }
    return Response{200, "text/plain", "done", {}};
  });
  auto r = must(client()->get("/busy", ""), "get");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.attempts, 3);
  ClientOptions no_retry;
  no_retry.max_retries = 0;
  calls = 0;
  EXPECT_EQ(must(client(no_retry)->get("/busy", ""), "get").status, 503);
}

TEST_F(Fixture, StalledClientIsDroppedAndOthersAreServed) {
  ServerOptions so;
  so.read_timeout_ms = 500;
  start(so);
  // A client that connects and says nothing (no TLS handshake at all).
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(server->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(must(client()->post("/echo", "text/plain", "hi", ""), "post").status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(400));
  // The server gives up on the silent one: its socket is closed (read returns 0 or error).
  char byte;
  timeval tv{3, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  EXPECT_LE(::read(fd, &byte, 1), 0);
  ::close(fd);
}

TEST_F(Fixture, UnreachableServerIsANetworkError) {
  start();
  int port = server->port();
  server->stop();
  ClientOptions o;
  o.url = "https://127.0.0.1:" + std::to_string(port);
  o.trust = {root.cert.get()};
  o.connect_timeout_ms = 500;
  auto r = must(HttpsClient::create(o), "client")->get("/echo", "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::network);
}

TEST(HttpsClientCreate, RefusesBadUrlsAndHalfCredentials) {
  ClientOptions o;
  o.url = "http://x";
  EXPECT_EQ(HttpsClient::create(o).error().kind, ErrorKind::usage);
  o.url = "https://x:99999";
  o.trust_mode = ServerTrust::provisional;
  EXPECT_EQ(HttpsClient::create(o).error().kind, ErrorKind::usage);
  o.url = "https://x:443";
  o.trust_mode = ServerTrust::anchors;
  EXPECT_EQ(HttpsClient::create(o).error().kind, ErrorKind::usage);  // no anchors
}

}  // namespace
}  // namespace iotonb::net
