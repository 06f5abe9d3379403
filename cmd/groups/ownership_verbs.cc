// iotonb ownership verify | inspect | prove | check, and the input helpers every ownership
// verb shares.
#include "groups/ownership_verbs.h"

#include <openssl/crypto.h>

#include "artifact/fdo/describe.h"
#include "artifact/fdo/proof.h"
#include "artifact/fdo/verify.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/files.h"
#include "factory/ownership_batch.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/signer.h"

namespace iotonb::cli::groups::ownership {

namespace fdo = artifact::fdo;
using json = nlohmann::ordered_json;

namespace {

std::string without_scheme(const std::string& ref) { return ref.rfind("file:", 0) == 0 ? ref.substr(5) : ref; }

const char* result_name(artifact::CheckResult r) {
  return r == artifact::CheckResult::pass ? "pass" : r == artifact::CheckResult::fail ? "fail" : "skip";
}

// "file" or "file: voucher 2" when the file holds several.
std::string voucher_name(const std::string& file, std::size_t index, std::size_t count) {
  return count > 1 ? core::input_name(file) + ": voucher " + std::to_string(index + 1) : core::input_name(file);
}

Result<std::unique_ptr<pki::Signer>> open_owner_key(const std::string& ref, const std::string& password_file) {
  IOTONB_ASSIGN_OR_RETURN(auto password,
                          existing_key_password(password_file, "IOTONB_KEY_PASSWORD", ref, "Owner key password"));
  return pki::open_signer(ref, password ? &*password : nullptr);
}

}  // namespace

// --- Shared input helpers -------------------------------------------------------------------

Result<std::vector<fdo::OwnershipVoucher>> read_voucher_file(const std::string& path, bool* pem) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, factory::kMaxVoucherFileSize));
  if (pem) *pem = core::looks_like_pem(data);
  auto vouchers = fdo::read_vouchers(data);
  if (!vouchers) return vouchers.error().context(core::input_name(path));
  return vouchers;
}

Result<fdo::OwnershipVoucher> read_one_voucher(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(auto vouchers, read_voucher_file(path));
  if (vouchers.size() != 1)
    return usage_error(core::input_name(path) + " holds " + std::to_string(vouchers.size()) +
                       " vouchers; this command takes a file with one");
  return std::move(vouchers.front());
}

Result<fdo::DeviceCredential> read_credential_file(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, fdo::kMaxCredentialSize));
  auto dc = fdo::decode_credential(data);
  OPENSSL_cleanse(data.data(), data.size());
  if (!dc) return dc.error().context(core::input_name(path));
  return dc;
}

Result<core::EvpPkeyPtr> read_public_key(const std::string& path, const std::string& option) {
  const std::string file = without_scheme(path);
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(file, 1 << 20));
  if (pki::is_encrypted_private_key(data))
    return usage_error(option + " " + file + ": an encrypted private key; give its certificate or public key");
  auto key = pki::parse_public_key(data);
  OPENSSL_cleanse(data.data(), data.size());
  if (!key)
    return input_error(option + " " + file + ": not a certificate, public key or private key (" + key.error().message + ")");
  return key;
}

std::vector<core::X509Ptr> certificates_in(const std::string& path) {
  auto data = core::read_input(without_scheme(path), 1 << 20);
  if (!data || pki::is_encrypted_private_key(*data)) return {};
  auto certs = pki::parse_certificates(*data);
  OPENSSL_cleanse(data->data(), data->size());
  if (!certs) return {};
  return std::move(certs).value();
}

Result<std::int64_t> parse_key_encoding(const std::string& name) {
  if (name == "x509") return fdo::pk_encoding::x509;
  if (name == "x5chain") return fdo::pk_encoding::x5chain;
  if (name == "cosekey") return fdo::pk_encoding::cosekey;
  return usage_error("--key-encoding: unknown encoding \"" + name + "\" (x509, x5chain or cosekey)");
}

Result<Bytes> parse_nonce(const std::string& option, const std::string& hex) {
  auto nonce = core::from_hex(hex);
  if (!nonce) return usage_error(option + ": not hex: " + nonce.error().message);
  if (nonce->size() != fdo::kNonceSize)
    return usage_error(option + ": the nonce must be " + std::to_string(fdo::kNonceSize) + " octets (" +
                       std::to_string(2 * fdo::kNonceSize) + " hex digits), not " + std::to_string(nonce->size()));
  return nonce;
}

