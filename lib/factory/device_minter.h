// Minting one device of a batch (IEEE 802.1AR IDevID through pki::issue_idevid): its key
// (made here, or the public key of its CSR), its certificate serial (random, or derived from
// the batch seed and the device serial), its certificate, and its folder (device_folder.h);
// and recovering a device whose folder a killed run wrote but never recorded. One minter per
// worker thread: it keeps the OpenSSL objects that are costly to look up per device, which
// in OpenSSL 3 also means fewer trips through the library's global locks. Internal to
// lib/factory.
#pragma once

#include <string>

#include "core/ossl.h"
#include "core/result.h"
#include "factory/batch_mint.h"
#include "factory/device_keygen.h"
#include "factory/manifest.h"
#include "store/issuance_ledger.h"

namespace iotonb::factory {

struct MintedDevice {
  store::IssuanceRecord record;
  DeviceResult result;
  bool minted = true;  // false: recovered from a folder an earlier run wrote
};

class DeviceMinter {
 public:
  DeviceMinter(const BatchOptions& options, const pki::IssuingCa& ca, const std::string& chain_pem);

  // Issues and writes the device; the folder exists when this returns successfully.
  Result<MintedDevice> mint(const DeviceRow& row);
  // Reads OUT_DIR/<serial>/idevid.crt back, checking it is this CA's certificate for this serial.
  Result<MintedDevice> recover(const DeviceRow& row);

 private:
  Result<core::EvpPkeyPtr> device_key(const DeviceRow& row);
  std::string fingerprint(ByteView der);

  const BatchOptions& options_;
  const pki::IssuingCa& ca_;
  const std::string& chain_pem_;
  DeviceKeyGenerator keygen_;
  core::OsslPtr<EVP_MD, EVP_MD_free> sha256_;
};

}  // namespace iotonb::factory
