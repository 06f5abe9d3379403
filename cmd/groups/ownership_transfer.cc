// iotonb ownership transfer: the current owner signs each voucher over to the next owner's key
// (artifact::fdo::extend), one file or, with --batch, a folder of them on all cores
// (lib/factory/ownership_batch.h).
#include <cstdio>

#include "artifact/fdo/make.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/files.h"
#include "factory/ownership_batch.h"
#include "groups/ownership_verbs.h"
#include "pki/key.h"
#include "pki/signer.h"

namespace iotonb::cli::groups::ownership {
namespace {

namespace fdo = artifact::fdo;

// --to: the next owner's key as a PublicKey in the chosen encoding (X5CHAIN takes the file's
// certificates, leaf first).
Result<fdo::PublicKey> next_owner_key(const TransferOptions& o) {
  IOTONB_ASSIGN_OR_RETURN(std::int64_t encoding, parse_key_encoding(o.key_encoding));
  IOTONB_ASSIGN_OR_RETURN(core::EvpPkeyPtr key, read_public_key(o.to, "--to"));
  std::vector<core::X509Ptr> chain;
  if (encoding == fdo::pk_encoding::x5chain) {
    chain = certificates_in(o.to);
    if (chain.empty())
      return usage_error("--key-encoding x5chain: --to " + o.to + " must hold the new owner's certificate");
  }
  auto next = fdo::make_public_key(key.get(), encoding, chain);
  if (!next) return next.error().context("--to " + o.to);
  return next;
}

Result<std::optional<Bytes>> read_extra(const std::string& path) {
  if (path.empty()) return std::optional<Bytes>();
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, 64 << 10));
  return std::optional<Bytes>(std::move(data));
}

Status check_mode(const TransferOptions& o) {
  if (!o.batch.empty()) {
    if (!o.file.empty()) return usage_error("give either a VOUCHER file or --batch DIR, not both");
    if (!o.out.empty()) return usage_error("--out is for one file; --batch writes into --out-dir");
    if (o.out_dir.empty()) return usage_error("--batch needs --out-dir");
    return {};
  }
  // --jobs alone is harmless (IOTONB_JOBS may be set for 'idevid mint'); an output folder is not.
  if (!o.out_dir.empty()) return usage_error("--out-dir (or IOTONB_OUT_DIR) goes with --batch");
  return core::check_writable(o.out, o.force);
}

std::string rate(double count, double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", seconds > 0 ? count / seconds : 0.0);
  return text;
}

Status run_batch(const TransferOptions& o, Context& ctx, const pki::Signer& owner, fdo::PublicKey next,
                 std::optional<Bytes> extra) {
  factory::TransferBatchOptions bo;
  bo.in_dir = o.batch;
  bo.out_dir = o.out_dir;
  bo.owner = &owner;
  bo.next_owner = std::move(next);
  bo.extra = std::move(extra);
  bo.overwrite = o.force;
  bo.jobs = o.jobs;
  IOTONB_ASSIGN_OR_RETURN(factory::BatchReport report, factory::transfer_batch(bo));
  for (const auto& f : report.failures) *ctx.err << "iotonb: " << f.error.message << '\n';
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", report.seconds);
  ctx.info("transferred " + std::to_string(report.vouchers) + " vouchers in " + std::to_string(report.written) + " of " +
           std::to_string(report.items) + " files from " + o.batch + " into " + o.out_dir + ": " +
           std::to_string(report.failures.size()) + " failed" +
           (report.skipped ? ", " + std::to_string(report.skipped) + " other files skipped" : "") + "; " + seconds +
           " s, " + rate(static_cast<double>(report.vouchers), report.seconds) + " vouchers/s on " +
           std::to_string(report.jobs) + (report.jobs == 1 ? " thread" : " threads"));
  if (!report.ok())
    return verify_error(std::to_string(report.failures.size()) + " of " + std::to_string(report.items) +
                        " voucher files failed (listed above); the others were written");
  return {};
}

}  // namespace

Status run_transfer(const TransferOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(check_mode(o));
  IOTONB_ASSIGN_OR_RETURN(fdo::PublicKey next, next_owner_key(o));
  IOTONB_ASSIGN_OR_RETURN(auto extra, read_extra(o.extra));
  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD", o.owner_key,
                                                               "Owner key password"));
  // Opened once: the batch's workers all sign with this one key.
  IOTONB_ASSIGN_OR_RETURN(auto owner, pki::open_signer(o.owner_key, password ? &*password : nullptr));
  if (!o.batch.empty()) return run_batch(o, ctx, *owner, std::move(next), std::move(extra));

  std::vector<std::string> named;
  if (!o.file.empty()) named.push_back(o.file);
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(named));
  const std::string& file = files.front();
  bool pem = false;
  IOTONB_ASSIGN_OR_RETURN(auto vouchers, read_voucher_file(file, &pem));
  std::string encoded;
  for (std::size_t i = 0; i < vouchers.size(); ++i) {
    auto extended = fdo::extend(vouchers[i], *owner, next, extra);
    if (!extended)
      return extended.error().context(vouchers.size() > 1 ? core::input_name(file) + ": voucher " + std::to_string(i + 1)
                                                          : core::input_name(file));
    if (pem) {
      encoded += fdo::voucher_pem(*extended);
    } else {
      Bytes raw = fdo::encode_voucher(*extended);
      encoded.append(as_chars(raw));
    }
  }
  IOTONB_RETURN_IF_ERROR(write_result(o.out, encoded, o.force));
  ctx.info("transferred " + std::to_string(vouchers.size()) + (vouchers.size() == 1 ? " voucher" : " vouchers") + " to " +
           fdo::pk_type_name(next.type) + " key of " + o.to + (o.out.empty() || o.out == "-" ? "" : "; wrote " + o.out));
  return {};
}

}  // namespace iotonb::cli::groups::ownership
