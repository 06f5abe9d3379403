// What `voucher inspect` and `iotonb inspect` show of a voucher or voucher request, signed
// or not, without verifying it: the envelope (form, media type, algorithm, headers, signing
// time, carried certificates), the leaves in their RFC 7951 JSON form with certificates and
// keys decoded, and what is wrong with the payload if anything is. The JSON keys are stable
// (documented in the voucher man page).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "artifact/signed_voucher.h"

namespace iotonb::artifact {

nlohmann::ordered_json describe_voucher(const SignedVoucher& sv);

// CBOR diagnostic notation (RFC 8949 8) of a COSE or CBOR voucher, with the payload decoded
// in place as an embedded item (<< ... >>). An input error for the JSON-based forms.
Result<std::string> voucher_diagnostic(const SignedVoucher& sv, bool pretty);

}  // namespace iotonb::artifact
