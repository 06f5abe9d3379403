// What every command shares: the global options, where results and diagnostics go, and the
// action the parsed command line selected (run after parsing, so a usage error never leaves
// half-done work behind).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace iotonb::cli {

struct Context {
  bool quiet = false;
  int verbosity = 0;
  std::string config_path;

  std::function<Status()> action;  // set by the selected command's callback

  std::ostream* out = nullptr;  // results (stdout)
  std::ostream* err = nullptr;  // diagnostics (stderr)

  void info(const std::string& line) const;  // suppressed by -q
  void debug(const std::string& line) const;  // shown with -v
};

// `--format` values shared by the inspection commands.
enum class Format { text, json, pem, der };
Result<Format> parse_format(const std::string& name);

// Prints one artifact description in text or JSON (one compact object per line).
void print_description(const Context& ctx, const nlohmann::ordered_json& description, Format format);

}  // namespace iotonb::cli
