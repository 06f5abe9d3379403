#include "net/tls_context.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

namespace iotonb::net {
namespace {

bool use_credentials(SSL_CTX& ctx, const X509* certificate, const std::vector<const X509*>& chain, const EVP_PKEY* key) {
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
  auto* capture = static_cast<ServerCertificateCapture*>(SSL_CTX_get_app_data(SSL_get_SSL_CTX(ssl)));
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
  if (!use_credentials(ctx, tls.certificate, tls.chain, tls.key)) return false;
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, accept_any_client);
  return true;
}

bool configure_client_context(SSL_CTX& ctx, const X509* certificate, const std::vector<const X509*>& chain,
                              const EVP_PKEY* key, const std::vector<const X509*>& anchors,
                              ServerCertificateCapture* capture) {
  SSL_CTX_set_min_proto_version(&ctx, TLS1_2_VERSION);
  SSL_CTX_set_options(&ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  if (!use_credentials(ctx, certificate, chain, key)) return false;
  if (!set_anchors(ctx, anchors)) return false;
  SSL_CTX_set_app_data(&ctx, capture);
  SSL_CTX_set_verify(&ctx, SSL_VERIFY_PEER, record_server_chain);
  return true;
}

bool set_anchors(SSL_CTX& ctx, const std::vector<const X509*>& anchors) {
  X509_STORE* store = X509_STORE_new();
  if (store == nullptr) return false;
  for (const X509* anchor : anchors) X509_STORE_add_cert(store, const_cast<X509*>(anchor));
  // A pinned domain certificate may be the registrar's own end-entity certificate (RFC 8995
  // 5.6.2 allows pinning either); partial-chain lets a non-self-signed anchor end the chain.
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  SSL_CTX_set_cert_store(&ctx, store);  // takes ownership, frees the previous store
  return true;
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
