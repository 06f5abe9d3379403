#include "core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace iotonb::core {
namespace {

std::string errno_text(int err) { return std::strerror(err); }

Status write_all(int fd, ByteView data, const std::string& what) {
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(what + ": " + errno_text(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

Result<Bytes> read_input(const std::string& path, std::size_t max_size) {
  const bool from_stdin = path == "-";
  const std::string name = input_name(path);
  int fd = from_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return io_error(name + ": " + errno_text(errno));
  Bytes out;
  std::uint8_t buf[65536];
  Status status;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      status = io_error(name + ": " + errno_text(errno));
      break;
    }
    if (n == 0) break;
    if (out.size() + static_cast<std::size_t>(n) > max_size) {
      status = input_error(name + ": larger than the limit of " + std::to_string(max_size) + " bytes");
      break;
    }
    out.insert(out.end(), buf, buf + n);
  }
  if (!from_stdin) ::close(fd);
  if (!status) return std::move(status).error();
  return out;
}

Status check_writable(const std::string& path, bool overwrite) {
  if (path.empty() || path == "-" || overwrite) return {};
  if (path_exists(path)) return usage_error(path + ": exists (use --force to replace it)");
  return {};
}

Status write_output(const std::string& path, ByteView data, const WriteOptions& options) {
  if (path.empty() || path == "-") {
    IOTONB_RETURN_IF_ERROR(write_all(STDOUT_FILENO, data, "stdout"));
    return {};
  }
  IOTONB_RETURN_IF_ERROR(check_writable(path, options.overwrite));
  std::filesystem::path target(path);
  std::filesystem::path dir = target.has_parent_path() ? target.parent_path() : ".";
  std::string tmpl = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) return io_error(path + ": cannot create a file in " + dir.string() + ": " + errno_text(errno));
  auto fail = [&](Error e) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return e;
  };
  if (::fchmod(fd, options.mode) != 0) return fail(io_error(path + ": chmod: " + errno_text(errno)));
  if (auto s = write_all(fd, data, path); !s) return fail(std::move(s).error());
  if (::fsync(fd) != 0) return fail(io_error(path + ": fsync: " + errno_text(errno)));
  ::close(fd);
  int rc;
  if (options.overwrite) {
    rc = ::rename(tmpl.c_str(), path.c_str());
  } else {
    // link() refuses to replace an existing name, closing the race between the check above
    // and the rename; the temp name is removed either way.
    rc = ::link(tmpl.c_str(), path.c_str());
    int saved = errno;
    ::unlink(tmpl.c_str());
    errno = saved;
    if (rc != 0 && errno == EEXIST) return usage_error(path + ": exists (use --force to replace it)");
  }
  if (rc != 0) {
    int saved = errno;
    ::unlink(tmpl.c_str());
    return io_error(path + ": " + errno_text(saved));
  }
  return {};
}

std::string input_name(const std::string& path) { return path == "-" ? "stdin" : path; }

bool path_exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

bool stdin_is_terminal() { return ::isatty(STDIN_FILENO) == 1; }
bool stderr_is_terminal() { return ::isatty(STDERR_FILENO) == 1; }

}  // namespace iotonb::core
