// The registrar's records, in SQLite: the authorization service's memory (RFC 8995 5.6 and
// 7.4, "the registrar ... decides whether the pledge is allowed to join"). It holds
//   - the allow-list: the devices the owner bought (serial, IDevID fingerprint, purchase
//     record id, owner), loaded from manufacturer-signed purchase records;
//   - one row per device that ever asked to onboard: fingerprints, times, status, the
//     assertion of the voucher the MASA gave, how many times it onboarded;
//   - every LDevID issued to it, with its status (active, replaced, revoked);
//   - the pledge nonces seen per serial, so a replayed pledge voucher request is refused;
//   - an audit trail of the pledge's status telemetry (voucher_status, enrollstatus; RFC 8995
//     5.7, 5.9.4) and of operator actions, with time and body.
//   - for attestation at onboarding (protocol/brski/attestation.h): the nonces handed to
//     pledges for their evidence, each usable once, and each device's latest appraisal.
//   - for device intent (service/mud_policy.h): each device's MUD URL, whether its MUD file
//     verified, the file itself (to recompile without fetching again) and where its rules are.
//
// Durability: WAL with synchronous=NORMAL and one transaction per event; a committed record
// survives the server being killed (SIGKILL), since the WAL is written before commit returns
// (only a power loss can drop the last commits). One connection shared by the server's
// threads behind a mutex: every method is thread-safe. Statements are prepared once per
// store and reused.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "core/time.h"
#include "store/sqlite.h"

namespace iotonb::store {

enum class DeviceStatus { voucher_requested, voucher_issued, enrolled, revoked, quarantined };
std::string_view device_status_name(DeviceStatus status);  // "voucher-requested", ...
Result<DeviceStatus> parse_device_status(std::string_view name);

enum class LdevidStatus { active, replaced, revoked };
std::string_view ldevid_status_name(LdevidStatus status);

struct AllowEntry {
  std::string serial;
  std::string idevid_sha256;  // lower-case hex over the IDevID DER
  std::string purchase_id;
  std::string owner;
  core::UnixTime added_at = 0;
};

struct DeviceRecord {
  std::string serial;
  std::string idevid_sha256;
  std::string ldevid_sha256;      // current LDevID, "" before the first enrollment
  std::string ldevid_serial_hex;  // its certificate serial
  DeviceStatus status = DeviceStatus::voucher_requested;
  std::string status_reason;      // why an operator revoked or quarantined it
  std::string voucher_assertion;  // of the last voucher relayed ("logged", ...)
  core::UnixTime first_seen = 0;
  core::UnixTime enrolled_at = 0;  // last (re)enrollment, 0 when never
  core::UnixTime updated_at = 0;
  std::int64_t onboard_count = 0;  // vouchers relayed to this device (re-onboarding adds one)
};

struct LdevidRecord {
  std::string serial;  // the device
  std::string cert_serial_hex;
  std::string sha256;
  std::string subject;
  core::UnixTime not_after = 0;
  core::UnixTime issued_at = 0;
  LdevidStatus status = LdevidStatus::active;
  core::UnixTime status_at = 0;
};

struct StatusReport {
  std::string serial;
  std::string kind;  // "voucher_status", "enrollstatus", "operator"
  core::UnixTime at = 0;
  bool status = false;
  std::string reason;
  std::string body;  // the JSON as received (or the operator's note)
};

// Attestation at onboarding.
enum class NonceUse { fresh, unknown, other_device, used, expired };

struct AttestationRecord {
  std::string serial;
  std::string idevid_sha256;  // of the IDevID whose key signed the evidence
  std::string verdict;        // "affirming", "warning", "contraindicated"
  std::string appraisal;      // JSON: the verdict and reason for each claim
  core::UnixTime attested_at = 0;
};

// The MUD policy applied to a device at onboarding.
struct MudRecord {
  std::string serial;
  std::string mud_url;
  std::string verdict;    // "verified" or "failed"
  std::string reason;     // why it failed ("" when verified)
  std::string addresses;  // the device addresses the rules were compiled for, comma-separated
  std::string segment;    // the network segment the rules put it in
  std::string mud_file;   // the verified file's exact text; "" when it failed
  std::string rules_file; // the compiled per-device ruleset
  core::UnixTime checked_at = 0;
};

class RegistrarStore {
 public:
  // Opens (creating when missing) the store at path.
  static Result<std::unique_ptr<RegistrarStore>> open(const std::string& path);

