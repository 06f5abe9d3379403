#include "protocol/answer.h"

#include <algorithm>
#include <cctype>

namespace iotonb::protocol {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string base_type(std::string_view value) { return lower(trim(value.substr(0, value.find(';')))); }

}  // namespace

bool media_type_is(std::string_view content_type, std::string_view type) { return base_type(content_type) == lower(type); }

std::string media_type_parameter(std::string_view content_type, std::string_view name) {
  std::size_t pos = content_type.find(';');
  std::string wanted = lower(name);
  while (pos != std::string_view::npos) {
    std::string_view rest = content_type.substr(pos + 1);
    std::size_t next = rest.find(';');
    std::string_view param = trim(rest.substr(0, next));
    std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && lower(trim(param.substr(0, eq))) == wanted) {
      std::string_view v = trim(param.substr(eq + 1));
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      return std::string(v);
    }
    pos = next == std::string_view::npos ? next : pos + 1 + next;
  }
  return "";
}

bool accepts(std::string_view accept, std::string_view type) {
  if (trim(accept).empty()) return true;
  std::string wanted = lower(type);
  std::string family = wanted.substr(0, wanted.find('/')) + "/*";
  std::size_t start = 0;
  while (start <= accept.size()) {
    std::size_t comma = accept.find(',', start);
    std::string_view entry = accept.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    std::string base = base_type(entry);
    std::string q = media_type_parameter(entry, "q");
    bool refused = !q.empty() && q.find_first_not_of("0.") == std::string::npos;
    if (!refused && (base == wanted || base == "*/*" || base == family)) return true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace iotonb::protocol
