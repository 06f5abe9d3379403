#include "factory/csv_reader.h"

#include <cerrno>
#include <cstring>

namespace iotonb::factory {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string trimmed(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_blank(s[b])) ++b;
  while (e > b && is_blank(s[e - 1])) --e;
  return s.substr(b, e - b);
}

bool skippable(const std::string& line) {
  for (char c : line) {
    if (is_blank(c)) continue;
    return c == '#';
  }
  return true;  // blank
}

}  // namespace

Result<CsvReader> CsvReader::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": " + std::strerror(errno));
  return CsvReader(path, std::move(in));
}

Status CsvReader::rewind() {
  in_.clear();
  in_.seekg(0);
  if (!in_) return io_error(path_ + ": cannot seek back to the start");
  line_no_ = 0;
  record_line_ = 0;
  return {};
}

Result<bool> CsvReader::read_line() {
  if (!std::getline(in_, line_)) {
    if (in_.bad()) return io_error(path_ + ": read error after line " + std::to_string(line_no_));
    return false;
  }
  ++line_no_;
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_no_ == 1 && line_.rfind("\xEF\xBB\xBF", 0) == 0) line_.erase(0, 3);
  return true;
}

Result<bool> CsvReader::next(std::vector<std::string>& fields) {
  fields.clear();
  do {
    IOTONB_ASSIGN_OR_RETURN(bool got, read_line());
    if (!got) return false;
  } while (skippable(line_));
  record_line_ = line_no_;
  auto at = [&](const std::string& why) { return input_error(path_ + ":" + std::to_string(record_line_) + ": " + why); };

  std::string field;
  std::size_t record_size = 0;
  bool quoted = false;     // this field started with a quote
  bool in_quotes = false;  // inside the quotes right now
  bool closed = false;     // the closing quote was seen
  std::size_t i = 0;
  auto finish_field = [&] {
    fields.push_back(quoted ? std::move(field) : trimmed(field));
    field.clear();
    quoted = in_quotes = closed = false;
  };
  for (;;) {
    if (i == line_.size()) {
      if (!in_quotes) break;
      // A line break inside quotes belongs to the field.
      IOTONB_ASSIGN_OR_RETURN(bool got, read_line());
      if (!got) return at("quoted field is not closed before the end of the file");
      field += '\n';
      i = 0;
      record_size += line_.size() + 1;
      if (record_size > kMaxRecord) return at("record is longer than " + std::to_string(kMaxRecord) + " bytes");
      continue;
    }
    const char c = line_[i++];
    if (in_quotes) {
      if (c != '"') {
        field += c;
      } else if (i < line_.size() && line_[i] == '"') {
        field += '"';
        ++i;
      } else {
        in_quotes = false;
        closed = true;
      }
    } else if (c == ',') {
      finish_field();
    } else if (closed) {
      if (!is_blank(c)) return at("unexpected character after a closing quote in field " + std::to_string(fields.size() + 1));
    } else if (c == '"') {
      if (!trimmed(field).empty()) return at("stray quote in unquoted field " + std::to_string(fields.size() + 1));
      field.clear();
      quoted = in_quotes = true;
    } else {
      field += c;
    }
  }
  finish_field();
  return true;
}

}  // namespace iotonb::factory
