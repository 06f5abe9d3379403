#include "artifact/voucher_verify.h"

#include "artifact/voucher_inputs.h"
#include "core/encoding.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/oids.h"
#include "pki/verify.h"

namespace iotonb::artifact {
namespace {

struct Candidate {
  const EVP_PKEY* key;
  const X509* cert;  // null for a pinned bare key
};

class Report {
 public:
  explicit Report(std::vector<Check>& checks) : checks_(checks) {}
  void pass(std::string name, std::string detail = {}) { add(std::move(name), CheckResult::pass, std::move(detail)); }
  void fail(std::string name, std::string detail) { add(std::move(name), CheckResult::fail, std::move(detail)); }
  void skip(std::string name, std::string detail) { add(std::move(name), CheckResult::skip, std::move(detail)); }

 private:
  void add(std::string name, CheckResult r, std::string detail) { checks_.push_back({std::move(name), r, std::move(detail)}); }
  std::vector<Check>& checks_;
};

// Finds the key that verifies the signature, cheapest first: pinned --trust keys (nothing to
// parse), then the certificates the envelope carries, then --trust certificates. carried
// receives the parsed carried certificates, which the chain check needs too.
template <typename VerifyFn>
Result<Candidate> find_signer(const SignedVoucher& sv, const VoucherVerifyOptions& opts, VerifyFn verify,
                              std::vector<core::X509Ptr>& carried) {
  std::optional<Error> first;
  std::size_t tried = 0;
  auto attempt = [&](const EVP_PKEY* key) {
    if (key == nullptr) return false;  // a certificate whose key OpenSSL cannot read
    ++tried;
    Status s = verify(key);
    if (!s && !first) first = s.error();
    return s.ok();
  };
  for (const EVP_PKEY* k : opts.trust_keys)
    if (attempt(k)) return Candidate{k, nullptr};
  IOTONB_ASSIGN_OR_RETURN(carried, carried_certificates(sv));
  for (const auto& c : carried)
    if (attempt(X509_get0_pubkey(c.get()))) return Candidate{X509_get0_pubkey(c.get()), c.get()};
  for (const X509* c : opts.trust)
    if (attempt(X509_get0_pubkey(c))) return Candidate{X509_get0_pubkey(c), c};
  if (tried == 0)
    return verify_error("the envelope carries no certificate and no --trust certificate or key was given to check it with");
  if (tried == 1) return *first;
  return verify_error("signature does not verify with any of the " + std::to_string(tried) +
                      " candidate keys (--trust keys, carried certificates, --trust certificates)");
}

// Checks the envelope signature; returns the signer. carried receives the carried certificates.
Result<Candidate> check_signature(const SignedVoucher& sv, const VoucherVerifyOptions& opts, core::X509Ptr& cms_signer,
                                  std::vector<core::X509Ptr>& carried) {
  if (std::holds_alternative<envelope::cms::SignedData>(sv.parsed)) {
    envelope::cms::VerifyOptions o;
    o.signer_candidates = opts.trust;
    o.check_chain = false;
    o.accepted_content_types = {envelope::cms::kIdCtAnimaJsonVoucher, envelope::cms::kIdData};
    const auto& sd = std::get<envelope::cms::SignedData>(sv.parsed);
    IOTONB_ASSIGN_OR_RETURN(envelope::cms::Verified v, envelope::cms::verify(sd, o));
    cms_signer = std::move(v.signer);
    IOTONB_ASSIGN_OR_RETURN(carried, carried_certificates(sv));
    return Candidate{X509_get0_pubkey(cms_signer.get()), cms_signer.get()};
  }
  if (const auto* jws = std::get_if<envelope::jose::Jws>(&sv.parsed)) {
    if (jws->signatures.size() != 1)
      return verify_error("JWS voucher has " + std::to_string(jws->signatures.size()) + " signatures, expected 1");
    return find_signer(sv, opts, [&](const EVP_PKEY* k) { return envelope::jose::verify(*jws, 0, k); }, carried);
  }
  if (const auto* msg = std::get_if<envelope::cose::Sign1>(&sv.parsed)) {
    if (auto alg = envelope::cose::algorithm(*msg); !alg) return verify_error(alg.error().message);
    return find_signer(sv, opts, [&](const EVP_PKEY* k) { return envelope::cose::verify_sign1(*msg, k); }, carried);
  }
  return verify_error("an unsigned voucher has no signature");
}

void check_chain(Report& r, const std::vector<core::X509Ptr>& carried, const VoucherVerifyOptions& opts,
                 const Candidate& signer, std::vector<core::X509Ptr>& path) {
  // A pinned key trusts whatever certificate carries it: no path to build.
  auto pinned = [&](const EVP_PKEY* key) {
    for (const EVP_PKEY* k : opts.trust_keys)
      if (EVP_PKEY_eq(k, key) == 1) return true;
    return false;
  };
  if (!signer.cert || pinned(signer.key)) {
    r.pass("signer-chain", "the signer's key is a --trust key");
    return;
  }
  pki::ChainCheck check;
  check.trust = opts.trust;
  check.untrusted = opts.untrusted;
  for (const auto& c : carried) check.untrusted.push_back(c.get());
  check.at = opts.at;
  auto chain = pki::verify_chain(signer.cert, check);
  if (!chain) {
    r.fail("signer-chain", chain.error().message);
    return;
  }
  path = std::move(chain).value();
  std::string detail = "chains to " + std::to_string(path.size()) + " certificate(s) at " + core::format_rfc3339(opts.at);
  r.pass("signer-chain", detail);
}

void check_times(Report& r, const Voucher& v, core::UnixTime at) {
  if (auto created = v.time("created-on")) {
    if (*created > at)
      r.fail("created-on", "created-on " + v.get("created-on")->text + " is after the verification time " +
                               core::format_rfc3339(at));
    else r.pass("created-on", v.get("created-on")->text);
  } else {
    r.skip("created-on", "absent");
  }
  if (auto expires = v.time("expires-on")) {
    if (at >= *expires)
      r.fail("expires-on", "voucher expired at " + v.get("expires-on")->text + " (verification time " +
                               core::format_rfc3339(at) + ")");
    else r.pass("expires-on", v.get("expires-on")->text);
  } else {
    r.skip("expires-on", "absent (a nonceless voucher without expiry never expires)");
  }
}

void check_pinned_domain(Report& r, const Voucher& v, const VoucherVerifyOptions& opts) {
  if (!opts.domain_cert) {
    r.skip("pinned-domain", "no --domain-cert given");
    return;
  }
  if (auto pinned = v.binary("pinned-domain-cert")) {
    auto pinned_cert = pki::parse_certificate(*pinned);
    if (!pinned_cert) {
      r.fail("pinned-domain", "pinned-domain-cert is not a certificate");
      return;
    }
    if (pki::certificate_der(opts.domain_cert) == *pinned) {
      r.pass("pinned-domain", "the domain certificate is the pinned certificate");
      return;
    }
    pki::ChainCheck check;
    check.trust = {pinned_cert->get()};
    check.untrusted = opts.domain_chain;
    check.at = opts.at;
    auto chain = pki::verify_chain(opts.domain_cert, check);
    if (chain) r.pass("pinned-domain", "the domain certificate chains to pinned-domain-cert");
    else r.fail("pinned-domain", "the domain certificate does not chain to pinned-domain-cert: " + chain.error().message);
    return;
  }
  Bytes spki = subject_public_key_info(opts.domain_cert);
  if (auto pubk = v.binary("pinned-domain-pubk")) {
    if (*pubk == spki) r.pass("pinned-domain", "the domain certificate's key is pinned-domain-pubk");
    else r.fail("pinned-domain", "the domain certificate's key is not pinned-domain-pubk");
    return;
  }
  if (auto hash = v.binary("pinned-domain-pubk-sha256")) {
    if (*hash == sha256(spki)) r.pass("pinned-domain", "the domain certificate's key hashes to pinned-domain-pubk-sha256");
    else r.fail("pinned-domain", "the domain certificate's key does not hash to pinned-domain-pubk-sha256");
    return;
  }
  r.skip("pinned-domain", "the " + std::string(kind_name(v.kind())) + " pins no domain");
}

void check_prior_signed(Report& r, const Voucher& outer, bool check_signature_here) {
  auto prior = outer.binary("prior-signed-voucher-request");
  if (!prior) return;
  auto opened = open_voucher_for_verification(*prior);
  if (!opened) {
    r.fail("prior-signed", "prior-signed-voucher-request: " + opened.error().message);
    return;
  }
  if (!opened->voucher || opened->payload_error) {
    r.fail("prior-signed", "prior-signed-voucher-request: " + opened->payload_error->message);
    return;
  }
  // The pledge's request is checked with what it carries (its IDevID, for CMS) or, when it
  // carries nothing (cBRSKI: the IDevID came in the DTLS handshake), not at all here.
  VoucherVerifyOptions inner;
  core::X509Ptr cms_signer;
  std::vector<core::X509Ptr> carried;
  if (!check_signature_here) {
    r.skip("prior-signed", "the pledge's request signature is left to the caller");
  } else if (opened->certificate_ders.empty() && !std::holds_alternative<envelope::cms::SignedData>(opened->parsed)) {
    r.skip("prior-signed", "the pledge's request carries no certificate; its signature is checked against the "
                           "IDevID from the TLS/DTLS handshake, not here");
  } else if (auto signer = check_signature(*opened, inner, cms_signer, carried); !signer) {
    r.fail("prior-signed", "prior-signed-voucher-request: " + signer.error().message);
    return;
  } else {
    r.pass("prior-signed", "the pledge's request signature verifies with the certificate it carries");
  }
  const LeafValue* outer_nonce = outer.get("nonce");
  const LeafValue* inner_nonce = opened->voucher->get("nonce");
  if (outer_nonce && inner_nonce && outer_nonce->bytes != inner_nonce->bytes)
    r.fail("prior-signed-nonce", "the registrar's nonce differs from the pledge's");
  auto outer_serial = outer.serial_number(), inner_serial = opened->voucher->serial_number();
  if (outer_serial && inner_serial && *outer_serial != *inner_serial)
    r.fail("prior-signed-serial", "the registrar's serial-number \"" + *outer_serial + "\" differs from the pledge's \"" +
                                      *inner_serial + "\"");
}

}  // namespace

bool VoucherVerification::ok() const { return first_failure() == nullptr; }

const Check* VoucherVerification::first_failure() const { return artifact::first_failure(checks); }

bool nonce_matches(const std::string& sent, const LeafValue& received) {
  if (!received.text.empty() && received.text == sent) return true;
  if (auto hex = core::from_hex(sent); hex && *hex == received.bytes) return true;
  if (auto b64 = core::from_base64(sent); b64 && *b64 == received.bytes) return true;
  return Bytes(sent.begin(), sent.end()) == received.bytes;
}

Result<VoucherVerification> verify_voucher(ByteView input, const VoucherVerifyOptions& opts) {
  IOTONB_ASSIGN_OR_RETURN(SignedVoucher sv, open_voucher_for_verification(input));
  VoucherVerification out;
  Report r(out.checks);
  if (sv.form == VoucherForm::json || sv.form == VoucherForm::cbor) {
    r.fail("signature", "the voucher is not signed (plain " + std::string(form_name(sv.form)) + ")");
    out.opened = std::move(sv);
    return out;
  }
  if (sv.payload_error) r.fail("payload", sv.payload_error->message);
  else r.pass("payload", std::string(kind_name(sv.voucher->kind())));

  core::X509Ptr cms_signer;
  std::vector<core::X509Ptr> carried;
  auto signer = check_signature(sv, opts, cms_signer, carried);
  std::vector<core::X509Ptr> path;
  if (!signer) {
    r.fail("signature", signer.error().message);
  } else {
    r.pass("signature", signer->cert ? "signed by " + pki::name_to_string(X509_get_subject_name(signer->cert))
                                     : "signed by a --trust key");
    check_chain(r, carried, opts, *signer, path);
    if (signer->cert) {
      X509_up_ref(const_cast<X509*>(signer->cert));
      out.signer.reset(const_cast<X509*>(signer->cert));
    }
  }

  if (sv.voucher) {
    const Voucher& v = *sv.voucher;
    const bool registrar_request = v.kind() == VoucherKind::request && v.has("prior-signed-voucher-request");
    if (registrar_request) {
      if (!signer || !signer->cert) r.skip("signer-eku", "no signer certificate to check for id-kp-cmcRA");
      else if (pki::has_extended_key_usage(signer->cert, pki::oid::kCmcRa)) r.pass("signer-eku", "id-kp-cmcRA");
      else r.fail("signer-eku", "the registrar's certificate lacks id-kp-cmcRA (RFC 8995 5.5)");
    }
    check_times(r, v, opts.at);
    if (opts.serial) {
      auto serial = v.serial_number();
      if (serial && *serial == *opts.serial) r.pass("serial-number", *serial);
      else r.fail("serial-number", "serial-number \"" + serial.value_or("") + "\" is not the expected \"" + *opts.serial + "\"");
    }
    if (opts.nonce) {
      const LeafValue* nonce = v.get("nonce");
      if (!nonce) r.fail("nonce", "the " + std::string(kind_name(v.kind())) + " has no nonce, expected " + *opts.nonce);
      else if (nonce_matches(*opts.nonce, *nonce)) r.pass("nonce", *opts.nonce);
      else r.fail("nonce", "nonce " + core::to_hex(nonce->bytes) + " does not match the nonce sent (" + *opts.nonce + ")");
    }
    if (v.kind() == VoucherKind::voucher) check_pinned_domain(r, v, opts);
    if (registrar_request) check_prior_signed(r, v, opts.check_prior_signature);
  }
  out.opened = std::move(sv);
  return out;
}

}  // namespace iotonb::artifact
