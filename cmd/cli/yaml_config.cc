#include "cli/yaml_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cstdlib>

namespace iotonb::cli {
namespace {

void flatten(const YAML::Node& node, std::vector<std::string>& parents, std::vector<CLI::ConfigItem>& out) {
  for (const auto& entry : node) {
    std::string key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (value.IsMap()) {
      parents.push_back(key);
      flatten(value, parents, out);
      parents.pop_back();
      continue;
    }
    if (std::getenv(env_name_for(key).c_str()) != nullptr) continue;  // the environment wins
    CLI::ConfigItem item;
    item.parents = parents;
    item.name = key;
    if (value.IsSequence()) {
      for (const auto& v : value) item.inputs.push_back(v.as<std::string>());
    } else if (value.IsScalar()) {
      item.inputs.push_back(value.as<std::string>());
    } else {
      continue;  // null: no value, keep the default
    }
    out.push_back(std::move(item));
  }
}

}  // namespace

std::string env_name_for(const std::string& option_name) {
  std::string name = "IOTONB_";
  for (char c : option_name) name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

std::string YamlConfig::to_config(const CLI::App*, bool, bool, std::string) const { return {}; }

std::vector<CLI::ConfigItem> YamlConfig::from_config(std::istream& input) const {
  std::vector<CLI::ConfigItem> result;
  try {
    YAML::Node root = YAML::Load(input);
    if (root.IsNull()) return result;
    if (!root.IsMap()) throw CLI::ConfigError("config file: the top level must be a map of command groups");
    std::vector<std::string> parents;
    flatten(root, parents, result);
  } catch (const YAML::Exception& e) {
    throw CLI::ConfigError("config file: " + std::string(e.what()));
  }
  return result;
}

}  // namespace iotonb::cli
