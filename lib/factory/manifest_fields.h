// Shared by the CSV and YAML manifest readers: the column names and how a cell lands in a
// DeviceRow. Internal to lib/factory.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"
#include "factory/manifest.h"

namespace iotonb::factory::detail {

enum class Column { serial, hw_type, masa_url, mud_url, csr };

// The column a header name or YAML key stands for; an unknown name is an input error
// (without location: the caller adds it).
Result<Column> parse_column(std::string_view name);

// Stores value into row; a csr path is resolved against the manifest's folder.
void set_field(DeviceRow& row, Column column, std::string value, const std::string& manifest_path);

}  // namespace iotonb::factory::detail
