#include "protocol/device_state.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "artifact/voucher_inputs.h"
#include "core/encoding.h"
#include "core/files.h"
#include "core/json.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::protocol {
namespace {

namespace fs = std::filesystem;

constexpr const char* kTempPrefix = ".tmp-";
constexpr const char* kCommitPrefix = ".commit-";
constexpr const char* kRemoveList = ".remove";  // inside a commit folder: names to delete

// Every file name of the layout (device_state.h) besides the birth identity.
constexpr const char* kEnrollmentNames[] = {kVoucherCmsFile,  kVoucherCoseFile,     kLdevidKeyFile, kLdevidCertFile,
                                            kDomainCaFile,    kNetworkProfileFile, kEnrollmentFile};

std::string errno_text(int err) { return std::strerror(err); }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

struct NewFile {
  std::string name;
  std::string data;
  mode_t mode = 0644;
};

Status write_file(const fs::path& path, std::string_view data, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return io_error(path.string() + ": " + errno_text(errno));
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return io_error(path.string() + ": " + errno_text(err));
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0) return io_error(path.string() + ": " + errno_text(errno));
  return {};
}

Result<std::string> random_tag() {
  Bytes b(8);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return internal_error("no random bytes: " + core::openssl_errors());
  return core::to_hex(b);
}

// Moves every file of a commit folder into dir, deletes the names on its remove list, and
// removes the folder. Idempotent, so recover() can run it again after a crash halfway.
Status apply_commit(const fs::path& dir, const fs::path& folder) {
  std::error_code ec;
  std::vector<std::string> remove;
  if (fs::exists(folder / kRemoveList, ec)) {
    auto list = core::read_input((folder / kRemoveList).string());
    if (!list) return list.error();
    std::string text(as_chars(*list));
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t nl = text.find('\n', pos);
      if (nl == std::string::npos) nl = text.size();
      if (nl > pos) remove.push_back(text.substr(pos, nl - pos));
      pos = nl + 1;
    }
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder, ec)) {
    std::string name = entry.path().filename().string();
    if (name != kRemoveList) names.push_back(name);
  }
  if (ec) return io_error(folder.string() + ": " + ec.message());
  // enrollment.json last: a reader that sees the new record sees the new files too.
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return (a == kEnrollmentFile) != (b == kEnrollmentFile) ? b == kEnrollmentFile : a < b;
  });
  for (const auto& name : names) {
    if (::rename((folder / name).c_str(), (dir / name).c_str()) != 0)
      return io_error((dir / name).string() + ": " + errno_text(errno));
  }
  for (const auto& name : remove) {
    if (name.find('/') != std::string::npos || is_birth_file(name)) continue;  // never outside DIR, never birth
    if (::unlink((dir / name).c_str()) != 0 && errno != ENOENT)
      return io_error((dir / name).string() + ": " + errno_text(errno));
  }
  fs::remove_all(folder, ec);
  if (ec) return io_error(folder.string() + ": " + ec.message());
  return {};
}

// Writes files as one commit (see the header).
Status commit(const std::string& dir, const std::vector<NewFile>& files, const std::vector<std::string>& remove) {
  IOTONB_RETURN_IF_ERROR(recover(dir));
  IOTONB_ASSIGN_OR_RETURN(std::string tag, random_tag());
  const fs::path base(dir);
  const fs::path temp = base / (kTempPrefix + tag);
  if (::mkdir(temp.c_str(), 0700) != 0) return io_error(temp.string() + ": " + errno_text(errno));
  auto discard = [&](Error e) {
    std::error_code ec;
    fs::remove_all(temp, ec);
    return e;
  };
  for (const auto& f : files) {
    Status s = write_file(temp / f.name, f.data, f.mode);
    if (!s) return discard(std::move(s).error());
  }
  if (!remove.empty()) {
    std::string list;
    for (const auto& r : remove) list += r + "\n";
    Status s = write_file(temp / kRemoveList, list, 0600);
    if (!s) return discard(std::move(s).error());
  }
  const fs::path committed = base / (kCommitPrefix + tag);
  if (::rename(temp.c_str(), committed.c_str()) != 0) return discard(io_error(committed.string() + ": " + errno_text(errno)));
  return apply_commit(base, committed);
}

