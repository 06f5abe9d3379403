#include "envelope/cose.h"

#include <array>
#include <string>
#include <string_view>
#include <utility>

#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::envelope::cose {
namespace {

using core::cbor::Type;
using core::cbor::Value;

std::string describe(const Value& v) {
  switch (v.type()) {
    case Type::unsigned_integer:
    case Type::negative_integer: return "an integer";
    case Type::bytes: return "a byte string";
    case Type::text: return "a text string";
    case Type::array: return "an array of " + std::to_string(v.as_array().size()) + " items";
    case Type::map: return "a map";
    case Type::tag: return "tag " + std::to_string(v.tag());
    case Type::boolean: return "a boolean";
    case Type::null: return "null";
    case Type::undefined: return "undefined";
    case Type::floating: return "a float";
  }
  return "an item";
}

std::string label_name(const Value& label) {
  static const std::array<std::pair<std::int64_t, const char*>, 6> kNames{{
      {label::alg, "alg"},
      {label::crit, "crit"},
      {label::content_type, "content type"},
      {label::kid, "kid"},
      {label::x5bag, "x5bag"},
      {label::x5chain, "x5chain"},
  }};
  std::string diag = core::cbor::diagnostic(label);
  if (auto n = label.as_int64())
    for (const auto& [l, name] : kNames)
      if (l == *n) return std::string(name) + " (label " + diag + ")";
  return "label " + diag;
}

bool is_label(const Value& v) { return v.is_integer() || v.type() == Type::text; }

// One bstr or a non-empty array of them (RFC 9360 2: COSE_X509). where() names the parameter
// in a message; it is only called on the error path.
template <typename Where>
Status check_certificates(const Value& v, const Where& where) {
  if (v.type() == Type::bytes) return ok_status();
  if (v.type() != Type::array) return input_error("COSE: " + where() + " is " + describe(v) + ", expected a byte string or an array of them");
  if (v.as_array().empty()) return input_error("COSE: " + where() + " is an empty array");
  for (const Value& cert : v.as_array())
    if (cert.type() != Type::bytes) return input_error("COSE: " + where() + " holds " + describe(cert) + ", expected byte strings");
  return ok_status();
}

// The types RFC 9052 3.1 and RFC 9360 2 give the parameters this module reads.
Status check_bucket(const Value& bucket, bool is_protected) {
  const char* which = is_protected ? "protected" : "unprotected";
  for (const auto& entry : bucket.as_map()) {
    // Named references rather than a structured binding: Clang 14 cannot capture a binding
    // in the lambda below.
    const Value& key = entry.first;
    const Value& value = entry.second;
    if (!is_label(key))
      return input_error(std::string("COSE: ") + which + " header label " + core::cbor::diagnostic(key) +
                         " is neither an integer nor a text string");
    auto n = key.as_int64();
    if (!n) continue;
    // Built only for a message: label_name() formats the label in diagnostic notation.
    auto where = [&] { return std::string(which) + " " + label_name(key); };
    switch (*n) {
      case label::alg:
        if (!is_label(value)) return input_error("COSE: " + where() + " is " + describe(value) + ", expected an integer or a text string");
        break;
      case label::crit:
        if (!is_protected) return input_error("COSE: crit (label 2) must be in the protected header (RFC 9052 3.1)");
        if (value.type() != Type::array || value.as_array().empty())
          return input_error("COSE: " + where() + " is " + describe(value) + ", expected a non-empty array of labels");
        for (const Value& l : value.as_array())
          if (!is_label(l)) return input_error("COSE: " + where() + " holds " + describe(l) + ", expected labels");
        break;
      case label::content_type:
        if (value.type() != Type::unsigned_integer && value.type() != Type::text)
          return input_error("COSE: " + where() + " is " + describe(value) + ", expected an unsigned integer or a text string");
        break;
      case label::kid:
        if (value.type() != Type::bytes) return input_error("COSE: " + where() + " is " + describe(value) + ", expected a byte string");
        break;
      case label::x5bag:
      case label::x5chain: IOTONB_RETURN_IF_ERROR(check_certificates(value, where)); break;
      default: break;
    }
  }
  return ok_status();
}

Result<std::vector<Bytes>> certificates(const Sign1& msg, std::int64_t l) {
  std::vector<Bytes> out;
  const Value* v = header(msg, l);
  if (!v) return out;
  IOTONB_RETURN_IF_ERROR(check_certificates(*v, [&] { return label_name(Value::integer(l)); }));
  if (v->type() == Type::bytes) {
    out.push_back(v->as_bytes());
  } else {
    for (const Value& cert : v->as_array()) out.push_back(cert.as_bytes());
  }
  return out;
}

// RFC 9052 3.1: a recipient fails on a critical parameter it does not process. The ones this
// module reads are the only ones it can vouch for.
Status check_critical(const Sign1& msg) {
  const Value* crit = msg.protected_header.find(label::crit);
  if (!crit) return ok_status();
  for (const Value& l : crit->as_array()) {
    auto n = l.as_int64();
    bool understood = n && (*n == label::alg || *n == label::content_type || *n == label::kid ||
                            *n == label::x5bag || *n == label::x5chain);
    if (!understood) return verify_error("COSE: critical header " + label_name(l) + " is not understood");
    if (!msg.protected_header.find(l)) return verify_error("COSE: critical header " + label_name(l) + " is not in the protected header");
  }
  return ok_status();
}

Value certificate_value(const std::vector<Bytes>& certs) {
  if (certs.size() == 1) return Value::bytes(certs.front());
  core::cbor::Array items;
  for (const Bytes& c : certs) items.push_back(Value::bytes(c));
  return Value::array(std::move(items));
}

// The octets of a byte string in a tree this module owns (a message just decoded), moved out
// rather than copied: Value has no mutable accessor for them, but the tree is not const.
Bytes take_bytes(Value& v) { return std::move(const_cast<Bytes&>(v.as_bytes())); }

// A CBOR head in its shortest form (RFC 8949 3, 4.2.1), as core::cbor::encode writes it.
void append_head(Bytes& out, std::uint8_t major, std::uint64_t n) {
  const auto type = static_cast<std::uint8_t>(major << 5);
  if (n < 24) {
    out.push_back(static_cast<std::uint8_t>(type | n));
    return;
  }
  const int info = n <= 0xff ? 24 : n <= 0xffff ? 25 : n <= 0xffffffff ? 26 : 27;
  out.push_back(static_cast<std::uint8_t>(type | info));
  for (int i = (1 << (info - 24)) - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
}

void append_bstr(Bytes& out, ByteView b) {
  append_head(out, 2, b.size());
  out.insert(out.end(), b.begin(), b.end());
}

Status verify_signature(const Sign1& msg, ByteView payload, const EVP_PKEY* key, ByteView external_aad) {
  IOTONB_ASSIGN_OR_RETURN(SignatureAlgorithm alg, algorithm(msg));
  IOTONB_RETURN_IF_ERROR(check_critical(msg));
  Status verified = verify(key, alg, sig_structure(msg.protected_bytes, external_aad, payload), msg.signature);
  if (!verified) return verified.error().context("COSE");
  return ok_status();
}

}  // namespace

Result<Sign1> parse_sign1(ByteView data, const core::cbor::Limits& limits) {
  IOTONB_ASSIGN_OR_RETURN(Value item, core::cbor::decode(data, limits));
  Sign1 msg;
  if (item.type() == Type::tag) {
    if (item.tag() != kSign1Tag)
      return input_error("COSE: tag " + std::to_string(item.tag()) + " is not COSE_Sign1 (18)");
    msg.tagged = true;
    // Moved out, not copied: the copy was of the whole message, payload included.
    Value inner = std::move(const_cast<Value&>(item.tagged_value()));
    item = std::move(inner);
  }
  if (item.type() != Type::array || item.as_array().size() != 4)
    return input_error("COSE: COSE_Sign1 is " + describe(item) + ", expected an array of 4 items");
  core::cbor::Array& parts = item.as_array();

  if (parts[0].type() != Type::bytes)
    return input_error("COSE: protected header is " + describe(parts[0]) + ", expected a byte string");
  msg.protected_bytes = take_bytes(parts[0]);
  if (msg.protected_bytes.empty()) {
    msg.protected_header = Value::map({});
  } else {
    auto decoded = core::cbor::decode(msg.protected_bytes, limits);
    if (!decoded) return decoded.error().context("COSE: protected header");
    if (decoded->type() != Type::map)
      return input_error("COSE: protected header is not a serialized map (it holds " + describe(*decoded) + ")");
    msg.protected_header = std::move(decoded).value();
  }

  if (parts[1].type() != Type::map) return input_error("COSE: unprotected header is " + describe(parts[1]) + ", expected a map");
  msg.unprotected = std::move(parts[1]);

  if (parts[2].type() == Type::bytes) {
    msg.payload = take_bytes(parts[2]);
  } else if (parts[2].type() != Type::null) {
    return input_error("COSE: payload is " + describe(parts[2]) + ", expected a byte string or nil");
  }

  if (parts[3].type() != Type::bytes) return input_error("COSE: signature is " + describe(parts[3]) + ", expected a byte string");
  msg.signature = take_bytes(parts[3]);

  IOTONB_RETURN_IF_ERROR(check_bucket(msg.protected_header, true));
  IOTONB_RETURN_IF_ERROR(check_bucket(msg.unprotected, false));
  for (const auto& entry : msg.protected_header.as_map())
    if (msg.unprotected.find(entry.first))
      return input_error("COSE: header " + label_name(entry.first) + " is in both the protected and the unprotected header");
  return msg;
}

const Value* header(const Sign1& msg, std::int64_t l) {
  if (const Value* v = msg.protected_header.find(l)) return v;
  return msg.unprotected.find(l);
}

Result<SignatureAlgorithm> algorithm(const Sign1& msg) {
  const Value* v = header(msg, label::alg);
  if (!v) return verify_error("COSE: no algorithm: alg (label 1) is in neither header");
  if (!is_label(*v)) return input_error("COSE: alg (label 1) is " + describe(*v) + ", expected an integer or a text string");
  std::optional<SignatureAlgorithm> alg;
  if (auto n = v->as_int64()) alg = from_cose_label(*n);
  if (!alg) return verify_error("COSE: unsupported algorithm " + core::cbor::diagnostic(*v));
  return *alg;
}

std::optional<Bytes> kid(const Sign1& msg) {
  const Value* v = header(msg, label::kid);
  if (!v || v->type() != Type::bytes) return std::nullopt;
  return v->as_bytes();
}

std::optional<Value> content_type(const Sign1& msg) {
  const Value* v = header(msg, label::content_type);
  if (!v) return std::nullopt;
  return *v;
}

Result<std::vector<Bytes>> x5chain(const Sign1& msg) { return certificates(msg, label::x5chain); }
Result<std::vector<Bytes>> x5bag(const Sign1& msg) { return certificates(msg, label::x5bag); }

// Written directly rather than through a Value tree, which would copy the payload twice.
Bytes sig_structure(ByteView protected_bytes, ByteView external_aad, ByteView payload) {
  static constexpr std::string_view kContext = "Signature1";
  Bytes out;
  out.reserve(2 + kContext.size() + 3 * 9 + protected_bytes.size() + external_aad.size() + payload.size());
  append_head(out, 4, 4);
  append_head(out, 3, kContext.size());
  out.insert(out.end(), kContext.begin(), kContext.end());
  append_bstr(out, protected_bytes);
  append_bstr(out, external_aad);
  append_bstr(out, payload);
  return out;
}

Result<Bytes> sign1(ByteView payload, const pki::Signer& signer, const SignOptions& opts) {
  auto alg = algorithm_for_key(signer.key());
  if (!alg) return alg.error().context(signer.reference());

  core::cbor::Map protected_map{{Value::integer(label::alg), Value::integer(cose_label(*alg))}};
  if (opts.content_type) {
    if (opts.content_type->type() != Type::unsigned_integer && opts.content_type->type() != Type::text)
      return usage_error("COSE: content type is " + describe(*opts.content_type) + ", expected an unsigned integer or a text string");
    protected_map.emplace_back(Value::integer(label::content_type), *opts.content_type);
  }

  core::cbor::Map unprotected_map;
  switch (opts.hint) {
    case KeyHint::none:
      if (!opts.kid.empty() || !opts.certificates.empty())
        return usage_error("COSE: a kid or certificates were given, but no key hint to carry them");
      break;
    case KeyHint::kid:
      if (opts.kid.empty()) return usage_error("COSE: the kid key hint needs a kid");
      if (!opts.certificates.empty()) return usage_error("COSE: certificates were given with the kid key hint");
      unprotected_map.emplace_back(Value::integer(label::kid), Value::bytes(opts.kid));
      break;
    case KeyHint::x5chain:
    case KeyHint::x5bag: {
      const char* name = opts.hint == KeyHint::x5chain ? "x5chain" : "x5bag";
      if (opts.certificates.empty()) return usage_error(std::string("COSE: the ") + name + " key hint needs certificates");
      if (!opts.kid.empty()) return usage_error(std::string("COSE: a kid was given with the ") + name + " key hint");
      if (opts.hint == KeyHint::x5chain) {
        // A chain whose leaf is not the signer's would send verifiers to the wrong key.
        auto leaf = pki::parse_certificate(opts.certificates.front());
        if (!leaf) return usage_error("COSE: x5chain[0]: " + leaf.error().message);
        const EVP_PKEY* leaf_key = X509_get0_pubkey(leaf->get());
        if (leaf_key == nullptr || !pki::same_public_key(leaf_key, signer.key()))
          return usage_error("COSE: x5chain[0] is not the certificate of " + signer.reference());
      }
      unprotected_map.emplace_back(Value::integer(opts.hint == KeyHint::x5chain ? label::x5chain : label::x5bag),
                                   certificate_value(opts.certificates));
      break;
    }
  }

  Sign1 msg;
  msg.tagged = opts.tagged;
  msg.protected_header = Value::map(std::move(protected_map));
  msg.protected_bytes = core::cbor::encode(msg.protected_header);
  msg.unprotected = Value::map(std::move(unprotected_map));
  msg.payload = Bytes(payload.begin(), payload.end());
  IOTONB_ASSIGN_OR_RETURN(msg.signature, sign(signer, *alg, sig_structure(msg.protected_bytes, opts.external_aad, payload)));
  return encode_sign1(msg);
}

Status verify_sign1(const Sign1& msg, const EVP_PKEY* key, ByteView external_aad) {
  if (!msg.payload) return usage_error("COSE: the payload is detached; verify it with the detached payload");
  return verify_signature(msg, *msg.payload, key, external_aad);
}

Status verify_sign1_detached(const Sign1& msg, ByteView payload, const EVP_PKEY* key, ByteView external_aad) {
  if (msg.payload) return usage_error("COSE: the message carries its payload; it is not detached");
  return verify_signature(msg, payload, key, external_aad);
}

Bytes encode_sign1(const Sign1& msg) {
  Value parts = Value::array({Value::bytes(msg.protected_bytes), msg.unprotected,
                              msg.payload ? Value::bytes(*msg.payload) : Value::null(), Value::bytes(msg.signature)});
  return core::cbor::encode(msg.tagged ? Value::tagged(kSign1Tag, std::move(parts)) : parts);
}

}  // namespace iotonb::envelope::cose