Result<core::UnixTime> time_or_now(const std::string& option, const std::string& value) {
  if (value.empty()) return core::now();
  auto t = core::parse_time(value);
  if (!t) return usage_error(option + ": " + t.error().message);
  return t;
}

// --- verify ---------------------------------------------------------------------------------

Status run_verify(const VerifyOptions& o, Context& ctx) {
  fdo::VerifyOptions vo;
  IOTONB_ASSIGN_OR_RETURN(vo.at, time_or_now("--at", o.at));
  std::optional<fdo::DeviceCredential> credential;
  SecretBytes secret;
  core::EvpPkeyPtr manufacturer, owner;
  if (!o.device_credential.empty()) {
    IOTONB_ASSIGN_OR_RETURN(credential, read_credential_file(o.device_credential));
    vo.credential = &*credential;
  }
  if (!o.hmac_secret_file.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes raw, core::read_input(o.hmac_secret_file, 4096));
    secret = SecretBytes(as_chars(raw));
    OPENSSL_cleanse(raw.data(), raw.size());
    if (secret.empty()) return input_error(core::input_name(o.hmac_secret_file) + ": the HMAC secret file is empty");
    vo.hmac_secret = &secret;
  }
  if (!o.manufacturer.empty()) {
    IOTONB_ASSIGN_OR_RETURN(manufacturer, read_public_key(o.manufacturer, "--manufacturer"));
    vo.manufacturer = manufacturer.get();
  }
  if (!o.owner.empty()) {
    IOTONB_ASSIGN_OR_RETURN(owner, read_public_key(o.owner, "--owner"));
    vo.owner = owner.get();
  }
  bool pem = false;
  IOTONB_ASSIGN_OR_RETURN(auto vouchers, read_voucher_file(o.file, &pem));

  std::optional<Error> first;
  for (std::size_t i = 0; i < vouchers.size(); ++i) {
    const fdo::OwnershipVoucher& v = vouchers[i];
    const std::string name = voucher_name(o.file, i, vouchers.size());
    const fdo::Verification result = fdo::verify(v, vo);
    const artifact::Check* failed = result.first_failure();
    if (o.format == "json") {
      json checks = json::array();
      for (const auto& c : result.checks)
        checks.push_back({{"name", c.name}, {"result", result_name(c.result)}, {"detail", c.detail}});
      json out{{"file", core::input_name(o.file)}};
      if (vouchers.size() > 1) out["voucher"] = i + 1;
      out["type"] = "fdo-ownership-voucher";
      out["form"] = pem ? "pem" : "cbor";
      out["guid"] = fdo::guid_text(v.header.guid);
      out["at"] = core::format_rfc3339(vo.at);
      out["valid"] = failed == nullptr;
      out["checks"] = std::move(checks);
      print_description(ctx, out, Format::json);
    } else {
      std::string skipped;
      for (const auto& c : result.checks) {
        ctx.debug("  " + c.name + ": " + (c.result == artifact::CheckResult::fail ? "FAIL" : result_name(c.result)) +
                  (c.detail.empty() ? "" : " (" + c.detail + ")"));
        if (c.result == artifact::CheckResult::skip && c.name != "entries") skipped += " " + c.name;
      }
      if (!failed)
        *ctx.out << name << ": OK (FDO ownership voucher, GUID " << fdo::guid_text(v.header.guid) << ", "
                 << v.entries.size() << (v.entries.size() == 1 ? " entry" : " entries")
                 << (skipped.empty() ? "" : "; not checked:" + skipped) << ")\n";
    }
    if (failed && !first) first = verify_error(name + ": " + failed->name + ": " + failed->detail);
  }
  if (first) return *first;
  return {};
}

// --- inspect --------------------------------------------------------------------------------

