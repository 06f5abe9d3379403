// An HTTPS server for iotonb's services (MASA, registrar) behind a small interface, so service
// code sees requests and responses, never TLS or sockets. HTTP/1.1 with keep-alive (32
// requests per connection, 1 s idle), pipelining, Content-Length and chunked bodies,
// Expect: 100-continue; framing in net/http_message.h.
//
// TLS: 1.2 minimum, 1.3 preferred. A client certificate is requested but not required and
// not judged during the handshake: BRSKI's registrar must accept a pledge's IDevID from a
// manufacturer it trusts and an LDevID from its own CA on the same port, and tell the pledge
// why it refused in an HTTP answer (RFC 8995 5.3), so handlers judge the peer's chain
// themselves (Request::peer_certificates).
//
// Hostile clients: bodies above max_body get 413 before they are read, heads above 16 KiB
// get 431, a handshake or a request (head and body, from its first octet) that takes longer
// than read_timeout_ms is dropped (408 when a request had begun), and every connection runs
// on a pool of `threads` workers, so one slow client never stops the others.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::net {

struct ServerOptions {
  std::string address = "127.0.0.1";  // loopback unless the operator says otherwise
  int port = 0;                       // 0: a free port, read back with HttpsServer::port()
  std::size_t max_body = 256 * 1024;  // octets; larger requests get 413
  int read_timeout_ms = 5000;
  int write_timeout_ms = 5000;
  std::size_t threads = 64;           // connections served at once (keep-alive holds one)
};

struct Request {
  std::string method;  // "GET", "POST"
  std::string path;    // without query
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // The client's certificate and the chain it sent (leaf first), as received, unverified.
  // Empty when the client sent none.
  std::vector<core::X509Ptr> peer_certificates;
  std::string remote_address;

  std::string header(std::string_view name) const;  // case-insensitive; "" when absent
};

struct Response {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Retry-After
};

// A text/plain answer whose body is the message, which the other side can show as is.
Response error_response(int status, std::string message);

// Whether a Content-Type (or Accept) value names media type `type`, ignoring parameters and
// case: media_type_is("Application/PKCS10; charset=x", "application/pkcs10") is true.
bool media_type_is(std::string_view content_type, std::string_view type);
// The parameter `name` of a media type value, "" when absent: smime-type of pkcs7-mime.
std::string media_type_parameter(std::string_view content_type, std::string_view name);

using Handler = std::function<Response(const Request&)>;

struct TlsCredentials {
  const X509* certificate = nullptr;  // the server's end-entity certificate
  std::vector<const X509*> chain;     // intermediates sent with it
  const EVP_PKEY* key = nullptr;      // its private key (a Signer's key())
};

class HttpsServer {
 public:
  // Sets up TLS; nothing is bound yet. The credentials are copied (reference counted).
  static Result<std::unique_ptr<HttpsServer>> create(const TlsCredentials& tls, const ServerOptions& options);
  virtual ~HttpsServer() = default;

  // Routes: exact path match. Unknown paths get 404, a known path with another method 405.
  virtual void route(const std::string& method, const std::string& path, Handler handler) = 0;
  // A route for every path under prefix (which ends in '/') that no exact route takes; the
  // longest prefix wins. The handler judges the rest of the path itself.
  virtual void route_tree(const std::string& method, const std::string& prefix, Handler handler) = 0;

  // Binds and starts serving on a background thread; the port is known when this returns.
  virtual Status start() = 0;
  virtual int port() const = 0;
  // Stops accepting, finishes the requests in progress and joins the thread. Idempotent.
  virtual void stop() = 0;
  // Blocks until stop() is called (from a signal handler thread or another thread).
  virtual void wait() = 0;
};

}  // namespace iotonb::net
