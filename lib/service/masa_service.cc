// The MASA's HTTPS routes (RFC 8995 5.5, 5.8.1); see masa_service.h.
#include "service/masa_service.h"

#include "core/time.h"
#include "service/service_server.h"

namespace iotonb::service {
namespace {

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
  IOTONB_ASSIGN_OR_RETURN(s->manufacturer_trust_, read_certificate_files(config.manufacturer_trust, "manufacturer-trust"));
  {
    auto store = store::MasaStore::open(config.store);
    if (!store) return store.error().context("store");
    s->store_ = std::move(store).value();
  }
  protocol::brski::MasaSettings settings;
  settings.signer = s->signer_.signer.get();
  settings.signer_cert = s->signer_.cert.get();
  settings.signer_chain = s->signer_.chain_view();
  settings.manufacturer_trust = certificate_views(s->manufacturer_trust_);
  settings.forms = config.forms;
  settings.nonceless_validity = config.nonceless_validity;
  settings.audit_log_limit = config.audit_log_limit;
  s->masa_ = std::make_unique<protocol::brski::Masa>(std::move(settings), *s->store_);

  IOTONB_ASSIGN_OR_RETURN(s->server_, create_server(s->tls_, config.server));
  add_route(*s->server_, "POST", kRequestVoucherPath, s.get(), &MasaService::request_voucher);
  add_route(*s->server_, "POST", kRequestAuditLogPath, s.get(), &MasaService::request_audit_log);
  return s;
}

MasaService::~MasaService() {
  if (server_) server_->stop();
}

Status MasaService::start() { return server_->start(); }
int MasaService::port() const { return server_->port(); }
void MasaService::stop() { server_->stop(); }
void MasaService::wait() { server_->wait(); }

std::string MasaService::url() const { return https_url(config_.server.address, port()); }

net::Response MasaService::request_voucher(const net::Request& request) const {
  return to_response(masa_->request_voucher(as_bytes(request.body), request.content_type,
                                            certificate_views(request.peer_certificates), core::now()));
}

net::Response MasaService::request_audit_log(const net::Request& request) const {
  return to_response(masa_->request_audit_log(as_bytes(request.body), request.content_type,
                                              certificate_views(request.peer_certificates), core::now()));
}

}  // namespace iotonb::service
