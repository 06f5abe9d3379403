// A small RAII layer over the SQLite C API for iotonb's stores (issuance ledger, batch-mint
// progress, the MASA and registrar stores): a connection, prepared statements with
// bind/step/reset, and a transaction guard. Every error comes back as a Result/Status naming
// the database file, so callers never see an SQLite return code.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "core/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace iotonb::store {

class Database;

// A prepared statement. Parameters are 1-based like SQLite's; columns are 0-based.
class Statement {
 public:
  Statement() = default;

  Status bind(int index, std::string_view text);
  Status bind(int index, std::int64_t value);
  // true: a row is ready to read; false: the statement is done. A constraint violation is
  // reported with constraint_violation() true so callers can say which rule was broken.
  Result<bool> step();
  // Ready to bind and step again; bindings are cleared.
  void reset();

  std::string column_text(int column) const;
  std::int64_t column_int(int column) const;

  // True when the last step() failed on a UNIQUE/PRIMARY KEY/CHECK constraint.
  bool constraint_violation() const { return constraint_violation_; }

 private:
  friend class Database;
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const;
  };
  Statement(sqlite3* db, sqlite3_stmt* stmt, const std::string* path) : db_(db), stmt_(stmt), path_(path) {}
  Error failure(const std::string& what) const;

  sqlite3* db_ = nullptr;  // not owned
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  const std::string* path_ = nullptr;  // the owning Database's path, for messages
  bool constraint_violation_ = false;
};

// Steps `query` (its parameters bound) and reads its first row, when it has one, with
// read_row(const Statement&) returning T or Result<T>. The statement is reset on every path,
// so a statement kept for reuse is always ready for its next bind.
template <class T, class ReadRow>
Result<std::optional<T>> first_row(Statement& query, ReadRow read_row) {
  auto row = query.step();
  if (!row || !*row) {
    query.reset();
    if (!row) return std::move(row).error();
    return std::optional<T>();
  }
  Result<T> value = read_row(static_cast<const Statement&>(query));
  query.reset();
  if (!value) return std::move(value).error();
  return std::optional<T>(std::move(value).value());
}

// The layout a store keeps in its file: `sql` creates it in a new file (idempotent DDL that
// ends with `PRAGMA user_version = version`); user_version tells a later release which layout
// it is looking at. A file with a newer version is refused, naming the store by `name`.
struct StoreSchema {
  int version;
  const char* sql;
  const char* name;  // "MASA store", "ledger": used in messages
};

// One connection. Statements prepared from it must be destroyed before it (declare them after
// the Database member in a class, so they die first).
class Database {
 public:
  // Opens (creating when missing) the database file; busy_timeout_ms lets a second connection
  // in this or another process wait for a writer instead of failing at once.
  static Result<Database> open(const std::string& path, int busy_timeout_ms = 5000);

  // Opens a store's file in WAL mode and makes sure it holds `schema` (see StoreSchema).
  // WAL lets readers on other connections (a monitor, the batch's reader thread, the
  // operator's CLI next to a running service) proceed while one writer appends; NORMAL syncs
  // only at checkpoints, which is safe against process crashes (the WAL is in the OS's hands
  // once written) and loses at most the last commits on power loss.
  static Result<Database> open_store(const std::string& path, const StoreSchema& schema);

  Database(Database&&) noexcept = default;
  Database& operator=(Database&&) noexcept = default;

  // Runs one or more statements that return no rows we need (PRAGMA, DDL, BEGIN/COMMIT).
  Status exec(const std::string& sql);
  Result<Statement> prepare(const std::string& sql);
  bool in_transaction() const;
  bool is_open() const { return db_ != nullptr; }  // false only for a moved-from Database

  const std::string& path() const { return *path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  Database(sqlite3* db, std::string path)
      : db_(db), path_(std::make_unique<std::string>(std::move(path))) {}

  std::unique_ptr<sqlite3, Closer> db_;
  // Held by pointer so statements can keep referring to it after the Database moves.
  std::unique_ptr<std::string> path_;
};

// BEGIN on construction (through begin()), ROLLBACK on destruction unless commit() ran, so an
// early return never leaves a transaction open.
class Transaction {
 public:
  static Result<Transaction> begin(Database& db);
  Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  Status commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace iotonb::store
