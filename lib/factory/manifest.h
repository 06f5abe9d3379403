// Where a production batch's devices come from, for factory/batch_mint.h: a CSV manifest
// (header row; RFC 4180 quoting), a YAML manifest, a serial pattern with a count ("SN-{:06}"
// x 1000), or one device. Sources are streamed row by row so a million-device CSV never sits
// in memory, and can be rewound because a batch reads its source twice: once to validate
// every row before anything is written, once to mint.
//
// Manifest columns (CSV header names, or YAML keys): serial (required), hw_type (dotted OID),
// masa_url, mud_url, csr (path to the device's PKCS#10 request, relative to the manifest's
// folder). An empty cell means "the batch default". Any other column is an error. In CSV,
// blank lines and lines starting with '#' are skipped, unquoted cells are trimmed of spaces,
// and quoted cells are taken exactly (commas, "" for a quote, even line breaks).
//
// Device serials become the subject serialNumber of the IDevID (802.1AR 8.6, a
// PrintableString of 1..64 characters, RFC 5280 Appendix A) AND the name of the device's
// folder under OUT_DIR, so a serial must also be a safe file name: no '/', and no leading
// '.' (which also rules out "." and ".." and keeps serials apart from the batch's own
// ".tmp-*" and ".lock" entries).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pki/idevid.h"

namespace iotonb::factory {

// One device as its source describes it; empty fields mean "use the batch default".
struct DeviceRow {
  std::size_t line = 0;  // 1-based line where the row starts (count mode: its index)
  std::string serial;
  std::string hw_type;
  std::string masa_url;
  std::string mud_url;
  std::string csr_path;  // already resolved against the manifest's folder; empty: make a key
};

class DeviceSource {
 public:
  virtual ~DeviceSource() = default;
  // The next row, or nullopt at the end. Malformed text is an input error "FILE:LINE: ...".
  virtual Result<std::optional<DeviceRow>> next() = 0;
  // Back to the first row.
  virtual Status rewind() = 0;
  // Where a row is, for messages: "devices.csv:17", "serial format \"SN-{}\" index 17".
  virtual std::string where(const DeviceRow& row) const = 0;
  // The source as a whole, for messages: "devices.csv".
  virtual std::string name() const = 0;
  // True when serials cannot repeat (count mode), so duplicate detection can be skipped.
  virtual bool unique_by_construction() const { return false; }
};

// Exactly one of the sources must be given.
struct SourceSpec {
  std::string manifest_path;    // *.yaml / *.yml: YAML; anything else: CSV
  std::size_t count = 0;
  std::string serial_format;
  std::size_t first_index = 1;
  std::string single_serial;
  std::string single_csr_path;
};

Result<std::unique_ptr<DeviceSource>> open_device_source(const SourceSpec& spec);

Result<std::unique_ptr<DeviceSource>> open_csv_manifest(const std::string& path);
Result<std::unique_ptr<DeviceSource>> open_yaml_manifest(const std::string& path);
// serial_format holds exactly one "{}" or "{:0N}" (N = zero-padded width) placeholder.
Result<std::unique_ptr<DeviceSource>> counted_serials(const std::string& serial_format, std::size_t first_index,
                                                      std::size_t count);
std::unique_ptr<DeviceSource> single_device(std::string serial, std::string csr_path);

// The manifest's column names, in the order the help lists them.
const std::vector<std::string>& manifest_columns();

// No '/', no leading '.': the serial can name a folder directly under OUT_DIR.
Status check_folder_name(std::string_view serial);

// The request for one device: the row's values over the batch defaults.
pki::IdevidRequest device_request(const DeviceRow& row, const pki::IdevidRequest& defaults);

struct ValidationOptions {
  const pki::IdevidRequest* defaults = nullptr;  // null: no defaults
  // Folder names that are taken in OUT_DIR (the ledger file and its -wal/-shm companions).
  std::vector<std::string> reserved_names;
  bool check_csrs = true;  // read every CSR and check its proof of possession
};

// Reads the whole source and checks every row (serial, folder name, OID, URLs, CSR) and,
// unless the source is unique by construction, that no serial repeats. The first problem
// is an input error starting with its location ("devices.csv:40: serial SN-1 duplicates
// line 3"). Memory: 8 bytes per row (a 64-bit hash of its serial); rows whose hashes collide
// are confirmed by reading the source again. Returns the number of rows. Leaves the source
// at its end (rewind it to read it again).
Result<std::size_t> validate_source(DeviceSource& source, const ValidationOptions& options);

}  // namespace iotonb::factory
