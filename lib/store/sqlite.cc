#include "store/sqlite.h"

#include <sqlite3.h>

namespace iotonb::store {
namespace {

Error sqlite_failure(sqlite3* db, const std::string& path, const std::string& what) {
  std::string message = path + ": " + what + ": " + (db != nullptr ? sqlite3_errmsg(db) : "out of memory");
  // A locked or unopenable database is an I/O problem for the operator; anything else is
  // a bug in our SQL or a damaged file, which we cannot tell apart from here.
  const int code = db != nullptr ? sqlite3_errcode(db) : SQLITE_NOMEM;
  switch (code) {
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PERM:
      return io_error(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return input_error(std::move(message));
    default:
      return internal_error(std::move(message));
  }
}

}  // namespace

void Statement::Finalizer::operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
void Database::Closer::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

Error Statement::failure(const std::string& what) const { return sqlite_failure(db_, path_ ? *path_ : "?", what); }

Status Statement::bind(int index, std::string_view text) {
  // SQLITE_TRANSIENT: SQLite copies the text, so the caller's buffer may die before step().
  if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT) != SQLITE_OK)
    return failure("bind");
  return {};
}

Status Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) return failure("bind");
  return {};
}

Result<bool> Statement::step() {
  constraint_violation_ = false;
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  constraint_violation_ = (rc & 0xff) == SQLITE_CONSTRAINT;
  Error e = failure(sqlite3_sql(stmt_.get()));
  sqlite3_reset(stmt_.get());
  return e;
}

void Statement::reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::string Statement::column_text(int column) const {
  const auto* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column)));
}

std::int64_t Statement::column_int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

Result<Database> Database::open(const std::string& path, int busy_timeout_ms) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  Database db(raw, path);  // owns raw even when opening failed, as sqlite3_open_v2 requires
  if (rc != SQLITE_OK) return sqlite_failure(raw, path, "cannot open");
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  return db;
}

namespace {

// Creates the schema in a new file; an existing store is only read here, so opening a
// second connection never waits for the writer.
Status ensure_schema(Database& db, const StoreSchema& schema) {
  IOTONB_ASSIGN_OR_RETURN(Statement version, db.prepare("PRAGMA user_version"));
  IOTONB_ASSIGN_OR_RETURN(bool has_row, version.step());
  const auto found = has_row ? version.column_int(0) : 0;
  version.reset();  // ends its read transaction before we may start a write one
  if (found == schema.version) return {};
  if (found > schema.version)
    return input_error(db.path() + ": " + schema.name + " schema version " + std::to_string(found) +
                       " is newer than this iotonb understands (" + std::to_string(schema.version) + ")");
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db));
  IOTONB_RETURN_IF_ERROR(db.exec(schema.sql));
  return tx.commit();
}

}  // namespace

Result<Database> Database::open_store(const std::string& path, const StoreSchema& schema) {
  IOTONB_ASSIGN_OR_RETURN(Database db, open(path));
  IOTONB_RETURN_IF_ERROR(db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  IOTONB_RETURN_IF_ERROR(ensure_schema(db, schema));
  return db;
}

Status Database::exec(const std::string& sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    sqlite3_free(message);  // sqlite3_errmsg() carries the same text
    return sqlite_failure(db_.get(), *path_, sql);
  }
  return {};
}

Result<Statement> Database::prepare(const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK)
    return sqlite_failure(db_.get(), *path_, "cannot prepare \"" + sql + "\"");
  return Statement(db_.get(), stmt, path_.get());
}

bool Database::in_transaction() const { return sqlite3_get_autocommit(db_.get()) == 0; }

Result<Transaction> Transaction::begin(Database& db) {
  IOTONB_RETURN_IF_ERROR(db.exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  if (db_ != nullptr && db_->in_transaction()) (void)db_->exec("ROLLBACK");
}

Status Transaction::commit() {
  if (db_ == nullptr) return internal_error("transaction already finished");
  Status status = db_->exec("COMMIT");
  if (status) db_ = nullptr;  // a failed COMMIT leaves the transaction open: the destructor rolls back
  return status;
}

}  // namespace iotonb::store
