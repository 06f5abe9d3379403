// The MUD verbs (iotonb mud ...), in four files by what they work on: the file itself
// (create, validate: mud_model.cc), its signature and transport (sign, verify, fetch, url:
// mud_signature.cc), firewall rules (compile: mud_compile.cc), and publishing (serve:
// mud_serve.cc). The work itself is lib/artifact/mud, lib/service/mud_fetch and
// lib/service/mud_file_server.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace iotonb::cli::groups::mud {

void add_model_verbs(CLI::App& group, Context& ctx);
void add_signature_verbs(CLI::App& group, Context& ctx);
void add_compile_verbs(CLI::App& group, Context& ctx);
void add_serve_verbs(CLI::App& group, Context& ctx);

}  // namespace iotonb::cli::groups::mud
