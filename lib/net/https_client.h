// An HTTPS client for the pledge (to the registrar), the registrar (to the MASA) and MUD
// fetches: HTTP/1.1 with keep-alive behind a small interface, with the two server-trust
// modes BRSKI needs and the retry rule of RFC 8995 5.6 / RFC 7030 4.2.3.
//
// - ServerTrust::provisional (RFC 8995 5.1): the server's certificate is accepted whatever
//   it is, and kept (server_certificates()) so the pledge can put it in
//   proximity-registrar-cert and, once the voucher arrives, check it against the pinned
//   domain certificate before it trusts anything it was told.
// - ServerTrust::anchors: the chain must verify to one of `trust` (no host name check by
//   default: BRSKI pins a domain certificate, not a name; RFC 8995 5.6.2). Ordinary web
//   fetches (MUD files, RFC 8520) turn on check_host_name: the server's certificate must
//   then also name the URL's host (RFC 6125 via OpenSSL's verifier: subjectAltName DNS or IP
//   entries, no partial wildcards).
//
// Hostile servers: max_body bounds an answer's body (a larger one is dropped as it arrives;
// 64 MiB when 0), heads are bounded as the server's are (net/http_message.h), every read
// waits at most read_timeout_ms, and total_timeout_ms bounds a whole request, retries
// included, however slowly the server trickles its answer (off by default).
//
// A 202 or 503 answer, and a connection that could not be made, are retried after
// Retry-After (seconds) or an exponential backoff with jitter, capped by max_retry_wait_ms,
// at most max_retries times; the last answer is returned.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::net {

enum class ServerTrust { provisional, anchors };

struct ClientOptions {
  std::string url;  // https://host:port (a path, if any, is ignored)
  ServerTrust trust_mode = ServerTrust::anchors;
  std::vector<const X509*> trust;       // for ServerTrust::anchors
  const X509* client_certificate = nullptr;  // optional: IDevID, LDevID, registrar cert
  std::vector<const X509*> client_chain;
  const EVP_PKEY* client_key = nullptr;
  int connect_timeout_ms = 5000;
  int read_timeout_ms = 30000;
  int max_retries = 5;
  int first_retry_wait_ms = 200;
  int max_retry_wait_ms = 5000;
  bool check_host_name = false;  // anchors mode only
  std::size_t max_body = 0;      // octets of an answer's body; 0: 64 MiB
  int total_timeout_ms = 0;      // one get()/post() including retries; 0: no bound
};

struct ClientResponse {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string retry_after;  // the header as sent, "" when absent
  std::string location;     // the Location header of a redirect, "" when absent
  int attempts = 1;         // 1 + retries made
};

class HttpsClient {
 public:
  // Copies the credentials (reference counted); connects lazily, keeps the connection alive.
  static Result<std::unique_ptr<HttpsClient>> create(const ClientOptions& options);
  virtual ~HttpsClient() = default;

  // A network-kind error when no HTTP answer arrived (refused, TLS failure, timeout, or the
  // server's chain not verifying in anchors mode); any HTTP status is a response.
  virtual Result<ClientResponse> get(const std::string& path, const std::string& accept) = 0;
  virtual Result<ClientResponse> post(const std::string& path, const std::string& content_type,
                                      const std::string& body, const std::string& accept) = 0;

  // The certificates the server presented in the last handshake, leaf first.
  virtual const std::vector<core::X509Ptr>& server_certificates() const = 0;

  // From now on, any new connection's server must chain to one of anchors (the pledge, once
  // its voucher pinned the domain: RFC 8995 5.6.2). The open connection, whose certificate
  // the caller has just validated against the same anchors, stays in use.
  virtual Status trust_only(const std::vector<const X509*>& anchors) = 0;
};

}  // namespace iotonb::net
