#include "core/text_render.h"

namespace iotonb::core {
namespace {

using json = nlohmann::ordered_json;

std::string scalar(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  if (v.is_null()) return "-";
  return v.dump();
}

bool all_scalars(const json& array) {
  for (const auto& v : array)
    if (v.is_structured()) return false;
  return true;
}

void render(const json& value, int indent, std::string& out) {
  std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
  for (auto it = value.begin(); it != value.end(); ++it) {
    std::string label = it.key();
    for (auto& c : label)
      if (c == '_') c = ' ';
    const json& v = it.value();
    if (v.is_object()) {
      out += pad + label + ":\n";
      render(v, indent + 1, out);
    } else if (v.is_array() && !all_scalars(v)) {
      out += pad + label + ":\n";
      for (const auto& item : v) {
        if (item.is_object()) {
          out += pad + "  -\n";
          render(item, indent + 2, out);
        } else {
          out += pad + "  - " + scalar(item) + "\n";
        }
      }
    } else if (v.is_array()) {
      std::string joined;
      for (const auto& item : v) joined += (joined.empty() ? "" : ", ") + scalar(item);
      out += pad + label + ": " + (joined.empty() ? "-" : joined) + "\n";
    } else {
      out += pad + label + ": " + scalar(v) + "\n";
    }
  }
}

}  // namespace

std::string render_text(const json& value) {
  std::string out;
  if (value.is_object()) render(value, 0, out);
  else out = scalar(value) + "\n";
  return out;
}

}  // namespace iotonb::core
