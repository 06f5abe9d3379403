// Option shapes that recur across commands, defined once so every command spells and
// documents them the same way.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "cli/context.h"
#include "core/files.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::cli {

// --format with the given choices; the first is the default.
CLI::Option* add_format(CLI::App& app, std::string& target, const std::vector<std::string>& choices);
CLI::Option* add_force(CLI::App& app, bool& target);
// --password-file style option; env_var is the variable that can hold the secret itself.
CLI::Option* add_password_file(CLI::App& app, const std::string& name, std::string& target,
                               const std::string& whose, const std::string& env_var);
CLI::Option* add_key_type(CLI::App& app, std::string& target);
// --now: the time used as "now" (for reproducible fixtures).
CLI::Option* add_now(CLI::App& app, std::string& target);

// "now" resolved: --now when given, else the clock.
Result<core::UnixTime> resolve_now(const std::string& now_option);

// The file arguments, or "-" when there are none and stdin is not a terminal (CONVENTIONS.md);
// a usage error when there are none and stdin is a terminal, rather than waiting forever.
Result<std::vector<std::string>> files_or_stdin(const std::vector<std::string>& files);

// Writes a result file (or stdout for "" or "-").
Status write_result(const std::string& path, std::string_view data, bool force, mode_t mode = 0644);

}  // namespace iotonb::cli
