// Vouchers and voucher requests as JSON: the RFC 7951 encoding of the YANG data that CMS
// (RFC 8366 5.4) and JWS (RFC 8366bis, draft-ietf-anima-jws-voucher) vouchers carry.
//   {"ietf-voucher:voucher": {"assertion": "logged", "serial-number": "...", ...}}
// Binary leaves are base64 (RFC 7951 6.6); the nonce is also read as base64url, which RFC
// 8995's own example uses, and its text is kept as written.
#pragma once

#include <string>

#include "artifact/voucher.h"
#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::artifact {

// Parses and validates. Errors are input errors naming the leaf: unknown root or leaf, wrong
// JSON type, bad base64, and everything validate() checks.
Result<Voucher> voucher_from_json(std::string_view text);
// Without validate(): for inspecting what a peer sent, mistakes and all.
Result<Voucher> voucher_from_json_unchecked(std::string_view text);

// Compact JSON, leaves in the order of leaf_table().
std::string voucher_to_json(const Voucher& v);

}  // namespace iotonb::artifact
