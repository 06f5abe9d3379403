// Renders a JSON description as the `--format text` view: one "key: value" line per leaf,
// nested objects indented, arrays of scalars joined with ", ". Keys keep their order, so the
// text and JSON views of an artifact never disagree.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace iotonb::core {

std::string render_text(const nlohmann::ordered_json& value);

}  // namespace iotonb::core
