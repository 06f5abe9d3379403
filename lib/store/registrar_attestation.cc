// The registrar store's attestation records (registrar_store.h): nonces handed to pledges for
// their evidence and each device's latest appraisal.
#include "store/registrar_store.h"
#include "store/statement_cache.h"

namespace iotonb::store {

Status RegistrarStore::issue_attestation_nonce(std::string_view serial, std::string_view idevid_sha256,
                                               std::string_view nonce_hex, core::UnixTime at) {
  std::lock_guard lock(mutex_);
  return run(db_, statements_,
             "INSERT INTO attestation_nonces (nonce_hex, serial, idevid_sha256, issued_at) VALUES (?1, ?2, ?3, ?4)",
             {nonce_hex, serial, idevid_sha256, at});
}

Result<NonceUse> RegistrarStore::use_attestation_nonce(std::string_view nonce_hex, std::string_view serial,
                                                       std::string_view idevid_sha256, core::UnixTime at,
                                                       std::int64_t lifetime) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  NonceUse use = NonceUse::unknown;
  {
    IOTONB_ASSIGN_OR_RETURN(
        Bound st, prepared(db_, statements_,
                           "SELECT serial, idevid_sha256, issued_at, used_at FROM attestation_nonces WHERE nonce_hex = ?1",
                           {nonce_hex}));
    IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
    if (row) {
      if (st->column_text(0) != serial || st->column_text(1) != idevid_sha256)
        use = NonceUse::other_device;
      else if (st->column_int(3) != 0)
        use = NonceUse::used;
      else if (at - st->column_int(2) > lifetime)
        use = NonceUse::expired;
      else
        use = NonceUse::fresh;
    }
  }
  if (use != NonceUse::fresh) return use;  // the transaction rolls back: nothing changed
  IOTONB_RETURN_IF_ERROR(
      run(db_, statements_, "UPDATE attestation_nonces SET used_at = ?2 WHERE nonce_hex = ?1", {nonce_hex, at}));
  IOTONB_RETURN_IF_ERROR(tx.commit());
  return use;
}

Status RegistrarStore::record_attestation(const AttestationRecord& r) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(Transaction tx, Transaction::begin(db_));
  IOTONB_RETURN_IF_ERROR(run(db_, statements_,
                             "INSERT OR REPLACE INTO attestations (serial, idevid_sha256, verdict, appraisal, attested_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5)",
                             {r.serial, r.idevid_sha256, r.verdict, r.appraisal, r.attested_at}));
  IOTONB_RETURN_IF_ERROR(
      run(db_, statements_,
          "INSERT INTO reports (serial, kind, at, status, reason, body) VALUES (?1, 'attestation', ?2, ?3, ?4, ?5)",
          {r.serial, r.attested_at, r.verdict == "contraindicated" ? 0 : 1, r.verdict, r.appraisal}));
  return tx.commit();
}

Result<std::optional<AttestationRecord>> RegistrarStore::attestation(std::string_view serial) {
  std::lock_guard lock(mutex_);
  IOTONB_ASSIGN_OR_RETURN(
      Bound st, prepared(db_, statements_,
                         "SELECT serial, idevid_sha256, verdict, appraisal, attested_at FROM attestations WHERE serial = ?1",
                         {serial}));
  IOTONB_ASSIGN_OR_RETURN(bool row, st->step());
  if (!row) return std::optional<AttestationRecord>();
  return std::optional<AttestationRecord>(
      AttestationRecord{st->column_text(0), st->column_text(1), st->column_text(2), st->column_text(3), st->column_int(4)});
}

}  // namespace iotonb::store
