#include "cli/options.h"

#include "pki/key.h"

namespace iotonb::cli {

CLI::Option* add_format(CLI::App& app, std::string& target, const std::vector<std::string>& choices) {
  target = choices.front();
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : "|") + c;
  return app.add_option("--format", target, "Output format: " + list)
      ->check(CLI::IsMember(choices))
      ->capture_default_str()
      ->type_name("FORMAT");
}

CLI::Option* add_force(CLI::App& app, bool& target) {
  return app.add_flag("--force", target, "Replace output files that already exist");
}

CLI::Option* add_password_file(CLI::App& app, const std::string& name, std::string& target, const std::string& whose,
                               const std::string& env_var) {
  return app.add_option(name, target,
                        "File holding the " + whose + " password (first line); or set " + env_var +
                            "; asked on the terminal otherwise")
      ->type_name("FILE");
}

CLI::Option* add_key_type(CLI::App& app, std::string& target) {
  target = std::string(pki::key_type_name(pki::kDefaultKeyType));
  return app.add_option("--key-type", target, "Key type of a new key")
      ->check(CLI::IsMember(pki::key_type_names()))
      ->capture_default_str()
      ->type_name("TYPE");
}

CLI::Option* add_now(CLI::App& app, std::string& target) {
  return app.add_option("--now", target, "Use TIME as the current time (RFC 3339), for reproducible output")
      ->type_name("TIME");
}

Result<core::UnixTime> resolve_now(const std::string& now_option) {
  if (now_option.empty()) return core::now();
  auto t = core::parse_time(now_option);
  if (!t) return usage_error("--now: " + t.error().message);
  return t;
}

Result<std::vector<std::string>> files_or_stdin(const std::vector<std::string>& files) {
  if (!files.empty()) return files;
  if (core::stdin_is_terminal()) return usage_error("no FILE given (give one, or - to read stdin)");
  return std::vector<std::string>{"-"};
}

Status write_result(const std::string& path, std::string_view data, bool force, mode_t mode) {
  return core::write_output(path, data, core::WriteOptions{mode, force});
}

}  // namespace iotonb::cli
