// The registrar's MUD enforcement (RFC 8520 1.5, ARCHITECTURE "compile MUD policy"): when a
// device whose IDevID names a MUD URL enrolls, its MUD file and signature are fetched
// (service/mud_fetch.h), verified against the configured MUD trust anchors and the IDevID's
// mudSigner, and compiled with the owner's local policy for the address the device enrolled
// from (artifact/mud/compile.h). The rules go to the policy folder, one ruleset per device and
// one for the whole site, and the outcome is recorded with the device (store::MudRecord).
//
// A file that cannot be fetched or fails verification is never used: the device's verdict is
// "failed" with the reason, it is compiled for the quarantine segment (only the local policy's
// segments.quarantine.allow flows) and its network profile names network.quarantine-segment.
// The operator's `registrar devices quarantine` recompiles a device the same way.
//
// Files (written atomically; the target decides the suffix):
//   nftables: DEVICE.nft and site.nft (table inet iotonb_mud, `nft -f site.nft` replaces it)
//   iptables: DEVICE.iptables, DEVICE.ip6tables, site.iptables and site.ip6tables
// DEVICE is the serial when it is a valid device id (artifact/mud/address.h), else
// "device-" and a digest of it.
//
// DEVICE files hold the device compiled alone (peers from the local policy); the site file is
// compiled from every record at once (artifact::mud::compile_site), so same-manufacturer and
// model peers include the other devices. When two records name the same address (a device
// that left and another that got its address), the newer one has it and the older is left out
// of the site. The store is the source of truth: the site is compiled from its records each
// time, so the server and an operator command (another process) never undo each other.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "artifact/mud/compile.h"
#include "artifact/mud/local_policy.h"
#include "core/ossl.h"
#include "core/result.h"
#include "service/mud_fetch.h"
#include "service/registrar_config.h"
#include "store/registrar_store.h"

namespace iotonb::service {

inline constexpr const char* kMudVerified = "verified";
inline constexpr const char* kMudFailed = "failed";

class MudEnforcement {
 public:
  // Reads the trust anchors and the local policy, takes the segment names from the network
  // profile (the local policy gives their VLANs), and writes the site ruleset for the devices
  // already recorded. Usage errors name the registrar.yaml key.
  static Result<std::unique_ptr<MudEnforcement>> create(const MudConfig& config, const NetworkProfile& network,
                                                        store::RegistrarStore& store);

  // A device enrolled with idevid from address: fetch, verify, compile, write and record.
  // nullopt when the IDevID names no MUD URL. Errors only for what the registrar itself
  // failed at (writing rules, its store); the device's failures are the record's verdict.
  Result<std::optional<store::MudRecord>> device_enrolled(const std::string& serial, const X509* idevid,
                                                          const std::string& address);

  // The operator quarantined or revoked the device: compiles its recorded policy for the
  // quarantine segment and writes the rules. An input error when it has no MUD record.
  Result<store::MudRecord> quarantine(const std::string& serial);

  // Whether the device's last MUD verdict puts it in the quarantine segment.
  bool quarantined(const std::string& serial);
  // How many times this process has compiled the site file (concurrent enrollments share one).
  std::uint64_t site_compiles() const { return site_compiles_.load(); }

 private:
  // The folder-relative file names of a device's rules (first: the main one).
  std::vector<std::string> device_files(const std::string& serial) const;
  // A record's MUD file, parsed once per check (the site is compiled from every record). Shared,
  // so a site compile keeps the files it reads while a newer check replaces them here.
  struct Parsed {
    core::UnixTime checked_at = -1;
    std::shared_ptr<const artifact::mud::MudFile> file;
  };

  MudEnforcement(const MudConfig& config, store::RegistrarStore& store) : config_(config), store_(store) {}
  MudFetchOptions fetch_options(const std::optional<core::X509NamePtr>& mud_signer, core::UnixTime at) const;
  // Under mutex_. keep holds the parsed file the input points to.
  Result<artifact::mud::CompileInput> input_for(const store::MudRecord& record,
                                                std::shared_ptr<const artifact::mud::MudFile>& keep);
  artifact::mud::CompileOptions compile_options() const;
  Status write_device(const store::MudRecord& record, const artifact::mud::DevicePolicy& policy);
  // Brings the site file up to date with every record stored so far. Compiling the site reads
  // every record, so concurrent callers share one compile: a caller whose record a compile
  // already in progress may have missed waits for the next one, which starts after it and
  // serves every caller waiting by then. Returns the status of the compile that covered it.
  Status refresh_site();
  Status write_site();
  Result<store::MudRecord> apply(store::MudRecord record);

  MudConfig config_;
  store::RegistrarStore& store_;
  std::vector<core::X509Ptr> trust_, tls_trust_;
  artifact::mud::LocalPolicy local_;
  std::mutex mutex_;  // parsed_ and the device rules files
  std::map<std::string, Parsed> parsed_;
  // refresh_site's state: requests are numbered; a compile serves those made before it started.
  std::mutex site_mutex_;
  std::condition_variable site_done_;
  std::uint64_t site_requested_ = 0;
  std::uint64_t site_served_ = 0;
  bool site_compiling_ = false;
  Status site_status_;
  std::atomic<std::uint64_t> site_compiles_{0};
};

// The device id a serial compiles under (see above).
std::string mud_device_id(const std::string& serial);

}  // namespace iotonb::service
