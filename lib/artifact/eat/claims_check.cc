#include "artifact/eat/claims_check.h"

#include "artifact/eat/claims.h"

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Type;
using core::cbor::Value;

Status bad(const std::string& path, const std::string& why) { return input_error(path + ": " + why); }

Status check_version(const std::string& path, const Value& v) {
  // RFC 9711 4.2.5/4.2.7: [version: tstr, ? scheme: $version-scheme (int or text)]
  if (v.type() != Type::array || v.as_array().empty() || v.as_array().size() > 2)
    return bad(path, "must be an array [version, ?scheme]");
  const auto& a = v.as_array();
  if (a[0].type() != Type::text) return bad(path, "the version must be text");
  if (a.size() == 2 && !a[1].is_integer() && a[1].type() != Type::text) return bad(path, "the scheme must be an integer or text");
  return ok_status();
}

Status check_measurements(const std::string& path, const Value& v) {
  if (v.type() != Type::array) return bad(path, "must be an array of [content-type, content]");
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const Value& m = v.as_array()[i];
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (m.type() != Type::array || m.as_array().size() != 2 || m.as_array()[0].type() != Type::unsigned_integer ||
        m.as_array()[1].type() != Type::bytes)
      return bad(at, "must be [content-type (uint), content (bstr)]");
  }
  return ok_status();
}

Status check_sw_components(const std::string& path, const Value& v) {
  if (v.type() != Type::array) return bad(path, "must be an array of software component maps");
  for (std::size_t i = 0; i < v.as_array().size(); ++i) {
    const Value& c = v.as_array()[i];
    const std::string at = path + "[" + std::to_string(i) + "]";
    if (c.type() != Type::map) return bad(at, "must be a map");
    const Value* value = c.find(sw_component::value);
    if (!value || value->type() != Type::bytes) return bad(at, "measurement-value (2) must be a byte string");
    for (std::int64_t k : {sw_component::type, sw_component::version, sw_component::desc})
      if (const Value* t = c.find(k); t && t->type() != Type::text) return bad(at + "." + std::to_string(k), "must be text");
    if (const Value* s = c.find(sw_component::signer_id); s && s->type() != Type::bytes)
      return bad(at + ".signer-id", "must be a byte string");
  }
  return ok_status();
}

Status check_submods(const std::string& path, const Value& v) {
  if (v.type() != Type::map) return bad(path, "must be a map of submodule names to claims");
  for (const auto& entry : v.as_map()) {
    if (entry.first.type() != Type::text) return bad(path, "submodule names must be text");
    const std::string at = path + "." + entry.first.as_text();
    // A submodule is a claims map, or a nested token (bstr) or detached digest (array) that
    // this module does not open (RFC 9711 4.2.18.1).
    if (entry.second.type() == Type::map) IOTONB_RETURN_IF_ERROR(check_claims(entry.second, at + "."));
    else if (entry.second.type() != Type::bytes && entry.second.type() != Type::array && entry.second.type() != Type::text)
      return bad(at, "must be a claims map, a nested token or a detached digest");
  }
  return ok_status();
}

Status check_value(const std::string& path, const ClaimInfo& info, const Value& v) {
  switch (info.kind) {
    case ValueKind::text: return v.type() == Type::text ? ok_status() : bad(path, "must be text");
    case ValueKind::bytes:
      if (info.label == label::nonce && v.type() == Type::array) {  // RFC 9711 4.1: several nonces
        for (const Value& n : v.as_array())
          if (n.type() != Type::bytes) return bad(path, "must be a byte string or an array of them");
        return ok_status();
      }
      return v.type() == Type::bytes ? ok_status() : bad(path, "must be a byte string");
    case ValueKind::uint: return v.type() == Type::unsigned_integer ? ok_status() : bad(path, "must be an unsigned integer");
    case ValueKind::integer: return v.is_integer() ? ok_status() : bad(path, "must be an integer");
    case ValueKind::boolean: return v.type() == Type::boolean ? ok_status() : bad(path, "must be true or false");
    case ValueKind::time:
      return v.is_integer() || v.type() == Type::floating ? ok_status() : bad(path, "must be a NumericDate (seconds)");
    case ValueKind::version: return check_version(path, v);
    case ValueKind::dbgstat:
      if (v.type() != Type::unsigned_integer || !dbgstat_name(v.raw_integer()))
        return bad(path, core::cbor::diagnostic(v) + " is not a debug state (0..4)");
      return ok_status();
    case ValueKind::oemid: return v.type() == Type::bytes || v.is_integer() ? ok_status() : bad(path, "must be a byte string or an integer");
    case ValueKind::measurements: return check_measurements(path, v);
    case ValueKind::submods: return check_submods(path, v);
    case ValueKind::sw_components: return check_sw_components(path, v);
    case ValueKind::any: break;
  }
  return ok_status();
}

}  // namespace

Status check_claims(const Value& claims, const std::string& prefix) {
  if (claims.type() != Type::map) return input_error((prefix.empty() ? "claims" : prefix) + ": must be a map");
  for (const auto& entry : claims.as_map()) {
    const Value& key = entry.first;
    if (!key.is_integer() && key.type() != Type::text)
      return input_error(prefix + core::cbor::diagnostic(key) + ": a claim key must be an integer or text");
    auto n = key.as_int64();
    const ClaimInfo* info = n ? find_claim(*n) : nullptr;
    if (info) IOTONB_RETURN_IF_ERROR(check_value(prefix + std::string(info->name), *info, entry.second));
  }
  return ok_status();
}

}  // namespace iotonb::artifact::eat
