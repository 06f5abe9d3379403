// Type checks of a claims map against the claim table (artifact/eat/claims.h), shared by the
// token verifier (a token from elsewhere), the claims-file reader and token creation (so
// iotonb never signs a claim of the wrong shape). A failure names the claim by its path:
// "submods.radio.dbgstat: 7 is not a debug state (0..4)".
#pragma once

#include <string>

#include "core/cbor.h"
#include "core/result.h"

namespace iotonb::artifact::eat {

// claims must be a map whose keys are integers or text (RFC 9711 4: submodule names are text,
// claim keys integers or text). Unknown claims are accepted as they are. prefix is prepended
// to paths ("submods.radio.").
Status check_claims(const core::cbor::Value& claims, const std::string& prefix = "");

}  // namespace iotonb::artifact::eat
