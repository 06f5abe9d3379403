// The MASA as an HTTPS service (RFC 8995 5.4-5.8): protocol::brski::Masa behind
// net::HttpsServer, on POST /.well-known/brski/requestvoucher and
// POST /.well-known/brski/requestauditlog. The registrar's TLS client certificate, when it
// sends one, is handed to the MASA logic (which checks it belongs to the owner's domain);
// a wrong media type is 415, a malformed body 400, and every refusal a text/plain message.
#pragma once

#include <memory>
#include <string>

#include "net/https_server.h"
#include "protocol/brski/masa.h"
#include "service/masa_config.h"
#include "store/masa_store.h"

namespace iotonb::service {

inline constexpr const char* kRequestVoucherPath = "/.well-known/brski/requestvoucher";
inline constexpr const char* kRequestAuditLogPath = "/.well-known/brski/requestauditlog";

class MasaService {
 public:
  // Opens everything the configuration names (keys, certificates, the store) and sets up
  // the server; nothing is bound until start().
  static Result<std::unique_ptr<MasaService>> create(const MasaConfig& config);

  ~MasaService();
  MasaService(const MasaService&) = delete;
  MasaService& operator=(const MasaService&) = delete;

  Status start();                // binds and serves on a background thread
  int port() const;              // known after start()
  std::string url() const;       // "https://ADDR:PORT"
  void stop();                   // idempotent
  void wait();                   // until stop()

  store::MasaStore& store() { return *store_; }
  const protocol::brski::Masa& masa() const { return *masa_; }

  // The route handlers, callable without sockets (tests).
  net::Response request_voucher(const net::Request& request) const;
  net::Response request_audit_log(const net::Request& request) const;

 private:
  MasaService() = default;

  MasaConfig config_;
  OpenedIdentity tls_;
  OpenedIdentity signer_;
  std::vector<core::X509Ptr> manufacturer_trust_;
  std::unique_ptr<store::MasaStore> store_;
  std::unique_ptr<protocol::brski::Masa> masa_;
  std::unique_ptr<net::HttpsServer> server_;
};

}  // namespace iotonb::service
