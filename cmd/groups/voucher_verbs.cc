// iotonb voucher sign | verify | inspect (and the same under `voucher request`).
#include "groups/voucher_verbs.h"

#include "artifact/signed_voucher.h"
#include "artifact/voucher_describe.h"
#include "artifact/voucher_verify.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/files.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/oids.h"
#include "pki/verify.h"

namespace iotonb::cli::groups::voucher {
namespace {

using artifact::VoucherForm;
using artifact::VoucherKind;
using json = nlohmann::ordered_json;

std::string other_verb(VoucherKind kind) {
  return kind == VoucherKind::voucher ? "iotonb voucher request" : "iotonb voucher";
}

Result<artifact::SignedVoucher> open_file(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, artifact::kMaxVoucherInput));
  auto sv = artifact::open_voucher(data);
  if (!sv) return sv.error().context(core::input_name(path));
  return sv;
}

Status check_kind(const artifact::SignedVoucher& sv, VoucherKind kind, const std::string& path, const std::string& verb) {
  if (sv.voucher && sv.voucher->kind() != kind)
    return usage_error(core::input_name(path) + " is a " + std::string(artifact::kind_name(sv.voucher->kind())) +
                       "; use '" + other_verb(kind) + " " + verb + "'");
  return {};
}

Result<core::UnixTime> time_or_now(const std::string& option, const std::string& value) {
  if (value.empty()) return core::now();
  auto t = core::parse_time(value);
  if (!t) return usage_error(option + ": " + t.error().message);
  return t;
}

}  // namespace

Status run_sign(const SignOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  IOTONB_ASSIGN_OR_RETURN(auto sv, open_file(o.file));
  if (sv.form != VoucherForm::json && sv.form != VoucherForm::cbor)
    return usage_error(core::input_name(o.file) + " is already signed (" + std::string(artifact::form_name(sv.form)) +
                       "); sign the unsigned JSON or CBOR that 'create' writes");
  if (sv.payload_error) return sv.payload_error->context(core::input_name(o.file));
  IOTONB_RETURN_IF_ERROR(check_kind(sv, o.kind, o.file, "sign"));

  artifact::VoucherSignOptions so;
  so.form = o.form == "jws" ? VoucherForm::jws : o.form == "cose" ? VoucherForm::cose : VoucherForm::cms;
  core::X509Ptr cert;
  std::vector<core::X509Ptr> chain;
  if (!o.cert.empty()) {
    IOTONB_ASSIGN_OR_RETURN(cert, pki::read_certificate(o.cert));
  }
  for (const auto& f : o.chain) {
    IOTONB_ASSIGN_OR_RETURN(auto list, pki::read_certificates(f));
    for (auto& c : list) chain.push_back(std::move(c));
  }
  if (!cert && (so.form != VoucherForm::cose || o.cose_header == "x5chain" || o.cose_header == "x5bag") &&
      so.form != VoucherForm::jws)
    return usage_error("--cert is required for --form " + o.form +
                       (so.form == VoucherForm::cose ? " with --cose-header " + o.cose_header : std::string()));
  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD", o.key, "Key password"));
  IOTONB_ASSIGN_OR_RETURN(auto signer, pki::open_signer(o.key, password ? &*password : nullptr));
  if (cert && !pki::same_public_key(X509_get0_pubkey(cert.get()), signer->key()))
    return usage_error(o.cert + " does not hold the public key of " + o.key);

  const artifact::Voucher& v = *sv.voucher;
  if (v.kind() == VoucherKind::request && v.has("prior-signed-voucher-request") &&
      (!cert || !pki::has_extended_key_usage(cert.get(), pki::oid::kCmcRa)))
    return usage_error((cert ? o.cert : std::string("the signer")) +
                       " lacks id-kp-cmcRA: a registrar voucher request must be signed with the registrar's "
                       "certificate (RFC 8995 5.5)");

  so.certificate = cert.get();
  for (const auto& c : chain) so.chain.push_back(c.get());
  so.cms_id_data = o.cms_content_type == "id-data";
  if (!o.signing_time.empty()) {
    IOTONB_ASSIGN_OR_RETURN(so.signing_time, time_or_now("--signing-time", o.signing_time));
  }
  so.cose_hint = o.cose_header == "x5bag"  ? envelope::cose::KeyHint::x5bag
                 : o.cose_header == "kid"  ? envelope::cose::KeyHint::kid
                 : o.cose_header == "none" ? envelope::cose::KeyHint::none
                                           : envelope::cose::KeyHint::x5chain;
  if (!o.kid.empty()) {
    auto kid = core::from_hex(o.kid);
    if (!kid) return usage_error("--kid: " + kid.error().message);
    so.kid = std::move(kid).value();
  }
  IOTONB_ASSIGN_OR_RETURN(Bytes signed_voucher, artifact::sign_voucher(v, *signer, so));
  IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(signed_voucher), o.force));
  if (!o.out.empty() && o.out != "-")
    ctx.info("wrote " + std::string(artifact::media_type(so.form)) + " " + std::string(artifact::kind_name(o.kind)) +
             " to " + o.out);
  return {};
}

