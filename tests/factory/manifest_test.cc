#include "factory/manifest.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/files.h"
#include "factory/test_ca.h"
#include "factory/test_files.h"
#include "pki/csr.h"

namespace iotonb::factory {
namespace {

using iotonb::testing::TempDir;

std::vector<DeviceRow> read_all(DeviceSource& source) {
  std::vector<DeviceRow> rows;
  for (;;) {
    auto row = source.next();
    EXPECT_TRUE(row.ok()) << row.error().message;
    if (!row.ok() || !*row) return rows;
    rows.push_back(std::move(**row));
  }
}

// Validates a CSV manifest with the given text; returns the error message ("" when valid).
std::string csv_error(const TempDir& dir, const std::string& text, ValidationOptions options = {},
                      ErrorKind expected = ErrorKind::input) {
  const std::string path = dir.write("devices.csv", text);
  auto source = open_csv_manifest(path);
  if (!source) return source.error().message;
  auto n = validate_source(**source, options);
  if (n) return "";
  EXPECT_EQ(n.error().kind, expected) << n.error().message;
  return n.error().message;
}

// A CSR file for a fresh P-256 key; tampered: its signature no longer verifies.
std::string write_csr(const TempDir& dir, const std::string& name, bool tampered) {
  auto key = pki::generate_key(pki::KeyType::p256);
  auto signer = pki::memory_signer(std::move(key).value(), "memory:device");
  auto subject = pki::parse_name("CN=device");
  pki::CsrRequest request;
  request.subject = subject->get();
  auto csr = pki::create_csr(request, *signer);
  Bytes der = pki::csr_der(csr->get());
  if (tampered) der.back() ^= 0x01;  // last octet of the signature's s value
  const std::string path = dir / name;
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(der.data()), static_cast<std::streamsize>(der.size()));
  return path;
}

TEST(CsvManifest, ReadsRowsWithCommentsQuotesAndCrlf) {
  TempDir dir;
  const std::string path = dir.write("devices.csv",
                                     "\xEF\xBB\xBF# factory line 3\r\n"
                                     "serial, hw_type ,masa_url,csr\r\n"
                                     "\r\n"
                                     "SN-1,1.3.6.1.4.1.99999.1,masa.example.com,\r\n"
                                     "  # a comment in the middle\n"
                                     "\"SN, quoted\",,\"https://masa.example.com/a,b\",dev2.csr\n"
                                     "\"SN \"\"2\"\"\",,,/abs/dev3.csr\n");
  auto source = open_csv_manifest(path);
  ASSERT_TRUE(source.ok()) << source.error().message;
  auto rows = read_all(**source);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 4u);
  EXPECT_EQ(rows[0].serial, "SN-1");
  EXPECT_EQ(rows[0].hw_type, "1.3.6.1.4.1.99999.1");
  EXPECT_EQ(rows[0].masa_url, "masa.example.com");
  EXPECT_EQ(rows[0].csr_path, "");
  EXPECT_EQ(rows[1].line, 6u);
  EXPECT_EQ(rows[1].serial, "SN, quoted");
  EXPECT_EQ(rows[1].masa_url, "https://masa.example.com/a,b");
  EXPECT_EQ(rows[1].csr_path, dir / "dev2.csr");  // relative to the manifest
  EXPECT_EQ(rows[2].serial, "SN \"2\"");
  EXPECT_EQ(rows[2].csr_path, "/abs/dev3.csr");
  EXPECT_EQ((*source)->where(rows[1]), path + ":6");

  ASSERT_TRUE((*source)->rewind().ok());
  EXPECT_EQ(read_all(**source).size(), 3u);
}

TEST(CsvManifest, QuotedFieldMaySpanLines) {
  TempDir dir;
  auto source = open_csv_manifest(dir.write("m.csv", "serial,mud_url\n\"SN\n1\",x\nSN-2,y\n"));
  ASSERT_TRUE(source.ok());
  auto rows = read_all(**source);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].serial, "SN\n1");
  EXPECT_EQ(rows[1].line, 4u);
}