Result<std::string> read_text(const fs::path& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes b, core::read_input(path.string()));
  return std::string(as_chars(b));
}

std::string str(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

bool is_birth_file(std::string_view name) { return name == kIdevidCertFile || name == kIdevidKeyFile || name == kChainFile; }

Result<BirthIdentity> load_birth_identity(const std::string& dir, const std::string& cert_path, const std::string& key_ref,
                                          const SecretBytes* password) {
  const fs::path base(dir);
  const std::string cert_file = cert_path.empty() ? (base / kIdevidCertFile).string() : cert_path;
  const std::string key_file = key_ref.empty() ? (base / kIdevidKeyFile).string() : key_ref;
  BirthIdentity id;
  {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(cert_file));
    if (certs.empty()) return input_error(cert_file + ": no certificate");
    id.idevid = std::move(certs.front());
    // A bundle: what follows the IDevID is its chain.
    for (std::size_t i = 1; i < certs.size(); ++i) id.chain.push_back(std::move(certs[i]));
  }
  auto serial = artifact::idevid_serial_number(id.idevid.get());
  if (!serial) return input_error(cert_file + ": the subject has no serialNumber (RFC 8995 2.3.1), not an IDevID");
  id.serial = *serial;
  const fs::path chain_file = cert_path.empty() ? base / kChainFile : fs::path(cert_path).parent_path() / kChainFile;
  std::error_code ec;
  if (id.chain.empty() && fs::exists(chain_file, ec)) {
    IOTONB_ASSIGN_OR_RETURN(auto chain, pki::read_certificates(chain_file.string()));
    for (auto& c : chain) {
      // Roots are the peer's trust anchors, not something to send.
      if (X509_check_issued(c.get(), c.get()) == X509_V_OK) continue;
      id.chain.push_back(std::move(c));
    }
  }
  {
    auto signer = pki::open_signer(key_file, password);
    if (!signer) return signer.error().context("IDevID key");
    id.key = std::move(*signer);
  }
  if (!pki::same_public_key(id.key->key(), X509_get0_pubkey(id.idevid.get())))
    return input_error(key_file + ": the key is not the IDevID's (" + cert_file + ")");
  return id;
}

nlohmann::ordered_json EnrollmentRecord::to_json() const {
  nlohmann::ordered_json j;
  j["registrar"] = registrar;
  j["serial-number"] = serial;
  j["idevid-fingerprint"] = idevid_fingerprint;
  j["enrolled-at"] = enrolled_at;
  if (!renewed_at.empty()) j["renewed-at"] = renewed_at;
  j["renewals"] = renewals;
  j["voucher"] = {{"file", voucher_file},
                  {"assertion", voucher_assertion},
                  {"created-on", voucher_created_on},
                  {"nonce", nonce}};
  if (!voucher_expires_on.empty()) j["voucher"]["expires-on"] = voucher_expires_on;
  j["ldevid"] = {{"serial", ldevid_serial},         {"subject", ldevid_subject},
                 {"issuer", ldevid_issuer},         {"fingerprint", ldevid_fingerprint},
                 {"not-before", ldevid_not_before}, {"not-after", ldevid_not_after},
                 {"key-type", key_type}};
  return j;
}

