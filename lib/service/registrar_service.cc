// The registrar's HTTPS routes and its MASA client pool; see registrar_service.h.
#include "service/registrar_service.h"

#include <map>
#include <mutex>

#include <nlohmann/json.hpp>

#include "artifact/eat/policy.h"
#include "artifact/voucher_inputs.h"
#include "core/files.h"
#include "core/url.h"
#include "net/https_client.h"
#include "pki/certificate.h"
#include "pki/oids.h"
#include "pki/verify.h"
#include "protocol/brski/authorization.h"
#include "service/service_server.h"

namespace iotonb::service {
namespace {

net::Response to_response(protocol::Answer answer) {
  net::Response r;
  r.status = answer.status;
  r.content_type = std::move(answer.content_type);
  r.body = std::move(answer.body);
  r.headers = std::move(answer.headers);
  return r;
}

// "https://host:port/.well-known/brski" -> {"https://host:port", "/.well-known/brski"}: the
// connection's origin, and the path the protocol's own paths are appended to.
Result<std::pair<std::string, std::string>> split_uri(const std::string& uri) {
  auto url = core::parse_https_url(uri);
  if (!url) return input_error("MASA " + url.error().message);
  std::string path = url->target;
  while (!path.empty() && path.back() == '/') path.pop_back();
  return std::make_pair(url->origin(), path);
}

}  // namespace

// One HttpsClient holds one connection and is not safe for concurrent requests: keep idle
// clients per MASA base URL and lend one to each request (a new one when none is idle).
class RegistrarService::MasaPool : public protocol::brski::MasaConnector {
 public:
  MasaPool(std::vector<const X509*> trust, const X509* cert, std::vector<const X509*> chain, const EVP_PKEY* key)
      : trust_(std::move(trust)), cert_(cert), chain_(std::move(chain)), key_(key) {}

  Result<protocol::brski::MasaAnswer> post(const std::string& masa_uri, const std::string& path, const std::string& content_type,
                                           const std::string& body, const std::string& accept) override {
    IOTONB_ASSIGN_OR_RETURN(auto parts, split_uri(masa_uri));
    IOTONB_ASSIGN_OR_RETURN(auto client, acquire(parts.first));
    auto answer = client->post(parts.second + path, content_type, body, accept);
    if (!answer) return std::move(answer).error();  // the client is dropped with its connection
    release(parts.first, std::move(client));
    return protocol::brski::MasaAnswer{answer->status, answer->content_type, answer->body, answer->retry_after};
  }

 private:
  Result<std::unique_ptr<net::HttpsClient>> acquire(const std::string& base) {
    {
      std::lock_guard lock(mutex_);
      auto& idle = idle_[base];
      if (!idle.empty()) {
        auto c = std::move(idle.back());
        idle.pop_back();
        return c;
      }
    }
    net::ClientOptions o;
    o.url = base;
    o.trust_mode = net::ServerTrust::anchors;
    o.trust = trust_;
    o.client_certificate = cert_;
    o.client_chain = chain_;
    o.client_key = key_;
    o.max_retries = 2;
    o.max_retry_wait_ms = 2000;
    return net::HttpsClient::create(o);
  }

  void release(const std::string& base, std::unique_ptr<net::HttpsClient> client) {
    std::lock_guard lock(mutex_);
    auto& idle = idle_[base];
    if (idle.size() < kMaxIdle) idle.push_back(std::move(client));
  }

