// The claim table. Names follow the IANA CWT Claims registry where it has one (RFC 9711 10.1),
// PSA claims are prefixed psa- (profile 2) and psa1- (profile 1) so the two sets never collide.
#include "artifact/eat/claims.h"

#include <array>

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Value;

constexpr std::array kClaims = {
    ClaimInfo{"iss", label::iss, ValueKind::text},
    ClaimInfo{"sub", label::sub, ValueKind::text},
    ClaimInfo{"aud", label::aud, ValueKind::text},
    ClaimInfo{"exp", label::exp, ValueKind::time},
    ClaimInfo{"nbf", label::nbf, ValueKind::time},
    ClaimInfo{"iat", label::iat, ValueKind::time},
    ClaimInfo{"cti", label::cti, ValueKind::bytes},
    ClaimInfo{"cnf", label::cnf, ValueKind::any},
    ClaimInfo{"nonce", label::nonce, ValueKind::bytes},
    ClaimInfo{"ueid", label::ueid, ValueKind::bytes},
    ClaimInfo{"sueids", label::sueids, ValueKind::any},
    ClaimInfo{"oemid", label::oemid, ValueKind::oemid},
    ClaimInfo{"hwmodel", label::hwmodel, ValueKind::bytes},
    ClaimInfo{"hwversion", label::hwversion, ValueKind::version},
    ClaimInfo{"uptime", label::uptime, ValueKind::uint},
    ClaimInfo{"oemboot", label::oemboot, ValueKind::boolean},
    ClaimInfo{"dbgstat", label::dbgstat, ValueKind::dbgstat},
    ClaimInfo{"location", label::location, ValueKind::any},
    ClaimInfo{"eat_profile", label::eat_profile, ValueKind::text},
    ClaimInfo{"submods", label::submods, ValueKind::submods},
    ClaimInfo{"bootcount", label::bootcount, ValueKind::uint},
    ClaimInfo{"bootseed", label::bootseed, ValueKind::bytes},
    ClaimInfo{"dloas", label::dloas, ValueKind::any},
    ClaimInfo{"swname", label::swname, ValueKind::text},
    ClaimInfo{"swversion", label::swversion, ValueKind::version},
    ClaimInfo{"manifests", label::manifests, ValueKind::any},
    ClaimInfo{"measurements", label::measurements, ValueKind::measurements},
    ClaimInfo{"measres", label::measres, ValueKind::any},
    ClaimInfo{"intuse", label::intuse, ValueKind::uint},
    ClaimInfo{"psa-client-id", label::psa_client_id, ValueKind::integer},
    ClaimInfo{"psa-lifecycle", label::psa_lifecycle, ValueKind::uint},
    ClaimInfo{"psa-implementation-id", label::psa_implementation_id, ValueKind::bytes},
    ClaimInfo{"psa-boot-seed", label::psa_boot_seed, ValueKind::bytes},
    ClaimInfo{"psa-certification-reference", label::psa_certification_reference, ValueKind::text},
    ClaimInfo{"psa-software-components", label::psa_sw_components, ValueKind::sw_components},
    ClaimInfo{"psa-verification-service-indicator", label::psa_verification_service, ValueKind::text},
    ClaimInfo{"psa1-profile", label::psa1_profile, ValueKind::text},
    ClaimInfo{"psa1-client-id", label::psa1_client_id, ValueKind::integer},
    ClaimInfo{"psa1-lifecycle", label::psa1_lifecycle, ValueKind::uint},
    ClaimInfo{"psa1-implementation-id", label::psa1_implementation_id, ValueKind::bytes},
    ClaimInfo{"psa1-boot-seed", label::psa1_boot_seed, ValueKind::bytes},
    ClaimInfo{"psa1-hardware-version", label::psa1_hw_version, ValueKind::text},
    ClaimInfo{"psa1-software-components", label::psa1_sw_components, ValueKind::sw_components},
    ClaimInfo{"psa1-no-software-measurements", label::psa1_no_sw_measurements, ValueKind::uint},
    ClaimInfo{"psa1-nonce", label::psa1_nonce, ValueKind::bytes},
    ClaimInfo{"psa1-instance-id", label::psa1_instance_id, ValueKind::bytes},
    ClaimInfo{"psa1-verification-service-indicator", label::psa1_verification_service, ValueKind::text},
};

constexpr std::array<std::string_view, 5> kDbgstat = {"enabled", "disabled", "disabled-since-boot",
                                                      "disabled-permanently", "disabled-fully-and-permanently"};

}  // namespace

const ClaimInfo* find_claim(std::string_view name) {
  for (const auto& c : kClaims)
    if (c.name == name) return &c;
  return nullptr;
}

const ClaimInfo* find_claim(std::int64_t label) {
  for (const auto& c : kClaims)
    if (c.label == label) return &c;
  return nullptr;
}

std::string claim_name(const Value& key) {
  if (key.type() == core::cbor::Type::text) return key.as_text();
  if (auto n = key.as_int64()) {
    if (const ClaimInfo* c = find_claim(*n)) return std::string(c->name);
    return std::to_string(*n);
  }
  if (key.is_integer()) return key.type() == core::cbor::Type::unsigned_integer ? std::to_string(key.raw_integer())
                                                                                : "-1-" + std::to_string(key.raw_integer());
  return core::cbor::diagnostic(key);
}

std::optional<std::string_view> dbgstat_name(std::uint64_t value) {
  if (value < kDbgstat.size()) return kDbgstat[value];
  return std::nullopt;
}

std::optional<std::uint64_t> dbgstat_value(std::string_view name) {
  for (std::size_t i = 0; i < kDbgstat.size(); ++i)
    if (kDbgstat[i] == name) return i;
  return std::nullopt;
}

std::string_view profile_name(Profile p) {
  switch (p) {
    case Profile::psa1: return "psa1";
    case Profile::psa2: return "psa2";
    case Profile::eat: break;
  }
  return "eat";
}

Value digest_measurement(std::string_view name, ByteView digest, std::string_view alg) {
  core::cbor::Map component;
  if (!name.empty()) component.emplace_back(Value::integer(sw_component::type), Value::text(std::string(name)));
  component.emplace_back(Value::integer(sw_component::value), Value::bytes(digest));
  component.emplace_back(Value::integer(sw_component::desc), Value::text(std::string(alg)));
  return Value::array({Value::uint(kDigestMeasurementFormat), Value::bytes(core::cbor::encode(Value::map(std::move(component))))});
}

const Value* claim(const Value& claims, std::int64_t label) { return claims.find(label); }

Profile detect_profile(const Value& claims) {
  if (const Value* p = claim(claims, label::eat_profile);
      p && p->type() == core::cbor::Type::text && p->as_text() == kPsa2Profile)
    return Profile::psa2;
  if (claims.type() == core::cbor::Type::map)
    for (const auto& entry : claims.as_map()) {
      auto n = entry.first.as_int64();
      if (n && *n <= label::psa1_profile && *n >= label::psa1_verification_service) return Profile::psa1;
    }
  return Profile::eat;
}

const Value* nonce_claim(const Value& claims) {
  const Value* n = claim(claims, label::nonce);
  if (!n) n = claim(claims, label::psa1_nonce);
  if (n && n->type() == core::cbor::Type::array) return n->as_array().empty() ? nullptr : &n->as_array().front();
  return n;
}

}  // namespace iotonb::artifact::eat
