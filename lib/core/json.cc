#include "core/json.h"

#include <set>
#include <string>
#include <vector>

namespace iotonb::core {
namespace {

// Thrown from the parser callback to stop parsing at the first violation; caught below, so
// it never leaves this file.
struct Refused {
  std::string message;
};

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_size)
    return input_error("JSON: " + std::to_string(text.size()) + " octets, more than the limit of " +
                       std::to_string(limits.max_size));
  // One set of member names per open object; arrays push an empty placeholder so the stack
  // depth equals the nesting depth.
  std::vector<std::set<std::string>> open;
  auto callback = [&](int /*depth*/, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    switch (event) {
      case E::object_start:
      case E::array_start:
        if (open.size() >= limits.max_depth)
          throw Refused{"JSON: nesting deeper than " + std::to_string(limits.max_depth)};
        open.emplace_back();
        break;
      case E::object_end:
      case E::array_end:
        if (!open.empty()) open.pop_back();
        break;
      case E::key:
        if (!open.empty() && !open.back().insert(parsed.get<std::string>()).second)
          throw Refused{"JSON: duplicate member \"" + parsed.get<std::string>() + "\""};
        break;
      case E::value:
        break;
    }
    return true;
  };
  try {
    return nlohmann::json::parse(text.begin(), text.end(), callback);
  } catch (const Refused& r) {
    return input_error(r.message);
  } catch (const nlohmann::json::parse_error& e) {
    return input_error("JSON: syntax error at byte " + std::to_string(e.byte) + ": " +
                       std::string(e.what()).substr(std::string(e.what()).find(':') + 2));
  } catch (const nlohmann::json::exception& e) {
    return input_error(std::string("JSON: ") + e.what());
  }
}

}  // namespace iotonb::core
