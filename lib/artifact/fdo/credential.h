// The FDO 1.1 device credential (FDO 1.1 3.4.1): what a device keeps from manufacture to
// check, at onboarding, that a voucher is its own and that it was made by its manufacturer.
//
//   DeviceCredential = [DCActive, DCProtVer, DCHmacSecret, DCDeviceInfo, DCGuid, DCRVInfo, DCPubKeyHash]
//
// iotonb writes that layout as a raw CBOR file (mode 0600: it holds the HMAC secret). It also
// reads the blob fido-device-onboard-rs keeps, whose secrets are arrays of integers:
//   [active, 101, DeviceInfo, GUID, RVInfo, PubKeyHash, {"Plain": {"hmac_secret": [uint...], ...}}]
#pragma once

#include <string>

#include "artifact/fdo/types.h"
#include "core/bytes.h"
#include "core/cbor.h"
#include "core/result.h"

namespace iotonb::artifact::fdo {

inline constexpr std::size_t kMaxCredentialSize = 64 << 10;

struct DeviceCredential {
  bool active = true;
  SecretBytes hmac_secret;
  std::string device_info;
  Bytes guid;
  core::cbor::Value rv_info;
  Hash public_key_hash;  // of CBOR(OVPubKey): the manufacturer key this device trusts
  enum class Layout { fdo, fdo_rs } layout = Layout::fdo;
};

Result<DeviceCredential> decode_credential(ByteView cbor);
// The FDO layout above. The result holds the secret: write it with mode 0600.
SecretBytes encode_credential(const DeviceCredential& dc);
// Whether data starts like a device credential of either layout (for `iotonb inspect`).
bool looks_like_credential(ByteView data);

}  // namespace iotonb::artifact::fdo