TEST(CsvManifest, ValidManifestCountsRows) {
  TempDir dir;
  EXPECT_EQ(csv_error(dir, "serial\nSN-1\nSN-2\nSN-3\n"), "");
}

TEST(CsvManifest, RejectsEmptySerial) {
  TempDir dir;
  EXPECT_EQ(csv_error(dir, "serial,hw_type\nSN-1,\n,1.2.3\n").rfind(dir / "devices.csv:3: device serial is empty", 0), 0u);
}

TEST(CsvManifest, RejectsNonPrintableStringSerialWithLine) {
  TempDir dir;
  std::string text = "serial\n";
  for (int i = 1; i < 17; ++i) text += "SN-" + std::to_string(i) + "\n";
  text += "A B\xc3\xa9\n";  // line 18
  const std::string message = csv_error(dir, text);
  EXPECT_EQ(message.rfind(dir / "devices.csv:18: device serial \"A B\xc3\xa9\" is not a PrintableString", 0), 0u) << message;
}

TEST(CsvManifest, RejectsSerialLongerThan64) {
  TempDir dir;
  EXPECT_EQ(csv_error(dir, "serial\n" + std::string(64, 'A') + "\n").size(), 0u);
  const std::string message = csv_error(dir, "serial\n" + std::string(65, 'A') + "\n");
  EXPECT_NE(message.find("devices.csv:2:"), std::string::npos) << message;
  EXPECT_NE(message.find("longer than 64"), std::string::npos) << message;
}

TEST(CsvManifest, RejectsDuplicateSerialNamingBothLines) {
  TempDir dir;
  std::string text = "serial\n# comment\nSN-1\n";
  for (int i = 2; i < 38; ++i) text += "SN-" + std::to_string(i) + "\n";
  text += "SN-1\n";  // line 40
  EXPECT_EQ(csv_error(dir, text), dir / "devices.csv:40: serial SN-1 duplicates line 3");
}

TEST(CsvManifest, RejectsUnknownAndDuplicateColumns) {
  TempDir dir;
  std::string message = csv_error(dir, "serial,colour\nSN-1,red\n");
  EXPECT_EQ(message.rfind(dir / "devices.csv:1: unknown column \"colour\"", 0), 0u) << message;
  message = csv_error(dir, "serial,csr,serial\nSN-1,,SN-1\n");
  EXPECT_NE(message.find("appears twice"), std::string::npos) << message;
  message = csv_error(dir, "hw_type\n1.2.3\n");
  EXPECT_NE(message.find("no \"serial\" column"), std::string::npos) << message;
  message = csv_error(dir, "");
  EXPECT_NE(message.find("no header row"), std::string::npos) << message;
  message = csv_error(dir, "serial\n");
  EXPECT_NE(message.find("lists no devices"), std::string::npos) << message;
}

TEST(CsvManifest, RejectsMalformedRecords) {
  TempDir dir;
  std::string message = csv_error(dir, "serial,hw_type\nSN-1\n");
  EXPECT_EQ(message, dir / "devices.csv:2: 1 fields, but the header has 2");
  message = csv_error(dir, "serial\n\"SN-1\n");
  EXPECT_EQ(message.rfind(dir / "devices.csv:2: quoted field is not closed", 0), 0u) << message;
  message = csv_error(dir, "serial\nSN\"1\n");
  EXPECT_NE(message.find("devices.csv:2: stray quote"), std::string::npos) << message;
  message = csv_error(dir, "serial\n\"SN-1\"x\n");
  EXPECT_NE(message.find("after a closing quote"), std::string::npos) << message;
}

TEST(CsvManifest, RejectsBadOidAndUrls) {
  TempDir dir;
  std::string message = csv_error(dir, "serial,hw_type\nSN-1,1.3.6.1.4.1.1\nSN-2,not-an-oid\n");
  EXPECT_EQ(message.rfind(dir / "devices.csv:3: hw-type", 0), 0u) << message;
  message = csv_error(dir, "serial,mud_url\nSN-1,http://mud.example.com/x\n");
  EXPECT_NE(message.find("devices.csv:2: MUD URL must be https://"), std::string::npos) << message;
  message = csv_error(dir, "serial,masa_url\nSN-1,\"masa example\"\n");
  EXPECT_NE(message.find("devices.csv:2: MASA URL"), std::string::npos) << message;
}

