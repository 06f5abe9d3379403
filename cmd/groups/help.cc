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
      *ctx.out << target->help();
      return {};
    };
  });
}

}  // namespace iotonb::cli::groups
