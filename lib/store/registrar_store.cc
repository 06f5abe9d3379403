#include "store/registrar_store.h"

#include <array>

#include "store/statement_cache.h"

namespace iotonb::store {
namespace {

// Version 2 added the attestation tables, version 3 the MUD policy table; the DDL is
// idempotent, so an older file is brought up to date when it is opened.
constexpr int kSchemaVersion = 3;
constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS allow_list (
  serial        TEXT PRIMARY KEY,
  idevid_sha256 TEXT NOT NULL,
  purchase_id   TEXT NOT NULL,
  owner         TEXT NOT NULL,
  added_at      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS devices (
  serial            TEXT PRIMARY KEY,
  idevid_sha256     TEXT NOT NULL,
  ldevid_sha256     TEXT NOT NULL DEFAULT '',
  ldevid_serial_hex TEXT NOT NULL DEFAULT '',
  status            TEXT NOT NULL,
  status_reason     TEXT NOT NULL DEFAULT '',
  voucher_assertion TEXT NOT NULL DEFAULT '',
  first_seen        INTEGER NOT NULL,
  enrolled_at       INTEGER NOT NULL DEFAULT 0,
  updated_at        INTEGER NOT NULL,
  onboard_count     INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ldevids (
  serial          TEXT NOT NULL,
  cert_serial_hex TEXT NOT NULL UNIQUE,
  sha256          TEXT NOT NULL UNIQUE,
  subject         TEXT NOT NULL,
  not_after       INTEGER NOT NULL,
  issued_at       INTEGER NOT NULL,
  status          TEXT NOT NULL,
  status_at       INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ldevids_serial ON ldevids (serial);
CREATE TABLE IF NOT EXISTS nonces (
  serial    TEXT NOT NULL,
  nonce_hex TEXT NOT NULL,
  seen_at   INTEGER NOT NULL,
  PRIMARY KEY (serial, nonce_hex)
);
CREATE TABLE IF NOT EXISTS reports (
  id     INTEGER PRIMARY KEY AUTOINCREMENT,
  serial TEXT NOT NULL,
  kind   TEXT NOT NULL,
  at     INTEGER NOT NULL,
  status INTEGER NOT NULL,
  reason TEXT NOT NULL,
  body   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_serial ON reports (serial);
CREATE TABLE IF NOT EXISTS attestation_nonces (
  nonce_hex     TEXT PRIMARY KEY,
  serial        TEXT NOT NULL,
  idevid_sha256 TEXT NOT NULL,
  issued_at     INTEGER NOT NULL,
  used_at       INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS attestations (
  serial        TEXT PRIMARY KEY,
  idevid_sha256 TEXT NOT NULL,
  verdict       TEXT NOT NULL,
  appraisal     TEXT NOT NULL,
  attested_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS mud_policies (
  serial     TEXT PRIMARY KEY,
  mud_url    TEXT NOT NULL,
  verdict    TEXT NOT NULL,
  reason     TEXT NOT NULL,
  addresses  TEXT NOT NULL,
  segment    TEXT NOT NULL,
  mud_file   TEXT NOT NULL,
  rules_file TEXT NOT NULL,
  checked_at INTEGER NOT NULL
);
PRAGMA user_version = 3;
)sql";

constexpr std::array<std::string_view, 5> kDeviceStatusNames = {"voucher-requested", "voucher-issued", "enrolled",
                                                                "revoked", "quarantined"};
constexpr std::array<std::string_view, 3> kLdevidStatusNames = {"active", "replaced", "revoked"};

LdevidStatus parse_ldevid_status(std::string_view name) {
  for (std::size_t i = 0; i < kLdevidStatusNames.size(); ++i)
    if (kLdevidStatusNames[i] == name) return static_cast<LdevidStatus>(i);
  return LdevidStatus::active;
}

constexpr const char* kDeviceColumns =
    "serial, idevid_sha256, ldevid_sha256, ldevid_serial_hex, status, status_reason, voucher_assertion, first_seen, "
    "enrolled_at, updated_at, onboard_count";

DeviceRecord read_device(const Statement& st) {
  DeviceRecord d;
  d.serial = st.column_text(0);
  d.idevid_sha256 = st.column_text(1);
  d.ldevid_sha256 = st.column_text(2);
  d.ldevid_serial_hex = st.column_text(3);
  auto status = parse_device_status(st.column_text(4));
  d.status = status ? *status : DeviceStatus::quarantined;  // an unknown word: keep it out
  d.status_reason = st.column_text(5);
  d.voucher_assertion = st.column_text(6);
  d.first_seen = st.column_int(7);
  d.enrolled_at = st.column_int(8);
  d.updated_at = st.column_int(9);
  d.onboard_count = st.column_int(10);
  return d;
}

constexpr const char* kLdevidColumns = "serial, cert_serial_hex, sha256, subject, not_after, issued_at, status, status_at";

LdevidRecord read_ldevid(const Statement& st) {
  LdevidRecord r;
  r.serial = st.column_text(0);
  r.cert_serial_hex = st.column_text(1);
  r.sha256 = st.column_text(2);
  r.subject = st.column_text(3);
  r.not_after = st.column_int(4);
  r.issued_at = st.column_int(5);
  r.status = parse_ldevid_status(st.column_text(6));
  r.status_at = st.column_int(7);
  return r;
}

AllowEntry read_allow(const Statement& st) {
  return {st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_int(4)};
}

}  // namespace

std::string_view device_status_name(DeviceStatus status) { return kDeviceStatusNames[static_cast<std::size_t>(status)]; }

Result<DeviceStatus> parse_device_status(std::string_view name) {
  for (std::size_t i = 0; i < kDeviceStatusNames.size(); ++i)
    if (kDeviceStatusNames[i] == name) return static_cast<DeviceStatus>(i);
  return input_error("unknown device status \"" + std::string(name) + "\"");
}

std::string_view ldevid_status_name(LdevidStatus status) { return kLdevidStatusNames[static_cast<std::size_t>(status)]; }

Result<std::unique_ptr<RegistrarStore>> RegistrarStore::open(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Database db, Database::open_store(path, {kSchemaVersion, kSchema, "registrar store"}));
  return std::unique_ptr<RegistrarStore>(new RegistrarStore(std::move(db)));
}

Result<std::size_t> RegistrarStore::allow(const std::vector<AllowEntry>& entries) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  std::size_t added = 0;
  for (const auto& e : entries) {
    if (e.serial.empty()) return input_error("allow-list: empty serial");
    IOTONB_ASSIGN_OR_RETURN(Bound exists, prepared(db_, statements_, "SELECT 1 FROM allow_list WHERE serial = ?1", {e.serial}));
    IOTONB_ASSIGN_OR_RETURN(bool found, exists->step());
    if (!found) ++added;
    IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                               "INSERT OR REPLACE INTO allow_list (serial, idevid_sha256, purchase_id, owner, added_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?5)",
                               {e.serial, e.idevid_sha256, e.purchase_id, e.owner, e.added_at}));
  }
  IOTONB_RETURN_IF_ERROR(tx.commit());
  return added;
}

Result<std::optional<AllowEntry>> RegistrarStore::allowed(std::string_view serial) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st,
      prepared(db_, statements_, "SELECT serial, idevid_sha256, purchase_id, owner, added_at FROM allow_list WHERE serial = ?1",
               {serial}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  if (!row) return std::optional<AllowEntry>();
  return std::optional<AllowEntry>(read_allow(*st));
}

Result<std::vector<AllowEntry>> RegistrarStore::allow_list() {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_,
                         "SELECT serial, idevid_sha256, purchase_id, owner, added_at FROM allow_list ORDER BY serial", {}));
  std::vector<AllowEntry> out;
  while (true) {
    IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) break;
    out.push_back(read_allow(*st));
  }
  return out;
}

