#include "factory/ownership_batch.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/make.h"
#include "artifact/fdo/voucher.h"
#include "artifact/voucher_inputs.h"
#include "core/encoding.h"
#include "core/files.h"
#include "factory/device_folder.h"
#include "factory/fd.h"
#include "pki/certificate.h"

namespace iotonb::factory {
namespace {

namespace fs = std::filesystem;
namespace fdo = artifact::fdo;

std::string errno_text(int err) { return std::strerror(err); }

Status open_dir(Fd& fd, const std::string& path) {
  fd.reset(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return io_error(path + ": " + errno_text(errno));
  return {};
}

// A file of the folder dir_fd refers to, up to limit bytes. nullopt when it is not a regular
// file; `oversize` says the file went on past limit (data then holds the first limit bytes).
Result<std::optional<Bytes>> read_at(int dir_fd, const std::string& name, const std::string& shown, std::size_t limit,
                                     bool& oversize) {
  oversize = false;
  Fd fd(::openat(dir_fd, name.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd.get() < 0) return io_error(shown + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return io_error(shown + ": " + errno_text(errno));
  if (!S_ISREG(st.st_mode)) return std::optional<Bytes>();
  Bytes out(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), limit) + 1);
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd.get(), out.data() + done, out.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error(shown + ": " + errno_text(errno));
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  if (done > limit) {
    oversize = true;
    done = limit;
  }
  out.resize(done);
  return std::optional<Bytes>(std::move(out));
}

// OUT_DIR, kept open and shared by every worker. A file appears complete or not at all: it is
// written as an unnamed file (O_TMPFILE) and linked to its name, which also refuses an existing
// name. That costs a fraction of a named temporary file renamed into place (on ext4, 10,000
// files took about a tenth of the time), which stays as the way to replace a file (--force) and
// for file systems without O_TMPFILE. Temporary names are ".tmp-" + a random tag drawn once + a
// counter: unique among this run's workers, and hidden from a later transfer_batch over OUT_DIR.
class OutputDir {
 public:
  Status open(const std::string& path) {
    path_ = path;
    std::error_code ec;
    fs::create_directories(path, ec);
    if (ec) return io_error(path + ": " + ec.message());
    IOTONB_RETURN_IF_ERROR(open_dir(fd_, path));
    unsigned char bytes[6];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return internal_error("random number generator failed");
    tag_ = core::to_hex(ByteView(bytes, sizeof bytes));
    return {};
  }
  const std::string& path() const { return path_; }
  std::string shown(const std::string& name) const { return path_ + "/" + name; }

  Status write(const std::string& name, ByteView data, mode_t mode, bool overwrite) {
    if (!overwrite && unnamed_files_.load(std::memory_order_relaxed)) {
      std::optional<Status> linked = write_unnamed(name, data, mode);
      if (linked) return *linked;
      unnamed_files_.store(false, std::memory_order_relaxed);
    }
    const std::string tmp = std::string(kTempPrefix) + tag_ + "-" + std::to_string(counter_.fetch_add(1) + 1);
    Fd fd(::openat(fd_.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) return io_error(shown(tmp) + ": " + errno_text(errno));
    Status written = write_all(fd.get(), data, shown(name));
    if (written && ::close(fd.release()) != 0) written = io_error(shown(name) + ": " + errno_text(errno));
    if (written) written = place(tmp, name, overwrite);
    if (!written) ::unlinkat(fd_.get(), tmp.c_str(), 0);
    return written;
  }

  void remove(const std::string& name) { ::unlinkat(fd_.get(), name.c_str(), 0); }

 private:
  // nullopt when this file system cannot do it (no O_TMPFILE, no /proc): use a named file.
  std::optional<Status> write_unnamed(const std::string& name, ByteView data, mode_t mode) {
    Fd fd(::openat(fd_.get(), ".", O_WRONLY | O_TMPFILE | O_CLOEXEC, mode));
    if (fd.get() < 0) {
      if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL) return std::nullopt;
      return Status(io_error(shown(name) + ": " + errno_text(errno)));
    }
    if (Status s = write_all(fd.get(), data, shown(name)); !s) return s;
    // linkat(AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc link works for anyone.
    const std::string self = "/proc/self/fd/" + std::to_string(fd.get());
    if (::linkat(AT_FDCWD, self.c_str(), fd_.get(), name.c_str(), AT_SYMLINK_FOLLOW) == 0) return Status();
    if (errno == EEXIST) return Status(usage_error(shown(name) + ": exists (use --force to replace it)"));
    if (errno == ENOENT && !core::path_exists("/proc/self/fd")) return std::nullopt;
    return Status(io_error(shown(name) + ": " + errno_text(errno)));
  }

  static Status write_all(int fd, ByteView data, const std::string& shown) {
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        return io_error(shown + ": " + errno_text(errno));
      }
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  Status place(const std::string& tmp, const std::string& name, bool overwrite) {
    if (overwrite) {
      if (::renameat(fd_.get(), tmp.c_str(), fd_.get(), name.c_str()) != 0)
        return io_error(shown(name) + ": " + errno_text(errno));
      return {};
    }
    int rc = ::renameat2(fd_.get(), tmp.c_str(), fd_.get(), name.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && (errno == EINVAL || errno == ENOSYS)) {
      // No RENAME_NOREPLACE on this file system: link() refuses an existing name too.
      rc = ::linkat(fd_.get(), tmp.c_str(), fd_.get(), name.c_str(), 0);
      const int saved = errno;
      ::unlinkat(fd_.get(), tmp.c_str(), 0);
      errno = saved;
    }
    if (rc == 0) return {};
    if (errno == EEXIST) return usage_error(shown(name) + ": exists (use --force to replace it)");
    return io_error(shown(name) + ": " + errno_text(errno));
  }

  std::string path_;
  Fd fd_;
  std::string tag_;
  std::atomic<unsigned long long> counter_{0};
  std::atomic<bool> unnamed_files_{true};
};

// The names in a folder, sorted, leaving out those starting with '.' (temporary files of a
// batch, editor droppings). directories: folders only; else everything else.
Result<std::vector<std::string>> list_dir(const std::string& dir, bool directories) {
  std::vector<std::string> names;
  std::error_code ec;
  fs::directory_iterator it(dir, ec);
  if (ec) return io_error(dir + ": " + ec.message());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return io_error(dir + ": " + ec.message());
    std::string name = it->path().filename().string();
    if (name.empty() || name.front() == '.') continue;
    std::error_code type_ec;
    if (it->is_directory(type_ec) == directories) names.push_back(std::move(name));
  }
  if (ec) return io_error(dir + ": " + ec.message());
  std::sort(names.begin(), names.end());
  return names;
}

// "a, b and 3 more": the outputs that are in the way, for one message.
Status refuse_existing(const std::vector<std::string>& existing) {
  if (existing.empty()) return {};
  std::string list;
  const std::size_t shown = std::min<std::size_t>(existing.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) list += (i ? ", " : "") + existing[i];
  if (existing.size() > shown) list += " and " + std::to_string(existing.size() - shown) + " more";
  return usage_error(list + (existing.size() == 1 ? " exists" : " exist") + " (use --force to replace)");
}

unsigned worker_count(unsigned jobs, std::size_t items) {
  unsigned n = jobs != 0 ? jobs : std::max(1u, std::thread::hardware_concurrency());
  if (items < n) n = static_cast<unsigned>(std::max<std::size_t>(items, 1));
  return n;
}

// What one worker counted; merged into the report once every worker is done.
struct Tally {
  std::size_t written = 0;
  std::size_t vouchers = 0;
  std::size_t skipped = 0;
  std::vector<BatchFailure> failures;
};

std::string exception_text(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    return ex.what();
  } catch (...) {
    return "unknown exception";
  }
}

// Runs process(i, tally) for i in [0, count) on `jobs` threads, each taking the next index
// (an atomic counter: the items are known up front, so no queue is needed), and merges what
// they counted into report.
Status run_workers(std::size_t count, unsigned jobs, const std::function<void(std::size_t, Tally&)>& process,
                   const std::function<std::string(std::size_t)>& name_of, BatchReport& report) {
  std::atomic<std::size_t> next{0};
  std::vector<Tally> tallies(jobs);
  auto worker = [&](Tally& tally) {
    for (;;) {
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= count) return;
      try {
        process(i, tally);
      } catch (...) {
        tally.failures.push_back({name_of(i), internal_error(exception_text(std::current_exception()))});
      }
    }
  };
  std::vector<std::thread> threads;
  Status started;
  try {
    for (unsigned t = 1; t < jobs; ++t) threads.emplace_back(worker, std::ref(tallies[t]));
  } catch (...) {
    started = internal_error("cannot start worker threads: " + exception_text(std::current_exception()));
    next.store(count);  // the running workers stop after their current item
  }
  if (started) worker(tallies[0]);
  for (auto& t : threads) t.join();
  if (!started) return started;
  report.jobs = jobs;
  for (Tally& t : tallies) {
    report.written += t.written;
    report.vouchers += t.vouchers;
    report.skipped += t.skipped;
    for (auto& f : t.failures) report.failures.push_back(std::move(f));
  }
  std::sort(report.failures.begin(), report.failures.end(),
            [](const BatchFailure& a, const BatchFailure& b) { return a.name < b.name; });
  return {};
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::optional<std::string> name_entry(const X509* cert, int nid) {
  const X509_NAME* name = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(name, nid, -1);
  if (idx < 0) return std::nullopt;
  unsigned char* utf8 = nullptr;
  int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
  if (len < 0) return std::nullopt;
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(len));
  OPENSSL_free(utf8);
  return out;
}

