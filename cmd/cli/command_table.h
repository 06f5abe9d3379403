// The one table of command groups. It drives dispatch, `iotonb help`, "did you mean", and
// (through the CLI11 tree it builds) the man pages and shell completions, so none of those
// can drift from what the binary accepts.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>
#include <vector>

#include "cli/context.h"

namespace iotonb::cli {

struct CommandGroup {
  const char* name;
  const char* summary;      // one line, for `iotonb help` and completions
  const char* description;  // a paragraph, for `iotonb GROUP --help` and the man page
  // Adds the group's verbs (or, for a group with no verbs, its own options) to its App.
  void (*define)(CLI::App& group, Context& ctx);
};

const std::vector<CommandGroup>& command_groups();

// The whole command line as a CLI11 tree: global options, every group and verb, environment
// variable names (IOTONB_<OPTION>) and the YAML config reader.
std::unique_ptr<CLI::App> build_app(Context& ctx);

inline constexpr const char* kProgramDescription =
    "iotonb: trusted IoT device onboarding and PKI (IDevID birth certificates, vouchers, BRSKI/EST, "
    "attestation, MUD)";

}  // namespace iotonb::cli
