// Appraising attestation evidence (RFC 9334 8.3): the verified claims of a token are compared
// with a reference policy (artifact/eat/policy.h) and give a verdict per rule and overall, in
// the trust tiers of the EAR/AR4SI vocabulary (draft-ietf-rats-ar4si): affirming, warning,
// contraindicated. The decision the verdicts feed: affirming admits the device, warning
// admits it into quarantine, contraindicated refuses it.
//
// Which failure is which (iotonb's policy, documented in iotonb-attest(1)):
//   contraindicated  a failed verification check (signature, signer chain, nonce, iat/nbf/exp,
//                    claims that do not decode); a claim with the wrong value: another hwmodel,
//                    oemid or eat_profile, dbgstat enabled, oemboot false, a measurement digest
//                    not in the reference list, evidence older than max_age
//   warning          a software version not in the allowed list (known hardware running
//                    software the network has not vetted yet: quarantine, not refusal); a claim
//                    the policy needs that the token does not state (absent dbgstat, oemboot,
//                    hwmodel, iat, measurements, ...): nothing is wrong, nothing is proven
//   affirming        everything the policy asks for is stated and matches
// Submodules (RFC 9711 4.2.18), to any depth: the state rules (dbgstat, oemboot,
// measurements) apply to every submodule that states the claim, named by its path
// ("submods.radio.dbgstat"), with the verdicts above; a submodule that does not state a
// claim is not asked to. A nested token or detached digest in submods, which is not opened,
// is a warning when the policy has a state rule. The identity rules stay at the top.
// Pure functions over bytes and a Policy, so a registrar calls them in-process.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "artifact/eat/policy.h"
#include "artifact/eat/verify.h"

namespace iotonb::artifact::eat {

enum class Verdict { affirming, warning, contraindicated };  // in order of severity
std::string_view verdict_name(Verdict v);

struct ClaimAppraisal {
  std::string claim;  // "dbgstat", "measurements", "signature", ...
  Verdict verdict = Verdict::affirming;
  std::string reason;
};

struct Appraisal {
  Verdict verdict = Verdict::affirming;  // the most severe of claims[]
  std::vector<ClaimAppraisal> claims;    // one per verification failure and per policy rule
};

// The claims alone, for a token already verified; at is the appraisal time (for max_age).
Appraisal appraise_claims(const core::cbor::Value& claims, const Policy& policy, core::UnixTime at);
// Verification results and claims together: each failed check is contraindicated.
Appraisal appraise(const Verification& verification, const Policy& policy, core::UnixTime at);

}  // namespace iotonb::artifact::eat