  static constexpr std::size_t kMaxIdle = 32;
  std::vector<const X509*> trust_;
  const X509* cert_;
  std::vector<const X509*> chain_;
  const EVP_PKEY* key_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::unique_ptr<net::HttpsClient>>> idle_;
};

Result<std::unique_ptr<RegistrarService>> RegistrarService::create(const RegistrarConfig& config) {
  std::unique_ptr<RegistrarService> s(new RegistrarService());
  s->config_ = config;
  IOTONB_ASSIGN_OR_RETURN(s->tls_, open_identity(config.tls, "tls"));
  if (!pki::has_extended_key_usage(s->tls_.cert.get(), pki::oid::kCmcRa)) {
    return usage_error("tls: " + config.tls.cert +
                       " lacks id-kp-cmcRA (RFC 8995 5.5); make it with `iotonb ca create --profile registrar`");
  }
  {
    IOTONB_ASSIGN_OR_RETURN(OpenedIdentity ca, open_identity(config.domain_ca, "domain-ca"));
    if (X509_check_ca(ca.cert.get()) == 0) return usage_error("domain-ca: " + config.domain_ca.cert + " is not a CA certificate");
    s->domain_ca_.cert = std::move(ca.cert);
    s->domain_ca_.signer = std::move(ca.signer);
    s->domain_ca_.chain = std::move(ca.chain);
  }
  if (config.manufacturer_trust.empty()) return usage_error("manufacturer-trust: no CA certificate given");
  IOTONB_ASSIGN_OR_RETURN(s->manufacturer_trust_, read_certificate_files(config.manufacturer_trust, "manufacturer-trust"));
  if (config.masa_trust.empty()) return usage_error("masa.trust is missing: the CA certificate(s) the MASA's TLS server chains to");
  IOTONB_ASSIGN_OR_RETURN(s->masa_trust_, read_certificate_files(config.masa_trust, "masa.trust"));
  {
    auto store = store::RegistrarStore::open(config.store);
    if (!store) return store.error().context("store");
    s->store_ = std::move(store).value();
  }
  s->masa_ = std::make_unique<MasaPool>(certificate_views(s->masa_trust_), s->tls_.cert.get(), s->tls_.chain_view(),
                                        s->tls_.signer->key());

  if (!config.attestation.policy.empty()) {
    protocol::brski::AttestationSettings as;
    IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(config.attestation.policy, artifact::eat::kMaxPolicyFileSize));
    auto policy = artifact::eat::read_policy(as_chars(text));
    if (!policy) return policy.error().context("attestation.policy: " + config.attestation.policy);
    as.policy = std::move(policy).value();
    as.required = config.attestation.required;
    as.lifetime = config.attestation.lifetime;
    as.manufacturer_trust = certificate_views(s->manufacturer_trust_);
    s->attestation_ = std::make_unique<protocol::brski::Attestation>(std::move(as), *s->store_);
  }

  if (!config.mud.trust.empty()) {
    IOTONB_ASSIGN_OR_RETURN(s->mud_, MudEnforcement::create(config.mud, config.network, *s->store_));
  }

  protocol::brski::RegistrarSettings rs;
  rs.tls_certificate = s->tls_.cert.get();
  rs.tls_chain = s->tls_.chain_view();
  rs.signer = s->tls_.signer.get();
  rs.manufacturer_trust = certificate_views(s->manufacturer_trust_);
  rs.masa_url = config.masa_url;
  rs.attestation = s->attestation_.get();
  s->registrar_ = std::make_unique<protocol::brski::Registrar>(std::move(rs), *s->store_, *s->masa_);

  protocol::est::EstSettings es;
  es.domain_ca = &s->domain_ca_;
  es.manufacturer_trust = certificate_views(s->manufacturer_trust_);
  es.ldevid_validity = config.ldevid_validity;
  s->est_ = std::make_unique<protocol::est::EstServer>(std::move(es), *s->store_);

  IOTONB_ASSIGN_OR_RETURN(s->server_, create_server(s->tls_, config.server));
  auto add = [&](const char* method, const char* path, net::Response (RegistrarService::*handler)(const net::Request&)) {
    add_route(*s->server_, method, path, s.get(), handler);
  };
  add("POST", protocol::brski::kRequestVoucherPath, &RegistrarService::request_voucher);
  add("POST", protocol::brski::kVoucherStatusPath, &RegistrarService::voucher_status);
  add("POST", protocol::brski::kEnrollStatusPath, &RegistrarService::enroll_status);
  add("GET", protocol::est::kCacertsPath, &RegistrarService::cacerts);
  add("GET", protocol::est::kCsrAttrsPath, &RegistrarService::csrattrs);
  add("POST", protocol::est::kSimpleEnrollPath, &RegistrarService::simpleenroll);
  add("POST", protocol::est::kSimpleReenrollPath, &RegistrarService::simplereenroll);
  add("GET", kNetworkProfilePath, &RegistrarService::network_profile);
  if (s->attestation_) {
    add("POST", protocol::brski::kAttestationNoncePath, &RegistrarService::attestation_nonce);
    add("POST", protocol::brski::kAttestationPath, &RegistrarService::attestation_evidence);
  }
  return s;
}

RegistrarService::~RegistrarService() {
  if (server_) server_->stop();
}

Status RegistrarService::start() { return server_->start(); }
int RegistrarService::port() const { return server_->port(); }
void RegistrarService::stop() { server_->stop(); }
void RegistrarService::wait() { server_->wait(); }

std::string RegistrarService::url() const { return https_url(config_.server.address, port()); }

