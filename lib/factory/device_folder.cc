#include "factory/device_folder.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "core/encoding.h"
#include "factory/fd.h"

namespace iotonb::factory {
namespace {

namespace fs = std::filesystem;

std::string errno_text(int err) { return std::strerror(err); }

// Writes `path`, relative to the folder dir_fd refers to; `shown` is its name in messages.
Status write_file(int dir_fd, const std::string& path, const std::string& shown, std::string_view data, mode_t mode) {
  // O_EXCL: the folder is ours and new, so an existing file means something is badly wrong.
  Fd fd(::openat(dir_fd, path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
  if (fd.get() < 0) return io_error(shown + ": " + errno_text(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd.get(), data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(shown + ": " + errno_text(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd.release()) != 0) return io_error(shown + ": " + errno_text(errno));
  return {};
}

// Removes a folder of ours on every path out unless release()d.
class TempFolder {
 public:
  explicit TempFolder(std::string path) : path_(std::move(path)) {}
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  ~TempFolder() {
    if (!path_.empty()) {
      std::error_code ec;
      fs::remove_all(path_, ec);
    }
  }
  const std::string& path() const { return path_; }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

Result<std::string> random_suffix() {
  unsigned char bytes[6];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return internal_error("random number generator failed");
  return core::to_hex(ByteView(bytes, sizeof bytes));
}

// rename() inside dir_fd that fails instead of replacing an existing (empty) target folder.
int rename_no_replace(int dir_fd, const std::string& from, const std::string& to) {
  int rc = ::renameat2(dir_fd, from.c_str(), dir_fd, to.c_str(), RENAME_NOREPLACE);
  if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
    // A file system without RENAME_NOREPLACE: rename() still refuses a non-empty target.
    rc = ::renameat(dir_fd, from.c_str(), dir_fd, to.c_str());
  }
  return rc;
}

}  // namespace

DeviceFiles device_files(const std::string& out_dir, const std::string& serial, bool has_key) {
  DeviceFiles files;
  files.dir = out_dir + "/" + serial;
  files.cert_path = files.dir + "/" + kCertFile;
  if (has_key) files.key_path = files.dir + "/" + kKeyFile;
  files.chain_path = files.dir + "/" + kChainFile;
  return files;
}

Result<DeviceFolderWriter> DeviceFolderWriter::open(const std::string& out_dir) {
  Fd dir(::open(out_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir.get() < 0) return io_error(out_dir + ": " + errno_text(errno));
  IOTONB_ASSIGN_OR_RETURN(std::string tag, random_suffix());
  return DeviceFolderWriter(out_dir, dir.release(), std::move(tag));
}

DeviceFolderWriter::DeviceFolderWriter(DeviceFolderWriter&& other) noexcept
    : out_dir_(std::move(other.out_dir_)),
      dir_fd_(other.dir_fd_),
      tag_(std::move(other.tag_)),
      written_(other.written_) {
  other.dir_fd_ = -1;
}

DeviceFolderWriter::~DeviceFolderWriter() {
  if (dir_fd_ >= 0) ::close(dir_fd_);
}

Result<DeviceFiles> DeviceFolderWriter::write(const std::string& serial, std::string_view cert_pem,
                                              std::string_view key_pem, std::string_view chain_pem) {
  // Unique among this run's writers by the tag, and new: stale .tmp-* folders of earlier
  // runs were deleted before any writer started, and the lock keeps other runs out.
  std::string tmp_name;
  for (int attempt = 0;; ++attempt) {
    tmp_name = kTempPrefix + serial + "-" + tag_ + std::to_string(++written_);
    if (::mkdirat(dir_fd_, tmp_name.c_str(), 0777) == 0) break;  // the umask decides the folder's mode
    if (errno != EEXIST || attempt == 8) return io_error(out_dir_ + "/" + tmp_name + ": " + errno_text(errno));
  }
  TempFolder tmp(out_dir_ + "/" + tmp_name);
  auto write_file_named = [&](const char* name, std::string_view data, mode_t mode) {
    const std::string path = tmp_name + "/" + name;
    return write_file(dir_fd_, path, out_dir_ + "/" + path, data, mode);
  };
  IOTONB_RETURN_IF_ERROR(write_file_named(kCertFile, cert_pem, 0644));
  if (!key_pem.empty()) IOTONB_RETURN_IF_ERROR(write_file_named(kKeyFile, key_pem, 0600));
  IOTONB_RETURN_IF_ERROR(write_file_named(kChainFile, chain_pem, 0644));

  DeviceFiles files = device_files(out_dir_, serial, !key_pem.empty());
  if (rename_no_replace(dir_fd_, tmp_name, serial) != 0) {
    const int err = errno;
    if (err == EEXIST || err == ENOTEMPTY)
      return io_error(files.dir + ": exists already (is another batch writing to " + out_dir_ + "?)");
    return io_error(files.dir + ": " + errno_text(err));
  }
  tmp.release();
  return files;
}

Result<std::size_t> remove_stale_temp_folders(const std::string& out_dir) {
  std::size_t device_folders = 0;
  std::error_code ec;
  fs::directory_iterator it(out_dir, ec);
  if (ec) return io_error(out_dir + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return io_error(out_dir + ": " + ec.message());
    const std::string name = it->path().filename().string();
    if (name.rfind(kTempPrefix, 0) != 0) {
      std::error_code type_ec;
      if (name.front() != '.' && it->is_directory(type_ec)) ++device_folders;
      continue;
    }
    fs::remove_all(it->path(), ec);
    if (ec) return io_error(it->path().string() + ": cannot remove a stale temporary folder: " + ec.message());
  }
  if (ec) return io_error(out_dir + ": " + ec.message());
  return device_folders;
}

Status discard_device_folder(const std::string& out_dir, const std::string& serial) {
  IOTONB_ASSIGN_OR_RETURN(std::string suffix, random_suffix());
  const std::string dir = out_dir + "/" + serial;
  const std::string doomed = out_dir + "/" + kTempPrefix + "discard-" + serial + "-" + suffix;
  if (::rename(dir.c_str(), doomed.c_str()) != 0) return io_error(dir + ": " + errno_text(errno));
  std::error_code ec;
  fs::remove_all(doomed, ec);
  if (ec) return io_error(doomed + ": " + ec.message());
  return {};
}

Status sync_output(const std::string& out_dir) {
  Fd fd(::open(out_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error(out_dir + ": " + errno_text(errno));
  // syncfs writes back every file of the batch (and the renames) in one call.
  if (::syncfs(fd.get()) != 0) return io_error(out_dir + ": sync: " + errno_text(errno));
  return {};
}

}  // namespace iotonb::factory
