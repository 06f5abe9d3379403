// The command groups, one file each. Each define_* adds its verbs and their options to the
// group's CLI11 App and sets ctx.action from the verb's callback.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/context.h"

namespace iotonb::cli::groups {

void define_attest(CLI::App& group, Context& ctx);
void define_ca(CLI::App& group, Context& ctx);
void define_cert(CLI::App& group, Context& ctx);
void define_csr(CLI::App& group, Context& ctx);
void define_device(CLI::App& group, Context& ctx);
void define_enroll(CLI::App& group, Context& ctx);
void define_help(CLI::App& group, Context& ctx);
void define_idevid(CLI::App& group, Context& ctx);
void define_inspect(CLI::App& group, Context& ctx);
void define_key(CLI::App& group, Context& ctx);
void define_masa(CLI::App& group, Context& ctx);
void define_mud(CLI::App& group, Context& ctx);
void define_ownership(CLI::App& group, Context& ctx);
void define_registrar(CLI::App& group, Context& ctx);
void define_supply_chain(CLI::App& group, Context& ctx);
void define_voucher(CLI::App& group, Context& ctx);

const char* version_string();

}  // namespace iotonb::cli::groups
