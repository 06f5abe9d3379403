// The pledge's persistent state, one folder per device (`iotonb enroll --state DIR`): the
// birth identity `iotonb idevid mint` wrote (idevid.crt, idevid.key, chain.pem; never
// touched here) and what onboarding gave it (RFC 8995 5.6, 5.9; RFC 7030 4.1, 4.2):
//
//   voucher.vcj | voucher.cose  the voucher as received (CMS or COSE)
//   ldevid.key                  the LDevID private key, PKCS#8 PEM, mode 0600
//   ldevid.crt                  the LDevID certificate (and any chain the registrar sent)
//   domain-ca.pem               the domain CA certificates (/cacerts)
//   network-profile.json        the network profile the registrar returned
//   enrollment.json             registrar URL, times, serials, voucher and LDevID summary
//
// The enrollment files change together or not at all: they are written into DIR/.tmp-*,
// that folder is renamed to DIR/.commit-* (the commit point), then each file is renamed into
// DIR and the folder removed. Whoever opens the state next finishes a .commit-* folder and
// deletes a .tmp-* one, so a crash at any point leaves the old set or the new set. (No fsync:
// rename is atomic with respect to a killed process; the same trade as lib/factory makes.)
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace iotonb::protocol {

inline constexpr const char* kIdevidCertFile = "idevid.crt";
inline constexpr const char* kIdevidKeyFile = "idevid.key";
inline constexpr const char* kChainFile = "chain.pem";
inline constexpr const char* kVoucherCmsFile = "voucher.vcj";
inline constexpr const char* kVoucherCoseFile = "voucher.cose";
inline constexpr const char* kLdevidKeyFile = "ldevid.key";
inline constexpr const char* kLdevidCertFile = "ldevid.crt";
inline constexpr const char* kDomainCaFile = "domain-ca.pem";
inline constexpr const char* kNetworkProfileFile = "network-profile.json";
inline constexpr const char* kEnrollmentFile = "enrollment.json";

// idevid.crt, idevid.key, chain.pem: what a wipe keeps.
bool is_birth_file(std::string_view name);

// The birth identity. Defaults: DIR/idevid.crt and DIR/idevid.key (a key reference as
// pki::open_signer takes it), and DIR/chain.pem when it is there.
struct BirthIdentity {
  core::X509Ptr idevid;
  std::vector<core::X509Ptr> chain;  // chain.pem without self-signed roots (sent to peers)
  std::unique_ptr<pki::Signer> key;
  std::string serial;  // subject serialNumber
};
Result<BirthIdentity> load_birth_identity(const std::string& dir, const std::string& cert_path = "",
                                          const std::string& key_ref = "", const SecretBytes* password = nullptr);

// enrollment.json. Keys as written (stable, documented in iotonb-enroll(1)).
struct EnrollmentRecord {
  std::string registrar;           // URL enrolled through; --renew uses it
  std::string serial;              // the device serial
  std::string idevid_fingerprint;  // SHA-256 hex
  std::string enrolled_at;         // RFC 3339
  std::string renewed_at;          // "" until the first renewal
  int renewals = 0;
  std::string voucher_file;        // voucher.vcj or voucher.cose
  std::string voucher_assertion;
  std::string voucher_created_on;
  std::string voucher_expires_on;  // "" when absent
  std::string nonce;               // hex
  std::string key_type;            // of the LDevID key
  std::string ldevid_serial;       // hex
  std::string ldevid_subject;
  std::string ldevid_issuer;
  std::string ldevid_fingerprint;  // SHA-256 hex
  std::string ldevid_not_before;
  std::string ldevid_not_after;

  nlohmann::ordered_json to_json() const;
  static Result<EnrollmentRecord> from_json(const nlohmann::json& j);
};

struct EnrollmentFiles {
  EnrollmentRecord record;
  Bytes voucher;  // written as record.voucher_file
  std::string ldevid_key_pem;
  std::string ldevid_cert_pem;
  std::string domain_ca_pem;
  std::string network_profile;  // JSON text
};

// A new enrollment: every enrollment file replaced in one commit (a voucher of the other
// form is removed in the same commit).
Status write_enrollment(const std::string& dir, const EnrollmentFiles& files);
// A renewal: ldevid.key, ldevid.crt and enrollment.json replaced in one commit.
Status write_renewal(const std::string& dir, const std::string& ldevid_key_pem, const std::string& ldevid_cert_pem,
                     const EnrollmentRecord& record);

struct StoredEnrollment {
  EnrollmentRecord record;
  core::X509Ptr ldevid;
  std::vector<core::X509Ptr> ldevid_chain;  // what followed the LDevID in ldevid.crt
  core::EvpPkeyPtr ldevid_key;
  std::vector<core::X509Ptr> domain_ca;
  Bytes voucher;
  std::string network_profile;  // JSON text; "" when the file is absent
};
// The current enrollment, or nullopt when the device is not enrolled (no enrollment.json).
// A damaged or inconsistent set (key not matching the certificate) is an input error.
Result<std::optional<StoredEnrollment>> read_enrollment(const std::string& dir);

// Finishes a commit that reached its commit point and discards one that did not.
Status recover(const std::string& dir);

// Holds DIR (flock) so that two iotonb processes never change one device's state at once.
class StateLock {
 public:
  static Result<StateLock> acquire(const std::string& dir);
  StateLock(StateLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  StateLock& operator=(StateLock&&) = delete;
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;
  ~StateLock();

 private:
  explicit StateLock(int fd) : fd_(fd) {}
  int fd_;
};

// Removes everything in DIR but the birth identity, and returns the names removed (sorted).
// DIR must look like a device state (idevid.crt or enrollment.json in it). Without force,
// entries that are not part of the layout above make it refuse (a usage error naming them)
// before anything is removed; with force they go too.
Result<std::vector<std::string>> wipe(const std::string& dir, bool force);

}  // namespace iotonb::protocol
