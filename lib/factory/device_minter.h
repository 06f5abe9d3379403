// Minting one device of a batch (IEEE 802.1AR IDevID through pki::IdevidIssuer, which makes
// what pki::issue_idevid makes): its key (made here, or the public key of its CSR), its
// certificate serial (random, or derived from the batch seed and the device serial), its
// certificate, and its folder (device_folder.h); and recovering a device whose folder a
// killed run wrote but never recorded. One minter per worker thread: it keeps what is
// costly to set up per device (the issuer's encoded pieces and signing context, the key
// generator's curve, OUT_DIR open), which in OpenSSL 3 also means fewer trips through the
// library's global locks. Internal to lib/factory.
#pragma once

#include <optional>
#include <string>

#include "core/result.h"
#include "factory/batch_mint.h"
#include "factory/device_folder.h"
#include "factory/device_keygen.h"
#include "factory/manifest.h"
#include "pki/idevid.h"
#include "store/issuance_ledger.h"

namespace iotonb::factory {

struct MintedDevice {
  store::IssuanceRecord record;
  DeviceResult result;
  bool minted = true;  // false: recovered from a folder an earlier run wrote
};

// A device whose key and certificate are made and whose folder is not written yet.
struct PreparedDevice {
  DeviceKey key;
  std::string cert_pem;
  std::string cert_serial_hex;
  std::string fingerprint_sha256;
};

class DeviceMinter {
 public:
  DeviceMinter(const BatchOptions& options, const pki::IssuingCa& ca, const std::string& chain_pem);

  // Minting is two steps, so a worker can make a few devices' keys and certificates before
  // writing their folders (batch_mint.cc says why). prepare() writes nothing; write() makes
  // the folder, which exists when it returns successfully.
  Result<PreparedDevice> prepare(const DeviceRow& row);
  Result<MintedDevice> write(const DeviceRow& row, const PreparedDevice& device);
  // Reads OUT_DIR/<serial>/idevid.crt back, checking it is this CA's certificate for this serial.
  Result<MintedDevice> recover(const DeviceRow& row);

 private:
  Result<DeviceKey> device_key(const DeviceRow& row);
  std::string fingerprint(ByteView der);

  const BatchOptions& options_;
  const pki::IssuingCa& ca_;
  const std::string& chain_pem_;
  DeviceKeyGenerator keygen_;
  // Made on first use (making them can fail).
  std::optional<pki::IdevidIssuer> issuer_;
  std::optional<DeviceFolderWriter> folders_;
};

}  // namespace iotonb::factory
