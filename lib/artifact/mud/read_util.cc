#include "artifact/mud/read_util.h"

#include <cstdint>

#include "artifact/mud/syntax.h"

namespace iotonb::artifact::mud::detail {

std::string child(const std::string& path, std::string_view name) {
  std::string out = path;
  out.reserve(path.size() + name.size() + 1);
  out += '/';
  for (char c : name) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string child(const std::string& path, std::size_t index) { return path + "/" + std::to_string(index); }

std::string shown(const Json& v) {
  std::string s = v.dump(-1, ' ', false, Json::error_handler_t::replace);
  constexpr std::size_t kMax = 48;
  if (s.size() > kMax) s = s.substr(0, kMax - 3) + "...";
  return s;
}

std::string_view identity(std::string_view value, std::string_view module) {
  if (value.size() > module.size() + 1 && value.substr(0, module.size()) == module && value[module.size()] == ':')
    return value.substr(module.size() + 1);
  return value;
}

namespace {

constexpr std::string_view kKnownModules[] = {"ietf-mud", "ietf-access-control-list", "ietf-acldns",
                                              "ietf-packet-fields"};

std::optional<std::string_view> module_of(std::string_view name) {
  std::size_t colon = name.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return name.substr(0, colon);
}

// YANG 1.1 (RFC 7950 14) identifier: [a-zA-Z_][a-zA-Z0-9_.-]*.
bool yang_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!letter(s[0])) return false;
  for (char c : s)
    if (!letter(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-') return false;
  return true;
}

}  // namespace

bool known_module_member(std::string_view name) {
  auto module = module_of(name);
  if (!module) return false;
  for (std::string_view m : kKnownModules)
    if (*module == m) return true;
  return false;
}

bool foreign_member(std::string_view name) {
  auto module = module_of(name);
  return module && yang_identifier(*module) && yang_identifier(name.substr(module->size() + 1)) &&
         !known_module_member(name);
}

bool Checker::object(const Json& v, const std::string& path) {
  if (v.is_object()) return true;
  fail(path, "must be an object, is " + shown(v));
  return false;
}

bool Checker::array(const Json& v, const std::string& path) {
  if (v.is_array()) return true;
  fail(path, "must be an array, is " + shown(v));
  return false;
}

std::optional<std::string> Checker::text(const Json& v, const std::string& path, std::size_t min_chars,
                                         std::size_t max_chars) {
  if (!v.is_string()) {
    fail(path, "must be a string, is " + shown(v));
    return std::nullopt;
  }
  const std::string& s = v.get_ref<const std::string&>();
  std::size_t n = char_count(s);
  if (n < min_chars || n > max_chars) {
    fail(path, "must be " + std::to_string(min_chars) + ".." + std::to_string(max_chars) + " characters, is " +
                   std::to_string(n));
    return std::nullopt;
  }
  return s;
}

std::optional<std::int64_t> Checker::integer(const Json& v, const std::string& path, std::int64_t lo,
                                             std::int64_t hi) {
  // RFC 7951 6.1: (u)int8..32 are JSON numbers, never strings.
  std::optional<std::int64_t> value;
  if (v.is_number_unsigned()) {
    auto u = v.get<std::uint64_t>();
    if (u <= static_cast<std::uint64_t>(INT64_MAX)) value = static_cast<std::int64_t>(u);
    else value = INT64_MAX;
  } else if (v.is_number_integer()) {
    value = v.get<std::int64_t>();
  }
  std::string range = std::to_string(lo) + ".." + std::to_string(hi);
  if (!value) {
    fail(path, "must be an integer " + range + ", is " + shown(v));
    return std::nullopt;
  }
  if (*value < lo || *value > hi) {
    fail(path, "must be " + range + ", is " + shown(v));
    return std::nullopt;
  }
  return value;
}

std::optional<bool> Checker::boolean(const Json& v, const std::string& path) {
  if (v.is_boolean()) return v.get<bool>();
  fail(path, "must be true or false, is " + shown(v));
  return std::nullopt;
}

bool Checker::empty_leaf(const Json& v, const std::string& path) {
  if (v.is_array() && v.size() == 1 && v[0].is_null()) return true;
  fail(path, "an empty leaf must be [null], is " + shown(v));
  return false;
}

void Checker::unknown(const std::string& path, std::string_view name, bool allow_foreign) {
  if (foreign_member(name)) {
    if (!allow_foreign)
      fail(child(path, name), "a match condition of another module: refused, since ignoring it would widen the rule");
    return;
  }
  fail(child(path, name), "unknown member");
}

}  // namespace iotonb::artifact::mud::detail