  const std::string& path() const { return db_.path(); }

  // Allow-list. Adding a serial already listed replaces its entry (a newer purchase record).
  // Returns how many entries were new.
  Result<std::size_t> allow(const std::vector<AllowEntry>& entries);
  Result<std::optional<AllowEntry>> allowed(std::string_view serial);
  Result<std::vector<AllowEntry>> allow_list();

  // Remembers nonce for serial; false when it was seen before (a replay), nothing changes then.
  Result<bool> remember_nonce(std::string_view serial, std::string_view nonce_hex, core::UnixTime at);
  Result<bool> nonce_seen(std::string_view serial, std::string_view nonce_hex);
  // Forgets a nonce remembered for a request that got no voucher (the MASA refused or could
  // not be reached), so the pledge may send the same request again.
  Status forget_nonce(std::string_view serial, std::string_view nonce_hex);

  // A pledge asked for a voucher: creates the device row or moves it to voucher-requested
  // (re-onboarding). A revoked or quarantined device keeps its status (the caller refuses it).
  Status voucher_requested(std::string_view serial, std::string_view idevid_sha256, core::UnixTime at);
  // The MASA's voucher was relayed: voucher-issued, assertion kept, onboard_count + 1.
  Status voucher_issued(std::string_view serial, std::string_view assertion, core::UnixTime at);
  // An LDevID was issued: every other active LDevID of the device becomes replaced, the new
  // one is recorded active, the device becomes enrolled. One transaction.
  Status enrolled(const LdevidRecord& ldevid, core::UnixTime at);
  // Operator action: revoked (its LDevIDs become revoked too) or quarantined; reason goes to
  // the audit trail. An input-kind error when the serial has no device row.
  Status set_status(std::string_view serial, DeviceStatus status, std::string_view reason, core::UnixTime at);

  Status add_report(const StatusReport& report);

  // A nonce handed to a pledge for its evidence (hex; unique).
  Status issue_attestation_nonce(std::string_view serial, std::string_view idevid_sha256, std::string_view nonce_hex,
                                 core::UnixTime at);
  // Takes a nonce that came back in evidence: fresh (and marked used, in the same
  // transaction) only when it was issued to this serial and IDevID, never used, and at most
  // lifetime seconds before at.
  Result<NonceUse> use_attestation_nonce(std::string_view nonce_hex, std::string_view serial,
                                         std::string_view idevid_sha256, core::UnixTime at, std::int64_t lifetime);
  // The device's latest appraisal, replacing the one before; the verdict also goes to the
  // audit trail (kind "attestation").
  Status record_attestation(const AttestationRecord& record);
  Result<std::optional<AttestationRecord>> attestation(std::string_view serial);

  // The device's MUD policy, replacing the one before; the verdict also goes to the audit
  // trail (kind "mud").
  Status record_mud(const MudRecord& record);
  Result<std::optional<MudRecord>> mud(std::string_view serial);
  Result<std::vector<MudRecord>> mud_records();

  Result<std::optional<DeviceRecord>> device(std::string_view serial);
  Result<std::vector<DeviceRecord>> devices();
  Result<std::size_t> device_count();
  Result<std::vector<LdevidRecord>> ldevids(std::string_view serial);
  Result<std::optional<LdevidRecord>> ldevid_by_sha256(std::string_view sha256);
  Result<std::vector<StatusReport>> reports(std::string_view serial);

 private:
  explicit RegistrarStore(Database db) : db_(std::move(db)) {}
  Result<std::optional<DeviceRecord>> device_locked(std::string_view serial);

  std::mutex mutex_;
  Database db_;
  // Statements prepared once and reused, by SQL text; used under mutex_ only. Declared after
  // db_ so they are finalized before the connection closes.
  std::unordered_map<std::string, Statement> statements_;
};

}  // namespace iotonb::store
