#include "cli/app.h"

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
         name != "version" && !opt->get_lnames().empty();
}

void assign_env_names(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    if (environment_allowed(opt) && opt->get_envname().empty()) opt->envname(env_name_for(opt->get_single_name()));
  }
  for (CLI::App* sub : app.get_subcommands({})) assign_env_names(*sub);
}

std::vector<std::string> subcommand_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

// Catches a mistyped group or verb before CLI11 does, so the message can say what was meant.
Status check_command_words(int argc, char** argv, const CLI::App& app) {
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
    path += " " + word;
  }
  return {};
}

}  // namespace

std::unique_ptr<CLI::App> build_app(Context& ctx) {
  auto app = std::make_unique<CLI::App>(kProgramDescription, "iotonb");
  app->set_version_flag("--version", std::string("iotonb ") + groups::version_string());
  app->set_help_all_flag("--help-all", "Print help for every command and exit");
  app->add_flag("-q,--quiet", ctx.quiet, "Print only results and errors");
  app->add_flag("-v,--verbose", ctx.verbosity, "Print more about what is being done (repeatable)");
  app->set_config("--config", "", "YAML file of option defaults (see iotonb(1) CONFIGURATION)")
      ->envname("IOTONB_CONFIG");
  app->config_formatter(std::make_shared<YamlConfig>());
  app->require_subcommand(1);
  app->footer("Run 'iotonb help GROUP' or 'iotonb GROUP VERB --help' for details.\n"
              "Exit codes: 0 success, 1 check failed, 2 usage, 3 bad input, 4 network, 5 internal.");

  for (const CommandGroup& group : command_groups()) {
    CLI::App* sub = app->add_subcommand(group.name, group.summary);
    sub->footer(group.description);
    group.define(*sub, ctx);
  }
  assign_env_names(*app);
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
  if (auto words = check_command_words(argc, argv, *app); !words) {
    err << "iotonb: " << words.error().message << '\n';
    return kExitUsage;
  }
  try {
    app->parse(argc, argv);
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
