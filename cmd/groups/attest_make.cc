// iotonb attest create | evidence: a token from a claims file, or evidence from a device
// description, signed with the key a KEYREF names.
#include <filesystem>

#include "artifact/eat/claims_file.h"
#include "artifact/eat/evidence.h"
#include "artifact/eat/token.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/files.h"
#include "groups/attest_verbs.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/signer.h"

namespace iotonb::cli::groups::attest {
namespace {

namespace eat = artifact::eat;
using core::cbor::Value;

Result<eat::CreateOptions> header_options(const SignOptions& o) {
  eat::CreateOptions co;
  if (!o.cert.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(o.cert));
    co.hint = envelope::cose::KeyHint::x5chain;
    for (const auto& c : certs) co.certificates.push_back(pki::certificate_der(c.get()));
  } else if (!o.kid.empty()) {
    co.hint = envelope::cose::KeyHint::kid;
    co.kid = Bytes(o.kid.begin(), o.kid.end());
  }
  return co;
}

// Signs claims and writes the token in the form asked for; everything that can fail is done
// before the output is opened, so a failure never leaves a partial file.
Status sign_and_write(const Value& claims, const SignOptions& o, Context& ctx, const std::string& what) {
  IOTONB_ASSIGN_OR_RETURN(eat::CreateOptions co, header_options(o));
  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD", o.key,
                                                               "Attestation key password"));
  IOTONB_ASSIGN_OR_RETURN(auto signer, pki::open_signer(o.key, password ? &*password : nullptr));
  auto token = eat::create_token(claims, *signer, co);
  if (!token) return token.error().context(what);
  std::string text;
  if (o.format == "hex") text = core::to_hex(*token) + "\n";
  else if (o.format == "base64") text = core::to_base64(*token) + "\n";
  else text.assign(token->begin(), token->end());
  IOTONB_RETURN_IF_ERROR(write_result(o.out, text, o.force));
  if (!o.out.empty() && o.out != "-") ctx.info("wrote the token (" + std::to_string(token->size()) + " octets) to " + o.out);
  return {};
}

// Adds or replaces one claim.
void set_claim(Value& claims, std::int64_t label, Value v) {
  for (auto& kv : claims.as_map())
    if (kv.first.as_int64() == label) {
      kv.second = std::move(v);
      return;
    }
  claims.as_map().emplace_back(Value::integer(label), std::move(v));
}

Status apply_profile(Value& claims, const std::string& profile) {
  if (profile != "psa2") return {};
  namespace l = eat::label;
  if (const Value* p = eat::claim(claims, l::eat_profile);
      p && !(p->type() == core::cbor::Type::text && p->as_text() == eat::kPsa2Profile))
    return usage_error("--profile psa2: the claims file names another eat_profile");
  set_claim(claims, l::eat_profile, Value::text(std::string(eat::kPsa2Profile)));
  // The claims PSA profile 2 makes mandatory (boot seed and certification reference are optional).
  for (std::int64_t needed : {l::nonce, l::ueid, l::psa_client_id, l::psa_lifecycle, l::psa_implementation_id,
                              l::psa_sw_components})
    if (!eat::claim(claims, needed))
      return usage_error("--profile psa2: the claims lack " + std::string(eat::find_claim(needed)->name));
  return {};
}

}  // namespace

Result<Bytes> parse_nonce(const std::string& text) {
  auto nonce = eat::parse_binary(text);
  if (!nonce) return usage_error("--nonce: " + nonce.error().message);
  IOTONB_RETURN_IF_ERROR(eat::check_nonce_size(*nonce, "--nonce"));
  return nonce;
}

Status run_create(const CreateOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.sign.out, o.sign.force));
  IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(o.claims, eat::kMaxClaimsFileSize));
  auto claims = eat::read_claims(as_chars(text));
  if (!claims) return claims.error().context(core::input_name(o.claims));
  if (!o.sign.nonce.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes nonce, parse_nonce(o.sign.nonce));
    set_claim(*claims, eat::label::nonce, Value::bytes(std::move(nonce)));
  }
  IOTONB_RETURN_IF_ERROR(apply_profile(*claims, o.profile));
  return sign_and_write(*claims, o.sign, ctx, core::input_name(o.claims));
}

Status run_evidence(const EvidenceOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.sign.out, o.sign.force));
  IOTONB_ASSIGN_OR_RETURN(Bytes nonce, parse_nonce(o.sign.nonce));
  IOTONB_ASSIGN_OR_RETURN(core::UnixTime now, resolve_now(o.now));
  IOTONB_ASSIGN_OR_RETURN(auto claims, eat::evidence_claims_from_file(o.device, nonce, now));
  return sign_and_write(claims, o.sign, ctx, core::input_name(o.device));
}

}  // namespace iotonb::cli::groups::attest