TEST(CsvManifest, DefaultsAreValidatedPerRow) {
  TempDir dir;
  pki::IdevidRequest defaults;
  defaults.hw_type = "bogus";
  ValidationOptions options;
  options.defaults = &defaults;
  EXPECT_NE(csv_error(dir, "serial\nSN-1\n", options).find("devices.csv:2: hw-type"), std::string::npos);
  EXPECT_EQ(csv_error(dir, "serial,hw_type\nSN-1,1.2.3.4\n", options), "");  // the row overrides
}

TEST(CsvManifest, RejectsUnsafeFolderNames) {
  TempDir dir;
  EXPECT_NE(csv_error(dir, "serial\nA/B\n").find("devices.csv:2: serial \"A/B\" contains '/'"), std::string::npos);
  EXPECT_NE(csv_error(dir, "serial\n..\n").find("devices.csv:2: serial \"..\" starts with '.'"), std::string::npos);
  EXPECT_NE(csv_error(dir, "serial\n.hidden\n").find("starts with '.'"), std::string::npos);
  ValidationOptions options;
  options.reserved_names = {"ledger.sqlite"};
  EXPECT_NE(csv_error(dir, "serial\nledger.sqlite\n", options).find("would clash"), std::string::npos);
  EXPECT_EQ(csv_error(dir, "serial\nSN:1 (rev. 2)\n", options), "");  // ':' and friends are fine
}

TEST(CsvManifest, ChecksCsrProofOfPossession) {
  TempDir dir;
  write_csr(dir, "good.csr", false);
  write_csr(dir, "bad.csr", true);
  EXPECT_EQ(csv_error(dir, "serial,csr\nSN-1,good.csr\n"), "");
  // A failed proof of possession is a failed check (exit 1), not malformed input.
  std::string message = csv_error(dir, "serial,csr\nSN-1,good.csr\nSN-2,bad.csr\n", {}, ErrorKind::verification);
  EXPECT_EQ(message.rfind(dir / "devices.csv:3: ", 0), 0u) << message;
  EXPECT_NE(message.find("proof of possession failed"), std::string::npos) << message;
  message = csv_error(dir, "serial,csr\nSN-1,missing.csr\n");
  EXPECT_NE(message.find("devices.csv:2: "), std::string::npos) << message;
  EXPECT_NE(message.find("missing.csr"), std::string::npos) << message;
}

TEST(CsvManifest, MissingFileIsAnIoError) {
  auto source = open_csv_manifest("/nonexistent/devices.csv");
  ASSERT_FALSE(source.ok());
  EXPECT_EQ(source.error().kind, ErrorKind::io);
  EXPECT_NE(source.error().message.find("/nonexistent/devices.csv"), std::string::npos);
}

TEST(YamlManifest, ReadsAListOrADevicesMap) {
  TempDir dir;
  auto list = open_yaml_manifest(dir.write("a.yaml", "- serial: SN-1\n  hw_type: 1.2.3.4\n- serial: 00042\n  csr: d.csr\n"));
  ASSERT_TRUE(list.ok()) << list.error().message;
  auto rows = read_all(**list);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].hw_type, "1.2.3.4");
  EXPECT_EQ(rows[1].serial, "00042");  // as written, not as a number
  EXPECT_EQ(rows[1].line, 3u);
  EXPECT_EQ(rows[1].csr_path, dir / "d.csr");

  auto map = open_yaml_manifest(dir.write("b.yml", "devices:\n  - serial: SN-1\n  - {serial: SN-2, masa_url: m.example}\n"));
  ASSERT_TRUE(map.ok()) << map.error().message;
  rows = read_all(**map);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].masa_url, "m.example");
}

