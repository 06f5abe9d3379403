#include "artifact/eat/appraise.h"

#include "artifact/eat/claims_check.h"
#include "core/encoding.h"

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Type;
using core::cbor::Value;

class Verdicts {
 public:
  explicit Verdicts(Appraisal& a) : a_(a) {}
  void add(std::string claim, Verdict v, std::string reason) {
    if (v > a_.verdict) a_.verdict = v;
    a_.claims.push_back({std::move(claim), v, std::move(reason)});
  }
  void absent(const std::string& claim, const std::string& what) {
    add(claim, Verdict::warning, "not stated by the token; the policy expects " + what);
  }

 private:
  Appraisal& a_;
};

std::string show(const Value& v) {
  if (v.type() == Type::bytes) return "hex:" + core::to_hex(v.as_bytes());
  return core::cbor::diagnostic(v);
}

void expect_equal(Verdicts& r, const Value& claims, std::int64_t label, const char* name, const Value& expected) {
  const Value* v = claim(claims, label);
  if (!v) r.absent(name, show(expected));
  else if (*v == expected) r.add(name, Verdict::affirming, show(expected));
  else r.add(name, Verdict::contraindicated, show(*v) + " is not the expected " + show(expected));
}

// Every digest the token states: iotonb digest measurements (273) and PSA software components
// (2399, -75006). Other measurement formats are named so the caller can warn about them.
struct Digest {
  std::string name;
  Bytes value;
};

void collect(const Value& claims, std::vector<Digest>& out, std::vector<std::string>& unreadable) {
  if (const Value* m = claim(claims, label::measurements); m && m->type() == Type::array) {
    for (const Value& item : m->as_array()) {
      const auto& a = item.as_array();  // shape checked by check_claims
      if (a[0].raw_integer() != kDigestMeasurementFormat) {
        unreadable.push_back("content-type " + std::to_string(a[0].raw_integer()));
        continue;
      }
      auto inner = core::cbor::decode(a[1].as_bytes(), token_limits());
      const Value* digest = inner && inner->type() == Type::map ? inner->find(sw_component::value) : nullptr;
      if (!digest || digest->type() != Type::bytes) {
        unreadable.push_back("a malformed digest measurement");
        continue;
      }
      const Value* name = inner->find(sw_component::type);
      out.push_back({name && name->type() == Type::text ? name->as_text() : "", digest->as_bytes()});
    }
  }
  for (std::int64_t l : {label::psa_sw_components, label::psa1_sw_components})
    if (const Value* c = claim(claims, l); c && c->type() == Type::array)
      for (const Value& comp : c->as_array()) {
        const Value* name = comp.find(sw_component::type);
        out.push_back({name && name->type() == Type::text ? name->as_text() : "",
                       comp.find(sw_component::value)->as_bytes()});
      }
}