Status run_verify(const VerifyOptions& o, Context& ctx) {
  artifact::VoucherVerifyOptions vo;
  std::vector<core::X509Ptr> anchors, intermediates, domain;
  std::vector<core::EvpPkeyPtr> keys;
  for (const auto& f : o.trust) {
    IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(f, 1 << 20));
    if (auto certs = pki::parse_certificates(data)) {
      for (auto& c : *certs) anchors.push_back(std::move(c));
    } else if (auto key = pki::parse_public_key(data)) {
      keys.push_back(std::move(key).value());
    } else {
      return input_error(core::input_name(f) + ": --trust takes certificates or a public key");
    }
  }
  for (const auto& f : o.untrusted) {
    IOTONB_ASSIGN_OR_RETURN(auto list, pki::read_certificates(f));
    for (auto& c : list) intermediates.push_back(std::move(c));
  }
  if (!o.domain_cert.empty()) {
    IOTONB_ASSIGN_OR_RETURN(domain, pki::read_certificates(o.domain_cert));
  }
  for (const auto& c : anchors) vo.trust.push_back(c.get());
  for (const auto& k : keys) vo.trust_keys.push_back(k.get());
  for (const auto& c : intermediates) vo.untrusted.push_back(c.get());
  if (!domain.empty()) {
    vo.domain_cert = domain.front().get();
    for (std::size_t i = 1; i < domain.size(); ++i) vo.domain_chain.push_back(domain[i].get());
  }
  IOTONB_ASSIGN_OR_RETURN(vo.at, time_or_now("--at", o.at));
  if (!o.serial.empty()) vo.serial = o.serial;
  if (!o.nonce.empty()) vo.nonce = o.nonce;

  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(o.file, artifact::kMaxVoucherInput));
  auto result = artifact::verify_voucher(data, vo);
  if (!result) return result.error().context(core::input_name(o.file));
  IOTONB_RETURN_IF_ERROR(check_kind(result->opened, o.kind, o.file, "verify"));

  const artifact::Check* failed = result->first_failure();
  if (o.format == "json") {
    json checks = json::array();
    for (const auto& c : result->checks)
      checks.push_back({{"name", c.name},
                        {"result", c.result == artifact::CheckResult::pass   ? "pass"
                                   : c.result == artifact::CheckResult::fail ? "fail"
                                                                             : "skip"},
                        {"detail", c.detail}});
    json out{{"file", core::input_name(o.file)},
             {"type", artifact::kind_name(result->opened.voucher ? result->opened.voucher->kind() : o.kind)},
             {"form", artifact::form_name(result->opened.form)},
             {"at", core::format_rfc3339(vo.at)},
             {"valid", failed == nullptr},
             {"checks", std::move(checks)}};
    print_description(ctx, out, Format::json);
  } else {
    for (const auto& c : result->checks)
      ctx.debug("  " + c.name + ": " + (c.result == artifact::CheckResult::pass ? "pass" : c.result == artifact::CheckResult::fail ? "FAIL" : "skip") +
                (c.detail.empty() ? "" : " (" + c.detail + ")"));
    if (!failed) {
      std::string serial = result->opened.voucher ? result->opened.voucher->serial_number().value_or("") : "";
      *ctx.out << core::input_name(o.file) << ": OK (" << artifact::form_name(result->opened.form) << " "
               << artifact::kind_name(o.kind) << (serial.empty() ? "" : ", serial-number " + serial)
               << (result->signer ? ", signed by " + pki::name_to_string(X509_get_subject_name(result->signer.get())) : "")
               << ")\n";
    }
  }
  if (failed) return verify_error(core::input_name(o.file) + ": " + failed->name + ": " + failed->detail);
  return {};
}

Status run_inspect(const InspectOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(o.files));
  std::vector<artifact::SignedVoucher> opened;
  for (const auto& f : files) {
    IOTONB_ASSIGN_OR_RETURN(auto sv, open_file(f));
    opened.push_back(std::move(sv));
  }
  // Everything is read before anything is printed, so a bad second file leaves no output.
  std::string diag;
  std::vector<json> described;
  for (std::size_t i = 0; i < opened.size(); ++i) {
    if (o.format == "diag") {
      auto text = artifact::voucher_diagnostic(opened[i], true);
      if (!text) return text.error().context(core::input_name(files[i]));
      diag += (i ? "\n" : "") + *text;
      continue;
    }
    json d = artifact::describe_voucher(opened[i]);
    if (files.size() > 1) d["file"] = core::input_name(files[i]);
    described.push_back(std::move(d));
  }
  print_inspection(ctx, described, diag, o.format);
  return {};
}

}  // namespace iotonb::cli::groups::voucher
