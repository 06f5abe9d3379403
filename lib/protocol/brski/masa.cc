// The MASA's requestvoucher and requestauditlog logic (RFC 8995 5.5, 5.6, 5.8); see masa.h.
#include "protocol/brski/masa.h"

#include <algorithm>
#include <cctype>

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "pki/parse_cache.h"
#include "pki/verify.h"

namespace iotonb::protocol::brski {

struct Masa::Authenticated {
  artifact::VoucherForm form = artifact::VoucherForm::cms;
  artifact::Voucher request;  // the registrar's voucher request
  std::string serial;
  store::OwnershipRecord record;
  core::X509Ptr domain_ca;
};

namespace {

using artifact::CheckResult;
using artifact::VoucherForm;

MasaReply refuse(int status, std::string message, std::string serial = {}) {
  MasaReply r;
  r.status = status;
  r.content_type = "text/plain";
  r.body = std::move(message);
  r.serial = std::move(serial);
  return r;
}

std::string lower_media_type(std::string_view value) {
  std::string out;
  for (char c : value.substr(0, value.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

std::string subject(const X509* cert) { return pki::name_to_string(X509_get_subject_name(cert)); }

const artifact::Check* failed(const artifact::VoucherVerification& v, std::initializer_list<std::string_view> names) {
  for (const auto& c : v.checks)
    if (c.result == CheckResult::fail && std::find(names.begin(), names.end(), c.name) != names.end()) return &c;
  return nullptr;
}

// Registrar, pledge and MASA clocks differ a little: a request created up to this far in the
// MASA's future is still taken (its signer's certificate validity is checked at the MASA's now).
constexpr core::UnixTime kClockSkew = 300;

// The failed time check of a request, unless it is only created-on within the clock skew.
const artifact::Check* failed_time(const artifact::VoucherVerification& v, core::UnixTime now) {
  const artifact::Check* c = failed(v, {"created-on", "expires-on"});
  if (c && c->name == "created-on" && v.opened.voucher) {
    auto created = v.opened.voucher->time("created-on");
    if (created && *created <= now + kClockSkew) return failed(v, {"expires-on"});
  }
  return c;
}

std::vector<const X509*> raw(const std::vector<core::X509Ptr>& certs) {
  std::vector<const X509*> out;
  for (const auto& c : certs) out.push_back(c.get());
  return out;
}

}  // namespace

std::optional<VoucherForm> form_for_media_type(std::string_view content_type) {
  const std::string t = lower_media_type(content_type);
  if (t == "application/voucher-cms+json" || t == "application/voucher+cms") return VoucherForm::cms;
  if (t == "application/pkcs7-mime") {
    std::string whole;
    for (char c : content_type) whole.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    if (whole.find("smime-type=voucher-request") != std::string::npos) return VoucherForm::cms;
    return std::nullopt;
  }
  if (t == "application/voucher+cose" || t == "application/voucher-cose+cbor") return VoucherForm::cose;
  if (t == "application/voucher-jws+json") return VoucherForm::jws;
  return std::nullopt;
}

std::string domain_id(const X509* pinned_domain_cert) {
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(const_cast<X509*>(pinned_domain_cert)))
    return core::to_base64(ByteView(ASN1_STRING_get0_data(ski), static_cast<std::size_t>(ASN1_STRING_length(ski))));
  return core::to_base64(artifact::sha256(artifact::subject_public_key_info(pinned_domain_cert)));
}

std::optional<Masa::Authenticated> Masa::authenticate(ByteView body, std::string_view content_type,
                                                      const std::vector<const X509*>& tls_peer, core::UnixTime now,
                                                      MasaReply& reply) const {
  auto form = form_for_media_type(content_type);
  if (!form || std::find(settings_.forms.begin(), settings_.forms.end(), *form) == settings_.forms.end()) {
    reply = refuse(415, "Content-Type \"" + std::string(content_type) + "\" is not a voucher request type this MASA accepts");
    return std::nullopt;
  }
  if (body.empty()) {
    reply = refuse(400, "empty body, expected a registrar voucher request");
    return std::nullopt;
  }

  // The registrar's request: envelope, signature, cmcRA, times and the prior-signed pledge
  // request's nonce and serial. Its chain is judged below, against the domain CA of the
  // ownership record, which the serial inside names; the pledge request's signature is
  // checked once, below, with its chain to the manufacturer CA.
  artifact::VoucherVerifyOptions outer_opts;
  outer_opts.at = now;
  outer_opts.check_prior_signature = false;
  auto outer = artifact::verify_voucher(body, outer_opts);
  if (!outer) {
    reply = refuse(400, "malformed voucher request: " + outer.error().message);
    return std::nullopt;
  }
  const artifact::SignedVoucher& sv = outer->opened;
  if (sv.form != *form) {
    reply = refuse(400, "the body is a " + std::string(artifact::form_name(sv.form)) + " object but Content-Type says " +
                            std::string(artifact::form_name(*form)));
    return std::nullopt;
  }
  if (!sv.voucher || sv.payload_error) {
    reply = refuse(400, "malformed voucher request: " + (sv.payload_error ? sv.payload_error->message : "no payload"));
    return std::nullopt;
  }
  const artifact::Voucher& request = *sv.voucher;
  if (request.kind() != artifact::VoucherKind::request) {
    reply = refuse(400, "the body is a voucher, not a voucher request");
    return std::nullopt;
  }
  auto prior = request.binary("prior-signed-voucher-request");
  if (!prior) {
    reply = refuse(400, "not a registrar voucher request: prior-signed-voucher-request is missing");
    return std::nullopt;
  }
  const std::string serial = request.serial_number().value_or("");
  if (const artifact::Check* c = failed(*outer, {"signature"})) {
    reply = refuse(403, "registrar voucher request signature: " + c->detail, serial);
    return std::nullopt;
  }
  if (!outer->signer) {
    reply = refuse(403, "the registrar voucher request carries no signer certificate", serial);
    return std::nullopt;
  }
  if (const artifact::Check* c = failed(*outer, {"signer-eku"}); c || (c = failed_time(*outer, now))) {
    reply = refuse(403, c->detail, serial);
    return std::nullopt;
  }
  if (const artifact::Check* c = failed(*outer, {"prior-signed", "prior-signed-nonce", "prior-signed-serial"})) {
    reply = refuse(403, c->detail, serial);
    return std::nullopt;
  }

  // The pledge's request: signed by an IDevID from this manufacturer, about the same serial.
  artifact::VoucherVerifyOptions inner_opts;
  inner_opts.trust = settings_.manufacturer_trust;
  inner_opts.at = now;
  inner_opts.serial = serial;
  auto inner = artifact::verify_voucher(*prior, inner_opts);
  if (!inner || !inner->opened.voucher) {
    reply = refuse(403, "prior-signed-voucher-request: " + (inner ? std::string("no payload") : inner.error().message), serial);
    return std::nullopt;
  }
  if (inner->opened.voucher->kind() != artifact::VoucherKind::request ||
      inner->opened.voucher->has("prior-signed-voucher-request")) {
    reply = refuse(403, "prior-signed-voucher-request is not a pledge voucher request", serial);
    return std::nullopt;
  }
  if (const artifact::Check* c = failed(*inner, {"payload", "signature"})) {
    reply = refuse(403, "pledge voucher request: " + c->name + ": " + c->detail, serial);
    return std::nullopt;
  }
  if (!inner->signer) {
    reply = refuse(403, "the pledge voucher request carries no IDevID certificate", serial);
    return std::nullopt;
  }
  if (const artifact::Check* c = failed(*inner, {"signer-chain"})) {
    reply = refuse(403, "IDevID " + subject(inner->signer.get()) + " does not chain to the manufacturer CA: " + c->detail,
                   serial);
    return std::nullopt;
  }
  if (const artifact::Check* c = failed(*inner, {"serial-number"})) {
    reply = refuse(403, "serial mismatch: pledge request " + c->detail + " of the registrar request", serial);
    return std::nullopt;
  }
  if (const artifact::Check* c = failed_time(*inner, now)) {
    reply = refuse(403, "pledge voucher request: " + c->detail, serial);
    return std::nullopt;
  }
  const std::string idevid_serial = artifact::idevid_serial_number(inner->signer.get()).value_or("");
  if (idevid_serial != serial) {
    reply = refuse(403, "serial mismatch: the IDevID's subject serialNumber \"" + idevid_serial +
                            "\" is not the requested serial-number \"" + serial + "\"",
                   serial);
    return std::nullopt;
  }

  // Ownership: the serial must be sold, and the registrar must belong to the buyer's domain.
  auto found = store_->find(serial);
  if (!found) {
    reply = refuse(500, "MASA store: " + found.error().message, serial);
    return std::nullopt;
  }
  if (!*found) {
    reply = refuse(404, "serial " + serial + " is unknown to this MASA (no ownership record)", serial);
    return std::nullopt;
  }
  Authenticated a;
  a.form = *form;
  a.serial = serial;
  a.record = std::move(**found);
  // The same few domain CAs come back in request after request: parsed once (pki/parse_cache.h);
  // what is not one DER certificate gets the general parser (and its error message) as before.
  auto ca = pki::parse_certificate_der_cached(a.record.domain_ca_der);
  if (!ca) ca = pki::parse_certificate(a.record.domain_ca_der);
  if (!ca) {
    reply = refuse(500, "ownership record of " + serial + ": domain CA: " + ca.error().message, serial);
    return std::nullopt;
  }
  a.domain_ca = std::move(ca).value();
  auto carried = artifact::carried_certificates(sv);
  pki::ChainCheck in_domain;
  in_domain.trust = {a.domain_ca.get()};
  if (carried) in_domain.untrusted = raw(*carried);
  in_domain.at = now;
  if (auto chain = pki::verify_chain(outer->signer.get(), in_domain); !chain) {
    reply = refuse(403, "registrar not in the owner's domain: the voucher request signer " + subject(outer->signer.get()) +
                            " does not chain to the domain CA " + subject(a.domain_ca.get()) + " that owns serial " +
                            serial + ": " + chain.error().message,
                   serial);
    return std::nullopt;
  }
  if (!tls_peer.empty()) {
    pki::ChainCheck tls = in_domain;
    tls.untrusted.insert(tls.untrusted.end(), tls_peer.begin() + 1, tls_peer.end());
    if (auto chain = pki::verify_chain(tls_peer.front(), tls); !chain) {
      reply = refuse(403, "registrar not in the owner's domain: TLS client certificate " + subject(tls_peer.front()) +
                              " does not chain to the domain CA " + subject(a.domain_ca.get()) + ": " +
                              chain.error().message,
                     serial);
      return std::nullopt;
    }
  }
  const std::string fingerprint = core::to_hex(pki::certificate_fingerprint(inner->signer.get(), EVP_sha256()));
  if (!a.record.idevid_sha256.empty() && a.record.idevid_sha256 != fingerprint) {
    reply = refuse(403, "the IDevID of serial " + serial + " (SHA-256 " + fingerprint +
                            ") is not the one sold in purchase " + a.record.purchase_id,
                   serial);
    return std::nullopt;
  }
  a.request = request;
  return a;
}

MasaReply Masa::request_voucher(ByteView body, std::string_view content_type, const std::vector<const X509*>& tls_peer,
                                core::UnixTime now) const {
  MasaReply reply;
  auto a = authenticate(body, content_type, tls_peer, now, reply);
  if (!a) return reply;

  artifact::Voucher v(artifact::VoucherKind::voucher);
  v.set_text("created-on", core::format_rfc3339(now));
  v.set_text("assertion", std::string(artifact::assertion_name(artifact::Assertion::logged)));
  v.set_text("serial-number", a->serial);
  v.set_bytes("pinned-domain-cert", a->record.domain_ca_der);
  std::string nonce;
  if (const artifact::LeafValue* n = a->request.get("nonce")) {
    v.set("nonce", *n);
    nonce = core::to_base64(n->bytes);
  } else {
    v.set_text("expires-on", core::format_rfc3339(now + settings_.nonceless_validity));
  }
  artifact::VoucherSignOptions so;
  so.form = a->form;
  so.certificate = settings_.signer_cert;
  so.chain = settings_.signer_chain;
  so.signing_time = now;
  auto signed_voucher = artifact::sign_voucher(v, *settings_.signer, so);
  if (!signed_voucher) return refuse(500, "signing the voucher: " + signed_voucher.error().message, a->serial);

  store::AuditEntry e;
  e.serial = a->serial;
  e.date = now;
  e.domain_id = domain_id(a->domain_ca.get());
  e.nonce = nonce;
  e.assertion = "logged";
  if (Status s = store_->append_audit(e); !s) return refuse(500, "MASA audit log: " + s.error().message, a->serial);

  reply.status = 200;
  reply.content_type = std::string(artifact::media_type(a->form));
  reply.body.assign(signed_voucher->begin(), signed_voucher->end());
  reply.serial = a->serial;
  return reply;
}

MasaReply Masa::request_audit_log(ByteView body, std::string_view content_type, const std::vector<const X509*>& tls_peer,
                                  core::UnixTime now) const {
  MasaReply reply;
  auto a = authenticate(body, content_type, tls_peer, now, reply);
  if (!a) return reply;
  auto log = store_->audit_log(a->serial, settings_.audit_log_limit);
  if (!log) return refuse(500, "MASA audit log: " + log.error().message, a->serial);
  nlohmann::ordered_json doc;
  doc["version"] = "1";
  nlohmann::ordered_json events = nlohmann::ordered_json::array();
  for (const auto& e : log->entries) {
    nlohmann::ordered_json event;
    event["date"] = core::format_rfc3339(e.date);
    event["domainID"] = e.domain_id;
    if (e.nonce.empty()) event["nonce"] = nullptr;
    else event["nonce"] = e.nonce;
    event["assertion"] = e.assertion;
    event["truncated"] = "0";
    events.push_back(std::move(event));
  }
  doc["events"] = std::move(events);
  if (log->total > log->entries.size())
    doc["truncation"] = {{"arbitrary", std::to_string(log->total - log->entries.size())}};
  reply.status = 200;
  reply.content_type = "application/json";
  reply.body = doc.dump();
  reply.serial = a->serial;
  return reply;
}

}  // namespace iotonb::protocol::brski
