// The issuance ledger: one row per certificate a batch issued (device serial, certificate
// serial, SHA-256 fingerprint, device folder, time), in SQLite. It is what makes batch
// minting resumable and auditable: a device in the ledger is never minted again, and a
// certificate serial can appear only once (RFC 5280 4.1.2.2 requires serials unique per CA;
// STANDARDS.md "never reused"), enforced by UNIQUE constraints rather than by hope.
//
// Speed: WAL journal with synchronous=NORMAL and records committed in groups (commit_every),
// so a million-device batch does not pay one fsync per device. A process crash (SIGKILL)
// loses at most the uncommitted group; the batch pipeline recovers those devices from their
// folders, which is why a folder is renamed into place before its row is recorded.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/time.h"
#include "store/sqlite.h"

namespace iotonb::store {

struct IssuanceRecord {
  std::string device_serial;
  std::string cert_serial_hex;     // lower-case hex of the positive serial, no separators
  std::string fingerprint_sha256;  // lower-case hex over the certificate DER
  std::string device_dir;
  core::UnixTime issued_at = 0;    // stored as RFC 3339 text so the table reads well in sqlite3
};

struct LedgerOptions {
  std::size_t commit_every = 500;  // records per transaction; 1 commits every record
};

class IssuanceLedger {
 public:
  // Opens or creates the ledger at path (the schema is created when missing).
  static Result<IssuanceLedger> open(const std::string& path, const LedgerOptions& options = {});

  IssuanceLedger(IssuanceLedger&&) noexcept = default;
  IssuanceLedger& operator=(IssuanceLedger&&) = delete;
  IssuanceLedger(const IssuanceLedger&) = delete;
  // Commits what record() collected (best effort: call commit() to see errors).
  ~IssuanceLedger();

  Result<bool> has_device(std::string_view device_serial);
  Result<std::optional<IssuanceRecord>> find_device(std::string_view device_serial);
  Result<std::optional<IssuanceRecord>> find_cert_serial(std::string_view cert_serial_hex);
  // Rows committed so far, plus those this connection has recorded but not yet committed.
  Result<std::size_t> size();

  // Records one issuance inside the current group transaction (committed every
  // commit_every records). A device serial or certificate serial already present is an
  // internal-kind error naming both devices; nothing is recorded then.
  Status record(const IssuanceRecord& record);
  // Commits the open group, if any.
  Status commit();

  const std::string& path() const { return db_.path(); }

 private:
  IssuanceLedger(Database db, LedgerOptions options) : db_(std::move(db)), options_(options) {}
  Status prepare_statements();
  Result<std::optional<IssuanceRecord>> find(Statement& query, std::string_view key);
  Error duplicate_error(const IssuanceRecord& record);

  Database db_;  // first: statements below are finalized before the connection closes
  LedgerOptions options_;
  std::size_t pending_ = 0;
  Statement insert_;
  Statement by_device_;
  Statement by_cert_serial_;
  Statement count_;
};

}  // namespace iotonb::store
