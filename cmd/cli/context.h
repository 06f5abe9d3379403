// What every command shares: the global options, where results and diagnostics go, and the
// action the parsed command line selected (run after parsing, so a usage error never leaves
// half-done work behind).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

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
// What an inspect verb prints once every file was read (so a bad later file leaves no
// output): format "diag" prints diag as it is; "json" one object per line; "text" the
// descriptions separated by blank lines.
void print_inspection(const Context& ctx, const std::vector<nlohmann::ordered_json>& described, const std::string& diag,
                      const std::string& format);

}  // namespace iotonb::cli
