#include "protocol/brski/registrar.h"

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "core/json.h"
#include "pki/certificate.h"
#include "pki/extensions.h"
#include "pki/key.h"
#include "pki/parse_cache.h"
#include "protocol/brski/attestation.h"
#include "protocol/brski/authorization.h"

namespace iotonb::protocol::brski {
namespace {

// The voucher forms a registrar takes from a pledge, by Content-Type (STANDARDS.md: the
// obsolete CMS names and the older COSE name are accepted, never emitted).
std::optional<artifact::VoucherForm> form_of(std::string_view content_type) {
  if (media_type_is(content_type, "application/voucher-cms+json") || media_type_is(content_type, "application/voucher+cms"))
    return artifact::VoucherForm::cms;
  if (media_type_is(content_type, "application/pkcs7-mime") &&
      media_type_parameter(content_type, "smime-type") == "voucher-request")
    return artifact::VoucherForm::cms;
  if (media_type_is(content_type, "application/voucher+cose") || media_type_is(content_type, "application/voucher-cose+cbor"))
    return artifact::VoucherForm::cose;
  return std::nullopt;
}

bool accepts_form(std::string_view accept, artifact::VoucherForm form) {
  if (accepts(accept, artifact::media_type(form))) return true;
  if (form == artifact::VoucherForm::cose) return accepts(accept, "application/voucher-cose+cbor");
  return accepts(accept, "application/voucher+cms");
}

const artifact::Check* find_check(const artifact::VoucherVerification& v, std::string_view name) {
  for (const auto& c : v.checks)
    if (c.name == name) return &c;
  return nullptr;
}

bool failed(const artifact::VoucherVerification& v, std::string_view name) {
  const auto* c = find_check(v, name);
  return c != nullptr && c->result == artifact::CheckResult::fail;
}

std::string detail(const artifact::VoucherVerification& v, std::string_view name) {
  const auto* c = find_check(v, name);
  return c ? c->detail : std::string();
}

// Does the request name this registrar as the one it is talking to (RFC 8995 5.2; RFC
// 8366bis adds the public-key forms)?
std::optional<std::string> proximity_mismatch(const artifact::Voucher& v, const X509* own, ByteView own_der) {
  if (auto cert = v.binary("proximity-registrar-cert")) {
    if (*cert == Bytes(own_der.begin(), own_der.end())) return std::nullopt;
    return "proximity-registrar-cert is not this registrar's TLS certificate";
  }
  Bytes spki = artifact::subject_public_key_info(own);
  if (auto pubk = v.binary("proximity-registrar-pubk")) {
    if (*pubk == spki) return std::nullopt;
    return "proximity-registrar-pubk is not this registrar's public key";
  }
  if (auto hash = v.binary("proximity-registrar-pubk-sha256")) {
    if (*hash == artifact::sha256(spki)) return std::nullopt;
    return "proximity-registrar-pubk-sha256 is not the hash of this registrar's public key";
  }
  return "the pledge voucher request has no proximity-registrar-cert";
}

}  // namespace

Result<std::string> masa_uri_for(const X509* idevid, const std::string& override_url) {
  if (!override_url.empty()) return override_url;
  auto ext = pki::read_masa_url(idevid);
  if (!ext || ext->value.empty()) return input_error("the IDevID has no MASA URL extension and no MASA URL is configured");
  return pki::masa_url_to_uri(ext->value);
}

Result<StatusTelemetry> parse_status_telemetry(std::string_view body, std::size_t max_size) {
  if (body.size() > max_size) return input_error("status body larger than " + std::to_string(max_size) + " octets");
  core::JsonLimits limits;
  limits.max_size = max_size;
  limits.max_depth = 8;
  IOTONB_ASSIGN_OR_RETURN(nlohmann::json j, core::parse_json(body, limits));
  if (!j.is_object()) return input_error("status: not a JSON object");
  auto version = j.find("version");
  if (version == j.end()) return input_error("status: \"version\" is missing");
  bool version_ok = (version->is_string() && version->get<std::string>() == "1") ||
                    (version->is_number_unsigned() && version->get<std::uint64_t>() == 1);
  if (!version_ok) return input_error("status: \"version\" must be \"1\"");
  auto status = j.find("status");
  if (status == j.end()) return input_error("status: \"status\" is missing");
  if (!status->is_boolean()) return input_error("status: \"status\" must be true or false");
  StatusTelemetry out;
  out.status = status->get<bool>();
  if (auto reason = j.find("reason"); reason != j.end()) {
    if (!reason->is_string()) return input_error("status: \"reason\" must be a string");
    out.reason = reason->get<std::string>();
  }
  if (auto ctx = j.find("reason-context"); ctx != j.end() && !ctx->is_object())
    return input_error("status: \"reason-context\" must be an object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() != "version" && it.key() != "status" && it.key() != "reason" && it.key() != "reason-context")
      return input_error("status: unknown member \"" + it.key() + "\"");
  }
  return out;
}

Registrar::Registrar(RegistrarSettings settings, store::RegistrarStore& store, MasaConnector& masa)
    : settings_(std::move(settings)), store_(store), masa_(masa) {
  if (settings_.tls_certificate != nullptr) tls_der_ = pki::certificate_der(settings_.tls_certificate);
}

std::variant<JudgedRequest, Answer> Registrar::judge_pledge_request(const BrskiRequest& request) {
  const core::UnixTime at = request.at != 0 ? request.at : core::now();
  auto form = form_of(request.content_type);
  if (!form) {
    return Answer::refuse(415, "Content-Type \"" + request.content_type +
                                   "\" is not a voucher request this registrar takes (application/voucher-cms+json or "
                                   "application/voucher+cose)");
  }
  if (!accepts_form(request.accept, *form))
    return Answer::refuse(406, "Accept \"" + request.accept + "\" does not allow " + std::string(artifact::media_type(*form)));
  if (request.body.empty()) return Answer::refuse(400, "empty voucher request");

  AuthorizedPeer peer;
  if (auto refusal = authorize_idevid(request.peer_certificates, settings_.manufacturer_trust, store_, at, false, peer))
    return *refusal;

  // Signed by the IDevID the client authenticated with: that certificate (and its key, for a
  // COSE request that carries only a kid) is the only trust; its chain to the manufacturer
  // was checked above. A pledge may have no clock (RFC 8995 2.6.1), so created-on is not judged.
  // verify_voucher opens the envelope once; its opened form is judged first, as if on its own.
  // A CMS request carries the same certificate again: the TLS layer's parse of it serves.
  pki::remember_certificate(peer.certificate.get());
  ByteView body = as_bytes(request.body);
  artifact::VoucherVerifyOptions o;
  o.trust = {peer.certificate.get()};
  o.trust_keys = {X509_get0_pubkey(peer.certificate.get())};
  o.at = at;
  o.serial = peer.serial;
  auto verified = artifact::verify_voucher(body, o);
  if (!verified) return Answer::refuse(400, "malformed voucher request: " + verified.error().message);
  artifact::SignedVoucher* opened = &verified->opened;
  if (opened->form != *form) {
    return Answer::refuse(400, "the body is a " + std::string(artifact::form_name(opened->form)) +
                                   " voucher request but Content-Type says " + request.content_type);
  }
  if (opened->payload_error) return Answer::refuse(400, "malformed voucher request: " + opened->payload_error->message);
  const artifact::Voucher& v = *opened->voucher;
  if (v.kind() != artifact::VoucherKind::request) return Answer::refuse(400, "the body is a voucher, not a voucher request");
  if (v.has("prior-signed-voucher-request"))
    return Answer::refuse(400, "the body is a registrar voucher request (it has prior-signed-voucher-request)");

  if (failed(*verified, "signature") || failed(*verified, "signer-chain") ||
      (verified->signer && !pki::same_public_key(X509_get0_pubkey(verified->signer.get()), X509_get0_pubkey(peer.certificate.get())))) {
    std::string why = failed(*verified, "signature") ? detail(*verified, "signature") : detail(*verified, "signer-chain");
    return Answer::refuse(403, "the voucher request is not signed by the IDevID the client presented" +
                                   (why.empty() ? std::string() : ": " + why));
  }
  if (failed(*verified, "serial-number")) {
    return Answer::refuse(403, "serial-number \"" + v.serial_number().value_or("") +
                                   "\" in the voucher request is not the IDevID's serialNumber \"" + peer.serial + "\"");
  }
  if (auto mismatch = proximity_mismatch(v, settings_.tls_certificate, tls_der_)) return Answer::refuse(403, *mismatch);

  auto allowed = store_.allowed(peer.serial);
  if (!allowed) return Answer::refuse(500, "registrar store: " + allowed.error().message);
  if (!*allowed) return Answer::refuse(403, "device " + peer.serial + " is not on this registrar's allow-list");
  if (!(*allowed)->idevid_sha256.empty() && (*allowed)->idevid_sha256 != peer.sha256) {
    return Answer::refuse(403, "the IDevID of device " + peer.serial +
                                   " is not the one its purchase record names (SHA-256 " + (*allowed)->idevid_sha256 + ")");
  }
  if (peer.device && (peer.device->status == store::DeviceStatus::revoked || peer.device->status == store::DeviceStatus::quarantined))
    return Answer::refuse(403, "device " + peer.serial + " is " + std::string(store::device_status_name(peer.device->status)));

  JudgedRequest out;
  out.replay_key = v.get("nonce") ? "nonce:" + core::to_hex(v.get("nonce")->bytes)
                                  : "sha256:" + core::to_hex(artifact::sha256(opened->envelope));
  auto seen = store_.nonce_seen(peer.serial, out.replay_key);
  if (!seen) return Answer::refuse(500, "registrar store: " + seen.error().message);
  if (*seen) return Answer::refuse(403, "replayed voucher request: device " + peer.serial + " sent this nonce before");

  auto uri = masa_uri_for(peer.certificate.get(), settings_.masa_url);
  if (!uri) return Answer::refuse(403, "cannot find the MASA for device " + peer.serial + ": " + uri.error().message);
  out.masa_uri = *uri;
  out.request_bytes = opened->envelope;
  out.request = std::move(*opened);
  out.idevid = std::move(peer.certificate);
  out.serial = peer.serial;
  out.idevid_sha256 = peer.sha256;
  return out;
}

Result<Bytes> Registrar::registrar_voucher_request(const JudgedRequest& judged, core::UnixTime at) const {
  if (settings_.signer == nullptr || settings_.tls_certificate == nullptr)
    return usage_error("registrar: no signing key or certificate configured");
  const artifact::Voucher& pledge = *judged.request.voucher;
  artifact::Voucher v(artifact::VoucherKind::request);
  v.set_text("created-on", core::format_rfc3339(at));
  v.set_text("serial-number", judged.serial);
  if (const auto* nonce = pledge.get("nonce")) v.set("nonce", *nonce);
  if (const auto* assertion = pledge.get("assertion")) v.set("assertion", *assertion);
  if (auto issuer = artifact::idevid_issuer(judged.idevid.get())) v.set_bytes("idevid-issuer", std::move(issuer).value());
  v.set_bytes("prior-signed-voucher-request", judged.request_bytes);
  artifact::VoucherSignOptions o;
  o.form = judged.request.form;
  o.certificate = settings_.tls_certificate;
  o.chain = settings_.tls_chain;
  return artifact::sign_voucher(v, *settings_.signer, o);
}

Answer Registrar::request_voucher(const BrskiRequest& request) {
  const core::UnixTime at = request.at != 0 ? request.at : core::now();
  auto judged_or = judge_pledge_request(request);
  if (auto* refusal = std::get_if<Answer>(&judged_or)) return std::move(*refusal);
  JudgedRequest& judged = std::get<JudgedRequest>(judged_or);
  if (settings_.attestation != nullptr)
    if (auto refusal = settings_.attestation->admit(judged.serial, judged.idevid_sha256, at)) return std::move(*refusal);

  // Reserve the nonce first: of two identical requests racing, one gets it.
  auto fresh = store_.remember_nonce(judged.serial, judged.replay_key, at);
  if (!fresh) return Answer::refuse(500, "registrar store: " + fresh.error().message);
  if (!*fresh) return Answer::refuse(403, "replayed voucher request: device " + judged.serial + " sent this nonce before");
  auto release = [&](Answer answer) {
    (void)store_.forget_nonce(judged.serial, judged.replay_key);
    return answer;
  };
  if (auto s = store_.voucher_requested(judged.serial, judged.idevid_sha256, at); !s)
    return release(Answer::refuse(500, "registrar store: " + s.error().message));

  auto rvr = registrar_voucher_request(judged, at);
  if (!rvr) return release(Answer::refuse(500, "cannot sign the registrar voucher request: " + rvr.error().message));
  const std::string media(artifact::media_type(judged.request.form));
  auto masa = masa_.post(judged.masa_uri, "/requestvoucher", media, std::string(as_chars(*rvr)), media);
  if (!masa) return release(Answer::refuse(502, "MASA at " + judged.masa_uri + " cannot be reached: " + masa.error().message));
  if (masa->status == 202 || masa->status == 503) {
    Answer a = Answer::refuse(masa->status, "MASA: busy, try again later");
    if (!masa->retry_after.empty()) a.headers.emplace_back("Retry-After", masa->retry_after);
    return release(std::move(a));
  }
  if (masa->status != 200) {
    std::string text = masa->body.substr(0, 1024);
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    if (text.empty()) text = "status " + std::to_string(masa->status);
    int status = masa->status >= 400 && masa->status < 500 ? masa->status : 502;
    return release(Answer::refuse(status, "MASA: " + text));
  }
  auto voucher = artifact::open_voucher(as_bytes(masa->body));
  if (!voucher || voucher->payload_error || !voucher->voucher || voucher->voucher->kind() != artifact::VoucherKind::voucher) {
    std::string why = !voucher ? voucher.error().message
                               : voucher->payload_error ? voucher->payload_error->message : std::string("not a voucher");
    return release(Answer::refuse(502, "MASA answered with something that is not a voucher: " + why));
  }
  auto assertion = voucher->voucher->assertion();
  std::string assertion_text = assertion ? std::string(artifact::assertion_name(*assertion)) : std::string();
  if (auto s = store_.voucher_issued(judged.serial, assertion_text, at); !s)
    return release(Answer::refuse(500, "registrar store: " + s.error().message));
  return Answer::success(std::string(artifact::media_type(voucher->form)), std::move(masa->body));
}

Answer Registrar::status_report(const BrskiRequest& request, const std::string& kind,
                                const std::vector<const X509*>& domain_trust) {
  const core::UnixTime at = request.at != 0 ? request.at : core::now();
  if (!media_type_is(request.content_type, "application/json"))
    return Answer::refuse(415, "Content-Type \"" + request.content_type + "\" is not application/json");
  AuthorizedPeer peer;
  auto refusal = authorize_idevid(request.peer_certificates, settings_.manufacturer_trust, store_, at, true, peer);
  if (refusal && !domain_trust.empty() && refusal->status == 403) {
    AuthorizedPeer ldevid_peer;
    auto second = authorize_ldevid(request.peer_certificates, domain_trust, store_, at, ldevid_peer);
    if (!second) {
      peer = std::move(ldevid_peer);
      refusal.reset();
    }
  }
  if (refusal) return *refusal;
  auto telemetry = parse_status_telemetry(request.body, settings_.max_status_body);
  if (!telemetry) return Answer::refuse(400, telemetry.error().message);
  store::StatusReport report{peer.serial, kind, at, telemetry->status, telemetry->reason, request.body};
  if (auto s = store_.add_report(report); !s) return Answer::refuse(500, "registrar store: " + s.error().message);
  return Answer::success("text/plain; charset=utf-8", "");
}

Answer Registrar::voucher_status(const BrskiRequest& request) { return status_report(request, "voucher_status", {}); }

Answer Registrar::enroll_status(const BrskiRequest& request, const std::vector<const X509*>& domain_trust) {
  return status_report(request, "enrollstatus", domain_trust);
}

}  // namespace iotonb::protocol::brski
