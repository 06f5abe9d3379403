// The YAML manifest: a list of maps (or a map whose `devices:` key holds that list) with the
// CSV's column names as keys. Unlike CSV it is loaded whole (yaml-cpp builds a node tree):
// YAML is for hand-written batches; a million-device manifest should be CSV, which streams.
#include <yaml-cpp/yaml.h>

#include <exception>

#include "factory/manifest.h"
#include "factory/manifest_fields.h"

namespace iotonb::factory {
namespace {

std::size_t line_of(const YAML::Node& node) { return static_cast<std::size_t>(node.Mark().line + 1); }

class YamlSource final : public DeviceSource {
 public:
  YamlSource(std::string path, YAML::Node devices) : path_(std::move(path)), devices_(std::move(devices)) {}

  Result<std::optional<DeviceRow>> next() override {
    // yaml-cpp reports misuse by exception; none may leave the library.
    try {
      if (index_ >= devices_.size()) return std::optional<DeviceRow>();
      const YAML::Node item = devices_[index_++];
      DeviceRow row;
      row.line = line_of(item);
      if (!item.IsMap()) return input_error(where(row) + ": a device must be a map with keys such as serial, csr");
      for (const auto& entry : item) {
        const std::string key = entry.first.Scalar();
        auto column = detail::parse_column(key);
        if (!column) return column.error().context(path_ + ":" + std::to_string(line_of(entry.first)));
        const YAML::Node& value = entry.second;
        if (!value.IsScalar() && !value.IsNull())
          return input_error(path_ + ":" + std::to_string(line_of(value)) + ": " + key + " must be a single value");
        detail::set_field(row, *column, value.IsNull() ? std::string() : value.Scalar(), path_);
      }
      return std::optional<DeviceRow>(std::move(row));
    } catch (const std::exception& e) {
      return input_error(path_ + ": " + e.what());
    }
  }

  Status rewind() override {
    index_ = 0;
    return {};
  }

  std::string where(const DeviceRow& row) const override { return path_ + ":" + std::to_string(row.line); }
  std::string name() const override { return path_; }

 private:
  std::string path_;
  YAML::Node devices_;
  std::size_t index_ = 0;
};

}  // namespace

Result<std::unique_ptr<DeviceSource>> open_yaml_manifest(const std::string& path) {
  try {
    YAML::Node root = YAML::LoadFile(path);
    YAML::Node devices = root;
    if (root.IsMap()) {
      for (const auto& entry : root)
        if (entry.first.Scalar() != "devices")
          return input_error(path + ":" + std::to_string(line_of(entry.first)) + ": unknown key \"" +
                             entry.first.Scalar() + "\" (expected devices:)");
      devices = root["devices"];
    }
    if (!devices.IsSequence())
      return input_error(path + ": expected a list of devices (or a map with a devices: list)");
    return std::unique_ptr<DeviceSource>(new YamlSource(path, devices));
  } catch (const YAML::BadFile&) {
    return io_error(path + ": cannot read the file");
  } catch (const YAML::Exception& e) {
    if (e.mark.is_null()) return input_error(path + ": " + e.msg);
    return input_error(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  } catch (const std::exception& e) {
    return input_error(path + ": " + e.what());
  }
}

}  // namespace iotonb::factory
