#include "artifact/eat/claims_file.h"

#include "artifact/eat/claims.h"
#include "artifact/eat/claims_check.h"
#include "artifact/eat/yaml_value.h"
#include "core/encoding.h"
#include "core/time.h"

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Value;

class Reader {
 public:
  Reader() : budget_(kMaxClaimsNodes, kMaxClaimsDepth) {}

  Result<Value> claims(const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path.empty() ? "claims" : path, depth));
    if (!n.IsMap()) return input_error((path.empty() ? "claims" : path) + ": must be a map of claim names to values");
    core::cbor::Map out;
    for (const auto& kv : n) {
      if (!kv.first.IsScalar()) return input_error(yaml::join(path, "?") + ": a claim name must be text or a number");
      const std::string name = kv.first.Scalar();
      const std::string at = yaml::join(path, name);
      Value key;
      Value value;
      if (const ClaimInfo* info = find_claim(name)) {
        key = Value::integer(info->label);
        IOTONB_ASSIGN_OR_RETURN(value, typed(*info, kv.second, at, depth + 1));
      } else if (auto label = yaml::as_integer(name)) {
        key = Value::integer(*label);
        const ClaimInfo* known = find_claim(*label);
        if (known) {
          IOTONB_ASSIGN_OR_RETURN(value, typed(*known, kv.second, at, depth + 1));
        }
        else {
          IOTONB_ASSIGN_OR_RETURN(value, generic(kv.second, at, depth + 1));
        }
      } else {
        return input_error(at + ": unknown claim (give an unknown claim by its integer label)");
      }
      for (const auto& existing : out)
        if (existing.first == key) return input_error(at + ": the claim is given twice");
      out.emplace_back(std::move(key), std::move(value));
    }
    return Value::map(std::move(out));
  }

 private:
  Result<Value> binary(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) return input_error(path + ": must be binary text (hex:.., base64:.. or bare hex)");
    auto b = parse_binary(n.Scalar());
    if (!b) return input_error(path + ": " + b.error().message);
    return Value::bytes(std::move(*b));
  }

  Result<Value> version(const YAML::Node& n, const std::string& path) {
    core::cbor::Array a;
    if (n.IsScalar()) {
      a.push_back(Value::text(n.Scalar()));
    } else if (n.IsSequence() && (n.size() == 1 || n.size() == 2)) {
      IOTONB_ASSIGN_OR_RETURN(std::string v, yaml::text(n[0], path + "[0]"));
      a.push_back(Value::text(v));
      if (n.size() == 2) {
        IOTONB_ASSIGN_OR_RETURN(a.emplace_back(), scalar(n[1], path + "[1]"));
      }
    } else {
      return input_error(path + ": must be \"VERSION\" or [VERSION, SCHEME]");
    }
    return Value::array(std::move(a));
  }

  Result<Value> time(const YAML::Node& n, const std::string& path) {
    if (auto seconds = yaml::integer(n, path)) return Value::integer(*seconds);
    IOTONB_ASSIGN_OR_RETURN(std::string t, yaml::text(n, path));
    auto parsed = core::parse_time(t);
    if (!parsed) return input_error(path + ": must be seconds since the epoch or an RFC 3339 time: " + parsed.error().message);
    return Value::integer(*parsed);
  }

  Result<Value> dbgstat(const YAML::Node& n, const std::string& path) {
    if (auto v = yaml::unsigned_integer(n, path)) {
      if (!dbgstat_name(*v)) return input_error(path + ": " + std::to_string(*v) + " is not a debug state (0..4)");
      return Value::uint(*v);
    }
    IOTONB_ASSIGN_OR_RETURN(std::string name, yaml::text(n, path));
    auto v = dbgstat_value(name);
    if (!v)
      return input_error(path + ": \"" + name + "\" is not a debug state (enabled, disabled, disabled-since-boot, "
                                                "disabled-permanently, disabled-fully-and-permanently)");
    return Value::uint(*v);
  }

  Result<Value> measurement(const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    if (!n.IsMap()) return input_error(path + ": must be {digest, name, alg} or {content-type, content}");
    if (n["content-type"]) {
      IOTONB_ASSIGN_OR_RETURN(std::uint64_t type, yaml::unsigned_integer(n["content-type"], path + ".content-type"));
      if (!n["content"]) return input_error(path + ".content: missing");
      IOTONB_ASSIGN_OR_RETURN(Value content, binary(n["content"], path + ".content"));
      return Value::array({Value::uint(type), std::move(content)});
    }
    if (!n["digest"]) return input_error(path + ".digest: missing");
    std::string name;
    if (n["name"]) {
      IOTONB_ASSIGN_OR_RETURN(name, yaml::text(n["name"], path + ".name"));
    }
    IOTONB_ASSIGN_OR_RETURN(Value digest, binary(n["digest"], path + ".digest"));
    std::string alg = "sha-256";
    if (n["alg"]) {
      IOTONB_ASSIGN_OR_RETURN(alg, yaml::text(n["alg"], path + ".alg"));
    }
    return digest_measurement(name, digest.as_bytes(), alg);
  }

  Result<Value> sw_component_map(const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    if (!n.IsMap()) return input_error(path + ": must be {type, value, version, signer-id, desc}");
    static const std::pair<const char*, std::int64_t> kFields[] = {{"type", sw_component::type},
                                                                   {"value", sw_component::value},
                                                                   {"version", sw_component::version},
                                                                   {"signer-id", sw_component::signer_id},
                                                                   {"desc", sw_component::desc}};
    core::cbor::Map out;
    for (const auto& kv : n) {
      const std::string field = kv.first.IsScalar() ? kv.first.Scalar() : "?";
      const std::string at = path + "." + field;
      const auto* known = std::find_if(std::begin(kFields), std::end(kFields), [&](const auto& f) { return field == f.first; });
      if (known == std::end(kFields)) return input_error(at + ": unknown field (type, value, version, signer-id, desc)");
      Value v;
      if (known->second == sw_component::value || known->second == sw_component::signer_id) {
        IOTONB_ASSIGN_OR_RETURN(v, binary(kv.second, at));
      } else {
        IOTONB_ASSIGN_OR_RETURN(std::string t, yaml::text(kv.second, at));
        v = Value::text(t);
      }
      out.emplace_back(Value::integer(known->second), std::move(v));
    }
    return Value::map(std::move(out));
  }

  template <typename Item>
  Result<Value> list(const YAML::Node& n, const std::string& path, std::size_t depth, Item item) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    if (!n.IsSequence()) return input_error(path + ": must be a list");
    core::cbor::Array out;
    for (std::size_t i = 0; i < n.size(); ++i) {
      IOTONB_ASSIGN_OR_RETURN(Value v, item(n[i], path + "[" + std::to_string(i) + "]", depth + 1));
      out.push_back(std::move(v));
    }
    return Value::array(std::move(out));
  }

  Result<Value> submods(const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    if (!n.IsMap()) return input_error(path + ": must be a map of submodule names to claims");
    core::cbor::Map out;
    for (const auto& kv : n) {
      IOTONB_ASSIGN_OR_RETURN(std::string name, yaml::text(kv.first, path + ".?"));
      IOTONB_ASSIGN_OR_RETURN(Value claims_map, claims(kv.second, path + "." + name, depth + 1));
      out.emplace_back(Value::text(name), std::move(claims_map));
    }
    return Value::map(std::move(out));
  }

  // A scalar of an unknown claim: bytes when prefixed, else what YAML says it is.
  Result<Value> scalar(const YAML::Node& n, const std::string& path) {
    if (!n.IsScalar()) return input_error(path + ": must be a scalar");
    const std::string& s = n.Scalar();
    if (s.rfind("hex:", 0) == 0 || s.rfind("base64:", 0) == 0) return binary(n, path);
    if (!yaml::quoted(n)) {
      if (auto i = yaml::as_integer(s)) return Value::integer(*i);
      if (s == "true" || s == "false") return Value::boolean(s == "true");
      if (s == "null" || s == "~") return Value::null();
    }
    return Value::text(s);
  }

  Result<Value> generic(const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    if (n.IsNull()) return Value::null();
    if (n.IsScalar()) return scalar(n, path);
    if (n.IsSequence()) {
      core::cbor::Array out;
      for (std::size_t i = 0; i < n.size(); ++i) {
        IOTONB_ASSIGN_OR_RETURN(Value v, generic(n[i], path + "[" + std::to_string(i) + "]", depth + 1));
        out.push_back(std::move(v));
      }
      return Value::array(std::move(out));
    }
    core::cbor::Map out;
    for (const auto& kv : n) {
      IOTONB_ASSIGN_OR_RETURN(Value key, scalar(kv.first, path + ".?"));
      const std::string at = path + "." + kv.first.Scalar();
      for (const auto& existing : out)
        if (existing.first == key) return input_error(at + ": the key is given twice");
      IOTONB_ASSIGN_OR_RETURN(Value v, generic(kv.second, at, depth + 1));
      out.emplace_back(std::move(key), std::move(v));
    }
    return Value::map(std::move(out));
  }

  Result<Value> typed(const ClaimInfo& info, const YAML::Node& n, const std::string& path, std::size_t depth) {
    IOTONB_RETURN_IF_ERROR(budget_.visit(path, depth));
    switch (info.kind) {
      case ValueKind::text: {
        IOTONB_ASSIGN_OR_RETURN(std::string t, yaml::text(n, path));
        return Value::text(t);
      }
      case ValueKind::bytes:
        if (info.label == label::nonce && n.IsSequence())
          return list(n, path, depth, [this](const YAML::Node& i, const std::string& p, std::size_t) { return binary(i, p); });
        return binary(n, path);
      case ValueKind::uint: {
        IOTONB_ASSIGN_OR_RETURN(std::uint64_t v, yaml::unsigned_integer(n, path));
        return Value::uint(v);
      }
      case ValueKind::integer: {
        IOTONB_ASSIGN_OR_RETURN(std::int64_t v, yaml::integer(n, path));
        return Value::integer(v);
      }
      case ValueKind::boolean: {
        IOTONB_ASSIGN_OR_RETURN(bool v, yaml::boolean(n, path));
        return Value::boolean(v);
      }
      case ValueKind::time: return time(n, path);
      case ValueKind::version: return version(n, path);
      case ValueKind::dbgstat: return dbgstat(n, path);
      case ValueKind::oemid:
        if (auto pen = yaml::integer(n, path)) return Value::integer(*pen);
        return binary(n, path);
      case ValueKind::measurements:
        return list(n, path, depth, [this](const YAML::Node& i, const std::string& p, std::size_t d) { return measurement(i, p, d); });
      case ValueKind::sw_components:
        return list(n, path, depth,
                    [this](const YAML::Node& i, const std::string& p, std::size_t d) { return sw_component_map(i, p, d); });
      case ValueKind::submods: return submods(n, path, depth);
      case ValueKind::any: break;
    }
    return generic(n, path, depth);
  }

  yaml::Budget budget_;
};

}  // namespace

