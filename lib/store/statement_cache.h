// Prepared statements kept per store and reused by SQL text, with their arguments bound in
// one call: SQLite's parser and planner cost more than most of a store's statements take to
// run. Used by the registrar store's files; every call happens under the store's mutex.
// Internal to lib/store.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "store/sqlite.h"

namespace iotonb::store {

// A statement argument: text or integer, bound in order (1-based).
struct Arg {
  Arg(std::string_view t) : text(t), is_text(true) {}  // NOLINT
  Arg(const std::string& t) : text(t), is_text(true) {}  // NOLINT
  Arg(const char* t) : text(t), is_text(true) {}  // NOLINT
  Arg(std::int64_t v) : value(v) {}  // NOLINT
  Arg(int v) : value(v) {}  // NOLINT
  std::string_view text;
  std::int64_t value = 0;
  bool is_text = false;
};

// A store's prepared statements, by SQL text.
using Statements = std::unordered_map<std::string, Statement>;

// Binds texts and integers in order (1-based) to a cached statement.
inline Status bind_all(Statement& st, std::initializer_list<Arg> args) {
  int i = 1;
  for (const Arg& a : args) {
    if (a.is_text) {
      IOTONB_RETURN_IF_ERROR(st.bind(i, a.text));
    } else {
      IOTONB_RETURN_IF_ERROR(st.bind(i, a.value));
    }
    ++i;
  }
  return {};
}

// A statement from the store's cache, its parameters bound. It is reset (bindings cleared)
// when the lease ends, on every path, so the next caller finds it ready and no read
// transaction stays open behind it.
class Bound {
 public:
  explicit Bound(Statement& st) : st_(&st) {}
  Bound(Bound&& other) noexcept : st_(std::exchange(other.st_, nullptr)) {}
  Bound& operator=(Bound&&) = delete;
  ~Bound() {
    if (st_ != nullptr) st_->reset();
  }
  Statement* operator->() const { return st_; }
  Statement& operator*() const { return *st_; }

 private:
  Statement* st_;
};

// Prepares sql once per store (SQLite's parser and planner cost more than most of these
// statements' execution) and binds args to it. Called with the store's mutex held.
inline Result<Bound> prepared(Database& db, Statements& cache, const std::string& sql,
                              std::initializer_list<Arg> args) {
  auto it = cache.find(sql);
  if (it == cache.end()) {
    IOTONB_ASSIGN_OR_RETURN(Statement st, db.prepare(sql));
    it = cache.emplace(sql, std::move(st)).first;
  }
  Bound bound(it->second);
  IOTONB_RETURN_IF_ERROR(bind_all(*bound, args));
  return bound;
}

inline Status run(Database& db, Statements& cache, const std::string& sql, std::initializer_list<Arg> args) {
  IOTONB_ASSIGN_OR_RETURN(Bound st, prepared(db, cache, sql, args));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  (void)row;
  return {};
}

}  // namespace iotonb::store
