// The MASA's records in SQLite (RFC 8995 5.5.4, 5.8, 7.4.2): ownership records (which owner,
// identified by its domain CA certificate, bought which serial number, and the IDevID
// fingerprint sold with it) and the audit log of every voucher issued (5.8.1: date,
// domainID, nonce, assertion), which the requestauditlog answer is built from.
//
// Ownership: claim() stores the devices of one purchase in one transaction. A serial that
// already has a record is replaced, because a later purchase of the same device means the
// device was resold: ownership moved to the new owner, and vouchers pin the new domain CA
// from then on. The summary says how many records were new, moved or unchanged.
//
// Thread-safe: every call takes one mutex, since the HTTPS server calls from many threads on
// one connection. WAL journal, synchronous=NORMAL (a crash loses no committed claim or
// audit entry that was written before it; power loss may lose the last ones).
// This layer knows nothing about certificates: callers pass the domainID (base64, 5.8.2)
// and the domain CA DER already computed.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"
#include "store/sqlite.h"

namespace iotonb::store {

struct OwnershipRecord {
  std::string serial;         // the IDevID subject serialNumber
  std::string idevid_sha256;  // lower-case hex SHA-256 of the IDevID certificate DER
  Bytes domain_ca_der;        // the owner's domain CA: what vouchers for this serial pin
  std::string owner;
  std::string purchase_id;
  core::UnixTime claimed_at = 0;
};

struct ClaimSummary {
  std::size_t added = 0;      // serials that had no record
  std::size_t moved = 0;      // serials whose owner or domain CA changed (resale)
  std::size_t unchanged = 0;  // the same purchase loaded again, or the same owner and CA
};

struct AuditEntry {
  std::string serial;
  core::UnixTime date = 0;
  std::string domain_id;  // RFC 8995 5.8.2, base64
  std::string nonce;      // base64 of the voucher's nonce; "" for a nonceless voucher
  std::string assertion;  // "logged", "verified", "proximity"
};

struct AuditLog {
  std::vector<AuditEntry> entries;  // oldest first, at most the limit asked for
  std::size_t total = 0;            // entries the serial has in all
};

class MasaStore {
 public:
  // Opens or creates the store at path (schema created when missing).
  static Result<std::unique_ptr<MasaStore>> open(const std::string& path);

  MasaStore(const MasaStore&) = delete;
  MasaStore& operator=(const MasaStore&) = delete;

  // Stores every record in one transaction (all or nothing). Records must have distinct
  // serials; an existing serial is replaced (ownership moved).
  Result<ClaimSummary> claim(const std::vector<OwnershipRecord>& records);
  Result<std::optional<OwnershipRecord>> find(const std::string& serial);
  Result<std::size_t> ownership_count();

  Status append_audit(const AuditEntry& entry);
  // The latest `limit` entries of serial, oldest first, and how many there are in all.
  Result<AuditLog> audit_log(const std::string& serial, std::size_t limit = 1000);

  const std::string& path() const { return db_.path(); }

 private:
  explicit MasaStore(Database db) : db_(std::move(db)) {}
  Status prepare_statements();
  Result<std::optional<OwnershipRecord>> find_locked(const std::string& serial);

  std::mutex mutex_;
  Database db_;  // before the statements, which must be finalized first
  Statement upsert_;
  Statement by_serial_;
  Statement count_;
  Statement insert_audit_;
  Statement audit_by_serial_;
  Statement audit_count_;
};

}  // namespace iotonb::store
