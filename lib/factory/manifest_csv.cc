// The CSV manifest: a header row naming the columns, then one device per record, streamed
// through CsvReader so memory does not grow with the file.
#include <vector>

#include "factory/csv_reader.h"
#include "factory/manifest.h"
#include "factory/manifest_fields.h"

namespace iotonb::factory {
namespace {

class CsvSource final : public DeviceSource {
 public:
  CsvSource(CsvReader reader, std::vector<detail::Column> columns)
      : reader_(std::move(reader)), columns_(std::move(columns)) {}

  Result<std::optional<DeviceRow>> next() override {
    IOTONB_ASSIGN_OR_RETURN(bool got, reader_.next(fields_));
    if (!got) return std::optional<DeviceRow>();
    DeviceRow row;
    row.line = reader_.record_line();
    if (fields_.size() != columns_.size())
      return input_error(where(row) + ": " + std::to_string(fields_.size()) + " fields, but the header has " +
                         std::to_string(columns_.size()));
    for (std::size_t i = 0; i < columns_.size(); ++i)
      detail::set_field(row, columns_[i], std::move(fields_[i]), reader_.path());
    return std::optional<DeviceRow>(std::move(row));
  }

  Status rewind() override {
    IOTONB_RETURN_IF_ERROR(reader_.rewind());
    IOTONB_ASSIGN_OR_RETURN(bool got, reader_.next(fields_));  // the header, checked on open
    if (!got) return input_error(reader_.path() + ": the file changed while the batch was running");
    return {};
  }

  std::string where(const DeviceRow& row) const override { return reader_.path() + ":" + std::to_string(row.line); }
  std::string name() const override { return reader_.path(); }

 private:
  CsvReader reader_;
  std::vector<detail::Column> columns_;
  std::vector<std::string> fields_;  // reused between rows
};

}  // namespace

Result<std::unique_ptr<DeviceSource>> open_csv_manifest(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(CsvReader reader, CsvReader::open(path));
  std::vector<std::string> header;
  IOTONB_ASSIGN_OR_RETURN(bool got, reader.next(header));
  if (!got) return input_error(path + ": no header row (expected columns such as serial,hw_type,csr)");
  const std::string at = path + ":" + std::to_string(reader.record_line()) + ": ";
  std::vector<detail::Column> columns;
  bool has_serial = false;
  for (const auto& name : header) {
    auto column = detail::parse_column(name);
    if (!column) return column.error().context(path + ":" + std::to_string(reader.record_line()));
    for (auto seen : columns)
      if (seen == *column) return input_error(at + "column \"" + name + "\" appears twice");
    has_serial = has_serial || *column == detail::Column::serial;
    columns.push_back(*column);
  }
  if (!has_serial) return input_error(at + "the header has no \"serial\" column");
  return std::unique_ptr<DeviceSource>(new CsvSource(std::move(reader), std::move(columns)));
}

}  // namespace iotonb::factory
