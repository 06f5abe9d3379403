#include "factory/manifest.h"

#include <limits>

#include "pki/name.h"

namespace iotonb::factory {
namespace {

// "SN-{:06}": the text around one placeholder, and the zero-padded width (0: none).
struct SerialPattern {
  std::string prefix;
  std::string suffix;
  std::size_t width = 0;
};

Result<SerialPattern> parse_pattern(const std::string& format) {
  auto bad = [&](const std::string& why) {
    return usage_error("serial format \"" + format + "\": " + why + " (use one {} or {:0N} placeholder, e.g. SN-{:06})");
  };
  const auto open = format.find('{');
  if (open == std::string::npos) return bad("no placeholder");
  const auto close = format.find('}', open);
  if (close == std::string::npos) return bad("unterminated placeholder");
  if (format.find_first_of("{}", close + 1) != std::string::npos || format.find('}') < open)
    return bad("more than one placeholder");
  SerialPattern p{format.substr(0, open), format.substr(close + 1), 0};
  const std::string spec = format.substr(open + 1, close - open - 1);
  if (spec.empty()) return p;
  if (spec.size() < 3 || spec.size() > 4 || spec[0] != ':' || spec[1] != '0') return bad("unsupported placeholder {" + spec + "}");
  for (std::size_t i = 2; i < spec.size(); ++i)
    if (spec[i] < '0' || spec[i] > '9') return bad("unsupported placeholder {" + spec + "}");
  p.width = std::stoul(spec.substr(2));
  if (p.width == 0 || p.width > 64) return bad("width must be 1..64");
  return p;
}

class CountedSource final : public DeviceSource {
 public:
  CountedSource(std::string format, SerialPattern pattern, std::size_t first, std::size_t count)
      : format_(std::move(format)), pattern_(std::move(pattern)), first_(first), count_(count) {}

  Result<std::optional<DeviceRow>> next() override {
    if (done_ == count_) return std::optional<DeviceRow>();
    const std::size_t index = first_ + done_++;
    std::string digits = std::to_string(index);
    DeviceRow row;
    row.line = index;
    row.serial.reserve(pattern_.prefix.size() + pattern_.width + digits.size() + pattern_.suffix.size());
    row.serial = pattern_.prefix;
    if (digits.size() < pattern_.width) row.serial.append(pattern_.width - digits.size(), '0');
    row.serial += digits;
    row.serial += pattern_.suffix;
    return std::optional<DeviceRow>(std::move(row));
  }
  Status rewind() override {
    done_ = 0;
    return {};
  }
  std::string where(const DeviceRow& row) const override {
    return "serial format \"" + format_ + "\" index " + std::to_string(row.line);
  }
  std::string name() const override { return "serial format \"" + format_ + "\""; }
  // Distinct indexes print as distinct decimal numbers, padded or not.
  bool unique_by_construction() const override { return true; }

 private:
  std::string format_;
  SerialPattern pattern_;
  std::size_t first_;
  std::size_t count_;
  std::size_t done_ = 0;
};

class SingleSource final : public DeviceSource {
 public:
  explicit SingleSource(DeviceRow row) : row_(std::move(row)) {}
  Result<std::optional<DeviceRow>> next() override {
    if (done_) return std::optional<DeviceRow>();
    done_ = true;
    return std::optional<DeviceRow>(row_);
  }
  Status rewind() override {
    done_ = false;
    return {};
  }
  std::string where(const DeviceRow&) const override { return "--serial"; }
  std::string name() const override { return "--serial"; }
  bool unique_by_construction() const override { return true; }

 private:
  DeviceRow row_;
  bool done_ = false;
};

bool has_suffix(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

const std::vector<std::string>& manifest_columns() {
  static const std::vector<std::string> columns = {"serial", "hw_type", "masa_url", "mud_url", "csr"};
  return columns;
}

Status check_folder_name(std::string_view serial) {
  if (serial.find('/') != std::string_view::npos)
    return input_error("serial \"" + std::string(serial) + "\" contains '/' and cannot name its device folder");
  if (!serial.empty() && serial.front() == '.')
    return input_error("serial \"" + std::string(serial) +
                       "\" starts with '.' and cannot name its device folder (reserved for the batch's own files)");
  return {};
}

pki::IdevidRequest device_request(const DeviceRow& row, const pki::IdevidRequest& defaults) {
  pki::IdevidRequest request = defaults;
  request.device_serial = row.serial;
  if (!row.hw_type.empty()) request.hw_type = row.hw_type;
  if (!row.masa_url.empty()) request.masa_url = row.masa_url;
  if (!row.mud_url.empty()) request.mud_url = row.mud_url;
  return request;
}

Result<std::unique_ptr<DeviceSource>> counted_serials(const std::string& serial_format, std::size_t first_index,
                                                      std::size_t count) {
  if (count == 0) return usage_error("a serial format needs a count of at least 1");
  if (first_index > std::numeric_limits<std::size_t>::max() - (count - 1))
    return usage_error("first index + count is too large");
  IOTONB_ASSIGN_OR_RETURN(SerialPattern pattern, parse_pattern(serial_format));
  return std::unique_ptr<DeviceSource>(new CountedSource(serial_format, std::move(pattern), first_index, count));
}

std::unique_ptr<DeviceSource> single_device(std::string serial, std::string csr_path) {
  DeviceRow row;
  row.line = 1;
  row.serial = std::move(serial);
  row.csr_path = std::move(csr_path);
  return std::make_unique<SingleSource>(std::move(row));
}

Result<std::unique_ptr<DeviceSource>> open_device_source(const SourceSpec& spec) {
  const int given = int(!spec.manifest_path.empty()) + int(!spec.serial_format.empty() || spec.count != 0) +
                    int(!spec.single_serial.empty());
  if (given != 1)
    return usage_error("give exactly one source of devices: a manifest, a serial format with a count, or one serial");
  if (!spec.single_csr_path.empty() && spec.single_serial.empty())
    return usage_error("a CSR path without a serial: the serial names the device");
  if (!spec.single_serial.empty()) return single_device(spec.single_serial, spec.single_csr_path);
  if (!spec.manifest_path.empty()) {
    if (spec.manifest_path == "-")
      return usage_error("the manifest must be a file (it is read twice: validated first, then minted)");
    if (has_suffix(spec.manifest_path, ".yaml") || has_suffix(spec.manifest_path, ".yml"))
      return open_yaml_manifest(spec.manifest_path);
    return open_csv_manifest(spec.manifest_path);
  }
  if (spec.serial_format.empty()) return usage_error("a count needs a serial format (e.g. SN-{:06})");
  return counted_serials(spec.serial_format, spec.first_index, spec.count);
}

}  // namespace iotonb::factory
