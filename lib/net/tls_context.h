// TLS settings shared by iotonb's HTTPS server and client: protocol floor (TLS 1.2, RFC 8995
// 5.1 and RFC 7030 3.3.1 need at least it; 1.3 is negotiated when both sides have it), our
// certificate, chain and key, and the peer-certificate policies each side needs.
#pragma once

#include <openssl/ssl.h>

#include <mutex>
#include <string>
#include <vector>

#include "core/ossl.h"
#include "net/https_server.h"

namespace iotonb::net {

// Server: our credentials; a client certificate is requested and accepted whatever it is
// (handlers judge it, see https_server.h).
bool configure_server_context(SSL_CTX& ctx, const TlsCredentials& tls);

// What a client saw of the server during its handshakes: the certificates the server sent,
// leaf first, and why verification failed when it did. Shared with OpenSSL's verify callback
// through the SSL's app data.
struct ServerCertificateCapture {
  std::mutex mutex;
  std::vector<core::X509Ptr> certificates;
  std::string failure;     // empty when the last verification passed
  bool provisional = true; // accept any certificate (true) or require the store's anchors
};

// The SSL_CTX every client connection is made from: TLS floor and options only, made once per
// process (an SSL_CTX costs more to make than a handshake's share of most work here).
// Credentials and server trust are set on each connection (configure_client_ssl).
SSL_CTX* shared_client_context();

// A trust store holding anchors (partial chains allowed); null when out of memory.
core::X509StorePtr make_trust_store(const std::vector<const X509*>& anchors);

// One client connection: our credentials (optional), server name indication for a DNS name,
// and a verify callback that records the server's certificates into capture (which must
// outlive ssl) and, unless provisional, requires a chain to trust; with check_name, the
// server's certificate must also name `host` (an IP address or a DNS name).
bool configure_client_ssl(SSL& ssl, const X509* certificate, const std::vector<const X509*>& chain, const EVP_PKEY* key,
                          X509_STORE* trust, ServerCertificateCapture* capture, const std::string& host, bool check_name);

// OpenSSL's error queue as text (and cleared), for messages.
std::string last_tls_error();

}  // namespace iotonb::net