// --- manufacture_batch ----------------------------------------------------------------------

Result<BatchReport> run_manufacture(const ManufactureBatchOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.manufacturer_key == nullptr) return usage_error("manufacture batch: no manufacturer key");
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> devices, list_dir(o.devices_dir, true));
  if (devices.empty()) return input_error(o.devices_dir + ": no device folders (DIR/<serial>/" + kCertFile + ")");
  OutputDir out;
  if (!o.overwrite && fs::exists(o.out_dir)) {
    // Refused before anything is made, so a second run cannot mix old and new credentials.
    std::vector<std::string> existing;
    for (const auto& serial : devices)
      for (const char* suffix : {kVoucherSuffix, kCredentialSuffix})
        if (core::path_exists(o.out_dir + "/" + serial + suffix)) existing.push_back(o.out_dir + "/" + serial + suffix);
    IOTONB_RETURN_IF_ERROR(refuse_existing(existing));
  }
  IOTONB_RETURN_IF_ERROR(out.open(o.out_dir));
  // OpenSSL caches a certificate's extensions on first use, which is not thread-safe: fill the
  // caches of the shared manufacturer chain here, while this is the only thread.
  for (const auto& c : o.manufacturer_chain) X509_check_purpose(c.get(), -1, 0);

  auto process = [&](std::size_t i, Tally& tally) {
    const std::string& serial = devices[i];
    const std::string dir = o.devices_dir + "/" + serial;
    auto fail = [&](const Error& e) { tally.failures.push_back({dir, e}); };
    auto identity = read_device_identity(dir);
    if (!identity) return fail(identity.error());
    fdo::ManufactureOptions mo;
    mo.device_chain = std::move(identity->chain);
    auto info = default_device_info(identity->idevid.get());
    if (!info) return fail(info.error().context(dir + "/" + kCertFile));
    mo.device_info = std::move(*info);
    mo.rv_info = o.rv_info;
    mo.manufacturer_key = o.manufacturer_key;
    mo.key_encoding = o.key_encoding;
    for (const auto& c : o.manufacturer_chain) {
      X509_up_ref(c.get());
      mo.manufacturer_chain.emplace_back(c.get());
    }
    auto made = fdo::manufacture(mo);
    if (!made) return fail(made.error());
    SecretBytes credential = fdo::encode_credential(made->credential);
    const std::string dc_name = serial + kCredentialSuffix, ov_name = serial + kVoucherSuffix;
    // The credential first: a voucher on disk always has its device's credential beside it.
    if (Status s = out.write(dc_name, ByteView(credential.data(), credential.size()), 0600, o.overwrite); !s)
      return fail(s.error());
    if (Status s = out.write(ov_name, as_bytes(fdo::voucher_pem(made->voucher)), 0644, o.overwrite); !s) {
      out.remove(dc_name);
      return fail(s.error());
    }
    ++tally.written;
    ++tally.vouchers;
  };
  BatchReport report;
  report.items = devices.size();
  const unsigned jobs = worker_count(o.jobs, devices.size());
  IOTONB_RETURN_IF_ERROR(run_workers(
      devices.size(), jobs, process, [&](std::size_t i) { return o.devices_dir + "/" + devices[i]; }, report));
  if (o.sync_at_end && report.written > 0) IOTONB_RETURN_IF_ERROR(sync_output(o.out_dir));
  report.seconds = seconds_since(start);
  return report;
}

