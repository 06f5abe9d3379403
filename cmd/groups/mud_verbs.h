// The MUD verbs (iotonb mud ...), in three files by what they work on: the file itself
// (create, validate: mud_model.cc), its signature and transport (sign, verify, fetch, url:
// mud_signature.cc), and firewall rules (compile: mud_compile.cc). The work itself is
// lib/artifact/mud and lib/service/mud_fetch.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace iotonb::cli::groups::mud {

void add_model_verbs(CLI::App& group, Context& ctx);
void add_signature_verbs(CLI::App& group, Context& ctx);
void add_compile_verbs(CLI::App& group, Context& ctx);

}  // namespace iotonb::cli::groups::mud
