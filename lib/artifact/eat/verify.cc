#include "artifact/eat/verify.h"

#include <cmath>

#include "core/encoding.h"
#include "pki/name.h"
#include "pki/parse_cache.h"
#include "pki/verify.h"

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Type;
using core::cbor::Value;
namespace cose = envelope::cose;

void add(std::vector<Check>& checks, std::string name, CheckResult r, std::string detail) {
  checks.push_back({std::move(name), r, std::move(detail)});
}

// The signature with each known key; the first key that verifies wins. With one key its own
// error is the detail, so "unsupported algorithm -999" reaches the user as it is.
void check_known_keys(std::vector<Check>& checks, const cose::Sign1& msg, const VerifyOptions& opts) {
  std::optional<Error> first;
  for (const EVP_PKEY* key : opts.keys) {
    Status s = cose::verify_sign1(msg, key, opts.external_aad);
    if (s) {
      add(checks, "signature", CheckResult::pass, "signed by a --key");
      add(checks, "signer-chain", CheckResult::pass, "the signer's key is a --key");
      return;
    }
    if (!first) first = s.error();
  }
  add(checks, "signature", CheckResult::fail,
      opts.keys.size() == 1 ? first->message
                            : "signature does not verify with any of the " + std::to_string(opts.keys.size()) +
                                  " keys (first: " + first->message + ")");
  add(checks, "signer-chain", CheckResult::skip, "no signer");
}

void check_x5chain(std::vector<Check>& checks, const cose::Sign1& msg, const VerifyOptions& opts) {
  auto chain = cose::x5chain(msg);
  if (!chain || chain->empty()) {
    add(checks, "signature", CheckResult::fail,
        chain ? "no --key given and the token carries no x5chain to verify it with" : chain.error().message);
    add(checks, "signer-chain", CheckResult::skip, "no signer");
    return;
  }
  std::vector<core::X509Ptr> certs;
  for (std::size_t i = 0; i < chain->size(); ++i) {
    auto cert = pki::parse_certificate_der_cached((*chain)[i]);
    if (!cert) {
      add(checks, "signature", CheckResult::fail, "x5chain[" + std::to_string(i) + "]: " + cert.error().message);
      add(checks, "signer-chain", CheckResult::skip, "no signer");
      return;
    }
    certs.push_back(std::move(*cert));
  }
  const X509* leaf = certs.front().get();
  const std::string subject = pki::name_to_string(X509_get_subject_name(leaf));
  if (Status s = cose::verify_sign1(msg, X509_get0_pubkey(leaf), opts.external_aad); !s) {
    add(checks, "signature", CheckResult::fail, s.error().message + " (x5chain[0] " + subject + ")");
    add(checks, "signer-chain", CheckResult::skip, "no signer");
    return;
  }
  add(checks, "signature", CheckResult::pass, "signed by " + subject);
  if (opts.trust.empty()) {
    add(checks, "signer-chain", CheckResult::fail, "no --trust anchor given for the token's x5chain");
    return;
  }
  pki::ChainCheck cc;
  cc.trust = opts.trust;
  for (std::size_t i = 1; i < certs.size(); ++i) cc.untrusted.push_back(certs[i].get());
  cc.at = opts.at;
  auto path = pki::verify_chain(leaf, cc);
  if (!path) add(checks, "signer-chain", CheckResult::fail, path.error().message);
  else
    add(checks, "signer-chain", CheckResult::pass,
        "chains to " + std::to_string(path->size()) + " certificate(s) at " + core::format_rfc3339(opts.at));
}

std::optional<core::UnixTime> numeric_date(const Value* v) {
  if (!v) return std::nullopt;
  if (auto i = v->as_int64()) return *i;
  if (v->type() == Type::floating && std::isfinite(v->as_double()) && std::fabs(v->as_double()) < 1e15)
    return static_cast<core::UnixTime>(std::floor(v->as_double()));
  return std::nullopt;
}

