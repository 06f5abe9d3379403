// The MASA's side of BRSKI (RFC 8995 5.5, 5.6, 5.8), transport-free: a registrar voucher
// request in, a signed voucher or a refusal (HTTP status + text) out, and the audit log.
//
// requestvoucher (5.5): the registrar request must verify and its signer carry id-kp-cmcRA
// (5.5, checked by artifact::verify_voucher with its prior-signed pledge request); the
// pledge request's signer (the IDevID) must chain to a manufacturer anchor; serial-number of
// both requests and the IDevID's subject serialNumber must agree (5.5.2); the MASA must hold
// an ownership record for the serial (404 otherwise) and the registrar's signer must chain to
// that record's domain CA (5.5.4, "registrar not in the owner's domain", 403). The IDevID
// must be the one the purchase record sold (SHA-256 fingerprint), and a TLS client
// certificate, when the registrar sent one, must chain to the same domain CA. The voucher
// (5.6) is signed in the request's form (CMS -> CMS, COSE -> COSE, JWS -> JWS): assertion
// "logged", serial-number, nonce copied, pinned-domain-cert = the record's domain CA,
// created-on, and expires-on for a nonceless request; each one goes to the audit log.
//
// requestauditlog (5.8.1): the same registrar request, authenticated the same way, answers
// the JSON log of the serial. domainID (5.8.2) is the pinned certificate's
// subjectKeyIdentifier, else the RFC 7469 2.4 SPKI fingerprint (SHA-256), base64.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/signed_voucher.h"
#include "core/bytes.h"
#include "core/ossl.h"
#include "core/time.h"
#include "pki/signer.h"
#include "store/masa_store.h"

namespace iotonb::protocol::brski {

struct MasaSettings {
  const pki::Signer* signer = nullptr;         // the voucher-signing key
  const X509* signer_cert = nullptr;           // its certificate (carried in every voucher)
  std::vector<const X509*> signer_chain;       // intermediates carried with it
  std::vector<const X509*> manufacturer_trust; // anchors the IDevIDs must chain to
  // Request forms accepted (and so voucher forms issued); others get 415.
  std::vector<artifact::VoucherForm> forms = {artifact::VoucherForm::cms, artifact::VoucherForm::cose,
                                              artifact::VoucherForm::jws};
  std::int64_t nonceless_validity = 14 * 24 * 3600;  // seconds; expires-on of a nonceless voucher
  std::size_t audit_log_limit = 1000;                 // events per audit-log answer
};

// What the transport sends back: status 200 with the voucher or the audit-log JSON, or a
// refusal with a text/plain message.
struct MasaReply {
  int status = 200;
  std::string content_type;
  std::string body;
  std::string serial;  // the serial the request was about, when it got that far (for logs)
  bool ok() const { return status == 200; }
};

// The voucher form a Content-Type names (parameters and case ignored), or nullopt.
// Accepts application/voucher-cms+json (and the obsolete application/voucher+cms and
// application/pkcs7-mime; smime-type=voucher-request), application/voucher+cose (and
// application/voucher-cose+cbor), application/voucher-jws+json.
std::optional<artifact::VoucherForm> form_for_media_type(std::string_view content_type);

// The domainID of RFC 8995 5.8.2 for a pinned-domain-cert.
std::string domain_id(const X509* pinned_domain_cert);

class Masa {
 public:
  // settings' pointers and the store must outlive the Masa. Thread-safe (const, and the
  // store locks).
  Masa(MasaSettings settings, store::MasaStore& store) : settings_(std::move(settings)), store_(&store) {}

  // tls_peer: the certificates the registrar presented on the TLS connection, leaf first
  // (empty when none). now: the verification and issuing time.
  MasaReply request_voucher(ByteView body, std::string_view content_type, const std::vector<const X509*>& tls_peer,
                            core::UnixTime now) const;
  MasaReply request_audit_log(ByteView body, std::string_view content_type, const std::vector<const X509*>& tls_peer,
                              core::UnixTime now) const;

 private:
  struct Authenticated;
  // Every check requestvoucher and requestauditlog share; a refusal in reply when not.
  std::optional<Authenticated> authenticate(ByteView body, std::string_view content_type,
                                            const std::vector<const X509*>& tls_peer, core::UnixTime now,
                                            MasaReply& reply) const;

  MasaSettings settings_;
  store::MasaStore* store_;
};

}  // namespace iotonb::protocol::brski
