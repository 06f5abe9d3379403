// The iotonb command line as documentation sees it, read from the CLI11 tree that
// cli::build_app() builds for the binary itself. The man page and completion writers work
// from this model only, so they describe exactly what the binary parses: a renamed option
// or a new verb changes the generated files, and the docs_in_sync test notices.
//
// Header-only because cmd/CMakeLists.txt names the generator's three sources; the walk is
// small and has a single includer per generator.
#pragma once

#include <CLI/CLI.hpp>
#include <algorithm>
#include <iterator>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace iotonb::docgen {

// What a shell can offer for an option's value (or a positional argument).
enum class ValueKind { none, text, file, directory, choice, command_path };

struct OptionDoc {
  std::vector<std::string> long_names;   // "key-type", without dashes
  std::vector<std::string> short_names;  // "o"
  std::string positional;                // the name of a positional argument, else ""
  std::string description;
  std::string type_name;                 // "FILE": CLI11's type name without validator text
  std::string default_value;
  std::vector<std::string> choices;      // values of an IsMember validator
  std::vector<std::string> constraints;  // other validators: "INT in [0 - 16]", "POSITIVE"
  std::string env_var;
  bool required = false;
  bool repeatable = false;
  bool builtin = false;  // --help, --help-all, --version: CLI11's own, not documented per verb
  ValueKind value = ValueKind::none;

  bool is_positional() const { return !positional.empty(); }
  bool is_flag() const { return value == ValueKind::none; }
  // Every spelling with its dashes, short first: {"-o", "--out"}.
  std::vector<std::string> spellings() const {
    std::vector<std::string> names;
    for (const auto& s : short_names) names.push_back("-" + s);
    for (const auto& l : long_names) names.push_back("--" + l);
    return names;
  }
};

// The root, a command group, or a verb.
struct CommandDoc {
  std::string name;     // "create"
  std::string path;     // "ca create" (empty for the root)
  std::string summary;  // CLI11 description
  std::string footer;   // the command's own footer text; "" when it only inherited one
  std::vector<OptionDoc> options;  // definition order, positionals included
  std::vector<CommandDoc> subcommands;

  std::vector<const OptionDoc*> positionals() const {
    std::vector<const OptionDoc*> result;
    for (const auto& o : options)
      if (o.is_positional()) result.push_back(&o);
    return result;
  }
};

struct CliDoc {
  std::string program;  // "iotonb"
  std::string version;  // "0.1.0"
  CommandDoc root;      // global options; the command groups are its subcommands
};

// A generated file: its name inside the output folder and its complete text.
struct GeneratedFile {
  std::string name;
  std::string text;
};

