// Reading and writing MUD files (RFC 8520 JSON, RFC 7951 encoding of the YANG model): the
// reader treats the file as hostile (size and depth bounds, duplicate members refused, see
// core/json.h) and validates it against RFC 8520 and the RFC 8519 subset MUD uses, reporting
// every violation with its JSON Pointer rather than stopping at the first.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "artifact/mud/model.h"
#include "core/result.h"

namespace iotonb::artifact::mud {

// Largest MUD file accepted (real files are a few KiB; RFC 8520 sets no bound).
inline constexpr std::size_t kMaxMudFileSize = 256 * 1024;
inline constexpr std::size_t kMaxMudDepth = 32;

struct ReadOutcome {
  std::optional<MudFile> file;       // set exactly when violations is empty
  std::vector<Violation> violations;  // every one found, in document order
};

// The file's exact bytes as served (never re-serialized before a signature check).
ReadOutcome read_mud(std::string_view text);

// read_mud as a Result: an input error listing each violation as "PATH: MESSAGE", one per line.
Result<MudFile> parse_mud(std::string_view text);

// RFC 8520 JSON for a valid model: 2-space indentation, members in the RFC's order, empty
// leaves as [null], ending in a newline. read_mud(write_mud(f)) gives back f.
std::string write_mud(const MudFile& file);

}  // namespace iotonb::artifact::mud