Result<bool> RegistrarStore::remember_nonce(std::string_view serial, std::string_view nonce_hex, core::UnixTime at) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_, "INSERT OR IGNORE INTO nonces (serial, nonce_hex, seen_at) VALUES (?1, ?2, ?3)",
                         {serial, nonce_hex, at}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  (void)row;
  IOTONB_ASSIGN_OR_RETURN(Bound changes, prepared(db_, statements_, "SELECT changes()", {}));
  IOTONB_ASSIGN_OR_RETURN(bool has, changes->step());
  return has && changes->column_int(0) == 1;
}

Result<bool> RegistrarStore::nonce_seen(std::string_view serial, std::string_view nonce_hex) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_, "SELECT 1 FROM nonces WHERE serial = ?1 AND nonce_hex = ?2", {serial, nonce_hex}));
  return st->step();
}

Status RegistrarStore::forget_nonce(std::string_view serial, std::string_view nonce_hex) {
  std::lock_guard lock(mutex_);
  return run(db_, statements_, "DELETE FROM nonces WHERE serial = ?1 AND nonce_hex = ?2", {serial, nonce_hex});
}

Status RegistrarStore::voucher_requested(std::string_view serial, std::string_view idevid_sha256, core::UnixTime at) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  IOTONB_ASSIGN_OR_RETURN(auto existing, device_locked(serial));
  if (!existing) {
    IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                               "INSERT INTO devices (serial, idevid_sha256, status, first_seen, updated_at) "
                               "VALUES (?1, ?2, ?3, ?4, ?4)",
                               {serial, idevid_sha256, device_status_name(DeviceStatus::voucher_requested), at}));
  } else if (existing->status != DeviceStatus::revoked && existing->status != DeviceStatus::quarantined) {
    IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                               "UPDATE devices SET idevid_sha256 = ?2, status = ?3, updated_at = ?4 WHERE serial = ?1",
                               {serial, idevid_sha256, device_status_name(DeviceStatus::voucher_requested), at}));
  }
  return tx.commit();
}

