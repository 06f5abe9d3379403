// Result types for library code: every fallible call returns a Result<T> (or a Status) whose
// error carries a category and a message naming the offending field or file. The command line
// maps categories to exit codes (CONVENTIONS.md); exceptions never cross a library boundary.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace iotonb {

enum class ErrorKind {
  usage,           // the caller asked for something that makes no sense
  input,           // input unreadable or malformed
  verification,    // the check ran and failed (signature, chain, policy)
  not_authorized,  // the check ran and the party is not allowed
  io,              // a file or device could not be read or written
  network,         // a peer or the network failed
  internal,        // a bug or a library failure we did not expect
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;

  // Prefix the message with the thing it is about: "ca.key: " + "wrong password".
  Error context(const std::string& what) const& { return {kind, what + ": " + message}; }
};

inline Error usage_error(std::string m) { return {ErrorKind::usage, std::move(m)}; }
inline Error input_error(std::string m) { return {ErrorKind::input, std::move(m)}; }
inline Error verify_error(std::string m) { return {ErrorKind::verification, std::move(m)}; }
inline Error io_error(std::string m) { return {ErrorKind::io, std::move(m)}; }
inline Error internal_error(std::string m) { return {ErrorKind::internal, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { assert(ok()); return std::get<0>(v_); }
  const T& value() const& { assert(ok()); return std::get<0>(v_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { assert(!ok()); return std::get<1>(v_); }
  Error&& error() && { assert(!ok()); return std::get<1>(std::move(v_)); }

 private:
  std::variant<T, Error> v_;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { assert(!ok()); return *error_; }
  Error&& error() && { assert(!ok()); return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

inline Status ok_status() { return {}; }

}  // namespace iotonb

#define IOTONB_CONCAT_INNER(a, b) a##b
#define IOTONB_CONCAT(a, b) IOTONB_CONCAT_INNER(a, b)

// Propagate an error from a Status or Result expression.
#define IOTONB_RETURN_IF_ERROR(expr)                                   \
  do {                                                                 \
    auto&& iotonb_status_ = (expr);                                    \
    if (!iotonb_status_.ok()) return std::move(iotonb_status_).error(); \
  } while (false)

// `IOTONB_ASSIGN_OR_RETURN(auto x, f());` declares x from a Result or returns its error.
#define IOTONB_ASSIGN_OR_RETURN(lhs, expr) \
  IOTONB_ASSIGN_OR_RETURN_IMPL(IOTONB_CONCAT(iotonb_result_, __LINE__), lhs, expr)
#define IOTONB_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).error();      \
  lhs = std::move(tmp).value()
