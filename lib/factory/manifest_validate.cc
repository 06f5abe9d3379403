// Whole-source validation before a batch writes anything: every row on its own, then
// duplicate serials across the source without holding the serials (see validate_source).
#include <algorithm>
#include <cstdint>
#include <unordered_map>

#include "factory/manifest.h"
#include "pki/csr.h"
#include "pki/name.h"

namespace iotonb::factory {
namespace {

// FNV-1a with a final avalanche (splitmix64): fast, and equal hashes are confirmed by
// comparing the serials themselves, so collision quality only affects speed.
std::uint64_t serial_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

Status check_row(const DeviceSource& source, const DeviceRow& row, const ValidationOptions& options) {
  // Keeps the error's kind: a CSR whose proof of possession fails is a failed check (exit 1),
  // not malformed input.
  auto at = [&](const Error& e) { return Error{e.kind == ErrorKind::verification ? e.kind : ErrorKind::input,
                                               source.where(row) + ": " + e.message}; };
  static const pki::IdevidRequest kNoDefaults;
  if (auto s = pki::check_device_serial(row.serial); !s) return at(s.error());
  if (auto s = check_folder_name(row.serial); !s) return at(s.error());
  for (const auto& reserved : options.reserved_names)
    if (row.serial == reserved)
      return input_error(source.where(row) + ": serial \"" + row.serial + "\" would clash with the batch's file " +
                         reserved + " in the output folder");
  const auto request = device_request(row, options.defaults ? *options.defaults : kNoDefaults);
  if (auto s = pki::validate_idevid_request(request); !s) return at(s.error());
  if (options.check_csrs && !row.csr_path.empty()) {
    // read_csr checks the self-signature: a CSR without proof of possession never gets a certificate.
    if (auto csr = pki::read_csr(row.csr_path); !csr) return at(csr.error());
  }
  return {};
}

// Called only when two serials hashed alike: reads the source again, keeping just the rows
// whose hash is among the colliding ones, and reports the first real duplicate in source order.
Status confirm_duplicates(DeviceSource& source, const std::vector<std::uint64_t>& colliding) {
  IOTONB_RETURN_IF_ERROR(source.rewind());
  std::unordered_map<std::string, std::size_t> first_line;
  for (;;) {
    IOTONB_ASSIGN_OR_RETURN(auto row, source.next());
    if (!row) return {};
    if (!std::binary_search(colliding.begin(), colliding.end(), serial_hash(row->serial))) continue;
    auto [it, inserted] = first_line.emplace(row->serial, row->line);
    if (!inserted)
      return input_error(source.where(*row) + ": serial " + row->serial + " duplicates line " + std::to_string(it->second));
  }
}

}  // namespace

Result<std::size_t> validate_source(DeviceSource& source, const ValidationOptions& options) {
  const bool find_duplicates = !source.unique_by_construction();
  std::vector<std::uint64_t> hashes;
  std::size_t rows = 0;
  for (;;) {
    IOTONB_ASSIGN_OR_RETURN(auto row, source.next());
    if (!row) break;
    ++rows;
    IOTONB_RETURN_IF_ERROR(check_row(source, *row, options));
    if (find_duplicates) hashes.push_back(serial_hash(row->serial));
  }
  if (rows == 0) return input_error(source.name() + ": lists no devices");
  if (!find_duplicates) return rows;

  std::sort(hashes.begin(), hashes.end());
  std::vector<std::uint64_t> colliding;
  for (std::size_t i = 1; i < hashes.size(); ++i)
    if (hashes[i] == hashes[i - 1] && (colliding.empty() || colliding.back() != hashes[i])) colliding.push_back(hashes[i]);
  hashes = {};  // release before the second pass
  if (!colliding.empty()) IOTONB_RETURN_IF_ERROR(confirm_duplicates(source, colliding));
  return rows;
}

}  // namespace iotonb::factory