// --- transfer_batch -------------------------------------------------------------------------

Result<BatchReport> run_transfer(const TransferBatchOptions& o) {
  const auto start = std::chrono::steady_clock::now();
  if (o.owner == nullptr) return usage_error("transfer batch: no owner key");
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, list_dir(o.in_dir, false));
  Fd in;
  IOTONB_RETURN_IF_ERROR(open_dir(in, o.in_dir));
  auto shown_in = [&](const std::string& name) { return o.in_dir + "/" + name; };
  // Only outputs that a voucher file would write are in the way; finding that out means
  // reading the (few) inputs whose names are taken.
  if (!o.overwrite && fs::exists(o.out_dir)) {
    std::vector<std::string> existing;
    for (const auto& name : files) {
      if (!core::path_exists(o.out_dir + "/" + name)) continue;
      bool oversize = false;
      auto data = read_at(in.get(), name, shown_in(name), kMaxVoucherFileSize, oversize);
      if (data && *data && fdo::looks_like_voucher(**data)) existing.push_back(o.out_dir + "/" + name);
    }
    IOTONB_RETURN_IF_ERROR(refuse_existing(existing));
  }
  OutputDir out;
  IOTONB_RETURN_IF_ERROR(out.open(o.out_dir));

  auto process = [&](std::size_t i, Tally& tally) {
    const std::string& name = files[i];
    const std::string shown = shown_in(name);
    auto fail = [&](const Error& e) { tally.failures.push_back({shown, e}); };
    bool oversize = false;
    auto data = read_at(in.get(), name, shown, kMaxVoucherFileSize, oversize);
    if (!data) return fail(data.error());
    if (!*data || !fdo::looks_like_voucher(**data)) {
      ++tally.skipped;
      return;
    }
    if (oversize)
      return fail(input_error(shown + ": larger than the limit of " + std::to_string(kMaxVoucherFileSize) + " bytes"));
    const bool pem = core::looks_like_pem(**data);
    auto vouchers = fdo::read_vouchers(**data);
    if (!vouchers) return fail(vouchers.error().context(shown));
    std::string encoded;
    for (std::size_t k = 0; k < vouchers->size(); ++k) {
      auto next = fdo::extend((*vouchers)[k], *o.owner, o.next_owner, o.extra);
      if (!next) {
        const std::string where = vouchers->size() > 1 ? shown + ": voucher " + std::to_string(k + 1) : shown;
        return fail(next.error().context(where));
      }
      if (pem) {
        encoded += fdo::voucher_pem(*next);
      } else {
        Bytes raw = fdo::encode_voucher(*next);
        encoded.append(as_chars(raw));
      }
    }
    if (Status s = out.write(name, as_bytes(encoded), 0644, o.overwrite); !s) return fail(s.error());
    ++tally.written;
    tally.vouchers += vouchers->size();
  };
  BatchReport report;
  const unsigned jobs = worker_count(o.jobs, files.size());
  IOTONB_RETURN_IF_ERROR(
      run_workers(files.size(), jobs, process, [&](std::size_t i) { return shown_in(files[i]); }, report));
  report.items = files.size() - report.skipped;
  if (report.items == 0)
    return input_error(o.in_dir + ": no ownership voucher files (PEM \"OWNERSHIP VOUCHER\" or raw CBOR)");
  if (o.sync_at_end && report.written > 0) IOTONB_RETURN_IF_ERROR(sync_output(o.out_dir));
  report.seconds = seconds_since(start);
  return report;
}

}  // namespace

