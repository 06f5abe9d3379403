// iotonb attest verify | inspect | appraise: reading tokens, checking their signature and
// claims, and appraising them against a reference policy.
#include "groups/attest_verbs.h"

#include "artifact/eat/appraise.h"
#include "artifact/eat/describe.h"
#include "artifact/eat/verify.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/ownership_verbs.h"
#include "pki/certificate.h"

namespace iotonb::cli::groups::attest {
namespace {

namespace eat = artifact::eat;
using json = nlohmann::ordered_json;

// A token file holds CBOR or its hex/base64 text.
constexpr std::size_t kMaxTokenFile = 3 * eat::kMaxTokenSize;

const char* result_name(artifact::CheckResult r) {
  return r == artifact::CheckResult::pass ? "pass" : r == artifact::CheckResult::fail ? "fail" : "skip";
}

Result<eat::Token> read_token(const std::string& file) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(file, kMaxTokenFile));
  auto bytes = eat::token_bytes(data);
  if (!bytes) return bytes.error().context(core::input_name(file));
  auto token = eat::decode_token(*bytes);
  if (!token) return token.error().context(core::input_name(file));
  return token;
}

// The keys, anchors and options verify and appraise share; the handles live in Trust.
struct Trust {
  std::vector<core::EvpPkeyPtr> keys;
  std::vector<core::X509Ptr> anchors;
  eat::VerifyOptions options;
};

Result<Trust> load_trust(const CheckOptions& o) {
  if (o.keys.empty() && o.trust.empty())
    return usage_error("give the signer's key (--key) or a trust anchor for the token's x5chain (--trust)");
  Trust t;
  for (const auto& k : o.keys) {
    IOTONB_ASSIGN_OR_RETURN(auto key, ownership::read_public_key(k, "--key"));
    t.keys.push_back(std::move(key));
  }
  for (const auto& f : o.trust) {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(f));
    for (auto& c : certs) t.anchors.push_back(std::move(c));
  }
  for (const auto& k : t.keys) t.options.keys.push_back(k.get());
  for (const auto& c : t.anchors) t.options.trust.push_back(c.get());
  IOTONB_ASSIGN_OR_RETURN(t.options.at, ownership::time_or_now("--at", o.at));
  if (!o.nonce.empty()) {
    IOTONB_ASSIGN_OR_RETURN(t.options.nonce, parse_nonce(o.nonce));
  }
  return t;
}

json checks_json(const std::vector<artifact::Check>& checks) {
  json out = json::array();
  for (const auto& c : checks) out.push_back({{"name", c.name}, {"result", result_name(c.result)}, {"detail", c.detail}});
  return out;
}

void debug_checks(const Context& ctx, const std::vector<artifact::Check>& checks) {
  for (const auto& c : checks)
    ctx.debug("  " + c.name + ": " + (c.result == artifact::CheckResult::fail ? "FAIL" : result_name(c.result)) +
              (c.detail.empty() ? "" : " (" + c.detail + ")"));
}

}  // namespace

Status run_verify(const CheckOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Trust trust, load_trust(o));
  IOTONB_ASSIGN_OR_RETURN(eat::Token token, read_token(o.file));
  const std::string name = core::input_name(o.file);
  const eat::Verification v = eat::verify_token(std::move(token), trust.options);
  const artifact::Check* failed = v.first_failure();
  if (o.format == "json") {
    json out{{"file", name},
             {"type", "eat"},
             {"profile", std::string(eat::profile_name(v.token.profile))},
             {"at", core::format_rfc3339(trust.options.at)},
             {"valid", failed == nullptr},
             {"checks", checks_json(v.checks)}};
    print_description(ctx, out, Format::json);
  } else {
    debug_checks(ctx, v.checks);
    if (!failed) {
      std::string skipped;
      for (const auto& c : v.checks)
        if (c.result == artifact::CheckResult::skip) skipped += " " + c.name;
      *ctx.out << name << ": OK (" << eat::profile_name(v.token.profile) << " token, " << v.find("signature")->detail
               << (skipped.empty() ? "" : "; not checked:" + skipped) << ")\n";
    }
  }
  if (failed) return verify_error(name + ": " + failed->name + ": " + failed->detail);
  return {};
}

Status run_inspect(const InspectOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(o.files));
  // Everything is read before anything is printed, so a bad second file leaves no output.
  std::vector<eat::Token> tokens;
  for (const auto& f : files) {
    IOTONB_ASSIGN_OR_RETURN(eat::Token t, read_token(f));
    tokens.push_back(std::move(t));
  }
  std::string diag;
  std::vector<json> described;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (o.format == "diag") {
      diag += (i ? "\n" : "") + eat::token_diagnostic(tokens[i]) + "\n";
      continue;
    }
    json d = eat::describe_token(tokens[i]);
    if (files.size() > 1) d["file"] = core::input_name(files[i]);
    described.push_back(std::move(d));
  }
  print_inspection(ctx, described, diag, o.format);
  return {};
}

Status run_appraise(const AppraiseOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Trust trust, load_trust(o.check));
  IOTONB_ASSIGN_OR_RETURN(Bytes policy_text, core::read_input(o.policy, eat::kMaxPolicyFileSize));
  auto policy = eat::read_policy(as_chars(policy_text));
  if (!policy) return policy.error().context(core::input_name(o.policy));
  IOTONB_ASSIGN_OR_RETURN(eat::Token token, read_token(o.check.file));
  const std::string name = core::input_name(o.check.file);
  const eat::Verification v = eat::verify_token(std::move(token), trust.options);
  const eat::Appraisal a = eat::appraise(v, *policy, trust.options.at);
  const std::string verdict(eat::verdict_name(a.verdict));
  if (o.check.format == "json") {
    json appraisal = eat::describe_appraisal(a);
    json out{{"file", name},
             {"verdict", verdict},
             {"profile", std::string(eat::profile_name(v.token.profile))},
             {"at", core::format_rfc3339(trust.options.at)},
             {"claims", std::move(appraisal["claims"])},
             {"checks", checks_json(v.checks)}};
    print_description(ctx, out, Format::json);
  } else {
    debug_checks(ctx, v.checks);
    *ctx.out << name << ": " << verdict << "\n";
    for (const auto& c : a.claims)
      *ctx.out << "  " << c.claim << ": " << eat::verdict_name(c.verdict) << " (" << c.reason << ")\n";
  }
  if (a.verdict == eat::Verdict::affirming) return {};
  for (const auto& c : a.claims)
    if (c.verdict == a.verdict) return verify_error(name + ": " + verdict + ": " + c.claim + ": " + c.reason);
  return verify_error(name + ": " + verdict);
}

}  // namespace iotonb::cli::groups::attest
