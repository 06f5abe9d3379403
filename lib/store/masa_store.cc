// The MASA's ownership records and voucher audit log (RFC 8995 5.8) in SQLite; see masa_store.h.
#include "store/masa_store.h"

#include "core/encoding.h"

namespace iotonb::store {
namespace {

constexpr int kSchemaVersion = 1;
// Certificates are stored as base64 text (the SQLite layer binds text and integers), times
// as RFC 3339 text so the tables read well in sqlite3.
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS ownership (
  serial        TEXT PRIMARY KEY,
  idevid_sha256 TEXT NOT NULL,
  domain_ca     TEXT NOT NULL,
  owner         TEXT NOT NULL,
  purchase_id   TEXT NOT NULL,
  claimed_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id        INTEGER PRIMARY KEY AUTOINCREMENT,
  serial    TEXT NOT NULL,
  date      TEXT NOT NULL,
  domain_id TEXT NOT NULL,
  nonce     TEXT NOT NULL,
  assertion TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_by_serial ON audit (serial, id);
PRAGMA user_version = 1;
)sql";

core::UnixTime time_or_zero(const std::string& text) {
  auto t = core::parse_time(text);
  return t ? *t : 0;
}

// Runs a statement that returns no rows and resets it.
Status run(Statement& s) {
  auto done = s.step();
  s.reset();
  if (!done) return std::move(done).error();
  return {};
}

}  // namespace

Result<std::unique_ptr<MasaStore>> MasaStore::open(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Database db, Database::open_store(path, {kSchemaVersion, kSchema, "MASA store"}));
  std::unique_ptr<MasaStore> store(new MasaStore(std::move(db)));
  IOTONB_RETURN_IF_ERROR(store->prepare_statements());
  return store;
}

Status MasaStore::prepare_statements() {
  IOTONB_ASSIGN_OR_RETURN(upsert_, db_.prepare(
      "INSERT INTO ownership (serial, idevid_sha256, domain_ca, owner, purchase_id, claimed_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(serial) DO UPDATE SET idevid_sha256 = excluded.idevid_sha256, "
      "domain_ca = excluded.domain_ca, owner = excluded.owner, purchase_id = excluded.purchase_id, "
      "claimed_at = excluded.claimed_at"));
  IOTONB_ASSIGN_OR_RETURN(by_serial_, db_.prepare(
      "SELECT serial, idevid_sha256, domain_ca, owner, purchase_id, claimed_at FROM ownership WHERE serial = ?1"));
  IOTONB_ASSIGN_OR_RETURN(count_, db_.prepare("SELECT count(*) FROM ownership"));
  IOTONB_ASSIGN_OR_RETURN(insert_audit_, db_.prepare(
      "INSERT INTO audit (serial, date, domain_id, nonce, assertion) VALUES (?1, ?2, ?3, ?4, ?5)"));
  IOTONB_ASSIGN_OR_RETURN(audit_by_serial_, db_.prepare(
      "SELECT serial, date, domain_id, nonce, assertion FROM "
      "(SELECT * FROM audit WHERE serial = ?1 ORDER BY id DESC LIMIT ?2) ORDER BY id"));
  IOTONB_ASSIGN_OR_RETURN(audit_count_, db_.prepare("SELECT count(*) FROM audit WHERE serial = ?1"));
  return {};
}

Result<std::optional<OwnershipRecord>> MasaStore::find_locked(const std::string& serial) {
  IOTONB_RETURN_IF_ERROR(by_serial_.bind(1, serial));
  return first_row<OwnershipRecord>(by_serial_, [&](const Statement& row) -> Result<OwnershipRecord> {
    OwnershipRecord r;
    r.serial = row.column_text(0);
    r.idevid_sha256 = row.column_text(1);
    auto der = core::from_base64(row.column_text(2));
    if (!der) return input_error(path() + ": ownership record of " + serial + ": domain_ca is not base64");
    r.domain_ca_der = std::move(der).value();
    r.owner = row.column_text(3);
    r.purchase_id = row.column_text(4);
    r.claimed_at = time_or_zero(row.column_text(5));
    return r;
  });
}

