#include "protocol/brski/pledge.h"

#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/name.h"
#include "pki/parse_cache.h"
#include "pki/verify.h"
#include "protocol/est/est_codec.h"

namespace iotonb::protocol::brski {
namespace {

core::X509Ptr up_ref(const X509* cert) {
  X509_up_ref(const_cast<X509*>(cert));
  return core::X509Ptr(const_cast<X509*>(cert));
}

std::string asn1_time_text(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "invalid";
  return core::format_rfc3339(static_cast<core::UnixTime>(timegm(&tm)));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The pledge's own words for each check verify_voucher reports.
std::string voucher_failure(const artifact::Check& check, const artifact::VoucherVerification& v,
                            const PledgeVoucherRequest& request) {
  const std::string& d = check.detail;
  if (check.name == "payload") return "voucher: malformed: " + d;
  if (check.name == "signature") return "voucher: signature does not verify: " + d;
  if (check.name == "signer-chain") return "voucher: not signed by a trusted MASA (MASA trust anchors): " + d;
  if (check.name == "serial-number") return "voucher: serial-number does not match the request: " + d;
  if (check.name == "nonce") {
    const artifact::LeafValue* got = v.opened.voucher ? v.opened.voucher->get("nonce") : nullptr;
    return "voucher: nonce does not match the request (sent " + core::to_hex(request.nonce) + ", got " +
           (got ? core::to_hex(got->bytes) : std::string("none")) + ")";
  }
  if (check.name == "created-on") return "voucher: created-on is in the future: " + d;
  if (check.name == "expires-on") return "voucher: expired: " + d;
  return "voucher: " + check.name + ": " + d;
}

Result<core::X509NamePtr> serial_subject(const std::string& serial, const std::string& common_name) {
  IOTONB_RETURN_IF_ERROR(pki::check_device_serial(serial));
  core::X509NamePtr name(X509_NAME_new());
  if (!name) return internal_error("out of memory");
  if (!common_name.empty() &&
      X509_NAME_add_entry_by_NID(name.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(common_name.data()),
                                 static_cast<int>(common_name.size()), -1, 0) != 1)
    return input_error("LDevID subject: commonName \"" + common_name + "\": " + core::openssl_errors());
  if (X509_NAME_add_entry_by_NID(name.get(), NID_serialNumber, MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(serial.data()), static_cast<int>(serial.size()),
                                 -1, 0) != 1)
    return input_error("LDevID subject: serialNumber \"" + serial + "\": " + core::openssl_errors());
  return name;
}

Result<LdevidRequest> request_for(const X509_NAME* subject, pki::KeyType key_type) {
  LdevidRequest r;
  IOTONB_ASSIGN_OR_RETURN(r.key, pki::generate_key(key_type));
  EVP_PKEY_up_ref(r.key.get());
  auto signer = pki::memory_signer(core::EvpPkeyPtr(r.key.get()), "memory:ldevid");
  pki::CsrRequest cr;
  cr.subject = subject;
  IOTONB_ASSIGN_OR_RETURN(r.csr, pki::create_csr(cr, *signer));
  r.csr_der = pki::csr_der(r.csr.get());
  r.body = est::encode_base64_body(r.csr_der);
  return r;
}

}  // namespace

Result<PledgeVoucherRequest> make_voucher_request(const PledgeIdentity& identity, const X509* registrar_cert,
                                                  const VoucherRequestOptions& options) {
  if (identity.idevid == nullptr || identity.key == nullptr) return usage_error("voucher request: no IDevID or key");
  if (registrar_cert == nullptr)
    return usage_error("voucher request: the registrar presented no TLS certificate to put in proximity-registrar-cert");
  if (options.form != artifact::VoucherForm::cms && options.form != artifact::VoucherForm::cose)
    return usage_error("voucher request: form must be cms or cose");
  auto serial = artifact::idevid_serial_number(identity.idevid);
  if (!serial) return input_error("IDevID: the subject has no serialNumber (RFC 8995 2.3.1)");

  PledgeVoucherRequest out;
  out.serial = *serial;
  out.form = options.form;
  out.media_type = std::string(artifact::media_type(options.form));
  if (options.nonce.empty()) {
    IOTONB_ASSIGN_OR_RETURN(out.nonce, artifact::random_nonce());
  } else {
    out.nonce = options.nonce;
  }
  out.created_on = core::format_rfc3339(options.now ? options.now : core::now());

  artifact::Voucher v(artifact::VoucherKind::request);
  v.set_text("assertion", "proximity");
  v.set_text("created-on", out.created_on);
  v.set_text("serial-number", out.serial);
  v.set_bytes("nonce", out.nonce);
  v.set_bytes("proximity-registrar-cert", pki::certificate_der(registrar_cert));

  artifact::VoucherSignOptions so;
  so.form = options.form;
  so.certificate = identity.idevid;
  so.chain = identity.chain;
  IOTONB_ASSIGN_OR_RETURN(out.body, artifact::sign_voucher(v, *identity.key, so));
  return out;
}

std::optional<artifact::VoucherForm> form_of_media_type(std::string_view content_type) {
  std::string t = lower(content_type.substr(0, content_type.find(';')));
  t.erase(std::remove_if(t.begin(), t.end(), [](char c) { return c == ' ' || c == '\t'; }), t.end());
  if (t == "application/voucher-cms+json" || t == "application/voucher+cms") return artifact::VoucherForm::cms;
  if (t == "application/voucher+cose" || t == "application/voucher-cose+cbor") return artifact::VoucherForm::cose;
  if (t == "application/voucher-jws+json") return artifact::VoucherForm::jws;
  return std::nullopt;
}

Result<AcceptedVoucher> judge_voucher(ByteView body, const PledgeVoucherRequest& request,
                                      const std::vector<const X509*>& masa_trust, core::UnixTime now) {
  if (masa_trust.empty()) return usage_error("voucher: no MASA trust anchor to verify it with");
  artifact::VoucherVerifyOptions o;
  o.trust = masa_trust;
  o.at = now;
  o.serial = request.serial;
  o.nonce = core::to_hex(request.nonce);
  auto verified = artifact::verify_voucher(body, o);
  if (!verified) return verify_error("voucher: unreadable: " + verified.error().message);
  if (const artifact::Check* f = verified->first_failure()) return verify_error(voucher_failure(*f, *verified, request));
  const artifact::Voucher& v = *verified->opened.voucher;
  if (v.kind() != artifact::VoucherKind::voucher)
    return verify_error("voucher: the registrar returned a voucher request, not a voucher");

  AcceptedVoucher a;
  a.bytes.assign(body.begin(), body.end());
  a.form = verified->opened.form;
  a.voucher = v;
  if (auto as = v.assertion()) a.assertion = std::string(artifact::assertion_name(*as));
  if (const auto* c = v.get("created-on")) a.created_on = c->text;
  if (const auto* e = v.get("expires-on")) a.expires_on = e->text;
  if (verified->signer) a.signer = pki::name_to_string(X509_get_subject_name(verified->signer.get()));
  if (auto pinned = v.binary("pinned-domain-cert")) {
    // The domain CA is pinned in voucher after voucher a gateway or test harness judges for
    // its pledges: parsed once (pki/parse_cache.h); what is not one DER certificate gets the
    // general parser and its error message.
    auto cert = pki::parse_certificate_der_cached(*pinned);
    if (!cert) cert = pki::parse_certificate(*pinned);
    if (!cert) return verify_error("voucher: pinned-domain-cert is not a certificate: " + cert.error().message);
    a.pinned_domain_cert = std::move(*cert);
  } else if (auto pubk = v.binary("pinned-domain-pubk")) {
    a.pinned_spki = *pubk;
  } else if (auto hash = v.binary("pinned-domain-pubk-sha256")) {
    a.pinned_spki_sha256 = *hash;
  } else {
    return verify_error("voucher: pins no domain certificate");
  }
  return a;
}

Result<core::X509Ptr> check_registrar_chain(const std::vector<const X509*>& tls_chain, const AcceptedVoucher& voucher,
                                            core::UnixTime now) {
  const std::string what = "registrar TLS certificate does not chain to the pinned domain certificate";
  if (tls_chain.empty() || tls_chain.front() == nullptr) return verify_error(what + ": the registrar presented no certificate");
  pki::ChainCheck check;
  check.at = now;
  check.untrusted.assign(tls_chain.begin() + 1, tls_chain.end());
  if (voucher.pinned_domain_cert) {
    check.trust = {voucher.pinned_domain_cert.get()};
    auto chain = pki::verify_chain(tls_chain.front(), check);
    if (!chain) return verify_error(what + ": " + chain.error().message);
    return up_ref(voucher.pinned_domain_cert.get());
  }
  // A pinned key: the anchor is whichever presented certificate carries it.
  for (const X509* c : tls_chain) {
    Bytes spki = artifact::subject_public_key_info(c);
    bool pinned = voucher.pinned_spki.empty() ? artifact::sha256(spki) == voucher.pinned_spki_sha256
                                              : spki == voucher.pinned_spki;
    if (!pinned) continue;
    check.trust = {c};
    auto chain = pki::verify_chain(tls_chain.front(), check);
    if (!chain) return verify_error(what + ": " + chain.error().message);
    return up_ref(c);
  }
  return verify_error(what + ": no certificate the registrar presented carries the pinned domain key");
}

Result<LdevidRequest> make_ldevid_request(const std::string& serial, pki::KeyType key_type,
                                          const std::string& common_name) {
  auto name = serial_subject(serial, common_name);
  if (!name) return name.error().context("LDevID request");
  return request_for(name->get(), key_type);
}

Result<LdevidRequest> make_reenroll_request(const X509* current_ldevid, pki::KeyType key_type) {
  if (current_ldevid == nullptr) return usage_error("re-enrollment request: no current LDevID");
  return request_for(X509_get_subject_name(current_ldevid), key_type);
}

Result<std::vector<core::X509Ptr>> parse_cacerts(std::string_view body) {
  auto certs = est::decode_certs_only(body);
  if (!certs) return certs.error().context("cacerts");
  return certs;
}

Result<core::X509Ptr> accept_ldevid(std::string_view body, const LdevidRequest& request,
                                    const std::vector<const X509*>& cacerts, core::UnixTime now) {
  auto certs = est::decode_certs_only(body);
  if (!certs) return certs.error().context("enrollment response");
  std::size_t mine = certs->size();
  for (std::size_t i = 0; i < certs->size(); ++i) {
    if (pki::same_public_key(X509_get0_pubkey((*certs)[i].get()), request.key.get())) {
      mine = i;
      break;
    }
  }
  if (mine == certs->size())
    return verify_error("LDevID: the issued certificate's public key is not the key of the CSR");
  if (cacerts.empty()) return verify_error("LDevID: no domain CA certificate (cacerts) to check it against");
  pki::ChainCheck check;
  check.trust = cacerts;
  check.at = now;
  for (std::size_t i = 0; i < certs->size(); ++i)
    if (i != mine) check.untrusted.push_back((*certs)[i].get());
  auto chain = pki::verify_chain((*certs)[mine].get(), check);
  if (!chain) return verify_error("LDevID does not chain to the domain CA (cacerts): " + chain.error().message);
  return std::move((*certs)[mine]);
}

std::string status_report(bool status, const std::string& reason, const nlohmann::json& reason_context) {
  nlohmann::ordered_json j;
  j["version"] = "1";
  j["status"] = status;
  if (!reason.empty()) j["reason"] = reason;
  if (!reason_context.is_null()) j["reason-context"] = reason_context;
  return j.dump();
}

LdevidSummary summarize_ldevid(const X509* ldevid) {
  LdevidSummary s;
  s.serial = core::to_hex(pki::certificate_serial(ldevid));
  s.subject = pki::name_to_string(X509_get_subject_name(ldevid));
  s.issuer = pki::name_to_string(X509_get_issuer_name(ldevid));
  s.fingerprint = core::to_hex(pki::certificate_fingerprint(ldevid, EVP_sha256()));
  s.not_before = asn1_time_text(X509_get0_notBefore(ldevid));
  s.not_after = asn1_time_text(X509_get0_notAfter(ldevid));
  return s;
}

}  // namespace iotonb::protocol::brski
