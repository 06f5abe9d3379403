// What `attest inspect` and `iotonb inspect` show of a token without verifying it: the
// envelope (algorithm, kid, x5chain certificates) and every claim by name (RFC 9711, RFC 8392,
// PSA profiles 1 and 2), unknown claims by number. Values are shown as people and scripts read
// them: binary as base64 (CONVENTIONS.md), NumericDate as RFC 3339, dbgstat by name, versions
// as text, digest measurements and PSA software components as objects. The JSON keys are
// stable (iotonb-attest(1)); --format text renders the same description.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "artifact/eat/appraise.h"
#include "artifact/eat/token.h"

namespace iotonb::artifact::eat {

// {type: "eat", profile, alg, kid?, x5chain?, claims{...}} (claims_error instead of claims
// when the payload is not a claims map).
nlohmann::ordered_json describe_token(const Token& token);
nlohmann::ordered_json describe_claims(const core::cbor::Value& claims);

// {verdict, claims: [{claim, verdict, reason}]}: what `attest appraise --format json` prints
// and the registrar answers evidence with.
nlohmann::ordered_json describe_appraisal(const Appraisal& appraisal);

// CBOR diagnostic notation of the token with the protected header and the claims decoded in
// place (<< ... >>), pretty-printed; and of a claims map alone.
std::string token_diagnostic(const Token& token);

}  // namespace iotonb::artifact::eat