Result<EnrollmentRecord> EnrollmentRecord::from_json(const nlohmann::json& j) {
  if (!j.is_object()) return input_error("not a JSON object");
  EnrollmentRecord r;
  r.registrar = str(j, "registrar");
  r.serial = str(j, "serial-number");
  if (r.registrar.empty()) return input_error("registrar: missing");
  if (r.serial.empty()) return input_error("serial-number: missing");
  r.idevid_fingerprint = str(j, "idevid-fingerprint");
  r.enrolled_at = str(j, "enrolled-at");
  r.renewed_at = str(j, "renewed-at");
  if (auto it = j.find("renewals"); it != j.end() && it->is_number_integer()) r.renewals = it->get<int>();
  if (auto it = j.find("voucher"); it != j.end() && it->is_object()) {
    r.voucher_file = str(*it, "file");
    r.voucher_assertion = str(*it, "assertion");
    r.voucher_created_on = str(*it, "created-on");
    r.voucher_expires_on = str(*it, "expires-on");
    r.nonce = str(*it, "nonce");
  }
  if (r.voucher_file != kVoucherCmsFile && r.voucher_file != kVoucherCoseFile)
    return input_error("voucher.file: \"" + r.voucher_file + "\" is not " + kVoucherCmsFile + " or " + kVoucherCoseFile);
  if (auto it = j.find("ldevid"); it != j.end() && it->is_object()) {
    r.ldevid_serial = str(*it, "serial");
    r.ldevid_subject = str(*it, "subject");
    r.ldevid_issuer = str(*it, "issuer");
    r.ldevid_fingerprint = str(*it, "fingerprint");
    r.ldevid_not_before = str(*it, "not-before");
    r.ldevid_not_after = str(*it, "not-after");
    r.key_type = str(*it, "key-type");
  }
  return r;
}

Status write_enrollment(const std::string& dir, const EnrollmentFiles& files) {
  const auto& r = files.record;
  if (r.voucher_file != kVoucherCmsFile && r.voucher_file != kVoucherCoseFile)
    return usage_error("enrollment: voucher file must be " + std::string(kVoucherCmsFile) + " or " + kVoucherCoseFile);
  std::vector<NewFile> set = {
      {r.voucher_file, std::string(as_chars(files.voucher)), 0644},
      {kLdevidKeyFile, files.ldevid_key_pem, 0600},
      {kLdevidCertFile, files.ldevid_cert_pem, 0644},
      {kDomainCaFile, files.domain_ca_pem, 0644},
      {kNetworkProfileFile, files.network_profile, 0644},
      {kEnrollmentFile, r.to_json().dump(2) + "\n", 0644},
  };
  std::vector<std::string> remove;
  for (const char* name : kEnrollmentNames) {
    bool kept = std::any_of(set.begin(), set.end(), [&](const NewFile& f) { return f.name == name; });
    if (!kept) remove.emplace_back(name);
  }
  if (files.network_profile.empty()) {
    set.erase(std::remove_if(set.begin(), set.end(), [](const NewFile& f) { return f.name == kNetworkProfileFile; }),
              set.end());
    remove.emplace_back(kNetworkProfileFile);
  }
  return commit(dir, set, remove);
}

Status write_renewal(const std::string& dir, const std::string& ldevid_key_pem, const std::string& ldevid_cert_pem,
                     const EnrollmentRecord& record) {
  return commit(dir,
                {{kLdevidKeyFile, ldevid_key_pem, 0600},
                 {kLdevidCertFile, ldevid_cert_pem, 0644},
                 {kEnrollmentFile, record.to_json().dump(2) + "\n", 0644}},
                {});
}

