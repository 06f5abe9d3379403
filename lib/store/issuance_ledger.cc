#include "store/issuance_ledger.h"

namespace iotonb::store {
namespace {

// The schema. user_version tells a later release which layout it is looking at.
constexpr int kSchemaVersion = 1;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS issued (
  device_serial      TEXT NOT NULL UNIQUE,
  cert_serial_hex    TEXT NOT NULL UNIQUE,
  fingerprint_sha256 TEXT NOT NULL,
  device_dir         TEXT NOT NULL,
  issued_at          TEXT NOT NULL
);
PRAGMA user_version = 1;
)sql";

constexpr const char* kColumns = "device_serial, cert_serial_hex, fingerprint_sha256, device_dir, issued_at";

}  // namespace

Result<IssuanceLedger> IssuanceLedger::open(const std::string& path, const LedgerOptions& options) {
  IOTONB_ASSIGN_OR_RETURN(Database db, Database::open_store(path, {kSchemaVersion, kSchema, "ledger"}));
  IssuanceLedger ledger(std::move(db), options);
  if (ledger.options_.commit_every == 0) ledger.options_.commit_every = 1;
  IOTONB_RETURN_IF_ERROR(ledger.prepare_statements());
  return ledger;
}

Status IssuanceLedger::prepare_statements() {
  IOTONB_ASSIGN_OR_RETURN(insert_, db_.prepare(std::string("INSERT INTO issued (") + kColumns +
                                               ") VALUES (?1, ?2, ?3, ?4, ?5)"));
  IOTONB_ASSIGN_OR_RETURN(by_device_,
                          db_.prepare(std::string("SELECT ") + kColumns + " FROM issued WHERE device_serial = ?1"));
  IOTONB_ASSIGN_OR_RETURN(by_cert_serial_,
                          db_.prepare(std::string("SELECT ") + kColumns + " FROM issued WHERE cert_serial_hex = ?1"));
  IOTONB_ASSIGN_OR_RETURN(count_, db_.prepare("SELECT count(*) FROM issued"));
  return {};
}

IssuanceLedger::~IssuanceLedger() {
  if (db_.is_open()) (void)commit();
}

Result<std::optional<IssuanceRecord>> IssuanceLedger::find(Statement& query, std::string_view key) {
  IOTONB_RETURN_IF_ERROR(query.bind(1, key));
  return first_row<IssuanceRecord>(query, [](const Statement& row) {
    IssuanceRecord r;
    r.device_serial = row.column_text(0);
    r.cert_serial_hex = row.column_text(1);
    r.fingerprint_sha256 = row.column_text(2);
    r.device_dir = row.column_text(3);
    auto t = core::parse_time(row.column_text(4));
    r.issued_at = t ? *t : 0;
    return r;
  });
}

Result<bool> IssuanceLedger::has_device(std::string_view device_serial) {
  IOTONB_ASSIGN_OR_RETURN(auto found, find(by_device_, device_serial));
  return found.has_value();
}

Result<std::optional<IssuanceRecord>> IssuanceLedger::find_device(std::string_view device_serial) {
  return find(by_device_, device_serial);
}

Result<std::optional<IssuanceRecord>> IssuanceLedger::find_cert_serial(std::string_view cert_serial_hex) {
  return find(by_cert_serial_, cert_serial_hex);
}

Result<std::size_t> IssuanceLedger::size() {
  auto row = count_.step();
  if (!row) return std::move(row).error();
  const auto n = count_.column_int(0);
  count_.reset();
  return static_cast<std::size_t>(n);
}

Error IssuanceLedger::duplicate_error(const IssuanceRecord& record) {
  if (auto same_device = find(by_device_, record.device_serial); same_device && *same_device)
    return internal_error(path() + ": device " + record.device_serial + " is already recorded (certificate serial " +
                          (*same_device)->cert_serial_hex + ")");
  if (auto same_serial = find(by_cert_serial_, record.cert_serial_hex); same_serial && *same_serial)
    return internal_error(path() + ": certificate serial " + record.cert_serial_hex + " of device " +
                          record.device_serial + " was already issued to device " + (*same_serial)->device_serial +
                          "; refusing to record a duplicate serial");
  return internal_error(path() + ": device " + record.device_serial + " violates a ledger constraint");
}

Status IssuanceLedger::record(const IssuanceRecord& record) {
  if (!db_.in_transaction()) IOTONB_RETURN_IF_ERROR(db_.exec("BEGIN IMMEDIATE"));
  IOTONB_RETURN_IF_ERROR(insert_.bind(1, record.device_serial));
  IOTONB_RETURN_IF_ERROR(insert_.bind(2, record.cert_serial_hex));
  IOTONB_RETURN_IF_ERROR(insert_.bind(3, record.fingerprint_sha256));
  IOTONB_RETURN_IF_ERROR(insert_.bind(4, record.device_dir));
  IOTONB_RETURN_IF_ERROR(insert_.bind(5, core::format_rfc3339(record.issued_at)));
  auto done = insert_.step();
  insert_.reset();
  if (!done) {
    if (insert_.constraint_violation()) return duplicate_error(record);
    return std::move(done).error();
  }
  if (++pending_ >= options_.commit_every) return commit();
  return {};
}

Status IssuanceLedger::commit() {
  if (!db_.in_transaction()) return {};
  IOTONB_RETURN_IF_ERROR(db_.exec("COMMIT"));
  pending_ = 0;
  return {};
}

}  // namespace iotonb::store
