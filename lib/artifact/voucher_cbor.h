// Constrained vouchers and voucher requests as CBOR (RFC 9254 YANG-CBOR, as RFC 8366bis 8.3
// and cBRSKI use it): a one-entry map from the container SID to a map keyed by SID deltas.
//   {2451: {1: 2, 2: "2022-12-06T20:23:30.708Z", 7: h'...', 8: h'...', 11: "JADA123456789"}}
// 8366bis SIDs: voucher 2451, voucher request 2501 (offsets in voucher.h's leaf table).
// Older artifacts use the ietf-constrained-voucher@2018-09-01 SIDs (voucher 1001104, request
// 1001154, under module SIDs 1001100 and 1001150): these are read, never written.
// Enumerations are integers (RFC 9254 6.6), binary leaves byte strings, date-times text.
#pragma once

#include "artifact/voucher.h"
#include "core/bytes.h"
#include "core/cbor.h"
#include "core/result.h"

namespace iotonb::artifact {

// Parses and validates; errors name the leaf or the SID.
Result<Voucher> voucher_from_cbor(ByteView data);
Result<Voucher> voucher_from_cbor_unchecked(ByteView data);
Result<Voucher> voucher_from_cbor_value(const core::cbor::Value& item);  // unchecked

// 8366bis SIDs, leaves in ascending SID order.
Bytes voucher_to_cbor(const Voucher& v);
core::cbor::Value voucher_to_cbor_value(const Voucher& v);

}  // namespace iotonb::artifact
