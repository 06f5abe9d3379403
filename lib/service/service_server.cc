// The HTTPS server setup the MASA and registrar services share; see service_server.h.
#include "service/service_server.h"

#include "pki/certificate.h"

namespace iotonb::service {

Result<std::unique_ptr<net::HttpsServer>> create_server(const OpenedIdentity& tls, const ServerConfig& config) {
  net::TlsCredentials credentials;
  credentials.certificate = tls.cert.get();
  credentials.chain = tls.chain_view();
  credentials.key = tls.signer->key();
  net::ServerOptions options;
  options.address = config.address;
  options.port = config.port;
  options.max_body = config.max_body;
  options.read_timeout_ms = config.read_timeout_ms;
  options.write_timeout_ms = config.read_timeout_ms;
  options.threads = config.threads;
  return net::HttpsServer::create(credentials, options);
}

std::string https_url(const std::string& address, int port) {
  const bool v6 = address.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

std::vector<const X509*> certificate_views(const std::vector<core::X509Ptr>& certs) {
  std::vector<const X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

Result<std::vector<core::X509Ptr>> read_certificate_files(const std::vector<std::string>& files, const std::string& what) {
  std::vector<core::X509Ptr> out;
  for (const auto& f : files) {
    auto certs = pki::read_certificates(f);
    if (!certs) return certs.error().context(what);
    for (auto& c : *certs) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace iotonb::service
