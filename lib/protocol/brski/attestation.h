// Attestation at onboarding: an iotonb extension of BRSKI (RFC 8995) in which the registrar
// appraises a pledge's Entity Attestation Token (RFC 9711) before it asks the MASA for a
// voucher, in the background-check model of the RATS architecture (RFC 9334 5.2: the registrar
// is the relying party and runs the verifier in-process). Two endpoints, both on the
// provisional TLS connection with the IDevID as client certificate, under /.well-known/brski/
// like the rest of the pledge's exchanges:
//
//   POST /.well-known/brski/attestation-nonce   (empty body)
//     200 application/json {"nonce": "<base64url of 32 random octets>", "expires-in": <seconds>}
//     The nonce is bound to the IDevID that asked and usable once (RFC 9711 4.1 freshness).
//   POST /.well-known/brski/attestation         Content-Type: application/eat+cwt (RFC 9782)
//     The evidence: a COSE_Sign1 EAT signed with the IDevID's key, whose nonce claim (10) is
//     the one just handed out. The registrar verifies it with the IDevID's public key (RFC 9711
//     7: the IDevID binds the key to the device), takes the nonce (an unknown, used, expired or
//     another device's nonce is refused: a replayed token never counts), appraises the claims
//     against its reference policy (artifact/eat/appraise.h) and records the verdict.
//     200 application/json {"verdict": "affirming"|"warning", "claims": [...]}
//     403 text/plain naming the verdict and each contraindicated claim.
//
// Then requestvoucher goes on only for a device whose latest appraisal is recent (within the
// nonce lifetime) and not contraindicated; where attestation is required, a device with no
// recent appraisal is refused (403) before the MASA is asked. A device appraised as warning is
// onboarded into the quarantine segment of the network profile.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "artifact/eat/appraise.h"
#include "core/ossl.h"
#include "core/time.h"
#include "protocol/answer.h"
#include "protocol/brski/authorization.h"
#include "protocol/brski/registrar.h"
#include "store/registrar_store.h"

namespace iotonb::protocol::brski {

inline constexpr const char* kAttestationNoncePath = "/.well-known/brski/attestation-nonce";
inline constexpr const char* kAttestationPath = "/.well-known/brski/attestation";
inline constexpr const char* kEatMediaType = "application/eat+cwt";  // RFC 9782 6.1
inline constexpr std::size_t kAttestationNonceSize = 32;

struct AttestationSettings {
  artifact::eat::Policy policy;
  bool required = false;           // refuse a voucher request without a recent appraisal
  std::int64_t lifetime = 300;     // seconds a nonce, and the appraisal made with it, stay good
  std::int64_t skew = 60;          // clock difference allowed in the token's iat/nbf/exp
  std::vector<const X509*> manufacturer_trust;
};

class Attestation {
 public:
  // store must outlive the Attestation; settings' certificates too.
  Attestation(AttestationSettings settings, store::RegistrarStore& store);

  Answer nonce(const BrskiRequest& request);
  Answer evidence(const BrskiRequest& request);

  // Whether a judged voucher request may go on to the MASA: nullopt, or the refusal.
  std::optional<Answer> admit(const std::string& serial, const std::string& idevid_sha256, core::UnixTime at);

  // The device's verdict while its appraisal is the one it onboarded with, for the network
  // profile's segment; nullopt when it has none.
  std::optional<artifact::eat::Verdict> verdict(const std::string& serial);

  const AttestationSettings& settings() const { return settings_; }

 private:
  std::optional<Answer> authorize(const BrskiRequest& request, core::UnixTime at, AuthorizedPeer& peer);

  AttestationSettings settings_;
  store::RegistrarStore& store_;
};

// The pledge's side: the nonce out of the registrar's attestation-nonce answer.
Result<Bytes> parse_attestation_nonce(std::string_view json_body);

}  // namespace iotonb::protocol::brski