Status RegistrarStore::voucher_issued(std::string_view serial, std::string_view assertion, core::UnixTime at) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_,
                         "UPDATE devices SET status = ?2, voucher_assertion = ?3, updated_at = ?4, "
                         "onboard_count = onboard_count + 1 WHERE serial = ?1 AND status NOT IN ('revoked', 'quarantined')",
                         {serial, device_status_name(DeviceStatus::voucher_issued), assertion, at}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  (void)row;
  return {};
}

Status RegistrarStore::enrolled(const LdevidRecord& ldevid, core::UnixTime at) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  IOTONB_ASSIGN_OR_RETURN(auto existing, device_locked(ldevid.serial));
  if (!existing) return input_error("no device with serial " + ldevid.serial + " in " + path());
  IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                             "UPDATE ldevids SET status = 'replaced', status_at = ?2 WHERE serial = ?1 AND status = 'active'",
                             {ldevid.serial, at}));
  {
    IOTONB_ASSIGN_OR_RETURN(
        Bound ins,
        prepared(db_, statements_,
                 std::string("INSERT INTO ldevids (") + kLdevidColumns + ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', ?7)",
                 {ldevid.serial, ldevid.cert_serial_hex, ldevid.sha256, ldevid.subject, ldevid.not_after, ldevid.issued_at, at}));
    auto step = ins->step();
    if (!step) {
      if (ins->constraint_violation())
        return internal_error("LDevID serial " + ldevid.cert_serial_hex + " or fingerprint already recorded");
      return std::move(step).error();
    }
  }
  IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                             "UPDATE devices SET ldevid_sha256 = ?2, ldevid_serial_hex = ?3, status = 'enrolled', "
                             "enrolled_at = ?4, updated_at = ?4 WHERE serial = ?1",
                             {ldevid.serial, ldevid.sha256, ldevid.cert_serial_hex, at}));
  return tx.commit();
}

