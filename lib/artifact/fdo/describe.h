// What `ownership inspect` and `iotonb inspect` show of an ownership voucher or a device
// credential without verifying it: the header (GUID as a UUID, DeviceInfo, rendezvous
// directives decoded, the manufacturer key), the HMAC and hash algorithms, the device
// certificates, and each entry's algorithm and new owner key. Keys are shown by type,
// encoding and the SHA-256 of their SubjectPublicKeyInfo, so an owner can compare the last
// one with the key it holds. The JSON keys are stable (documented in iotonb-ownership(1)).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/voucher.h"

namespace iotonb::artifact::fdo {

std::string guid_text(ByteView guid);  // 8-4-4-4-12 hex
nlohmann::ordered_json describe_voucher(const OwnershipVoucher& v);
// Never shows the secret: its length only.
nlohmann::ordered_json describe_credential(const DeviceCredential& dc);
// CBOR diagnostic notation of the voucher, with the OVHeader and each entry's payload decoded
// in place (<< ... >>).
std::string voucher_diagnostic(const OwnershipVoucher& v, bool pretty);

}  // namespace iotonb::artifact::fdo
