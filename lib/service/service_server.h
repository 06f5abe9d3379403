// What the MASA and registrar services (masa_service.h, registrar_service.h) share around
// their net::HttpsServer: the server made from the configured TLS identity, listen address
// and limits; routes bound to a service's member functions; the URL it is reached at; and the
// trust-anchor files of the configuration read into certificates.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/ossl.h"
#include "core/result.h"
#include "net/https_server.h"
#include "service/service_config.h"

namespace iotonb::service {

// Not bound until HttpsServer::start(). limits.read-timeout-ms is also the write timeout.
Result<std::unique_ptr<net::HttpsServer>> create_server(const OpenedIdentity& tls, const ServerConfig& config);

// Routes METHOD PATH to (self->*handler)(request); self must outlive the server's serving.
template <class Service, class Member>
void add_route(net::HttpsServer& server, const char* method, const char* path, Service* self, Member handler) {
  server.route(method, path, [self, handler](const net::Request& r) { return (self->*handler)(r); });
}

// "https://ADDR:PORT", an IPv6 literal in brackets.
std::string https_url(const std::string& address, int port);

// Borrowed pointers, as the protocol layer takes certificates.
std::vector<const X509*> certificate_views(const std::vector<core::X509Ptr>& certs);

// The certificates of every file (PEM bundles or DER); `what` names the key in errors.
Result<std::vector<core::X509Ptr>> read_certificate_files(const std::vector<std::string>& files, const std::string& what);

}  // namespace iotonb::service
