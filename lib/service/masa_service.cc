// The MASA's HTTPS routes (RFC 8995 5.5, 5.8.1); see masa_service.h.
#include "service/masa_service.h"

#include "core/time.h"
#include "pki/certificate.h"

namespace iotonb::service {
namespace {

std::vector<const X509*> raw(const std::vector<core::X509Ptr>& certs) {
  std::vector<const X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

net::Response to_response(protocol::brski::MasaReply reply) {
  if (!reply.ok()) return net::error_response(reply.status, std::move(reply.body));
  net::Response r;
  r.status = reply.status;
  r.content_type = std::move(reply.content_type);
  r.body = std::move(reply.body);
  return r;
}

}  // namespace

Result<std::unique_ptr<MasaService>> MasaService::create(const MasaConfig& config) {
  std::unique_ptr<MasaService> s(new MasaService());
  s->config_ = config;
  IOTONB_ASSIGN_OR_RETURN(s->tls_, open_identity(config.tls, "tls"));
  IOTONB_ASSIGN_OR_RETURN(s->signer_, open_identity(config.voucher_signer, "voucher-signer"));
  if (config.manufacturer_trust.empty()) return usage_error("manufacturer-trust: no CA certificate given");
  for (const auto& f : config.manufacturer_trust) {
    auto certs = pki::read_certificates(f);
    if (!certs) return certs.error().context("manufacturer-trust");
    for (auto& c : *certs) s->manufacturer_trust_.push_back(std::move(c));
  }
  {
    auto store = store::MasaStore::open(config.store);
    if (!store) return store.error().context("store");
    s->store_ = std::move(store).value();
  }
  protocol::brski::MasaSettings settings;
  settings.signer = s->signer_.signer.get();
  settings.signer_cert = s->signer_.cert.get();
  settings.signer_chain = s->signer_.chain_view();
  settings.manufacturer_trust = raw(s->manufacturer_trust_);
  settings.forms = config.forms;
  settings.nonceless_validity = config.nonceless_validity;
  settings.audit_log_limit = config.audit_log_limit;
  s->masa_ = std::make_unique<protocol::brski::Masa>(std::move(settings), *s->store_);

  net::TlsCredentials tls;
  tls.certificate = s->tls_.cert.get();
  tls.chain = s->tls_.chain_view();
  tls.key = s->tls_.signer->key();
  net::ServerOptions options;
  options.address = config.address;
  options.port = config.port;
  options.max_body = config.max_body;
  options.read_timeout_ms = config.read_timeout_ms;
  options.write_timeout_ms = config.read_timeout_ms;
  options.threads = config.threads;
  IOTONB_ASSIGN_OR_RETURN(s->server_, net::HttpsServer::create(tls, options));
  MasaService* self = s.get();
  s->server_->route("POST", kRequestVoucherPath, [self](const net::Request& r) { return self->request_voucher(r); });
  s->server_->route("POST", kRequestAuditLogPath, [self](const net::Request& r) { return self->request_audit_log(r); });
  return s;
}

MasaService::~MasaService() {
  if (server_) server_->stop();
}

Status MasaService::start() { return server_->start(); }
int MasaService::port() const { return server_->port(); }
void MasaService::stop() { server_->stop(); }
void MasaService::wait() { server_->wait(); }

std::string MasaService::url() const {
  const bool v6 = config_.address.find(':') != std::string::npos;
  return "https://" + (v6 ? "[" + config_.address + "]" : config_.address) + ":" + std::to_string(port());
}

net::Response MasaService::request_voucher(const net::Request& request) const {
  return to_response(masa_->request_voucher(as_bytes(request.body), request.content_type,
                                            raw(request.peer_certificates), core::now()));
}

net::Response MasaService::request_audit_log(const net::Request& request) const {
  return to_response(masa_->request_audit_log(as_bytes(request.body), request.content_type,
                                              raw(request.peer_certificates), core::now()));
}

}  // namespace iotonb::service