std::string count_of(std::size_t n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// A submodule (where) need not state what the policy asks of the whole device: its rules
// give verdicts only for the claims it states. At the top level, where is "".
void appraise_measurements(Verdicts& r, const Value& claims, const Policy& p, const std::string& where = "") {
  const std::string name = where + "measurements";
  std::vector<Digest> digests;
  std::vector<std::string> unreadable;
  collect(claims, digests, unreadable);
  if (digests.empty() && unreadable.empty()) {
    if (where.empty()) r.absent(name, count_of(p.measurements.size(), "reference digest", "reference digests"));
    return;
  }
  std::string bad;
  for (const Digest& d : digests)
    if (!p.allowed_measurement(d.value))
      bad += (bad.empty() ? "" : ", ") + (d.name.empty() ? std::string() : d.name + " ") + "hex:" + core::to_hex(d.value);
  if (!bad.empty()) {
    r.add(name, Verdict::contraindicated, "not in the reference list: " + bad);
    return;
  }
  if (!unreadable.empty()) {
    std::string what;
    for (const auto& u : unreadable) what += (what.empty() ? "" : ", ") + u;
    r.add(name, Verdict::warning, "measurements iotonb cannot appraise: " + what);
    return;
  }
  r.add(name, Verdict::affirming, count_of(digests.size(), "digest", "digests") + " in the reference list");
}

void appraise_swversion(Verdicts& r, const Value& claims, const Policy& p) {
  const Value* v = claim(claims, label::swversion);
  if (!v) {
    r.absent("swversion", "one of the allowed versions");
    return;
  }
  const std::string& version = v->as_array()[0].as_text();  // shape checked by check_claims
  for (const auto& allowed : p.swversions)
    if (allowed == version) {
      r.add("swversion", Verdict::affirming, version);
      return;
    }
  r.add("swversion", Verdict::warning, "software version " + version + " is not in the allowed list (quarantine)");
}

void appraise_debug(Verdicts& r, const Value& claims, const std::string& where = "") {
  const Value* v = claim(claims, label::dbgstat);
  if (!v) {
    if (where.empty()) r.absent("dbgstat", "debug disabled");
    return;
  }
  const std::string state(dbgstat_name(v->raw_integer()).value_or("?"));
  if (v->raw_integer() == 0) r.add(where + "dbgstat", Verdict::contraindicated, "debug is enabled");
  else r.add(where + "dbgstat", Verdict::affirming, state);
}

void appraise_oemboot(Verdicts& r, const Value& claims, const std::string& where = "") {
  const Value* v = claim(claims, label::oemboot);
  if (!v) {
    if (where.empty()) r.absent("oemboot", "true (secure boot)");
    return;
  }
  if (!v->as_bool())
    r.add(where + "oemboot", Verdict::contraindicated, "the device did not boot the manufacturer's firmware (oemboot false)");
  else r.add(where + "oemboot", Verdict::affirming, "true");
}

// Submodules (RFC 9711 4.2.18) report the state of parts of the device: a radio's debug port,
// a co-processor's firmware. Whatever the policy demands of the device's state (debug
// disabled, secure boot, firmware in the reference list) holds for every part that states it,
// so a part in debug mode is not hidden behind a healthy main module. Identity rules (hwmodel,
// oemid, eat_profile, swversion) describe the whole device and stay at the top. A nested
// token or detached digest is not opened here, so nothing it says is proven: a warning when
// the policy has any state rule. check_claims bounded the nesting.
void appraise_submods(Verdicts& r, const Value& claims, const Policy& p, const std::string& where) {
  const Value* submods = claim(claims, label::submods);
  if (!submods) return;
  const bool state_rules = p.require_debug_disabled || p.require_oemboot || !p.measurements.empty();
  for (const auto& [name, sub] : submods->as_map()) {  // shape checked by check_claims
    const std::string at = where + "submods." + name.as_text() + ".";
    if (sub.type() != Type::map) {
      if (state_rules)
        r.add(at.substr(0, at.size() - 1), Verdict::warning,
              std::string(sub.type() == Type::array ? "a detached digest" : "a nested token") +
                  " iotonb does not open: the state it reports is not appraised");
      continue;
    }
    if (!p.measurements.empty()) appraise_measurements(r, sub, p, at);
    if (p.require_debug_disabled) appraise_debug(r, sub, at);
    if (p.require_oemboot) appraise_oemboot(r, sub, at);
    appraise_submods(r, sub, p, at);
  }
}

void appraise_age(Verdicts& r, const Value& claims, std::int64_t max_age, core::UnixTime at) {
  const Value* v = claim(claims, label::iat);
  auto iat = v ? v->as_int64() : std::nullopt;
  if (!iat && v && v->type() == Type::floating) iat = static_cast<std::int64_t>(v->as_double());
  if (!iat) return r.absent("iat", "a time of issue at most " + std::to_string(max_age) + " s old");
  if (at - *iat > max_age)
    r.add("iat", Verdict::contraindicated, "the evidence is " + std::to_string(at - *iat) + " s old, more than the " +
                                               std::to_string(max_age) + " s allowed");
  else r.add("iat", Verdict::affirming, std::to_string(at - *iat) + " s old");
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::warning: return "warning";
    case Verdict::contraindicated: return "contraindicated";
    case Verdict::affirming: break;
  }
  return "affirming";
}

Appraisal appraise_claims(const Value& claims, const Policy& p, core::UnixTime at) {
  Appraisal a;
  Verdicts r(a);
  // The rules below read claims by their checked shapes; a caller that did not verify first
  // gets a verdict, not a crash.
  if (Status s = check_claims(claims); !s) {
    r.add("claims", Verdict::contraindicated, s.error().message);
    return a;
  }
  if (p.hwmodel) expect_equal(r, claims, label::hwmodel, "hwmodel", Value::bytes(*p.hwmodel));
  if (p.oemid) expect_equal(r, claims, label::oemid, "oemid", *p.oemid);
  if (p.eat_profile) expect_equal(r, claims, label::eat_profile, "eat_profile", Value::text(*p.eat_profile));
  if (!p.swversions.empty()) appraise_swversion(r, claims, p);
  if (!p.measurements.empty()) appraise_measurements(r, claims, p);
  if (p.require_debug_disabled) appraise_debug(r, claims);
  if (p.require_oemboot) appraise_oemboot(r, claims);
  if (p.max_age) appraise_age(r, claims, *p.max_age, at);
  appraise_submods(r, claims, p, "");
  return a;
}

Appraisal appraise(const Verification& verification, const Policy& p, core::UnixTime at) {
  Appraisal a;
  Verdicts r(a);
  for (const Check& c : verification.checks)
    if (c.result == CheckResult::fail) r.add(c.name, Verdict::contraindicated, c.detail);
  if (verification.token.claims_error) return a;
  Appraisal claims = appraise_claims(verification.token.claims, p, at);
  for (auto& c : claims.claims) r.add(std::move(c.claim), c.verdict, std::move(c.reason));
  return a;
}

}  // namespace iotonb::artifact::eat
