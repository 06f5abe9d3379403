// The BRSKI registrar (RFC 8995 5), without a transport: it judges a pledge's voucher request
// (5.2, 5.3), builds and signs the registrar voucher request (5.5), sends it to the MASA
// through a MasaConnector the caller supplies, relays the voucher (5.6), and takes the
// pledge's status telemetry (voucher_status 5.7, enrollstatus 5.9.4). Every decision is
// recorded in the RegistrarStore (the authorization service).
//
// Judging a pledge request:
//   - Content-Type is a voucher form the registrar handles (CMS or COSE; 415), Accept allows it (406);
//   - the TLS client certificate is an IDevID chaining to a configured manufacturer anchor (401/403);
//   - the request is signed with that IDevID's key, and its serial-number is the IDevID's (400/403);
//   - proximity-registrar-cert is this registrar's own TLS certificate (403);
//   - the serial is on the allow-list with that IDevID's fingerprint (403);
//   - the device is not revoked or quarantined (403), the nonce was never seen for the serial (403);
//   - with attestation configured (attestation.h): a recent appraisal that is not contraindicated (403).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "artifact/signed_voucher.h"
#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/signer.h"
#include "protocol/answer.h"
#include "store/registrar_store.h"

namespace iotonb::protocol::brski {

// The well-known paths (RFC 8995 5, RFC 7030 3.2.2).
inline constexpr const char* kRequestVoucherPath = "/.well-known/brski/requestvoucher";
inline constexpr const char* kVoucherStatusPath = "/.well-known/brski/voucher_status";
inline constexpr const char* kEnrollStatusPath = "/.well-known/brski/enrollstatus";
inline constexpr const char* kRequestAuditLogPath = "/.well-known/brski/requestauditlog";

// A request as the transport received it.
struct BrskiRequest {
  std::string content_type;
  std::string accept;  // "" when absent
  std::string body;
  std::vector<const X509*> peer_certificates;  // the client's leaf first, then its chain
  core::UnixTime at = 0;                       // 0: now
};

// What the MASA answered (or the transport's failure, as an Error of kind network).
struct MasaAnswer {
  int status = 0;
  std::string content_type;
  std::string body;
  std::string retry_after;
};

// Sends a registrar voucher request to a MASA. masa_uri is the MASA's BRSKI base URI
// ("https://masa.example:9443/.well-known/brski"); path is appended ("/requestvoucher").
// Implementations must be safe to call from several threads.
class MasaConnector {
 public:
  virtual ~MasaConnector() = default;
  virtual Result<MasaAnswer> post(const std::string& masa_uri, const std::string& path, const std::string& content_type,
                                  const std::string& body, const std::string& accept) = 0;
};

class Attestation;

struct RegistrarSettings {
  const X509* tls_certificate = nullptr;     // the registrar's TLS end-entity certificate (cmcRA)
  std::vector<const X509*> tls_chain;        // intermediates up to the domain CA
  const pki::Signer* signer = nullptr;       // its key: signs the registrar voucher requests
  std::vector<const X509*> manufacturer_trust;
  std::string masa_url;                      // override; "" = from the IDevID's MASA URL extension
  Attestation* attestation = nullptr;        // appraises evidence before the MASA is asked; null: off
  std::size_t max_status_body = 16 * 1024;   // voucher_status / enrollstatus JSON
};

// A pledge request that passed every check (judge_pledge_request).
struct JudgedRequest {
  artifact::SignedVoucher request;  // opened
  Bytes request_bytes;              // the envelope (DER / COSE) as the pledge signed it
  core::X509Ptr idevid;
  std::string serial;
  std::string idevid_sha256;
  std::string replay_key;           // "nonce:<hex>" or, nonceless, "sha256:<hex of the request>"
  std::string masa_uri;             // base URI the request goes to
};

class Registrar {
 public:
  // settings' pointers must outlive the Registrar; so must store and masa.
  Registrar(RegistrarSettings settings, store::RegistrarStore& store, MasaConnector& masa);

  // The checks above, with no side effect (the nonce is only looked up). Either the judged
  // request or the refusal.
  std::variant<JudgedRequest, Answer> judge_pledge_request(const BrskiRequest& request);

  // The registrar voucher request for a judged pledge request, signed, in the pledge's form.
  Result<Bytes> registrar_voucher_request(const JudgedRequest& judged, core::UnixTime at) const;

  // POST /.well-known/brski/requestvoucher: judge, record, ask the MASA, relay.
  Answer request_voucher(const BrskiRequest& request);
  // POST /.well-known/brski/voucher_status and /enrollstatus: the pledge's IDevID (voucher
  // status) or IDevID/LDevID (enroll status) as client certificate, JSON body (RFC 8995 5.7).
  // domain_trust: to accept an LDevID for enrollstatus (may be empty).
  Answer voucher_status(const BrskiRequest& request);
  Answer enroll_status(const BrskiRequest& request, const std::vector<const X509*>& domain_trust);

  const RegistrarSettings& settings() const { return settings_; }

 private:
  Answer status_report(const BrskiRequest& request, const std::string& kind, const std::vector<const X509*>& domain_trust);

  RegistrarSettings settings_;
  Bytes tls_der_;
  store::RegistrarStore& store_;
  MasaConnector& masa_;
};

// The MASA's BRSKI base URI for an IDevID: override when not empty, else the IDevID's MASA
// URL extension made a URI (RFC 8995 2.3.2). An input error when neither is there.
Result<std::string> masa_uri_for(const X509* idevid, const std::string& override_url);

// Parses and validates a status telemetry body (RFC 8995 5.7 / 5.9.4): an object with
// "version" (string "1"; a number 1 is also seen), "status" (boolean), optional "reason"
// (string) and "reason-context" (object). Returns status and reason.
struct StatusTelemetry {
  bool status = false;
  std::string reason;
};
Result<StatusTelemetry> parse_status_telemetry(std::string_view body, std::size_t max_size);

}  // namespace iotonb::protocol::brski
