// The pledge's onboarding session (RFC 8995 5; RFC 7030 4; RFC 8951) over HTTPS, as
// `iotonb enroll` runs it and the end-to-end tests and benchmark drive it:
//
//   provisional TLS with the IDevID as client certificate (5.1); GET /est/cacerts on it (the
//   first answer also captures the registrar's certificate for proximity-registrar-cert);
//   with evidence to send: POST /brski/attestation-nonce, then the evidence to
//   /brski/attestation (protocol/brski/attestation.h; a contraindicated device stops here);
//   POST /brski/requestvoucher (5.2; 202/503 retried by the client); judge the voucher
//   (5.6.1) and the registrar's TLS chain against its pinned-domain-cert (5.6.2), else
//   report voucher_status false (5.7) and abandon; from then on the same connection goes
//   on and any new one must chain to the pinned certificate (HttpsClient::trust_only):
//   POST /brski/voucher_status, make a key on the
//   device, POST /est/simpleenroll (RFC 7030 4.2.1), check the LDevID, POST
//   /brski/enrollstatus (5.9.4), GET /iotonb/network-profile (all on the one connection:
//   one handshake per session); write the device state as one commit
//   (protocol/device_state.h).
//
//   renew: the LDevID as client certificate and the domain CA as trust, a new key and a CSR
//   with the LDevID's subject, POST /est/simplereenroll (RFC 7030 4.2.2), the new LDevID
//   replaces the old in one commit, POST /brski/enrollstatus presenting the new LDevID.
//
// A refusal keeps the registrar's HTTP status and text in the error message ("registrar
// refused the voucher request: HTTP 403: MASA: serial not owned by this domain") and in the
// trace; 401/403/404 are not_authorized errors, other HTTP errors and transport failures
// network errors, failed checks of what came back verification errors.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "artifact/signed_voucher.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "net/https_client.h"
#include "pki/key.h"
#include "protocol/brski/pledge.h"

namespace iotonb::service {

struct EnrollOptions {
  std::string registrar_url;  // https://host:port; for renew "" = the stored enrollment's
  std::string state_dir;
  std::string idevid_cert;  // "" = state_dir/idevid.crt
  std::string idevid_key;   // key reference; "" = state_dir/idevid.key
  const SecretBytes* idevid_key_password = nullptr;
  std::vector<const X509*> masa_trust;  // enroll: MASA trust anchors (required)
  artifact::VoucherForm form = artifact::VoucherForm::cms;  // cms or cose
  pki::KeyType key_type = pki::kDefaultKeyType;
  bool key_type_given = false;  // renew: else the stored enrollment's key type
  std::string ldevid_common_name;  // optional CN in the LDevID subject
  bool force = false;              // enroll over an existing enrollment
  // A device description (artifact/eat/evidence.h): before the voucher request the pledge gets
  // a nonce from the registrar and sends evidence signed with its IDevID key
  // (protocol/brski/attestation.h). "" = no evidence.
  std::string evidence;
  core::UnixTime now = 0;          // 0 = the clock (tests fix it)
  // Timeouts and retry tuning; url, trust and client credentials are set per connection.
  net::ClientOptions transport;
};

struct StepTiming {
  std::string step;  // "cacerts", "requestvoucher", "verify-voucher", ...
  double ms = 0;
  int http_status = 0;  // 0: no HTTP exchange in this step
  int attempts = 0;     // HTTP attempts (retries after 202/503 included)
};

struct EnrollResult {
  bool renewed = false;
  std::string serial;
  std::string registrar;
  std::string state_dir;
  std::string voucher_form;  // "cms" or "cose"
  std::string voucher_assertion;
  std::string voucher_nonce;  // hex
  std::string voucher_created_on;
  std::string voucher_expires_on;
  std::string voucher_signer;
  std::string pinned_domain;  // subject of the pinned certificate (the TLS anchor)
  protocol::brski::LdevidSummary ldevid;
  std::string ldevid_key_type;
  std::string previous_ldevid_serial;  // renew: the one replaced
  nlohmann::json network_profile;      // null when none was fetched (renew)
  nlohmann::json attestation;          // the registrar's appraisal of the evidence; null when none was sent
  std::vector<StepTiming> steps;
  double total_ms = 0;
  std::vector<std::string> warnings;  // status reports the registrar did not take, ...

  // The summary `iotonb enroll --format json` prints (keys documented in iotonb-enroll(1)).
  nlohmann::ordered_json to_json() const;
};

// Where a session stopped, for callers that check the exact refusal (tests, load runs).
struct EnrollTrace {
  std::string failed_step;  // "" when it succeeded
  int http_status = 0;      // the refusing answer's status, 0 when there was none
  std::string peer_message; // the registrar's text/plain explanation
  std::vector<StepTiming> steps;
};

Result<EnrollResult> enroll(const EnrollOptions& options, EnrollTrace* trace = nullptr);
Result<EnrollResult> renew(const EnrollOptions& options, EnrollTrace* trace = nullptr);

}  // namespace iotonb::service