TEST(YamlManifest, ErrorsNameFileAndLine) {
  TempDir dir;
  auto source = open_yaml_manifest(dir.write("d.yaml", "- serial: SN-1\n- serial: SN-2\n  colour: red\n"));
  ASSERT_TRUE(source.ok());
  EXPECT_TRUE((*source)->next().ok());
  auto bad = (*source)->next();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind(dir / "d.yaml:3: unknown column \"colour\"", 0), 0u) << bad.error().message;

  source = open_yaml_manifest(dir.write("dup.yaml", "- serial: SN-1\n- serial: SN-2\n- serial: SN-1\n"));
  ASSERT_TRUE(source.ok());
  auto n = validate_source(**source, {});
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().message, dir / "dup.yaml:3: serial SN-1 duplicates line 1");

  auto broken = open_yaml_manifest(dir.write("broken.yaml", "- serial: [unclosed\n"));
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, ErrorKind::input);
  EXPECT_NE(broken.error().message.find("broken.yaml:"), std::string::npos);

  auto scalar = open_yaml_manifest(dir.write("s.yaml", "just text\n"));
  ASSERT_FALSE(scalar.ok());
  EXPECT_NE(scalar.error().message.find("expected a list"), std::string::npos);

  auto nested = open_yaml_manifest(dir.write("n.yaml", "- serial: [a, b]\n"));
  ASSERT_TRUE(nested.ok());
  auto row = (*nested)->next();
  ASSERT_FALSE(row.ok());
  EXPECT_NE(row.error().message.find("must be a single value"), std::string::npos);

  auto missing = open_yaml_manifest(dir / "none.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
}

TEST(CountedSerials, FormatsAndPads) {
  auto source = counted_serials("SN-{:06}-X", 998, 3);
  ASSERT_TRUE(source.ok()) << source.error().message;
  auto rows = read_all(**source);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].serial, "SN-000998-X");
  EXPECT_EQ(rows[2].serial, "SN-001000-X");
  EXPECT_TRUE((*source)->unique_by_construction());
  auto plain = counted_serials("{}", 1, 2);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(read_all(**plain)[1].serial, "2");
}

TEST(CountedSerials, RejectsBadFormats) {
  for (const char* format : {"SN", "SN-{", "SN-{}-{}", "SN-{:6}", "SN-{:x}", "SN-}{", "SN-{:00}", "{:099}"}) {
    auto source = counted_serials(format, 1, 1);
    EXPECT_FALSE(source.ok()) << format;
    if (!source.ok()) {
      EXPECT_EQ(source.error().kind, ErrorKind::usage);
    }
  }
  EXPECT_FALSE(counted_serials("SN-{}", 1, 0).ok());
}

TEST(CountedSerials, ValidatesEverySerial) {
  auto source = counted_serials("/{}", 1, 2);
  ASSERT_TRUE(source.ok());
  auto n = validate_source(**source, {});
  ASSERT_FALSE(n.ok());
  EXPECT_EQ(n.error().message.rfind("serial format \"/{}\" index 1: serial \"/1\" contains '/'", 0), 0u) << n.error().message;
  source = counted_serials(std::string(61, 'A') + "{:03}", 998, 5);  // becomes 65 characters at 1000
  ASSERT_TRUE(source.ok());
  n = validate_source(**source, {});
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.error().message.find("index 1000:"), std::string::npos) << n.error().message;
}

TEST(DeviceSource, ExactlyOneSource) {
  SourceSpec none;
  EXPECT_EQ(open_device_source(none).error().kind, ErrorKind::usage);
  SourceSpec two;
  two.single_serial = "SN-1";
  two.manifest_path = "x.csv";
  EXPECT_FALSE(open_device_source(two).ok());
  SourceSpec count_only;
  count_only.count = 3;
  EXPECT_FALSE(open_device_source(count_only).ok());
  SourceSpec single;
  single.single_serial = "SN-1";
  auto source = open_device_source(single);
  ASSERT_TRUE(source.ok());
  EXPECT_EQ(*validate_source(**source, {}), 1u);
}

}  // namespace
}  // namespace iotonb::factory
