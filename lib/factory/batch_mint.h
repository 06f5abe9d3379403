// Production-batch IDevID minting for a factory line: one device or a million, streaming
// (memory does not grow with the batch), on all cores, and resumable. Every issued
// certificate is recorded in an issuance ledger (SQLite); re-running the same batch after a
// crash or SIGKILL completes it without minting any device twice and leaves no partial file.
//
// Output, per device: OUT_DIR/<serial>/idevid.crt, idevid.key (0600; absent when the device
// sent a CSR), chain.pem (the issuing CA and its chain). A device folder appears atomically
// (written under a temporary name, then renamed), so a folder that exists is complete.
// The device serial names the folder, so a serial must be a safe file name as well as a
// PrintableString: one containing '/' or starting with '.' (hence also "." and "..") is an
// input error, as is one equal to the ledger's file name when the ledger lives in OUT_DIR.
//
// Resuming: a device already in the ledger is skipped; a device whose folder exists but is
// not in the ledger (killed between the rename and the ledger commit) is read back from its
// folder and recorded, never minted twice; OUT_DIR/.tmp-* folders of a killed run are
// deleted at start. Both count as already_issued. OUT_DIR/.lock keeps two batches from
// writing into one folder at once. A certificate serial already in the ledger is an error.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "core/result.h"
#include "pki/idevid.h"
#include "pki/key.h"

namespace iotonb::factory {

struct BatchOptions {
  // Exactly one source of devices:
  std::string manifest_path;      // CSV (header row) or YAML list; see manifest.h
  std::size_t count = 0;          // with serial_format: devices 1..count (or from first_index)
  std::string serial_format;      // "SN-{:06}": one {} or {:0N} placeholder for the index
  std::size_t first_index = 1;
  std::string single_serial;      // one device (`--serial`), optionally with single_csr_path
  std::string single_csr_path;

  // Values every device gets unless its manifest row says otherwise.
  pki::IdevidRequest defaults;    // hw_type, masa_url, mud_url, mud_signer, subject_base, times
  pki::KeyType key_type = pki::kDefaultKeyType;
  std::string cert_serial_seed;   // non-empty: certificate serials derived from seed + device serial

  std::string out_dir;
  std::string ledger_path;        // empty: OUT_DIR/ledger.sqlite
  unsigned jobs = 0;              // 0: all cores
  // Flush OUT_DIR to stable storage once at the end (syncfs), so a batch reported complete
  // survives a power cut. Never per device: see device_folder.h for why that is not needed.
  bool sync_at_end = true;
};

struct DeviceResult {
  std::string serial;
  std::string cert_serial_hex;
  std::string fingerprint_sha256;  // hex, no separators, over the certificate DER
  std::string dir;
  std::string cert_path;
  std::string key_path;            // empty when the device supplied a CSR
  std::string chain_path;
};

struct BatchSummary {
  std::size_t total = 0;           // devices in the source
  std::size_t minted = 0;          // minted by this run
  std::size_t already_issued = 0;  // found complete from an earlier run
};

struct BatchCallbacks {
  // Called once per device minted by this run, from one thread at a time (never concurrently).
  std::function<void(const DeviceResult&)> on_device;
  // Called now and then with (devices finished, total), from one thread at a time.
  std::function<void(std::size_t, std::size_t)> on_progress;
};

// Validates the whole source first (every row: serial is a non-empty PrintableString of at
// most 64 characters, no duplicates, valid OIDs and URLs, readable CSRs with a valid proof of
// possession); the first problem is an input error naming the file and line, and nothing is
// written. Then mints what the ledger does not yet hold.
Result<BatchSummary> mint_batch(const BatchOptions& options, const pki::IssuingCa& ca,
                                const BatchCallbacks& callbacks);

}  // namespace iotonb::factory