namespace {

protocol::brski::BrskiRequest brski_request(const net::Request& r) {
  protocol::brski::BrskiRequest b;
  b.content_type = r.content_type;
  b.accept = r.header("Accept");
  b.body = r.body;
  b.peer_certificates = certificate_views(r.peer_certificates);
  return b;
}

protocol::est::EstRequest est_request(const net::Request& r) {
  protocol::est::EstRequest e;
  e.content_type = r.content_type;
  e.body = r.body;
  e.peer_certificates = certificate_views(r.peer_certificates);
  return e;
}

}  // namespace

net::Response RegistrarService::request_voucher(const net::Request& r) { return to_response(registrar_->request_voucher(brski_request(r))); }
net::Response RegistrarService::voucher_status(const net::Request& r) { return to_response(registrar_->voucher_status(brski_request(r))); }
net::Response RegistrarService::enroll_status(const net::Request& r) {
  return to_response(registrar_->enroll_status(brski_request(r), est_->domain_trust()));
}
net::Response RegistrarService::attestation_nonce(const net::Request& r) { return to_response(attestation_->nonce(brski_request(r))); }
net::Response RegistrarService::attestation_evidence(const net::Request& r) {
  return to_response(attestation_->evidence(brski_request(r)));
}
net::Response RegistrarService::cacerts(const net::Request&) { return to_response(est_->cacerts()); }
net::Response RegistrarService::csrattrs(const net::Request&) { return to_response(est_->csrattrs()); }
net::Response RegistrarService::simpleenroll(const net::Request& r) {
  net::Response response = to_response(est_->simpleenroll(est_request(r)));
  if (response.status != 200 || !mud_) return response;
  // The pledge enrolled with its IDevID (simpleenroll authorized it): apply its MUD policy.
  const X509* idevid = r.peer_certificates.front().get();
  auto serial = artifact::idevid_serial_number(idevid);
  auto applied = mud_->device_enrolled(serial.value_or(""), idevid, r.remote_address);
  if (!applied) return net::error_response(500, "the registrar could not apply the device's MUD policy: " + applied.error().message);
  return response;
}
net::Response RegistrarService::simplereenroll(const net::Request& r) { return to_response(est_->simplereenroll(est_request(r))); }

net::Response RegistrarService::network_profile(const net::Request& r) {
  std::string accept = r.header("Accept");
  if (!protocol::accepts(accept, "application/json"))
    return net::error_response(406, "Accept \"" + accept + "\" does not allow application/json");
  // An enrolled device asks with its LDevID, or with its IDevID on the connection it has
  // just enrolled over (so a session needs one handshake, not two).
  const core::UnixTime now = core::now();
  auto peers = certificate_views(r.peer_certificates);
  const std::vector<const X509*> domain = est_->domain_trust();
  // Which credential it is decides which check applies: LDevIDs are issued by a domain CA.
  const bool presents_ldevid = !peers.empty() && std::any_of(domain.begin(), domain.end(), [&](const X509* ca) {
    return X509_NAME_cmp(X509_get_issuer_name(peers.front()), X509_get_subject_name(ca)) == 0;
  });
  protocol::brski::AuthorizedPeer peer;
  std::optional<protocol::Answer> refusal;
  if (presents_ldevid || peers.empty()) {
    refusal = protocol::brski::authorize_ldevid(peers, domain, *store_, now, peer);
  } else if (refusal = protocol::brski::authorize_idevid(peers, certificate_views(manufacturer_trust_), *store_, now, true, peer);
             !refusal) {
    auto device = store_->device(peer.serial);
    if (!device || !*device || (*device)->status != store::DeviceStatus::enrolled) {
      refusal = protocol::Answer::refuse(403, "device " + peer.serial + " is not enrolled: the network profile is for "
                                              "enrolled devices (after simpleenroll)");
    }
  }
  if (refusal) return to_response(std::move(*refusal));
  nlohmann::ordered_json j;
  j["network-id"] = config_.network.network_id;
  j["authentication"] = config_.network.authentication;
  const bool quarantined = (attestation_ && attestation_->verdict(peer.serial) == artifact::eat::Verdict::warning) ||
                           (mud_ && mud_->quarantined(peer.serial));
  j["segment"] = quarantined ? config_.network.quarantine_segment : config_.network.segment;
  j["registrar"] = url();
  net::Response out;
  out.content_type = "application/json";
  out.body = j.dump() + "\n";
  return out;
}

}  // namespace iotonb::service