Result<DeviceIdentity> read_device_identity(const std::string& device_dir) {
  DeviceIdentity out;
  IOTONB_ASSIGN_OR_RETURN(out.idevid, pki::read_certificate(device_dir + "/" + kCertFile));
  out.chain.push_back(pki::certificate_der(out.idevid.get()));
  const std::string chain_path = device_dir + "/" + kChainFile;
  if (core::path_exists(chain_path)) {
    IOTONB_ASSIGN_OR_RETURN(auto chain, pki::read_certificates(chain_path));
    for (const auto& c : chain) out.chain.push_back(pki::certificate_der(c.get()));
  }
  return out;
}

Result<std::string> default_device_info(const X509* idevid) {
  if (auto serial = artifact::idevid_serial_number(idevid); serial && !serial->empty()) return *serial;
  if (auto cn = name_entry(idevid, NID_commonName); cn && !cn->empty()) return *cn;
  return input_error("the IDevID's subject has neither serialNumber nor commonName to use as DeviceInfo");
}

Result<BatchReport> manufacture_batch(const ManufactureBatchOptions& options) {
  // Nothing may escape the library: std::thread, std::filesystem and allocation can all throw.
  try {
    return run_manufacture(options);
  } catch (...) {
    return internal_error("manufacturing vouchers failed: " + exception_text(std::current_exception()));
  }
}

Result<BatchReport> transfer_batch(const TransferBatchOptions& options) {
  try {
    return run_transfer(options);
  } catch (...) {
    return internal_error("transferring vouchers failed: " + exception_text(std::current_exception()));
  }
}

}  // namespace iotonb::factory
