// The registrar store's MUD policy records (registrar_store.h): per device, the MUD URL from
// its IDevID, whether the file verified, and the rules compiled for it.
#include "store/registrar_store.h"
#include "store/statement_cache.h"

namespace iotonb::store {
namespace {

constexpr const char* kMudColumns = "serial, mud_url, verdict, reason, addresses, segment, mud_file, rules_file, checked_at";

MudRecord read_mud(const Statement& st) {
  return MudRecord{st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                   st.column_text(5), st.column_text(6), st.column_text(7), st.column_int(8)};
}

}  // namespace

Status RegistrarStore::record_mud(const MudRecord& r) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                             std::string("INSERT OR REPLACE INTO mud_policies (") + kMudColumns +
                                 ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                             {r.serial, r.mud_url, r.verdict, r.reason, r.addresses, r.segment, r.mud_file, r.rules_file,
                              r.checked_at}));
  const std::string reason = r.reason.empty() ? r.mud_url : r.mud_url + ": " + r.reason;
  IOTONB_RETURN_IF_ERROR(
      run(db_, statements_, "INSERT INTO reports (serial, kind, at, status, reason, body) VALUES (?1, 'mud', ?2, ?3, ?4, ?5)",
          {r.serial, r.checked_at, r.verdict == "verified" ? 1 : 0, reason, "segment " + r.segment}));
  return tx.commit();
}

Result<std::optional<MudRecord>> RegistrarStore::mud(std::string_view serial) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_, std::string("SELECT ") + kMudColumns + " FROM mud_policies WHERE serial = ?1",
                         {serial}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  if (!row) return std::optional<MudRecord>();
  return std::optional<MudRecord>(read_mud(*st));
}

Result<std::vector<MudRecord>> RegistrarStore::mud_records() {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_, std::string("SELECT ") + kMudColumns + " FROM mud_policies ORDER BY serial", {}));
  std::vector<MudRecord> out;
  for (;;) {
    IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
    if (!row) break;
    out.push_back(read_mud(*st));
  }
  return out;
}

}  // namespace iotonb::store
