// iotonb help [GROUP [VERB]]
#include <memory>

#include "groups/groups.h"

namespace iotonb::cli::groups {

void define_help(CLI::App& group, Context& ctx) {
  auto words = std::make_shared<std::vector<std::string>>();
  group.add_option("command", *words, "Command group and verb")->type_name("GROUP [VERB]");
  group.callback([words, &group, &ctx] {
    ctx.action = [words, &group, &ctx]() -> Status {
      const CLI::App* target = group.get_parent();
      for (const auto& word : *words) {
        const CLI::App* next = nullptr;
        for (const CLI::App* sub : const_cast<CLI::App*>(target)->get_subcommands({}))
          if (sub->get_name() == word) next = sub;
        if (next == nullptr) return usage_error("help: no command '" + word + "' (see 'iotonb help')");
        target = next;
      }
      // Through the formatter: App::help() would hand over to the selected subcommand, which
      // is `help` itself.
      std::string name;
      for (const CLI::App* a = target; a != nullptr; a = a->get_parent())
        name = a->get_name() + (name.empty() ? "" : " " + name);
      *ctx.out << target->get_formatter()->make_help(target, name, CLI::AppFormatMode::Normal);
      return {};
    };
  });
}

}  // namespace iotonb::cli::groups