Status RegistrarStore::set_status(std::string_view serial, DeviceStatus status, std::string_view reason, core::UnixTime at) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  IOTONB_ASSIGN_OR_RETURN(auto existing, device_locked(serial));
  if (!existing) return input_error("no device with serial " + std::string(serial) + " in " + path());
  IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                             "UPDATE devices SET status = ?2, status_reason = ?3, updated_at = ?4 WHERE serial = ?1",
                             {serial, device_status_name(status), reason, at}));
  if (status == DeviceStatus::revoked) {
    IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                               "UPDATE ldevids SET status = 'revoked', status_at = ?2 WHERE serial = ?1 AND status = 'active'",
                               {serial, at}));
  }
  std::string note = std::string(device_status_name(existing->status)) + " -> " + std::string(device_status_name(status));
  IOTONB_RETURN_IF_ERROR(
      run(db_, statements_, "INSERT INTO reports (serial, kind, at, status, reason, body) VALUES (?1, 'operator', ?2, 0, ?3, ?4)",
          {serial, at, reason, note}));
  return tx.commit();
}

Status RegistrarStore::add_report(const StatusReport& report) {
  std::lock_guard lock(mutex_);
  return run(db_, statements_, "INSERT INTO reports (serial, kind, at, status, reason, body) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
             {report.serial, report.kind, report.at, report.status ? 1 : 0, report.reason, report.body});
}

Result<std::optional<DeviceRecord>> RegistrarStore::device_locked(std::string_view serial) {
  IOTONB_ASSIGN_OR_RETURN(
      Bound st,
      prepared(db_, statements_, std::string("SELECT ") + kDeviceColumns + " FROM devices WHERE serial = ?1", {serial}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  if (!row) return std::optional<DeviceRecord>();
  return std::optional<DeviceRecord>(read_device(*st));
}

Result<std::optional<DeviceRecord>> RegistrarStore::device(std::string_view serial) {
  std::lock_guard lock(mutex_);
  return device_locked(serial);
}

Result<std::vector<DeviceRecord>> RegistrarStore::devices() {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_, std::string("SELECT ") + kDeviceColumns + " FROM devices ORDER BY serial", {}));
  std::vector<DeviceRecord> out;
  while (true) {
    IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) break;
    out.push_back(read_device(*st));
  }
  return out;
}

Result<std::size_t> RegistrarStore::device_count() {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Bound st, prepared(db_, statements_, "SELECT count(*) FROM devices", {}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  return row ? static_cast<std::size_t>(st->column_int(0)) : 0;
}

Result<std::vector<LdevidRecord>> RegistrarStore::ldevids(std::string_view serial) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Bound st, prepared(db_, statements_,
                                                 std::string("SELECT ") + kLdevidColumns +
                                                     " FROM ldevids WHERE serial = ?1 ORDER BY issued_at, rowid",
                                                 {serial}));
  std::vector<LdevidRecord> out;
  while (true) {
    IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) break;
    out.push_back(read_ldevid(*st));
  }
  return out;
}

Result<std::optional<LdevidRecord>> RegistrarStore::ldevid_by_sha256(std::string_view sha256) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st,
      prepared(db_, statements_, std::string("SELECT ") + kLdevidColumns + " FROM ldevids WHERE sha256 = ?1", {sha256}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  if (!row) return std::optional<LdevidRecord>();
  return std::optional<LdevidRecord>(read_ldevid(*st));
}

Result<std::vector<StatusReport>> RegistrarStore::reports(std::string_view serial) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_,
                         "SELECT serial, kind, at, status, reason, body FROM reports WHERE serial = ?1 ORDER BY id", {serial}));
  std::vector<StatusReport> out;
  while (true) {
    IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) break;
    out.push_back({st->column_text(0), st->column_text(1), st->column_int(2), st->column_int(3) != 0, st->column_text(4),
                   st->column_text(5)});
  }
  return out;
}

}  // namespace iotonb::store
