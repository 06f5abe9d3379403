#include "service/enroll.h"

#include <sys/stat.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <chrono>
#include <filesystem>

#include "artifact/eat/evidence.h"
#include "artifact/voucher_inputs.h"
#include "core/encoding.h"
#include "core/files.h"
#include "core/json.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "protocol/brski/attestation.h"
#include "protocol/device_state.h"
#include "service/service_server.h"

namespace iotonb::service {
namespace {

namespace brski = protocol::brski;
using Clock = std::chrono::steady_clock;

constexpr const char* kRequestVoucher = "/.well-known/brski/requestvoucher";
constexpr const char* kVoucherStatus = "/.well-known/brski/voucher_status";
constexpr const char* kEnrollStatus = "/.well-known/brski/enrollstatus";
constexpr const char* kCacerts = "/.well-known/est/cacerts";
constexpr const char* kSimpleEnroll = "/.well-known/est/simpleenroll";
constexpr const char* kSimpleReenroll = "/.well-known/est/simplereenroll";
constexpr const char* kNetworkProfile = "/.well-known/iotonb/network-profile";
constexpr const char* kCertsOnly = "application/pkcs7-mime";
constexpr const char* kPkcs10 = "application/pkcs10";
constexpr const char* kJson = "application/json";

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// The peer's text/plain explanation, made safe to print on one line.
std::string peer_text(const std::string& body) {
  std::string out;
  for (char c : body) {
    if (out.size() >= 400) {
      out += "...";
      break;
    }
    unsigned char u = static_cast<unsigned char>(c);
    out += (u == '\n' || u == '\r' || u == '\t') ? ' ' : (u < 0x20 || u == 0x7f) ? '?' : c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out.empty() ? "(no explanation)" : out;
}

core::X509Ptr up_ref(const X509* cert) {
  X509_up_ref(const_cast<X509*>(cert));
  return core::X509Ptr(const_cast<X509*>(cert));
}

std::string certs_pem(const std::vector<core::X509Ptr>& certs) {
  std::string pem;
  for (const auto& c : certs) pem += pki::certificate_pem(c.get());
  return pem;
}

// One session: its steps, their timings, and where it stopped.
class Session {
 public:
  Session(const EnrollOptions& options, EnrollTrace* trace) : options_(options), trace_(trace ? trace : &own_trace_) {
    trace_->failed_step.clear();
    trace_->http_status = 0;
    trace_->peer_message.clear();
    trace_->steps.clear();
  }

  core::UnixTime now() const { return options_.now ? options_.now : core::now(); }

  void begin(const std::string& step) {
    step_ = step;
    started_ = Clock::now();
  }
  void end(const net::ClientResponse* response = nullptr) {
    StepTiming t{step_, ms_since(started_), response ? response->status : 0, response ? response->attempts : 0};
    trace_->steps.push_back(t);
  }
  // Ends the step as failed: the error, with the step remembered.
  Error fail(Error e, const net::ClientResponse* response = nullptr) {
    end(response);
    trace_->failed_step = step_;
    if (response) {
      trace_->http_status = response->status;
      trace_->peer_message = peer_text(response->body);
    }
    return e;
  }

  // A non-200 answer as an error that keeps the status and the registrar's text.
  Error refused(const std::string& what, const net::ClientResponse& r) {
    ErrorKind kind = (r.status == 401 || r.status == 403 || r.status == 404) ? ErrorKind::not_authorized : ErrorKind::network;
    std::string message = "registrar refused " + what + ": HTTP " + std::to_string(r.status) + ": " + peer_text(r.body);
    if (r.status == 202 || r.status == 503)
      message += " (still " + std::to_string(r.status) + " after " + std::to_string(r.attempts) + " attempts)";
    return fail(Error{kind, message}, &r);
  }

  // Sends a status report; the registrar's refusal of telemetry is a warning, not a failure.
  void report(net::HttpsClient& client, const char* path, const std::string& body, std::vector<std::string>& warnings) {
    begin(path == std::string(kVoucherStatus) ? "voucher_status" : "enrollstatus");
    auto r = client.post(path, kJson, body, "");
    if (!r) warnings.push_back(std::string(path) + ": " + r.error().message);
    else if (r->status / 100 != 2) warnings.push_back(std::string(path) + ": HTTP " + std::to_string(r->status) + ": " + peer_text(r->body));
    end(r ? &*r : nullptr);
  }

  // A failed check: recorded, reported to the registrar as status false (RFC 8995 5.7,
  // 5.9.4) before the pledge walks away, and returned.
  Error abandon(net::HttpsClient& client, const char* path, Error e, const net::ClientResponse* response = nullptr) {
    Error failed = fail(std::move(e), response);
    std::vector<std::string> ignored;
    report(client, path, brski::status_report(false, failed.message), ignored);
    return failed;
  }

  net::ClientOptions client_options(const std::string& url) const {
    net::ClientOptions c = options_.transport;
    c.url = url;
    c.trust.clear();
    c.client_chain.clear();
    return c;
  }

  void finish(EnrollResult& result, Clock::time_point start) {
    result.steps = trace_->steps;
    result.total_ms = ms_since(start);
  }

 private:
  const EnrollOptions& options_;
  EnrollTrace own_trace_;
  EnrollTrace* trace_;
  std::string step_;
  Clock::time_point started_;
};

Status ensure_state_dir(const std::string& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  if (::mkdir(dir.c_str(), 0700) != 0) return io_error(dir + ": cannot create the state folder: " + std::strerror(errno));
  return {};
}

std::string state_key_type_name(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519: return "ed25519";
    case EVP_PKEY_RSA: return EVP_PKEY_get_bits(key) >= 3072 ? "rsa3072" : "rsa2048";
    default: return EVP_PKEY_get_bits(key) > 256 ? "p384" : "p256";
  }
}

// Attestation before the voucher request (protocol/brski/attestation.h): a nonce from the
// registrar, evidence made from the device description with it and signed with the IDevID
// key, and the registrar's appraisal (JSON) back. A refusal (contraindicated, a stale nonce)
// keeps the registrar's status and text.
Result<nlohmann::json> send_evidence(Session& s, net::HttpsClient& client, const std::string& description,
                                     const pki::Signer& idevid_key) {
  s.begin("attestation-nonce");
  auto nonce_response = client.post(brski::kAttestationNoncePath, kJson, "", kJson);
  if (!nonce_response) return s.fail(nonce_response.error());
  if (nonce_response->status != 200) return s.refused("the attestation nonce", *nonce_response);
  auto nonce = brski::parse_attestation_nonce(nonce_response->body);
  if (!nonce) return s.fail(nonce.error(), &*nonce_response);
  s.end(&*nonce_response);

  s.begin("attestation");
  auto claims = artifact::eat::evidence_claims_from_file(description, *nonce, s.now());
  if (!claims) return s.fail(claims.error());
  auto token = artifact::eat::create_token(*claims, idevid_key, {});
  if (!token) return s.fail(token.error());
  auto r = client.post(brski::kAttestationPath, brski::kEatMediaType, std::string(as_chars(*token)), kJson);
  if (!r) return s.fail(r.error());
  if (r->status != 200) return s.refused("the evidence", *r);
  auto appraisal = nlohmann::json::parse(r->body, nullptr, false);
  if (appraisal.is_discarded()) return s.fail(Error{ErrorKind::network, "the registrar's appraisal is not JSON"}, &*r);
  s.end(&*r);
  return appraisal;
}

}  // namespace

nlohmann::ordered_json EnrollResult::to_json() const {
  nlohmann::ordered_json j;
  j["result"] = renewed ? "renewed" : "enrolled";
  j["serial-number"] = serial;
  j["registrar"] = registrar;
  j["state"] = state_dir;
  if (!renewed) {
    nlohmann::ordered_json v;
    v["form"] = voucher_form;
    v["assertion"] = voucher_assertion;
    v["nonce"] = voucher_nonce;
    v["created-on"] = voucher_created_on;
    if (!voucher_expires_on.empty()) v["expires-on"] = voucher_expires_on;
    v["signer"] = voucher_signer;
    v["pinned-domain"] = pinned_domain;
    j["voucher"] = std::move(v);
  }
  j["ldevid"] = {{"serial", ldevid.serial},           {"subject", ldevid.subject},
                 {"issuer", ldevid.issuer},           {"fingerprint-sha256", ldevid.fingerprint},
                 {"not-before", ldevid.not_before},   {"not-after", ldevid.not_after},
                 {"key-type", ldevid_key_type}};
  if (!previous_ldevid_serial.empty()) j["ldevid"]["replaced-serial"] = previous_ldevid_serial;
  if (!attestation.is_null()) j["attestation"] = attestation;
  if (!network_profile.is_null()) j["network-profile"] = network_profile;
  nlohmann::ordered_json timings = nlohmann::ordered_json::array();
  for (const auto& s : steps) {
    nlohmann::ordered_json o;
    o["step"] = s.step;
    o["ms"] = static_cast<double>(static_cast<long long>(s.ms * 1000)) / 1000;
    if (s.http_status) o["http-status"] = s.http_status;
    if (s.attempts > 1) o["attempts"] = s.attempts;
    timings.push_back(std::move(o));
  }
  j["steps"] = std::move(timings);
  j["total-ms"] = static_cast<double>(static_cast<long long>(total_ms * 1000)) / 1000;
  if (!warnings.empty()) j["warnings"] = warnings;
  return j;
}

Result<EnrollResult> enroll(const EnrollOptions& o, EnrollTrace* trace) {
  const auto start = Clock::now();
  Session s(o, trace);
  if (o.registrar_url.empty()) return usage_error("enroll: no registrar URL");
  if (o.state_dir.empty()) return usage_error("enroll: no state folder");
  if (o.masa_trust.empty()) return usage_error("enroll: no MASA trust anchor (--masa-trust)");
  if (o.form != artifact::VoucherForm::cms && o.form != artifact::VoucherForm::cose)
    return usage_error("enroll: the voucher form must be cms or cose");
  IOTONB_RETURN_IF_ERROR(ensure_state_dir(o.state_dir));
  IOTONB_ASSIGN_OR_RETURN(protocol::StateLock lock, protocol::StateLock::acquire(o.state_dir));
  IOTONB_RETURN_IF_ERROR(protocol::recover(o.state_dir));
  if (!o.force && core::path_exists((std::filesystem::path(o.state_dir) / protocol::kEnrollmentFile).string()))
    return usage_error(o.state_dir + ": the device is already enrolled (use --renew, `iotonb device wipe`, or --force)");
  IOTONB_ASSIGN_OR_RETURN(protocol::BirthIdentity id,
                          protocol::load_birth_identity(o.state_dir, o.idevid_cert, o.idevid_key, o.idevid_key_password));

  EnrollResult result;
  result.serial = id.serial;
  result.registrar = o.registrar_url;
  result.state_dir = o.state_dir;
  std::vector<const X509*> id_chain = certificate_views(id.chain);

  // Provisional TLS (RFC 8995 5.1). The first exchange fetches /cacerts (needed later) and
  // captures the registrar's certificate before the voucher request names it.
  net::ClientOptions po = s.client_options(o.registrar_url);
  po.trust_mode = net::ServerTrust::provisional;
  po.client_certificate = id.idevid.get();
  po.client_chain = id_chain;
  po.client_key = id.key->key();
  IOTONB_ASSIGN_OR_RETURN(auto provisional, net::HttpsClient::create(po));

  s.begin("cacerts");
  auto cacerts_response = provisional->get(kCacerts, kCertsOnly);
  if (!cacerts_response) return s.fail(cacerts_response.error());
  if (cacerts_response->status != 200) return s.refused("cacerts", *cacerts_response);
  if (provisional->server_certificates().empty())
    return s.fail(Error{ErrorKind::network, "the registrar presented no TLS certificate"});
  core::X509Ptr registrar_cert = up_ref(provisional->server_certificates().front().get());
  s.end(&*cacerts_response);

  if (!o.evidence.empty()) {
    auto appraisal = send_evidence(s, *provisional, o.evidence, *id.key);
    if (!appraisal) return std::move(appraisal).error();
    result.attestation = std::move(appraisal).value();
  }

  s.begin("requestvoucher");
  brski::PledgeIdentity pledge{id.idevid.get(), id_chain, id.key.get()};
  brski::VoucherRequestOptions vro;
  vro.form = o.form;
  vro.now = s.now();
  auto request = brski::make_voucher_request(pledge, registrar_cert.get(), vro);
  if (!request) return s.fail(request.error());
  auto voucher_response = provisional->post(kRequestVoucher, request->media_type, std::string(as_chars(request->body)),
                                            request->media_type);
  if (!voucher_response) return s.fail(voucher_response.error());
  if (voucher_response->status != 200) return s.refused("the voucher request", *voucher_response);
  s.end(&*voucher_response);

  // RFC 8995 5.6.1 and 5.6.2; a failure is reported (5.7) before the pledge walks away.
  s.begin("verify-voucher");
  std::vector<core::X509Ptr> tls_chain;
  for (const auto& c : provisional->server_certificates()) tls_chain.push_back(up_ref(c.get()));
  auto abandon = [&](Error e) { return s.abandon(*provisional, kVoucherStatus, std::move(e)); };
  if (tls_chain.empty() || X509_cmp(tls_chain.front().get(), registrar_cert.get()) != 0)
    return abandon(verify_error("the registrar presented a different TLS certificate for the voucher request than the "
                                "one named in proximity-registrar-cert"));
  auto voucher = brski::judge_voucher(as_bytes(voucher_response->body), *request, o.masa_trust, s.now());
  if (!voucher) return abandon(voucher.error());
  auto anchor = brski::check_registrar_chain(certificate_views(tls_chain), *voucher, s.now());
  if (!anchor) return abandon(anchor.error());
  auto cacerts = brski::parse_cacerts(cacerts_response->body);
  if (!cacerts) return abandon(cacerts.error());
  s.end();
  result.voucher_form = std::string(artifact::form_name(voucher->form));
  result.voucher_assertion = voucher->assertion;
  result.voucher_nonce = core::to_hex(request->nonce);
  result.voucher_created_on = voucher->created_on;
  result.voucher_expires_on = voucher->expires_on;
  result.voucher_signer = voucher->signer;
  result.pinned_domain = pki::name_to_string(X509_get_subject_name(anchor->get()));

  // From here the registrar is trusted only as the holder of a certificate that chains to
  // the pinned one (RFC 8995 5.6.2): the connection whose certificate was just validated
  // goes on, and any new connection must chain to the pinned certificate too.
  net::ClientOptions to = po;
  to.trust_mode = net::ServerTrust::anchors;
  to.trust = {anchor->get()};
  if (auto pinned = provisional->trust_only(to.trust); !pinned) return s.fail(pinned.error());
  auto& trusted = provisional;
  s.report(*trusted, kVoucherStatus, brski::status_report(true, "voucher accepted"), result.warnings);

  s.begin("simpleenroll");
  auto ldevid_request = brski::make_ldevid_request(id.serial, o.key_type, o.ldevid_common_name);
  if (!ldevid_request) return s.fail(ldevid_request.error());
  auto enroll_response = trusted->post(kSimpleEnroll, kPkcs10, ldevid_request->body, kCertsOnly);
  if (!enroll_response) return s.fail(enroll_response.error());
  if (enroll_response->status != 200) return s.refused("simpleenroll", *enroll_response);
  auto ldevid = brski::accept_ldevid(enroll_response->body, *ldevid_request, certificate_views(*cacerts), s.now());
  if (!ldevid) return s.abandon(*trusted, kEnrollStatus, ldevid.error(), &*enroll_response);
  s.end(&*enroll_response);
  s.report(*trusted, kEnrollStatus, brski::status_report(true, "LDevID installed"), result.warnings);
  result.ldevid = brski::summarize_ldevid(ldevid->get());
  result.ldevid_key_type = std::string(pki::key_type_name(o.key_type));

  // The network profile, for the device the registrar has just enrolled, on the same
  // connection (the registrar also answers a device presenting its LDevID).
  s.begin("network-profile");
  Error profile_error;
  bool profile_ok = false;
  std::string profile_text;
  if (auto r = trusted->get(kNetworkProfile, kJson); !r) {
    profile_error = s.fail(r.error());
  } else if (r->status != 200) {
    profile_error = s.refused("the network profile", *r);
  } else if (auto j = core::parse_json(r->body); !j || !j->is_object()) {
    profile_error = s.fail(
        Error{ErrorKind::network, "network profile: not a JSON object" + (j ? std::string() : ": " + j.error().message)}, &*r);
  } else {
    profile_ok = true;
    profile_text = j->dump(2) + "\n";
    result.network_profile = std::move(*j);
    s.end(&*r);
  }
  trusted.reset();  // the registrar's worker is free for others

  // The device state, as one commit; kept even without a network profile, because the
  // registrar has recorded the LDevID and the key exists nowhere else.
  s.begin("write-state");
  protocol::EnrollmentFiles files;
  auto& rec = files.record;
  rec.registrar = o.registrar_url;
  rec.serial = id.serial;
  rec.idevid_fingerprint = core::to_hex(pki::certificate_fingerprint(id.idevid.get(), EVP_sha256()));
  rec.enrolled_at = core::format_rfc3339(s.now());
  rec.voucher_file = voucher->form == artifact::VoucherForm::cose ? protocol::kVoucherCoseFile : protocol::kVoucherCmsFile;
  rec.voucher_assertion = voucher->assertion;
  rec.voucher_created_on = voucher->created_on;
  rec.voucher_expires_on = voucher->expires_on;
  rec.nonce = result.voucher_nonce;
  rec.key_type = result.ldevid_key_type;
  rec.ldevid_serial = result.ldevid.serial;
  rec.ldevid_subject = result.ldevid.subject;
  rec.ldevid_issuer = result.ldevid.issuer;
  rec.ldevid_fingerprint = result.ldevid.fingerprint;
  rec.ldevid_not_before = result.ldevid.not_before;
  rec.ldevid_not_after = result.ldevid.not_after;
  files.voucher = voucher->bytes;
  {
    auto pem = pki::private_key_to_pem(ldevid_request->key.get(), nullptr);
    if (!pem) return s.fail(pem.error());
    files.ldevid_key_pem = std::move(*pem);
  }
  files.ldevid_cert_pem = pki::certificate_pem(ldevid->get());
  files.domain_ca_pem = certs_pem(*cacerts);
  files.network_profile = profile_text;
  Status written = protocol::write_enrollment(o.state_dir, files);
  OPENSSL_cleanse(files.ldevid_key_pem.data(), files.ldevid_key_pem.size());
  if (!written) return s.fail(std::move(written).error());
  s.end();
  if (!profile_ok) {
    return Error{profile_error.kind, profile_error.message + " (the LDevID is stored in " + o.state_dir +
                                         "; the device has no network profile)"};
  }
  s.finish(result, start);
  return result;
}

Result<EnrollResult> renew(const EnrollOptions& o, EnrollTrace* trace) {
  const auto start = Clock::now();
  Session s(o, trace);
  if (o.state_dir.empty()) return usage_error("renew: no state folder");
  IOTONB_ASSIGN_OR_RETURN(protocol::StateLock lock, protocol::StateLock::acquire(o.state_dir));
  IOTONB_RETURN_IF_ERROR(protocol::recover(o.state_dir));
  IOTONB_ASSIGN_OR_RETURN(auto stored, protocol::read_enrollment(o.state_dir));
  if (!stored) return usage_error(o.state_dir + ": the device is not enrolled (no " + protocol::kEnrollmentFile + ")");

  EnrollResult result;
  result.renewed = true;
  result.serial = stored->record.serial;
  result.registrar = o.registrar_url.empty() ? stored->record.registrar : o.registrar_url;
  result.state_dir = o.state_dir;
  result.previous_ldevid_serial = core::to_hex(pki::certificate_serial(stored->ldevid.get()));

  // Trust: the domain CA certificates and the voucher's pinned certificate (RFC 7030 3.6.1
  // explicit trust anchors; RFC 8995 5.6.2).
  std::vector<core::X509Ptr> anchors;
  for (const auto& c : stored->domain_ca) anchors.push_back(up_ref(c.get()));
  if (auto opened = artifact::open_voucher(stored->voucher); opened && opened->voucher) {
    if (auto pinned = opened->voucher->binary("pinned-domain-cert")) {
      if (auto cert = pki::parse_certificate(*pinned)) anchors.push_back(std::move(*cert));
    }
  }
  if (anchors.empty()) return input_error(o.state_dir + ": no domain CA certificate to trust the registrar with");

  pki::KeyType key_type = o.key_type;
  if (!o.key_type_given) {
    auto stored_type = pki::parse_key_type(stored->record.key_type.empty() ? state_key_type_name(stored->ldevid_key.get())
                                                                            : stored->record.key_type);
    key_type = stored_type ? *stored_type : pki::kDefaultKeyType;
  }

  net::ClientOptions co = s.client_options(result.registrar);
  co.trust_mode = net::ServerTrust::anchors;
  co.trust = certificate_views(anchors);
  co.client_certificate = stored->ldevid.get();
  co.client_chain = certificate_views(stored->ldevid_chain);
  co.client_key = stored->ldevid_key.get();
  IOTONB_ASSIGN_OR_RETURN(auto client, net::HttpsClient::create(co));

  s.begin("simplereenroll");
  auto req = brski::make_reenroll_request(stored->ldevid.get(), key_type);
  if (!req) return s.fail(req.error());
  auto r = client->post(kSimpleReenroll, kPkcs10, req->body, kCertsOnly);
  if (!r) return s.fail(r.error());
  if (r->status != 200) return s.refused("simplereenroll", *r);
  auto ldevid = brski::accept_ldevid(r->body, *req, certificate_views(stored->domain_ca), s.now());
  if (!ldevid) return s.abandon(*client, kEnrollStatus, ldevid.error(), &*r);
  s.end(&*r);
  result.ldevid = brski::summarize_ldevid(ldevid->get());
  result.ldevid_key_type = std::string(pki::key_type_name(key_type));

  s.begin("write-state");
  protocol::EnrollmentRecord rec = stored->record;
  rec.registrar = result.registrar;
  rec.renewed_at = core::format_rfc3339(s.now());
  rec.renewals += 1;
  rec.key_type = result.ldevid_key_type;
  rec.ldevid_serial = result.ldevid.serial;
  rec.ldevid_subject = result.ldevid.subject;
  rec.ldevid_issuer = result.ldevid.issuer;
  rec.ldevid_fingerprint = result.ldevid.fingerprint;
  rec.ldevid_not_before = result.ldevid.not_before;
  rec.ldevid_not_after = result.ldevid.not_after;
  auto pem = pki::private_key_to_pem(req->key.get(), nullptr);
  if (!pem) return s.fail(pem.error());
  Status written = protocol::write_renewal(o.state_dir, *pem, pki::certificate_pem(ldevid->get()), rec);
  OPENSSL_cleanse(pem->data(), pem->size());
  if (!written) return s.fail(std::move(written).error());
  s.end();
  // The old LDevID is now replaced at the registrar, so the report goes out on a connection
  // that presents the new one.
  client.reset();
  co.client_certificate = ldevid->get();
  co.client_key = req->key.get();
  if (auto renewed = net::HttpsClient::create(co)) {
    s.report(**renewed, kEnrollStatus, brski::status_report(true, "LDevID renewed"), result.warnings);
  } else {
    result.warnings.push_back("enrollstatus not sent: " + renewed.error().message);
  }
  s.finish(result, start);
  return result;
}

}  // namespace iotonb::service
