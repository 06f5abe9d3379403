#include "artifact/eat/describe.h"

#include "core/encoding.h"
#include "core/time.h"
#include "pki/inspect.h"

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Type;
using core::cbor::Value;
using Json = nlohmann::ordered_json;

// An array's items, each shown by describe_item.
Json each(const Value& array, Json (*describe_item)(const Value&)) {
  Json a = Json::array();
  for (const Value& item : array.as_array()) a.push_back(describe_item(item));
  return a;
}

// Any CBOR value as JSON: binary as base64, maps with non-text keys keyed by their
// diagnostic notation, tags as {tag, value}.
Json generic(const Value& v) {
  switch (v.type()) {
    case Type::unsigned_integer: return v.raw_integer();
    case Type::negative_integer:
      if (auto i = v.as_int64()) return *i;
      return core::cbor::diagnostic(v);
    case Type::bytes: return core::to_base64(v.as_bytes());
    case Type::text: return core::to_utf8_lossy(v.as_text());
    case Type::array: return each(v, generic);
    case Type::map: {
      Json o = Json::object();
      for (const auto& kv : v.as_map())
        o[kv.first.type() == Type::text ? core::to_utf8_lossy(kv.first.as_text()) : core::cbor::diagnostic(kv.first)] =
            generic(kv.second);
      return o;
    }
    case Type::tag: return Json{{"tag", v.tag()}, {"value", generic(v.tagged_value())}};
    case Type::boolean: return v.as_bool();
    case Type::floating: return v.as_double();
    case Type::null:
    case Type::undefined: break;
  }
  return nullptr;
}

Json sw_component(const Value& c) {
  if (c.type() != Type::map) return generic(c);
  Json o = Json::object();
  for (const auto& kv : c.as_map()) {
    auto k = kv.first.as_int64();
    const char* name = !k ? nullptr
                       : *k == sw_component::type      ? "type"
                       : *k == sw_component::value     ? "value"
                       : *k == sw_component::version   ? "version"
                       : *k == sw_component::signer_id ? "signer-id"
                       : *k == sw_component::desc      ? "desc"
                                                       : nullptr;
    o[name ? std::string(name) : core::cbor::diagnostic(kv.first)] = generic(kv.second);
  }
  return o;
}

Json measurement(const Value& m) {
  if (m.type() != Type::array || m.as_array().size() != 2 || m.as_array()[1].type() != Type::bytes) return generic(m);
  const Value& type = m.as_array()[0];
  const Bytes& content = m.as_array()[1].as_bytes();
  if (type.type() == Type::unsigned_integer && type.raw_integer() == kDigestMeasurementFormat)
    if (auto inner = core::cbor::decode(content); inner && inner->type() == Type::map) {
      Json o = sw_component(*inner);
      o["content-type"] = kDigestMeasurementFormat;
      return o;
    }
  return Json{{"content-type", generic(type)}, {"content", core::to_base64(content)}};
}

Json typed(const ClaimInfo& info, const Value& v) {
  switch (info.kind) {
    case ValueKind::time:
      if (auto t = v.as_int64()) return core::format_rfc3339(*t);
      break;
    case ValueKind::dbgstat:
      if (v.type() == Type::unsigned_integer)
        if (auto name = dbgstat_name(v.raw_integer())) return std::string(*name);
      break;
    case ValueKind::version:
      if (v.type() == Type::array && v.as_array().size() == 1 && v.as_array()[0].type() == Type::text)
        return core::to_utf8_lossy(v.as_array()[0].as_text());
      break;
    case ValueKind::measurements:
      if (v.type() == Type::array) return each(v, measurement);
      break;
    case ValueKind::sw_components:
      if (v.type() == Type::array) return each(v, sw_component);
      break;
    case ValueKind::submods:
      if (v.type() == Type::map) {
        Json o = Json::object();
        for (const auto& kv : v.as_map())
          o[kv.first.type() == Type::text ? core::to_utf8_lossy(kv.first.as_text()) : core::cbor::diagnostic(kv.first)] =
              kv.second.type() == Type::map ? describe_claims(kv.second) : generic(kv.second);
        return o;
      }
      break;
    default: break;
  }
  return generic(v);
}

std::string embedded(ByteView encoded) {
  auto v = core::cbor::decode(encoded, token_limits());
  return v ? "<< " + core::cbor::diagnostic(*v) + " >>" : "h'" + core::to_hex(encoded) + "'";
}

}  // namespace

Json describe_claims(const Value& claims) {
  Json o = Json::object();
  if (claims.type() != Type::map) return o;
  for (const auto& kv : claims.as_map()) {
    auto label = kv.first.as_int64();
    const ClaimInfo* info = label ? find_claim(*label) : nullptr;
    o[core::to_utf8_lossy(claim_name(kv.first))] = info ? typed(*info, kv.second) : generic(kv.second);
  }
  return o;
}

Json describe_token(const Token& token) {
  namespace cose = envelope::cose;
  Json d;
  d["type"] = "eat";
  d["profile"] = std::string(profile_name(token.profile));
  if (auto alg = cose::algorithm(token.message)) d["alg"] = std::string(envelope::jose_name(*alg));
  else d["alg"] = core::to_utf8_lossy(alg.error().message);
  d["tagged"] = token.message.tagged;
  if (auto kid = cose::kid(token.message)) d["kid"] = core::to_base64(*kid);
  if (auto chain = cose::x5chain(token.message); chain && !chain->empty())
    d["x5chain"] = pki::describe_certificate_chain(*chain);
  if (token.claims_error) d["claims_error"] = core::to_utf8_lossy(token.claims_error->message);
  else d["claims"] = describe_claims(token.claims);
  return d;
}

std::string token_diagnostic(const Token& token) {
  const auto& m = token.message;
  std::string claims;
  if (token.claims_error) claims = m.payload ? "h'" + core::to_hex(*m.payload) + "'" : "nil";
  else claims = "<< " + core::cbor::diagnostic(token.claims, true) + " >>";
  std::string out = m.tagged ? "18([\n  " : "[\n  ";
  out += embedded(m.protected_bytes) + ",\n  " + core::cbor::diagnostic(m.unprotected) + ",\n  " + claims + ",\n  h'" +
         core::to_hex(m.signature) + "'\n]";
  return m.tagged ? out + ")" : out;
}

nlohmann::ordered_json describe_appraisal(const Appraisal& appraisal) {
  nlohmann::ordered_json claims = nlohmann::ordered_json::array();
  for (const auto& c : appraisal.claims)
    claims.push_back({{"claim", c.claim}, {"verdict", std::string(verdict_name(c.verdict))}, {"reason", c.reason}});
  return {{"verdict", std::string(verdict_name(appraisal.verdict))}, {"claims", std::move(claims)}};
}

}  // namespace iotonb::artifact::eat
