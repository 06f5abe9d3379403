// The on-disk form of one minted device, OUT_DIR/<serial>/ holding idevid.crt, idevid.key
// (mode 0600, absent when the device sent a CSR) and chain.pem, and how it appears
// atomically: everything is written into OUT_DIR/.tmp-<serial>-<tag><n>/ and that folder is
// renamed to OUT_DIR/<serial> (refusing to replace an existing one), so a device folder that
// exists is complete and a crash leaves at worst a .tmp-* folder, which the next run deletes.
//
// No fsync per file: rename() is atomic with respect to other processes and to a crash of
// this one (the data is in the kernel's page cache either way), which is the failure a
// killed batch has. Power loss is covered once per batch by syncing the file system at the
// end (sync_output), not by a million fsyncs. Internal to lib/factory.
#pragma once

#include <string>
#include <string_view>

#include "core/result.h"

namespace iotonb::factory {

inline constexpr const char* kCertFile = "idevid.crt";
inline constexpr const char* kKeyFile = "idevid.key";
inline constexpr const char* kChainFile = "chain.pem";
inline constexpr const char* kTempPrefix = ".tmp-";

struct DeviceFiles {
  std::string dir;
  std::string cert_path;
  std::string key_path;  // empty when there is no key file
  std::string chain_path;
};

DeviceFiles device_files(const std::string& out_dir, const std::string& serial, bool has_key);

// Writes device folders into one OUT_DIR as described above; one writer per worker thread.
// It keeps OUT_DIR open, so a folder costs mkdirat, three openat/write/close and renameat2,
// each naming its target relative to OUT_DIR instead of walking OUT_DIR's path again, and
// its temporary names come from a random tag drawn once plus a counter.
class DeviceFolderWriter {
 public:
  static Result<DeviceFolderWriter> open(const std::string& out_dir);
  DeviceFolderWriter(DeviceFolderWriter&& other) noexcept;
  DeviceFolderWriter& operator=(DeviceFolderWriter&&) = delete;
  DeviceFolderWriter(const DeviceFolderWriter&) = delete;
  DeviceFolderWriter& operator=(const DeviceFolderWriter&) = delete;
  ~DeviceFolderWriter();

  // key_pem empty: no key file. An existing OUT_DIR/<serial> is an io error, never replaced.
  Result<DeviceFiles> write(const std::string& serial, std::string_view cert_pem, std::string_view key_pem,
                            std::string_view chain_pem);

 private:
  DeviceFolderWriter(std::string out_dir, int dir_fd, std::string tag)
      : out_dir_(std::move(out_dir)), dir_fd_(dir_fd), tag_(std::move(tag)) {}

  std::string out_dir_;
  int dir_fd_;
  std::string tag_;
  unsigned long long written_ = 0;
};

// Deletes OUT_DIR/.tmp-* folders a killed run left behind; returns how many device folders
// (not starting with '.') are there, so a batch into an empty folder can skip looking for them.
Result<std::size_t> remove_stale_temp_folders(const std::string& out_dir);

// Takes a device folder out of OUT_DIR (renamed to a .tmp-* name first, so it disappears at
// once even if the removal is interrupted).
Status discard_device_folder(const std::string& out_dir, const std::string& serial);

// Flushes everything written under out_dir to stable storage (syncfs on Linux).
Status sync_output(const std::string& out_dir);

}  // namespace iotonb::factory