void check_nonce(std::vector<Check>& checks, const Value& claims, const VerifyOptions& opts) {
  if (!opts.nonce) {
    add(checks, "nonce", CheckResult::skip, "no nonce given");
    return;
  }
  const Value* n = claim(claims, label::nonce);
  if (!n) n = claim(claims, label::psa1_nonce);
  if (!n) {
    add(checks, "nonce", CheckResult::fail, "the token has no nonce, expected " + core::to_hex(*opts.nonce));
    return;
  }
  std::vector<const Value*> candidates;
  if (n->type() == Type::array)
    for (const Value& x : n->as_array()) candidates.push_back(&x);
  else
    candidates.push_back(n);
  for (const Value* c : candidates)
    if (c->type() == Type::bytes && c->as_bytes() == *opts.nonce) {
      add(checks, "nonce", CheckResult::pass, core::to_hex(*opts.nonce));
      return;
    }
  const Value* first = candidates.empty() ? nullptr : candidates.front();
  add(checks, "nonce", CheckResult::fail,
      "nonce " + (first && first->type() == Type::bytes ? core::to_hex(first->as_bytes()) : std::string("(none)")) +
          " is not the nonce sent (" + core::to_hex(*opts.nonce) + ")");
}

void check_times(std::vector<Check>& checks, const Value& claims, const VerifyOptions& opts) {
  // Formatted only for a failure's message: the passing path is what a registrar runs per device.
  auto at = [&opts] { return core::format_rfc3339(opts.at); };
  auto iat = numeric_date(claim(claims, label::iat));
  if (!iat) add(checks, "iat", CheckResult::skip, "absent");
  else if (*iat > opts.at + opts.skew)
    add(checks, "iat", CheckResult::fail, "issued at " + core::format_rfc3339(*iat) + ", after the verification time " + at());
  else add(checks, "iat", CheckResult::pass, core::format_rfc3339(*iat));
  auto nbf = numeric_date(claim(claims, label::nbf));
  if (!nbf) add(checks, "nbf", CheckResult::skip, "absent");
  else if (opts.at + opts.skew < *nbf)
    add(checks, "nbf", CheckResult::fail, "not valid before " + core::format_rfc3339(*nbf) + " (verification time " + at() + ")");
  else add(checks, "nbf", CheckResult::pass, core::format_rfc3339(*nbf));
  auto exp = numeric_date(claim(claims, label::exp));
  if (!exp) add(checks, "exp", CheckResult::skip, "absent");
  else if (opts.at - opts.skew >= *exp)
    add(checks, "exp", CheckResult::fail, "expired at " + core::format_rfc3339(*exp) + " (verification time " + at() + ")");
  else add(checks, "exp", CheckResult::pass, core::format_rfc3339(*exp));
}

}  // namespace

const Check* Verification::find(std::string_view name) const {
  for (const auto& c : checks)
    if (c.name == name) return &c;
  return nullptr;
}

Verification verify_token(Token token, const VerifyOptions& opts) {
  Verification out;
  auto& checks = out.checks;
  checks.reserve(7);
  if (token.claims_error) add(checks, "claims", CheckResult::fail, token.claims_error->message);
  else add(checks, "claims", CheckResult::pass, std::to_string(token.claims.as_map().size()) + " claims, profile " +
                                                  std::string(profile_name(token.profile)));
  if (!opts.keys.empty()) check_known_keys(checks, token.message, opts);
  else check_x5chain(checks, token.message, opts);
  if (token.claims_error) {
    for (const char* name : {"nonce", "iat", "nbf", "exp"}) add(checks, name, CheckResult::skip, "no claims");
  } else {
    check_nonce(checks, token.claims, opts);
    check_times(checks, token.claims, opts);
  }
  out.token = std::move(token);
  return out;
}

Result<Verification> verify_token(ByteView data, const VerifyOptions& opts) {
  IOTONB_ASSIGN_OR_RETURN(Token token, decode_token(data));
  return verify_token(std::move(token), opts);
}

}  // namespace iotonb::artifact::eat