Result<Bytes> parse_binary(std::string_view text) {
  if (text.rfind("base64:", 0) == 0) {
    auto b = core::from_base64(text.substr(7));
    if (!b) return input_error("not base64: " + b.error().message);
    return b;
  }
  if (text.rfind("hex:", 0) == 0) text.remove_prefix(4);
  auto h = core::from_hex(text);
  if (!h) return input_error("not hex (write base64 as \"base64:...\"): " + h.error().message);
  return h;
}

Result<Value> read_claims(const YAML::Node& node, const std::string& path) {
  Reader reader;
  IOTONB_ASSIGN_OR_RETURN(Value claims, reader.claims(node, path, 0));
  IOTONB_RETURN_IF_ERROR(check_claims(claims, path.empty() ? "" : path + "."));
  // What is signed must decode as the peer will decode it: whatever yaml-cpp let through
  // (text that is not UTF-8 after its own escapes) is refused here, not in the verifier.
  if (auto again = core::cbor::decode(core::cbor::encode(claims), {kMaxClaimsFileSize * 4, kMaxClaimsDepth + 8, kMaxClaimsNodes * 2});
      !again)
    return input_error((path.empty() ? "claims" : path) + ": " + again.error().message);
  return claims;
}

Result<Value> read_claims(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(YAML::Node root, yaml::load(text, kMaxClaimsFileSize, kMaxClaimsDepth));
  return read_claims(root, "");
}

}  // namespace iotonb::artifact::eat
