// The pledge's side of BRSKI (RFC 8995 3, 5.2-5.9) and of the EST enrollment that follows it
// (RFC 7030 4.1, 4.2; RFC 8951), without any transport: the pledge voucher request it signs
// with its IDevID (5.2), how it judges the voucher it gets back (5.6.1) and the registrar's
// provisional TLS chain against the voucher's pinned-domain-cert (5.6.2), the CSR for its
// LDevID with a key made on the device, the checks on the certificate the registrar issues
// (RFC 7030 4.2.3), and the status telemetry it sends (RFC 8995 5.7, 5.9.4).
//
// Every refusal is a verification error whose message names the check that failed, so a
// person reading the pledge's output knows which party or which leaf is at fault.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "artifact/signed_voucher.h"
#include "artifact/voucher.h"
#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/key.h"
#include "pki/signer.h"

namespace iotonb::protocol::brski {

// The pledge's birth identity as the protocol needs it (not owned).
struct PledgeIdentity {
  const X509* idevid = nullptr;
  std::vector<const X509*> chain;  // intermediates carried in the voucher request
  const pki::Signer* key = nullptr;
};

struct VoucherRequestOptions {
  artifact::VoucherForm form = artifact::VoucherForm::cms;  // cms or cose
  core::UnixTime now = 0;                                   // created-on
  Bytes nonce;  // empty: a fresh random nonce (tests pass a fixed one)
};

// A pledge voucher request as sent, and what the voucher must echo.
struct PledgeVoucherRequest {
  std::string serial;
  Bytes nonce;
  std::string created_on;  // RFC 3339
  artifact::VoucherForm form = artifact::VoucherForm::cms;
  std::string media_type;  // Content-Type and Accept of the requestvoucher POST
  Bytes body;              // the signed request
};

// The voucher request of RFC 8995 5.2: serial-number from the IDevID subject serialNumber,
// a fresh nonce, created-on, assertion "proximity", proximity-registrar-cert = the DER of
// registrar_cert (the end-entity certificate of the provisional TLS connection), signed
// with the IDevID key. An IDevID without serialNumber is an input error.
Result<PledgeVoucherRequest> make_voucher_request(const PledgeIdentity& identity, const X509* registrar_cert,
                                                  const VoucherRequestOptions& options);

// The form a voucher's Content-Type names (application/voucher-cms+json,
// application/voucher+cose, application/voucher-cose+cbor), or nullopt.
std::optional<artifact::VoucherForm> form_of_media_type(std::string_view content_type);

// A voucher the pledge has accepted.
struct AcceptedVoucher {
  Bytes bytes;  // as received (what the device state keeps)
  artifact::VoucherForm form = artifact::VoucherForm::cms;
  artifact::Voucher voucher;
  // What the voucher pins: pinned-domain-cert, or (pinned-domain-pubk*) null with the key.
  core::X509Ptr pinned_domain_cert;
  Bytes pinned_spki;              // pinned-domain-pubk, when that is what it pins
  Bytes pinned_spki_sha256;       // pinned-domain-pubk-sha256, likewise
  std::string assertion;          // "logged", "verified", "proximity", ...
  std::string created_on;
  std::string expires_on;         // "" when absent
  std::string signer;             // the MASA signer's subject
};

// RFC 8995 5.6.1: the voucher's signature and its signer's chain to one of masa_trust at
// `now`, its validity window, serial-number = the request's, nonce = the request's (byte for
// byte), and that it is a voucher pinning a domain. The error names the failed check, e.g.
// "voucher: nonce does not match the request (sent 00.., got 11..)".
Result<AcceptedVoucher> judge_voucher(ByteView body, const PledgeVoucherRequest& request,
                                      const std::vector<const X509*>& masa_trust, core::UnixTime now);

// RFC 8995 5.6.2: the registrar's TLS chain (as captured in the provisional handshake, leaf
// first) must validate with the pinned-domain-cert as the only trust anchor (it may be a CA
// or the registrar's own certificate); for a pinned key, some certificate of the chain that
// the leaf chains to must carry it. Returns the certificate that is the anchor (the pinned
// certificate, or the chain's certificate holding the pinned key), for the connections that
// follow (ServerTrust::anchors). Otherwise a verification error: "registrar TLS certificate
// does not chain to the pinned domain certificate: ...".
Result<core::X509Ptr> check_registrar_chain(const std::vector<const X509*>& tls_chain, const AcceptedVoucher& voucher,
                                            core::UnixTime now);

// The LDevID request: a key made here and a CSR signed with it whose subject carries
// serialNumber = the IDevID's (RFC 8995 5.9.1; what the registrar checks) and, when given,
// commonName.
struct LdevidRequest {
  core::EvpPkeyPtr key;
  core::X509ReqPtr csr;
  Bytes csr_der;
  std::string body;  // the simpleenroll body: base64 DER (RFC 7030 4.2.1, RFC 8951)
};

Result<LdevidRequest> make_ldevid_request(const std::string& serial, pki::KeyType key_type,
                                          const std::string& common_name = "");
// For simplereenroll (RFC 7030 4.2.2): a new key, the subject of the current LDevID.
Result<LdevidRequest> make_reenroll_request(const X509* current_ldevid, pki::KeyType key_type);

// The domain CA certificates of a /cacerts answer (certs-only, base64).
Result<std::vector<core::X509Ptr>> parse_cacerts(std::string_view body);

// The LDevID of a simpleenroll/simplereenroll answer (certs-only, base64; the first
// certificate whose key is the request's, others are taken as its chain): its public key
// must be the CSR's, and it must chain to the cacerts at `now`.
Result<core::X509Ptr> accept_ldevid(std::string_view body, const LdevidRequest& request,
                                    const std::vector<const X509*>& cacerts, core::UnixTime now);

// RFC 8995 5.7 voucher status and 5.9.4 enrollment status telemetry:
// {"version":"1","status":true|false,"reason":"...","reason-context":{...}}.
std::string status_report(bool status, const std::string& reason, const nlohmann::json& reason_context = nullptr);

// The LDevID description the pledge reports and stores.
struct LdevidSummary {
  std::string serial;       // hex
  std::string subject;
  std::string issuer;
  std::string fingerprint;  // SHA-256 of the DER, hex
  std::string not_before;   // RFC 3339
  std::string not_after;
};
LdevidSummary summarize_ldevid(const X509* ldevid);

}  // namespace iotonb::protocol::brski
