#include "factory/manifest_fields.h"

#include <filesystem>

namespace iotonb::factory::detail {

Result<Column> parse_column(std::string_view name) {
  static constexpr Column kColumns[] = {Column::serial, Column::hw_type, Column::masa_url, Column::mud_url,
                                        Column::csr};
  const auto& names = manifest_columns();
  for (std::size_t i = 0; i < names.size(); ++i)
    if (name == names[i]) return kColumns[i];
  std::string expected;
  for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + n;
  return input_error("unknown column \"" + std::string(name) + "\" (expected " + expected + ")");
}

void set_field(DeviceRow& row, Column column, std::string value, const std::string& manifest_path) {
  switch (column) {
    case Column::serial: row.serial = std::move(value); break;
    case Column::hw_type: row.hw_type = std::move(value); break;
    case Column::masa_url: row.masa_url = std::move(value); break;
    case Column::mud_url: row.mud_url = std::move(value); break;
    case Column::csr: {
      // Relative to the manifest, so a manifest and its CSRs can move together.
      std::filesystem::path csr(value);
      if (!value.empty() && csr.is_relative())
        csr = std::filesystem::path(manifest_path).parent_path() / csr;
      row.csr_path = csr.string();
      break;
    }
  }
}

}  // namespace iotonb::factory::detail