Result<std::optional<OwnershipRecord>> MasaStore::find(const std::string& serial) {
  std::lock_guard lock(mutex_);
  return find_locked(serial);
}

Result<ClaimSummary> MasaStore::claim(const std::vector<OwnershipRecord>& records) {
  std::lock_guard lock(mutex_);
  ClaimSummary summary;
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  for (const auto& r : records) {
    IOTONB_ASSIGN_OR_RETURN(auto existing, find_locked(r.serial));
    if (!existing) ++summary.added;
    else if (existing->owner != r.owner || existing->domain_ca_der != r.domain_ca_der) ++summary.moved;
    else ++summary.unchanged;
    IOTONB_RETURN_IF_ERROR(upsert_.bind(1, r.serial));
    IOTONB_RETURN_IF_ERROR(upsert_.bind(2, r.idevid_sha256));
    IOTONB_RETURN_IF_ERROR(upsert_.bind(3, core::to_base64(r.domain_ca_der)));
    IOTONB_RETURN_IF_ERROR(upsert_.bind(4, r.owner));
    IOTONB_RETURN_IF_ERROR(upsert_.bind(5, r.purchase_id));
    IOTONB_RETURN_IF_ERROR(upsert_.bind(6, core::format_rfc3339(r.claimed_at)));
    IOTONB_RETURN_IF_ERROR(run(upsert_));
  }
  IOTONB_RETURN_IF_ERROR(tx.commit());
  return summary;
}

Result<std::size_t> MasaStore::ownership_count() {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(auto n, first_row<std::int64_t>(count_, [](const Statement& row) { return row.column_int(0); }));
  return static_cast<std::size_t>(n.value_or(0));
}

Status MasaStore::append_audit(const AuditEntry& e) {
  std::lock_guard lock(mutex_);
  IOTONB_RETURN_IF_ERROR(insert_audit_.bind(1, e.serial));
  IOTONB_RETURN_IF_ERROR(insert_audit_.bind(2, core::format_rfc3339(e.date)));
  IOTONB_RETURN_IF_ERROR(insert_audit_.bind(3, e.domain_id));
  IOTONB_RETURN_IF_ERROR(insert_audit_.bind(4, e.nonce));
  IOTONB_RETURN_IF_ERROR(insert_audit_.bind(5, e.assertion));
  return run(insert_audit_);
}

Result<AuditLog> MasaStore::audit_log(const std::string& serial, std::size_t limit) {
  std::lock_guard lock(mutex_);
  AuditLog log;
  IOTONB_RETURN_IF_ERROR(audit_count_.bind(1, serial));
  IOTONB_ASSIGN_OR_RETURN(auto total,
                          first_row<std::int64_t>(audit_count_, [](const Statement& row) { return row.column_int(0); }));
  log.total = static_cast<std::size_t>(total.value_or(0));
  IOTONB_RETURN_IF_ERROR(audit_by_serial_.bind(1, serial));
  IOTONB_RETURN_IF_ERROR(audit_by_serial_.bind(2, static_cast<std::int64_t>(limit)));
  while (true) {
    auto row = audit_by_serial_.step();
    if (!row) {
      audit_by_serial_.reset();
      return std::move(row).error();
    }
    if (!*row) break;
    AuditEntry e;
    e.serial = audit_by_serial_.column_text(0);
    e.date = time_or_zero(audit_by_serial_.column_text(1));
    e.domain_id = audit_by_serial_.column_text(2);
    e.nonce = audit_by_serial_.column_text(3);
    e.assertion = audit_by_serial_.column_text(4);
    log.entries.push_back(std::move(e));
  }
  audit_by_serial_.reset();
  return log;
}

}  // namespace iotonb::store
