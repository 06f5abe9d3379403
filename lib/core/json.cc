#include "core/json.h"

#include <set>
#include <string>
#include <vector>

namespace iotonb::core {
namespace {

using nlohmann::json;

// nlohmann/json's DOM builder with the checks added as the parser descends: depth before an
// object or array is opened, member names as they arrive. Its methods are not virtual;
// sax_parse calls them through the template parameter, so these shadow them.
class StrictDomBuilder : public nlohmann::detail::json_sax_dom_parser<json> {
  using Base = nlohmann::detail::json_sax_dom_parser<json>;

 public:
  StrictDomBuilder(json& result, const JsonLimits& limits) : Base(result, false), limits_(limits) {}

  bool start_object(std::size_t n) { return open() && Base::start_object(n); }
  bool start_array(std::size_t n) { return open() && Base::start_array(n); }
  bool end_object() {
    close();
    return Base::end_object();
  }
  bool end_array() {
    close();
    return Base::end_array();
  }
  bool key(std::string& name) {
    if (!names_.empty() && !names_.back().insert(name)) return refuse("JSON: duplicate member \"" + name + "\"");
    return Base::key(name);
  }
  bool parse_error(std::size_t position, const std::string& /*last_token*/, const nlohmann::detail::exception& e) {
    std::string what = e.what();
    if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    return refuse("JSON: syntax error at byte " + std::to_string(position) + ": " + what);
  }

  const std::optional<std::string>& refused() const { return refused_; }

 private:
  // Member names of one open object: a short list searched in place, a set once it grows,
  // so ordinary objects cost no allocation per name and hostile ones no quadratic time.
  class Names {
   public:
    bool insert(const std::string& name) {
      if (!large_.empty()) return large_.insert(name).second;
      for (const auto& n : small_)
        if (n == name) return false;
      small_.push_back(name);
      if (small_.size() > 16) {
        large_.insert(small_.begin(), small_.end());
        small_.clear();
      }
      return true;
    }

   private:
    std::vector<std::string> small_;
    std::set<std::string> large_;
  };

  bool open() {
    if (names_.size() >= limits_.max_depth) return refuse("JSON: nesting deeper than " + std::to_string(limits_.max_depth));
    names_.emplace_back();
    return true;
  }
  void close() {
    if (!names_.empty()) names_.pop_back();
  }
  bool refuse(std::string message) {
    if (!refused_) refused_ = std::move(message);
    return false;
  }

  const JsonLimits& limits_;
  std::vector<Names> names_;  // one per open object or array (arrays have no names)
  std::optional<std::string> refused_;
};

}  // namespace

Result<nlohmann::json> parse_json(std::string_view text, const JsonLimits& limits) {
  if (text.size() > limits.max_size)
    return input_error("JSON: " + std::to_string(text.size()) + " octets, more than the limit of " +
                       std::to_string(limits.max_size));
  json result;
  StrictDomBuilder builder(result, limits);
  bool ok = json::sax_parse(text.begin(), text.end(), &builder, nlohmann::detail::input_format_t::json, true);
  if (!ok || builder.is_errored() || builder.refused())
    return input_error(builder.refused().value_or("JSON: malformed"));
  return result;
}

}  // namespace iotonb::core
