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
// through the SSL_CTX's app data.
struct ServerCertificateCapture {
  std::mutex mutex;
  std::vector<core::X509Ptr> certificates;
  std::string failure;     // empty when the last verification passed
  bool provisional = true; // accept any certificate (true) or require the store's anchors
};

// Client: our credentials (optional), TLS floor, and a verify callback that records the
// server's certificates into capture (which must outlive ctx) and, unless provisional,
// requires a chain to the anchors.
bool configure_client_context(SSL_CTX& ctx, const X509* certificate, const std::vector<const X509*>& chain,
                              const EVP_PKEY* key, const std::vector<const X509*>& anchors,
                              ServerCertificateCapture* capture);

// Replaces ctx's trust store with one holding anchors (partial chains allowed).
bool set_anchors(SSL_CTX& ctx, const std::vector<const X509*>& anchors);

// OpenSSL's error queue as text (and cleared), for messages.
std::string last_tls_error();

}  // namespace iotonb::net
