#include "net/tls_context.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>

namespace iotonb::net {
namespace {

bool use_server_credentials(SSL_CTX& ctx, const X509* certificate, const std::vector<const X509*>& chain, const EVP_PKEY* key) {
  if (certificate == nullptr) return true;
  // OpenSSL's setters take non-const pointers but only add a reference.
  if (SSL_CTX_use_certificate(&ctx, const_cast<X509*>(certificate)) != 1) return false;
  if (SSL_CTX_use_PrivateKey(&ctx, const_cast<EVP_PKEY*>(key)) != 1) return false;
  for (const X509* c : chain) {
    if (SSL_CTX_add1_chain_cert(&ctx, const_cast<X509*>(c)) != 1) return false;
  }
  return SSL_CTX_check_private_key(&ctx) == 1;
}

int accept_any_client(int /*preverify_ok*/, X509_STORE_CTX* /*store_ctx*/) { return 1; }

int record_server_chain(int preverify_ok, X509_STORE_CTX* store_ctx) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store_ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* capture = static_cast<ServerCertificateCapture*>(SSL_get_app_data(ssl));
  if (capture == nullptr) return preverify_ok;
  std::lock_guard lock(capture->mutex);
  // The callback runs once per chain position, from the top down, and for the leaf (depth 0)
  // last; the certificates as sent are the same at every call, so they are taken at depth 0,
  // and the first failure is remembered.
  if (!preverify_ok && capture->failure.empty()) {
    int error = X509_STORE_CTX_get_error(store_ctx);
    capture->failure = X509_verify_cert_error_string(error);
  }
  if (X509_STORE_CTX_get_error_depth(store_ctx) == 0) {
    capture->certificates.clear();
    X509* leaf = X509_STORE_CTX_get0_cert(store_ctx);
    X509_up_ref(leaf);
    capture->certificates.emplace_back(leaf);
    if (STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store_ctx)) {
      for (int i = 0; i < sk_X509_num(sent); ++i) {
        X509* c = sk_X509_value(sent, i);
        if (X509_cmp(c, leaf) == 0) continue;
        X509_up_ref(c);
        capture->certificates.emplace_back(c);
      }
    }
  }
  return capture->provisional ? 1 : preverify_ok;
}

}  // namespace

bool configure_server_context(SSL_CTX& ctx, const TlsCredentials& tls) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (!use_server_credentials(ctx, tls.certificate, tls.chain, tls.key)) return false;
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, accept_any_client);
  return true;
}

SSL_CTX* shared_client_context() {
  static SSL_CTX* const ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    if (c != nullptr) {
      SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION);
      SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    }
    return c;
  }();
  return ctx;
}

core::X509StorePtr make_trust_store(const std::vector<const X509*>& anchors) {
  core::X509StorePtr store(X509_STORE_new());
  if (!store) return store;
  for (const X509* anchor : anchors) X509_STORE_add_cert(store.get(), const_cast<X509*>(anchor));
  // A pinned domain certificate may be the registrar's own end-entity certificate (RFC 8995
  // 5.6.2 allows pinning either); partial-chain lets a non-self-signed anchor end the chain.
  X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
  return store;
}

bool configure_client_ssl(SSL& ssl, const X509* certificate, const std::vector<const X509*>& chain, const EVP_PKEY* key,
                          X509_STORE* trust, ServerCertificateCapture* capture, const std::string& host, bool check_name) {
  // OpenSSL's setters take non-const pointers but only add a reference.
  if (certificate != nullptr) {
    if (SSL_use_certificate(&ssl, const_cast<X509*>(certificate)) != 1) return false;
    if (SSL_use_PrivateKey(&ssl, const_cast<EVP_PKEY*>(key)) != 1) return false;
    for (const X509* c : chain)
      if (SSL_add1_chain_cert(&ssl, const_cast<X509*>(c)) != 1) return false;
  }
  if (trust != nullptr && SSL_set1_verify_cert_store(&ssl, trust) != 1) return false;
  SSL_set_app_data(&ssl, capture);
  SSL_set_verify(&ssl, SSL_VERIFY_PEER, record_server_chain);
  in_addr v4{};
  in6_addr v6{};
  const bool is_ip = inet_pton(AF_INET, host.c_str(), &v4) == 1 || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
  // Server name indication is for DNS names only (RFC 6066 3).
  if (!is_ip && !host.empty() && SSL_set_tlsext_host_name(&ssl, host.c_str()) != 1) return false;
  if (!check_name) return true;
  // The verifier checks the name with the chain, so a mismatch fails the handshake like an
  // untrusted chain and is reported by the same callback ("hostname mismatch").
  X509_VERIFY_PARAM* param = SSL_get0_param(&ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (is_ip) return X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1;
  return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
}

std::string last_tls_error() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    if (!text.empty()) text += "; ";
    text += buffer;
  }
  return text.empty() ? "no detail from OpenSSL" : text;
}

}  // namespace iotonb::net
