// The registrar as an HTTPS service (RFC 8995 5.3-5.9, RFC 7030 3.2.2 and 4): the BRSKI
// registrar (protocol::brski::Registrar), the EST server (protocol::est::EstServer) and the
// authorization service (store::RegistrarStore) behind one net::HttpsServer, plus the MASA
// client (net::HttpsClient, anchors mode with the configured MASA trust, the registrar
// certificate as TLS client certificate; a small pool of connections per MASA URL so
// concurrent pledges do not queue behind one connection).
//
// Routes:
//   POST /.well-known/brski/requestvoucher   IDevID client cert; voucher request -> voucher
//   POST /.well-known/brski/voucher_status   IDevID; JSON telemetry -> 200
//   POST /.well-known/brski/enrollstatus     IDevID or LDevID; JSON telemetry -> 200
//   GET  /.well-known/est/cacerts            no client cert; certs-only (domain CA + chain)
//   GET  /.well-known/est/csrattrs           CsrAttrs
//   POST /.well-known/est/simpleenroll       IDevID; base64 PKCS#10 -> certs-only LDevID
//   POST /.well-known/est/simplereenroll     LDevID; base64 PKCS#10 -> certs-only LDevID
//   GET  /.well-known/iotonb/network-profile LDevID, or IDevID of an enrolled device; application/json
//        {"network-id","authentication","segment","registrar"}; segment is the quarantine
//        segment for a device whose evidence was appraised as warning
// With attestation configured (protocol/brski/attestation.h):
//   POST /.well-known/brski/attestation-nonce  IDevID; -> {"nonce","expires-in"}
//   POST /.well-known/brski/attestation        IDevID; application/eat+cwt evidence -> appraisal
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "net/https_server.h"
#include "pki/issuing_ca.h"
#include "protocol/brski/attestation.h"
#include "protocol/brski/registrar.h"
#include "protocol/est/est_server.h"
#include "service/mud_policy.h"
#include "service/registrar_config.h"
#include "store/registrar_store.h"

namespace iotonb::service {

inline constexpr const char* kNetworkProfilePath = "/.well-known/iotonb/network-profile";

class RegistrarService {
 public:
  // Opens everything the configuration names (keys, certificates, the store) and sets up
  // the server; nothing is bound until start(). A tls certificate without id-kp-cmcRA, a
  // domain-ca that is not a CA, or a missing masa.trust is refused here.
  static Result<std::unique_ptr<RegistrarService>> create(const RegistrarConfig& config);

  ~RegistrarService();
  RegistrarService(const RegistrarService&) = delete;
  RegistrarService& operator=(const RegistrarService&) = delete;

  Status start();             // binds and serves on a background thread
  int port() const;           // known after start()
  std::string url() const;    // "https://ADDR:PORT"
  void stop();                // idempotent
  void wait();                // until stop()

  store::RegistrarStore& store() { return *store_; }
  protocol::brski::Registrar& registrar() { return *registrar_; }
  protocol::est::EstServer& est() { return *est_; }
  protocol::brski::Attestation* attestation() { return attestation_.get(); }
  MudEnforcement* mud() { return mud_.get(); }  // null when mud is not configured
  const X509* tls_certificate() const { return tls_.cert.get(); }
  const X509* domain_ca_certificate() const { return domain_ca_.cert.get(); }

  // The route handlers, callable without sockets (tests).
  net::Response request_voucher(const net::Request& request);
  net::Response voucher_status(const net::Request& request);
  net::Response enroll_status(const net::Request& request);
  net::Response cacerts(const net::Request& request);
  net::Response csrattrs(const net::Request& request);
  net::Response simpleenroll(const net::Request& request);
  net::Response simplereenroll(const net::Request& request);
  net::Response network_profile(const net::Request& request);
  net::Response attestation_nonce(const net::Request& request);
  net::Response attestation_evidence(const net::Request& request);

 private:
  class MasaPool;
  RegistrarService() = default;

  RegistrarConfig config_;
  OpenedIdentity tls_;
  pki::IssuingCa domain_ca_;
  std::vector<core::X509Ptr> manufacturer_trust_;
  std::vector<core::X509Ptr> masa_trust_;
  std::unique_ptr<store::RegistrarStore> store_;
  std::unique_ptr<MasaPool> masa_;
  std::unique_ptr<protocol::brski::Attestation> attestation_;  // null when not configured
  std::unique_ptr<MudEnforcement> mud_;                        // likewise
  std::unique_ptr<protocol::brski::Registrar> registrar_;
  std::unique_ptr<protocol::est::EstServer> est_;
  std::unique_ptr<net::HttpsServer> server_;
};

}  // namespace iotonb::service