Result<std::optional<StoredEnrollment>> read_enrollment(const std::string& dir) {
  const fs::path base(dir);
  std::error_code ec;
  if (!fs::exists(base / kEnrollmentFile, ec)) return std::optional<StoredEnrollment>();
  StoredEnrollment s;
  {
    IOTONB_ASSIGN_OR_RETURN(std::string text, read_text(base / kEnrollmentFile));
    auto j = core::parse_json(text);
    if (!j) return j.error().context((base / kEnrollmentFile).string());
    auto r = EnrollmentRecord::from_json(*j);
    if (!r) return r.error().context((base / kEnrollmentFile).string());
    s.record = std::move(*r);
  }
  {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates((base / kLdevidCertFile).string()));
    if (certs.empty()) return input_error((base / kLdevidCertFile).string() + ": no certificate");
    s.ldevid = std::move(certs.front());
    for (std::size_t i = 1; i < certs.size(); ++i) s.ldevid_chain.push_back(std::move(certs[i]));
  }
  {
    IOTONB_ASSIGN_OR_RETURN(Bytes key, core::read_input((base / kLdevidKeyFile).string()));
    auto parsed = pki::parse_private_key(key, nullptr);
    OPENSSL_cleanse(key.data(), key.size());
    if (!parsed) return parsed.error().context((base / kLdevidKeyFile).string());
    s.ldevid_key = std::move(*parsed);
  }
  if (!pki::same_public_key(s.ldevid_key.get(), X509_get0_pubkey(s.ldevid.get())))
    return input_error((base / kLdevidKeyFile).string() + ": the key is not the LDevID's (" + kLdevidCertFile + ")");
  {
    IOTONB_ASSIGN_OR_RETURN(s.domain_ca, pki::read_certificates((base / kDomainCaFile).string()));
  }
  {
    IOTONB_ASSIGN_OR_RETURN(s.voucher, core::read_input((base / s.record.voucher_file).string()));
  }
  if (fs::exists(base / kNetworkProfileFile, ec)) {
    IOTONB_ASSIGN_OR_RETURN(s.network_profile, read_text(base / kNetworkProfileFile));
  }
  return std::optional<StoredEnrollment>(std::move(s));
}

Status recover(const std::string& dir) {
  const fs::path base(dir);
  std::error_code ec;
  std::vector<fs::path> temps, commits;
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    std::string name = entry.path().filename().string();
    if (starts_with(name, kTempPrefix)) temps.push_back(entry.path());
    else if (starts_with(name, kCommitPrefix)) commits.push_back(entry.path());
  }
  if (ec) return io_error(dir + ": " + ec.message());
  for (const auto& t : temps) {
    fs::remove_all(t, ec);
    if (ec) return io_error(t.string() + ": " + ec.message());
  }
  std::sort(commits.begin(), commits.end());
  for (const auto& c : commits) IOTONB_RETURN_IF_ERROR(apply_commit(base, c));
  return {};
}

Result<StateLock> StateLock::acquire(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return io_error(dir + ": " + errno_text(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK) return io_error(dir + ": another iotonb process is using this device state");
    return io_error(dir + ": cannot lock: " + errno_text(err));
  }
  return StateLock(fd);
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::vector<std::string>> wipe(const std::string& dir, bool force) {
  const fs::path base(dir);
  std::error_code ec;
  if (!fs::is_directory(base, ec)) return io_error(dir + ": not a folder");
  if (!fs::exists(base / kIdevidCertFile, ec) && !fs::exists(base / kEnrollmentFile, ec))
    return usage_error(dir + ": not a device state folder (no " + kIdevidCertFile + " or " + kEnrollmentFile +
                       "); nothing removed");
  std::vector<std::string> known, unknown;
  for (const auto& entry : fs::directory_iterator(base, ec)) {
    std::string name = entry.path().filename().string();
    if (is_birth_file(name)) continue;
    bool ours = starts_with(name, kTempPrefix) || starts_with(name, kCommitPrefix) ||
                std::any_of(std::begin(kEnrollmentNames), std::end(kEnrollmentNames),
                            [&](const char* n) { return name == n; });
    (ours ? known : unknown).push_back(name);
  }
  if (ec) return io_error(dir + ": " + ec.message());
  std::sort(unknown.begin(), unknown.end());
  if (!unknown.empty() && !force) {
    std::string list;
    for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + u;
    return usage_error(dir + ": holds files that are not device state (" + list +
                       "); nothing removed (use --force to remove them too)");
  }
  std::vector<std::string> removed = known;
  removed.insert(removed.end(), unknown.begin(), unknown.end());
  std::sort(removed.begin(), removed.end());
  // enrollment.json first: once it is gone the device is not enrolled, whatever else remains.
  std::stable_partition(removed.begin(), removed.end(), [](const std::string& n) { return n == kEnrollmentFile; });
  for (const auto& name : removed) {
    fs::remove_all(base / name, ec);
    if (ec) return io_error((base / name).string() + ": " + ec.message());
  }
  std::sort(removed.begin(), removed.end());
  return removed;
}

}  // namespace iotonb::protocol
