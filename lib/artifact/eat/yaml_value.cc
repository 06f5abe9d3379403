#include "artifact/eat/yaml_value.h"

#include <charconv>

#include "core/encoding.h"

namespace iotonb::artifact::eat::yaml {

Result<YAML::Node> load(std::string_view text, std::size_t max_size, std::size_t max_depth) {
  if (text.size() > max_size)
    return input_error("larger than " + std::to_string(max_size) + " octets");
  // Every text value becomes a CBOR text string, which must be UTF-8 (RFC 8949 3.1); checked
  // once here rather than at each value.
  if (!core::is_utf8(text)) return input_error("not UTF-8 text");
  // YAML streams hold no NUL (YAML 1.2 5.1), and yaml-cpp does not reject one cleanly.
  if (text.find('\0') != std::string_view::npos) return input_error("a NUL byte is not YAML text");
  // yaml-cpp recurses once per flow level (its own guard allows 2000); refuse deep flow
  // nesting up front so a bracket bomb costs nothing. Block nesting is bounded by the walkers.
  std::size_t depth = 0;
  for (char c : text) {
    if (c == '[' || c == '{') {
      if (++depth > max_depth) return input_error("nested deeper than " + std::to_string(max_depth) + " levels");
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return input_error("not YAML or JSON: line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return input_error(std::string("not YAML or JSON: ") + e.what());
  }
}

Status Budget::visit(const std::string& path, std::size_t depth) {
  if (depth > max_depth_) return input_error(path + ": nested deeper than " + std::to_string(max_depth_) + " levels");
  if (nodes_left_ == 0) return input_error(path + ": too many values (aliases count each time they are used)");
  --nodes_left_;
  return ok_status();
}

std::string join(const std::string& path, const std::string& child) { return path.empty() ? child : path + "." + child; }

bool quoted(const YAML::Node& n) { return n.Tag() == "!"; }

std::optional<std::int64_t> as_integer(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty()) return std::nullopt;
  const char* begin = s.data() + (s.front() == '+' ? 1 : 0);
  auto [end, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return v;
}

Result<std::string> text(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) return input_error(path + ": must be text");
  return n.Scalar();
}

Result<std::int64_t> integer(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar() || quoted(n)) return input_error(path + ": must be an integer");
  auto v = as_integer(n.Scalar());
  if (!v) return input_error(path + ": \"" + n.Scalar() + "\" is not an integer");
  return *v;
}

Result<std::uint64_t> unsigned_integer(const YAML::Node& n, const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(std::int64_t v, integer(n, path));
  if (v < 0) return input_error(path + ": must not be negative");
  return static_cast<std::uint64_t>(v);
}

Result<bool> boolean(const YAML::Node& n, const std::string& path) {
  if (n.IsScalar() && !quoted(n)) {
    if (n.Scalar() == "true") return true;
    if (n.Scalar() == "false") return false;
  }
  return input_error(path + ": must be true or false");
}

}  // namespace iotonb::artifact::eat::yaml
