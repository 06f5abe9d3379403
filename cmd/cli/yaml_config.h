// `--config FILE`: a YAML file of option defaults, nested by command group and verb:
//
//   idevid:
//     mint:
//       ca-cert: manufacturer-ca.crt
//       masa-url: masa.example.com
//
// Precedence is flag > environment (IOTONB_<OPTION>) > config file > built-in default. CLI11
// applies config before the environment, so this reader leaves out any key whose environment
// variable is set, which restores that order.
#pragma once

#include <CLI/CLI.hpp>

namespace iotonb::cli {

// IOTONB_KEY_TYPE for "key-type".
std::string env_name_for(const std::string& option_name);

class YamlConfig : public CLI::Config {
 public:
  std::string to_config(const CLI::App*, bool, bool, std::string) const override;
  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override;
};

}  // namespace iotonb::cli
