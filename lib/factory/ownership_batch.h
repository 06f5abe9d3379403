// FDO ownership vouchers in bulk (FDO 1.1 3.4.6; lib/artifact/fdo/make.h): a factory line
// manufactures one voucher and device credential per minted device, and a seller transfers a
// whole folder of vouchers to a buyer in one command.
//
// manufacture_batch: DEVICES_DIR/<serial>/ is a minted device folder (device_folder.h:
// idevid.crt, chain.pem); each gets OUT_DIR/<serial>.ov (PEM "OWNERSHIP VOUCHER", a random
// GUID, DeviceInfo from the IDevID, the device chain idevid.crt + chain.pem) and
// OUT_DIR/<serial>.dc (the raw CBOR device credential, mode 0600).
//
// transfer_batch: every file of IN_DIR holding ownership vouchers (PEM "OWNERSHIP VOUCHER"
// blocks or one raw CBOR voucher; other files are skipped) is extended to the next owner and
// written to OUT_DIR/<same name> in the form it was read (PEM or raw CBOR; other PEM blocks,
// such as a private key after the voucher, are not copied). A file is written only when every
// voucher in it was extended.
//
// Both run on all cores: the owner's key is opened once by the caller and shared by every
// worker (OpenSSL keys are not changed by signing), and keys inside vouchers are parsed once
// per distinct key (pki/parse_cache.h). A file appears atomically (written under a temporary
// name in OUT_DIR, then renamed); existing outputs are refused before anything is written
// unless `overwrite`. Like device folders, files are not synced one by one: OUT_DIR is synced
// once at the end (sync_output). One item's failure does not stop the others: it is named in
// the report, and what succeeded is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "artifact/fdo/types.h"
#include "core/cbor.h"
#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace iotonb::factory {

inline constexpr const char* kVoucherSuffix = ".ov";
inline constexpr const char* kCredentialSuffix = ".dc";
// The largest voucher file read: a voucher of the library's size limit, in PEM.
inline constexpr std::size_t kMaxVoucherFileSize = 2u << 20;

struct BatchFailure {
  std::string name;  // the voucher file or device folder, as a path ("in/dev-7.ov")
  Error error;
};

struct BatchReport {
  std::size_t items = 0;     // voucher files, or device folders, found
  std::size_t written = 0;   // of those, written to OUT_DIR
  std::size_t vouchers = 0;  // vouchers made or extended (a PEM file may hold several)
  std::size_t skipped = 0;   // files of IN_DIR that hold no voucher (transfer_batch)
  std::vector<BatchFailure> failures;  // sorted by name
  double seconds = 0;        // wall-clock time of the whole batch
  unsigned jobs = 0;         // worker threads used
  bool ok() const { return failures.empty(); }
};

struct ManufactureBatchOptions {
  std::string devices_dir;
  std::string out_dir;                            // created when missing
  const EVP_PKEY* manufacturer_key = nullptr;     // only its public half is used
  std::int64_t key_encoding = artifact::fdo::pk_encoding::x509;
  std::vector<core::X509Ptr> manufacturer_chain;  // X5CHAIN: the key's certificate first
  core::cbor::Value rv_info;                      // artifact::fdo::rendezvous_from_urls()
  bool overwrite = false;
  unsigned jobs = 0;                              // 0: all cores
  bool sync_at_end = true;
};

// Errors (nothing written): DEVICES_DIR unreadable or without device folders, an output that
// exists without `overwrite`, OUT_DIR not creatable. A device folder without idevid.crt, or
// whose files do not parse, is a failure in the report.
Result<BatchReport> manufacture_batch(const ManufactureBatchOptions& options);

struct TransferBatchOptions {
  std::string in_dir;
  std::string out_dir;                      // created when missing; may be in_dir with overwrite
  const pki::Signer* owner = nullptr;       // the current owner's key, shared by every worker
  artifact::fdo::PublicKey next_owner;      // the new owner's key (make_public_key), built once
  std::optional<Bytes> extra;               // OVEExtra ({int => bstr}) for every new entry
  bool overwrite = false;
  unsigned jobs = 0;                        // 0: all cores
  bool sync_at_end = true;
};

// Errors (nothing written): IN_DIR unreadable or without voucher files, an output that exists
// without `overwrite`, OUT_DIR not creatable. A voucher file that does not decode, is not
// owned by `owner`, or whose voucher key type differs from next_owner's, is a failure in the
// report, with the kind extend() gave (verification, usage, input).
Result<BatchReport> transfer_batch(const TransferBatchOptions& options);

// A minted device folder's identity as a voucher carries it (device_folder.h): idevid.crt and,
// when there is one, chain.pem.
struct DeviceIdentity {
  core::X509Ptr idevid;
  std::vector<Bytes> chain;  // DER, leaf first: idevid.crt, then chain.pem's certificates
};
Result<DeviceIdentity> read_device_identity(const std::string& device_dir);

// The DeviceInfo a voucher gets by default: the IDevID's subject serialNumber, else its
// commonName; an input error when it has neither.
Result<std::string> default_device_info(const X509* idevid);

}  // namespace iotonb::factory
