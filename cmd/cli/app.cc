#include "cli/app.h"

#include <algorithm>
#include <cstdlib>
#include <iostream>

#include "cli/command_table.h"
#include "cli/did_you_mean.h"
#include "cli/exit_codes.h"
#include "cli/yaml_config.h"
#include "groups/groups.h"

namespace iotonb::cli {
namespace {

// Options that must be typed on purpose each time: never taken from the environment.
bool environment_allowed(const CLI::Option* opt) {
  const std::string& name = opt->get_single_name();
  return !name.empty() && name != "help" && name != "help-all" && name != "force" && name != "insecure" &&
         name != "no-password" && name != "version" && !opt->get_lnames().empty();
}

// Settings every group and verb gets once the tree is built: IOTONB_<OPTION> environment
// names, and fallthrough, so global options (-q, -v) also work after the verb.
void finish_tree(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (environment_allowed(opt) && opt->get_envname().empty()) opt->envname(env_name_for(opt->get_single_name()));
  }
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->fallthrough();
    finish_tree(*sub);
  }
}

// CLI11 2.1 reads the environment for every subcommand, run or not, so IOTONB_FORMAT=json
// would trip `inspect` over another verb's --format choices. Only the command being run (and
// the global options) keep their environment names.
void limit_environment_to(CLI::App& app, const std::vector<const CLI::App*>& invoked) {
  for (CLI::App* sub : app.get_subcommands({})) {
    if (std::find(invoked.begin(), invoked.end(), sub) == invoked.end()) {
      for (CLI::Option* opt : sub->get_options()) opt->envname("");
    }
    limit_environment_to(*sub, invoked);
  }
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// Finds the group and verb being run (outermost first), and catches a mistyped one before
// CLI11 does, so the message can say what was meant.
Result<std::vector<const CLI::App*>> command_path(int argc, char** argv, const CLI::App& app) {
  std::vector<const CLI::App*> invoked;
  const CLI::App* level = &app;
  std::string path = "iotonb";
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "--") break;
    if (word == "--config") { ++i; continue; }
    if (!word.empty() && word[0] == '-') {
      if (level != &app) break;  // options of a group or verb: CLI11 checks them
      continue;
    }
    auto names = subcommand_names(*level);
    if (names.empty()) break;
    auto it = std::find(names.begin(), names.end(), word);
    if (it == names.end()) {
      std::string message = "'" + word + "' is not an " + path + " command.";
      auto close = suggestions(word, names);
      if (!close.empty()) {
        message += " Did you mean";
        for (std::size_t k = 0; k < close.size() && k < 3; ++k) message += (k ? " or '" : " '") + close[k] + "'";
        message += "?";
      }
      message += " See '" + path + " --help'.";
      return usage_error(message);
    }
    level = level->get_subcommand(word);
    invoked.push_back(level);
    path += " " + word;
  }
  return invoked;
}

}  // namespace

std::unique_ptr<CLI::App> build_app(Context& ctx) {
  auto app = std::make_unique<CLI::App>(kProgramDescription, "iotonb");
  app->set_version_flag("--version", std::string("iotonb ") + groups::version_string());
  app->set_help_all_flag("--help-all", "Print help for every command and exit");
  app->add_flag("-q,--quiet", ctx.quiet, "Print only results and errors");
  app->add_flag("-v,--verbose", ctx.verbosity, "Print more about what is being done (repeatable)");
  // IOTONB_CONFIG is applied by run(): CLI11 would read it after the config file.
  app->set_config("--config", "", "YAML file of option defaults (see iotonb(1) CONFIGURATION); or set IOTONB_CONFIG");
  app->config_formatter(std::make_shared<YamlConfig>());
  app->require_subcommand(1);

  for (const CommandGroup& group : command_groups()) {
    CLI::App* sub = app->add_subcommand(group.name, group.summary);
    group.define(*sub, ctx);
    // After define: CLI11 copies a footer into subcommands made later, and a verb's help
    // should not repeat its group's paragraph.
    sub->footer(group.description);
  }
  app->footer("Run 'iotonb help GROUP' or 'iotonb GROUP VERB --help' for details.\n"
              "Exit codes: 0 success, 1 check failed, 2 usage, 3 bad input, 4 network, 5 internal.");
  finish_tree(*app);
  return app;
}

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
  Context ctx;
  ctx.out = &out;
  ctx.err = &err;
  std::unique_ptr<CLI::App> app;
  try {
    app = build_app(ctx);
  } catch (const std::exception& e) {
    err << "iotonb: internal error building the command line: " << e.what() << '\n';
    return kExitInternal;
  }
  if (argc <= 1) {
    out << app->help();
    return kExitUsage;
  }
  auto invoked = command_path(argc, argv, *app);
  if (!invoked) {
    err << "iotonb: " << invoked.error().message << '\n';
    return kExitUsage;
  }
  limit_environment_to(*app, *invoked);
  // CLI11 reads the config file before the environment, so IOTONB_CONFIG would be seen too
  // late: it becomes a --config argument unless one is given.
  std::vector<std::string> args(argv + 1, argv + argc);
  const char* env_config = std::getenv("IOTONB_CONFIG");
  if (env_config != nullptr && *env_config != '\0' &&
      std::none_of(args.begin(), args.end(), [](const std::string& a) { return a == "--config" || a.rfind("--config=", 0) == 0; }))
    args.insert(args.begin(), {"--config", env_config});
  std::reverse(args.begin(), args.end());  // CLI11 takes the arguments last first
  try {
    app->parse(args);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app->exit(e, out, err);
    err << "iotonb: " << e.what() << '\n';
    return kExitUsage;
  }
  if (!ctx.action) return kExitOk;
  try {
    Status status = ctx.action();
    if (status) return kExitOk;
    err << "iotonb: " << status.error().message << '\n';
    return exit_code_for(status.error().kind);
  } catch (const std::exception& e) {
    err << "iotonb: internal error: " << e.what() << '\n';
    return kExitInternal;
  }
}

}  // namespace iotonb::cli