namespace {

// The credential in diagnostic notation with its secrets replaced by "<redacted: ...>": the
// layout's other items decoded one by one from their own octets, so the secret never reaches
// a printer.
Result<std::string> credential_diagnostic(ByteView data, const fdo::DeviceCredential& dc) {
  auto items = core::cbor::array_items(data);
  if (!items) return items.error().context("device credential");
  const bool fdo_layout = dc.layout == fdo::DeviceCredential::Layout::fdo;
  const std::size_t secret_at = fdo_layout ? 2 : 6;
  std::string out = "[";
  for (std::size_t i = 0; i < items->size(); ++i) {
    out += i ? ",\n  " : "\n  ";
    if (i == secret_at) {
      out += fdo_layout ? "<redacted: DCHmacSecret, " + std::to_string(dc.hmac_secret.size()) + " octets>"
                        : "<redacted: device secrets (fdo-rs), HMAC secret of " + std::to_string(dc.hmac_secret.size()) +
                              " octets>";
      continue;
    }
    auto item = core::cbor::decode((*items)[i]);
    if (!item) return item.error().context("device credential item " + std::to_string(i));
    out += core::cbor::diagnostic(*item);
  }
  return out + "\n]";
}

}  // namespace

Status run_inspect(const InspectOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(o.files));
  // Everything is read before anything is printed, so a bad second file leaves no output.
  std::vector<json> described;
  std::string diag;
  for (const auto& file : files) {
    IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(file, factory::kMaxVoucherFileSize));
    const std::string name = core::input_name(file);
    if (fdo::looks_like_credential(data) || !fdo::looks_like_voucher(data)) {
      auto dc = fdo::decode_credential(data);
      if (dc) {
        if (o.format == "diag") {
          auto text = credential_diagnostic(data, *dc);
          OPENSSL_cleanse(data.data(), data.size());
          if (!text) return text.error().context(name);
          diag += (diag.empty() ? "" : "\n") + *text + "\n";
          continue;
        }
        OPENSSL_cleanse(data.data(), data.size());
        json d = fdo::describe_credential(*dc);
        if (files.size() > 1) d["file"] = name;
        described.push_back(std::move(d));
        continue;
      }
      if (fdo::looks_like_credential(data)) return dc.error().context(name);
    }
    auto vouchers = fdo::read_vouchers(data);
    if (!vouchers) {
      if (!fdo::looks_like_voucher(data))
        return input_error(name + ": neither an FDO ownership voucher nor a device credential (" +
                           vouchers.error().message + ")");
      return vouchers.error().context(name);
    }
    for (std::size_t i = 0; i < vouchers->size(); ++i) {
      if (o.format == "diag") {
        diag += (diag.empty() ? "" : "\n") + fdo::voucher_diagnostic((*vouchers)[i], true) + "\n";
        continue;
      }
      json d = fdo::describe_voucher((*vouchers)[i]);
      if (files.size() > 1) d["file"] = name;
      if (vouchers->size() > 1) d["voucher"] = i + 1;
      described.push_back(std::move(d));
    }
  }
  print_inspection(ctx, described, diag, o.format);
  return {};
}

// --- prove / check --------------------------------------------------------------------------

Status run_prove(const ProveOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  IOTONB_ASSIGN_OR_RETURN(Bytes nonce, parse_nonce("--nonce", o.nonce));
  IOTONB_ASSIGN_OR_RETURN(auto v, read_one_voucher(o.voucher));
  IOTONB_ASSIGN_OR_RETURN(auto signer, open_owner_key(o.owner_key, o.key_password_file));
  auto proof = fdo::prove(v, *signer, nonce);
  if (!proof) return proof.error().context(core::input_name(o.voucher));
  IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(*proof), o.force));
  if (!o.out.empty() && o.out != "-")
    ctx.info("wrote the ownership proof for GUID " + fdo::guid_text(v.header.guid) + " to " + o.out);
  return {};
}

Status run_check(const CheckOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Bytes nonce, parse_nonce("--nonce", o.nonce));
  IOTONB_ASSIGN_OR_RETURN(core::UnixTime at, time_or_now("--at", o.at));
  IOTONB_ASSIGN_OR_RETURN(auto dc, read_credential_file(o.device_credential));
  IOTONB_ASSIGN_OR_RETURN(auto v, read_one_voucher(o.voucher));
  IOTONB_ASSIGN_OR_RETURN(Bytes proof, core::read_input(o.proof, fdo::kMaxVoucherSize));
  if (Status s = fdo::check_proof(v, dc, proof, nonce, at); !s) return s.error().context(core::input_name(o.proof));
  *ctx.out << "ownership proven (GUID " << fdo::guid_text(v.header.guid) << ", " << v.entries.size()
           << (v.entries.size() == 1 ? " entry" : " entries") << ")\n";
  return {};
}

}  // namespace iotonb::cli::groups::ownership