namespace detail {

// CLI11 appends ":" + description of each validator to the type name; the writers want the
// plain type name and the validators separately (choices become completion candidates).
inline void read_validators(CLI::Option& opt, OptionDoc& doc) {
  std::string type = opt.get_type_name();
  std::string suffix;
  // CLI11 2.1 has no validator count; get_validator(int) throws past the last one.
  std::vector<const CLI::Validator*> validators;
  try {
    for (int i = 0;; ++i) validators.push_back(opt.get_validator(i));
  } catch (const CLI::OptionNotFound&) {
  }
  for (const CLI::Validator* v : validators) {
    std::string desc = v->get_description();
    if (desc.empty()) continue;
    suffix += ":" + desc;
    if (desc.size() >= 2 && desc.front() == '{' && desc.back() == '}') {
      std::string item;
      for (char c : desc.substr(1, desc.size() - 2) + ",") {
        if (c != ',') { item += c; continue; }
        if (!item.empty()) doc.choices.push_back(item);
        item.clear();
      }
    } else {
      doc.constraints.push_back(desc);
    }
  }
  if (type.size() >= suffix.size() && type.compare(type.size() - suffix.size(), suffix.size(), suffix) == 0)
    type.resize(type.size() - suffix.size());
  doc.type_name = type;
}

// FILE, KEYREF, and the names that say what the file holds (CERT, VOUCHER, "KEYREF|CERT|PUB"):
// every '|'-separated alternative must be one of them.
inline bool names_a_file(const std::string& type_name) {
  static const char* const kFileNames[] = {"FILE", "KEYREF", "CERT", "PUB", "PEM", "VOUCHER"};
  if (type_name.empty()) return false;
  for (std::size_t start = 0; start <= type_name.size();) {
    const std::size_t end = std::min(type_name.find('|', start), type_name.size());
    const std::string alternative = type_name.substr(start, end - start);
    if (std::find(std::begin(kFileNames), std::end(kFileNames), alternative) == std::end(kFileNames)) return false;
    start = end + 1;
  }
  return true;
}

inline OptionDoc describe_option(CLI::App& app, CLI::Option& opt) {
  OptionDoc doc;
  doc.long_names = opt.get_lnames();
  doc.short_names = opt.get_snames();
  if (opt.get_positional()) doc.positional = opt.get_name(true);
  doc.description = opt.get_description();
  doc.env_var = opt.get_envname();
  doc.required = opt.get_required();
  doc.builtin = &opt == app.get_help_ptr() || &opt == app.get_help_all_ptr() || &opt == app.get_version_ptr();
  read_validators(opt, doc);
  const bool takes_value = opt.get_items_expected_max() > 0;
  // A vector option takes many values; a counting flag (-vv) is kept with TakeAll.
  doc.repeatable = takes_value ? opt.get_expected_max() > 1
                               : opt.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
  if (takes_value) doc.default_value = opt.get_default_str();
  if (!takes_value) {
    doc.value = ValueKind::none;
  } else if (!doc.choices.empty()) {
    doc.value = ValueKind::choice;
  } else if (&opt == app.get_config_ptr() || names_a_file(doc.type_name)) {
    // --config is made by CLI11 without our type names; a key reference is usually a path.
    doc.value = ValueKind::file;
  } else if (doc.type_name.size() >= 3 && doc.type_name.compare(doc.type_name.size() - 3, 3, "DIR") == 0) {
    // DIR, DEVICES_DIR, OUT_DIR
    doc.value = ValueKind::directory;
  } else if (doc.type_name.rfind("GROUP", 0) == 0) {
    doc.value = ValueKind::command_path;  // `iotonb help GROUP [VERB]`
  } else {
    doc.value = ValueKind::text;
  }
  if (doc.value == ValueKind::file && doc.type_name.empty()) doc.type_name = "FILE";
  return doc;
}

inline CommandDoc describe_command(CLI::App& app, const std::string& parent_path) {
  CommandDoc doc;
  doc.name = app.get_name();
  doc.path = parent_path.empty() ? (app.get_parent() ? doc.name : "") : parent_path + " " + doc.name;
  doc.summary = app.get_description();
  // CLI11 copies the parent's footer into every new subcommand, so a footer equal to the
  // parent's is inherited text, not the command's own.
  doc.footer = app.get_footer();
  if (app.get_parent() && doc.footer == app.get_parent()->get_footer()) doc.footer.clear();
  for (CLI::Option* opt : app.get_options()) doc.options.push_back(describe_option(app, *opt));
  for (CLI::App* sub : app.get_subcommands({})) doc.subcommands.push_back(describe_command(*sub, doc.path));
  return doc;
}

}  // namespace detail

inline CliDoc describe_cli(CLI::App& app, std::string version) {
  return CliDoc{app.get_name(), std::move(version), detail::describe_command(app, "")};
}

// Calls f(command) for the root and every command below it, depth first in definition order.
template <typename F>
void for_each_command(const CommandDoc& command, F&& f) {
  f(command);
  for (const auto& sub : command.subcommands) for_each_command(sub, f);
}

// Where an environment variable is used: "IOTONB_FORMAT" -> {"ca create --format", ...}.
struct EnvironmentUse {
  std::string command;  // "ca create" ("" for a global option)
  const OptionDoc* option;
};
inline std::map<std::string, std::vector<EnvironmentUse>> option_environment(const CliDoc& doc) {
  std::map<std::string, std::vector<EnvironmentUse>> uses;
  for_each_command(doc.root, [&](const CommandDoc& c) {
    for (const auto& o : c.options)
      if (!o.env_var.empty()) uses[o.env_var].push_back({c.path, &o});
  });
  return uses;
}

// Variables that hold a secret itself (IOTONB_CA_PASSWORD). They are no option's envname:
// the option descriptions name them ("... or set IOTONB_CA_PASSWORD"), so read them there.
inline std::map<std::string, std::vector<EnvironmentUse>> secret_environment(const CliDoc& doc) {
  const auto option_vars = option_environment(doc);
  static const std::regex var("IOTONB_[A-Z0-9_]+");
  std::map<std::string, std::vector<EnvironmentUse>> uses;
  for_each_command(doc.root, [&](const CommandDoc& c) {
    for (const auto& o : c.options) {
      for (std::sregex_iterator it(o.description.begin(), o.description.end(), var), end; it != end; ++it) {
        if (!option_vars.count(it->str())) uses[it->str()].push_back({c.path, &o});
      }
    }
  });
  return uses;
}

}  // namespace iotonb::docgen
