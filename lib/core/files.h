// File input and output with the guarantees CONVENTIONS.md promises: "-" is stdin/stdout,
// reads are bounded, writes are atomic (temp file + rename in the same folder), an existing
// file is never replaced without `overwrite`, and private keys are created with mode 0600.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::core {

inline constexpr std::size_t kDefaultMaxInput = 16u << 20;  // no artifact of ours is larger

// Reads a whole file ("-" = stdin). Errors name the path; larger than max_size is an input error.
Result<Bytes> read_input(const std::string& path, std::size_t max_size = kDefaultMaxInput);

struct WriteOptions {
  mode_t mode = 0644;
  bool overwrite = false;  // --force
};

// Writes data atomically to path, or to stdout when path is "-" or empty. A crash at any
// point leaves either no file or the complete file, never a partial one.
Status write_output(const std::string& path, ByteView data, const WriteOptions& options = {});
inline Status write_output(const std::string& path, std::string_view text, const WriteOptions& options = {}) {
  return write_output(path, as_bytes(text), options);
}

// Fails with a usage-kind error naming the path when it exists and overwrite is false; lets
// commands refuse before doing any expensive or irreversible work.
Status check_writable(const std::string& path, bool overwrite);

// How messages name an input: "stdin" for "-", else the path.
std::string input_name(const std::string& path);

bool path_exists(const std::string& path);
bool stdin_is_terminal();
bool stderr_is_terminal();

}  // namespace iotonb::core
