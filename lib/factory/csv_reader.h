// A streaming reader of CSV records (RFC 4180: comma-separated, fields optionally in double
// quotes, "" for a quote inside quotes, line breaks allowed inside quotes), for manifests
// that may hold a million rows: it keeps one record in memory, never the file. Blank lines
// and lines whose first non-blank character is '#' are skipped; CRLF and a UTF-8 byte order
// mark are accepted; unquoted fields are trimmed of spaces and tabs.
#pragma once

#include <cstddef>
#include <fstream>
#include <string>
#include <vector>

#include "core/result.h"

namespace iotonb::factory {

class CsvReader {
 public:
  static inline constexpr std::size_t kMaxRecord = 1u << 20;  // a longer record is an error, not an OOM

  // Errors name path ("devices.csv: No such file or directory").
  static Result<CsvReader> open(const std::string& path);

  // The next record into fields; false at the end of the file. Malformed quoting is an
  // input error "PATH:LINE: ...".
  Result<bool> next(std::vector<std::string>& fields);
  // The line the last record started on (1-based).
  std::size_t record_line() const { return record_line_; }
  Status rewind();
  const std::string& path() const { return path_; }

 private:
  CsvReader(std::string path, std::ifstream in) : path_(std::move(path)), in_(std::move(in)) {}
  Result<bool> read_line();

  std::string path_;
  std::ifstream in_;
  std::string line_;  // reused buffer: no allocation per line once warm
  std::size_t line_no_ = 0;
  std::size_t record_line_ = 0;
};

}  // namespace iotonb::factory
