#include "cli/context.h"

#include <ostream>

#include "core/text_render.h"

namespace iotonb::cli {

void Context::info(const std::string& line) const {
  if (!quiet) *err << line << '\n';
}

void Context::debug(const std::string& line) const {
  if (verbosity > 0) *err << line << '\n';
}

Result<Format> parse_format(const std::string& name) {
  if (name == "text") return Format::text;
  if (name == "json") return Format::json;
  if (name == "pem") return Format::pem;
  if (name == "der") return Format::der;
  return usage_error("unknown format \"" + name + "\"");
}

void print_description(const Context& ctx, const nlohmann::ordered_json& description, Format format) {
  if (format == Format::json) {
    *ctx.out << description.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
  } else {
    *ctx.out << core::render_text(description);
  }
}

void print_inspection(const Context& ctx, const std::vector<nlohmann::ordered_json>& described, const std::string& diag,
                      const std::string& format) {
  if (format == "diag") {
    *ctx.out << diag;
    return;
  }
  for (std::size_t i = 0; i < described.size(); ++i) {
    if (i > 0 && format == "text") *ctx.out << '\n';
    print_description(ctx, described[i], format == "json" ? Format::json : Format::text);
  }
}

}  // namespace iotonb::cli
