#include "envelope/jose.h"

#include <string>

#include "core/encoding.h"
#include "core/json.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::envelope::jose {
namespace {

using nlohmann::json;

// Canonical base64 of one alphabet: core::from_base64 forgives mixed alphabets, whitespace
// and stray bits, as EST peers need (RFC 8951), but two spellings of one JWS would let the
// bytes that were signed differ from the bytes a later reader is shown. base64url is unpadded
// (RFC 7515 2); x5c's standard base64 is padded (RFC 4648 4).
Result<Bytes> decode_strict(std::string_view text, bool url, const std::string& what) {
  auto bytes = core::from_base64_strict(text, url ? core::Base64Alphabet::url_unpadded : core::Base64Alphabet::standard_padded);
  if (!bytes) return input_error(what + " is " + bytes.error().message);
  return bytes;
}

Result<json> parse_object(std::string_view text, const std::string& what) {
  auto parsed = core::parse_json(text, {kMaxInput, kMaxDepth});
  if (!parsed) return parsed.error().context(what);
  if (!parsed->is_object()) return input_error(what + " is not a JSON object");
  return parsed;
}

// RFC 7518 3.4 and RFC 8037 3.1: the fixed signature sizes; RSA's depends on the key.
std::size_t signature_size(SignatureAlgorithm alg) {
  switch (alg) {
    case SignatureAlgorithm::es256: return 64;
    case SignatureAlgorithm::es384: return 96;
    case SignatureAlgorithm::es512: return 132;
    case SignatureAlgorithm::eddsa: return 64;
    default: return 0;
  }
}

const json* member(const json& object, const char* name) {
  auto it = object.find(name);
  return it == object.end() ? nullptr : &*it;
}

// A header parameter from either header (they are disjoint by now).
const json* parameter(const Signature& s, const char* name) {
  if (const json* p = member(s.protected_header, name)) return p;
  return s.header.is_object() ? member(s.header, name) : nullptr;
}

Status read_parameters(Signature& s, const std::string& at) {
  if (s.header.is_object()) {
    for (const auto& [name, value] : s.header.items()) {
      (void)value;
      if (s.protected_header.contains(name))
        return input_error(at + "header parameter \"" + name +
                           "\" is in both the protected and the unprotected header (RFC 7515 7.2.1)");
    }
    if (s.header.contains("crit")) return input_error(at + "\"crit\" must be in the protected header (RFC 7515 4.1.11)");
    if (s.header.contains("alg")) return input_error(at + "\"alg\" must be in the protected header");
  }
  if (const json* crit = member(s.protected_header, "crit")) {
    if (!crit->is_array() || crit->empty()) return input_error(at + "\"crit\" must be a non-empty array (RFC 7515 4.1.11)");
    for (const auto& name : *crit) {
      if (!name.is_string()) return input_error(at + "\"crit\" holds a non-string");
      // No extension is understood here (RFC 7797 "b64" included), so any is refused.
      return input_error(at + "critical header parameter \"" + name.get<std::string>() + "\" is not understood");
    }
  }

  const json* alg = member(s.protected_header, "alg");
  if (alg == nullptr) return input_error(at + "protected header has no \"alg\"");
  if (!alg->is_string()) return input_error(at + "\"alg\" is not a string");
  const std::string name = alg->get<std::string>();
  if (name == "none") return input_error(at + "alg \"none\" (unsecured JWS) is not accepted");
  auto known = from_jose_name(name);
  if (!known) return input_error(at + "unknown alg \"" + core::to_utf8_lossy(name) + "\"");
  s.alg = *known;

  if (const json* typ = parameter(s, "typ")) {
    if (!typ->is_string()) return input_error(at + "\"typ\" is not a string");
    s.typ = typ->get<std::string>();
  }
  if (const json* kid = parameter(s, "kid")) {
    if (!kid->is_string()) return input_error(at + "\"kid\" is not a string");
    s.kid = kid->get<std::string>();
  }
  if (const json* x5c = parameter(s, "x5c")) {
    if (!x5c->is_array() || x5c->empty()) return input_error(at + "\"x5c\" must be a non-empty array (RFC 7515 4.1.6)");
    for (std::size_t i = 0; i < x5c->size(); ++i) {
      const json& entry = (*x5c)[i];
      std::string what = at + "x5c[" + std::to_string(i) + "]";
      if (!entry.is_string()) return input_error(what + " is not a string");
      IOTONB_ASSIGN_OR_RETURN(Bytes der, decode_strict(entry.get_ref<const std::string&>(), false, what));
      if (der.empty()) return input_error(what + " is empty");
      s.x5c.push_back(std::move(der));
    }
  }
  return ok_status();
}

// One signature from its three members; `at` prefixes messages ("signatures[1]: ").
Result<Signature> read_signature(const json* protected_b64, const json* header, const json* signature,
                                 const std::string& at) {
  Signature s;
  if (protected_b64 == nullptr)
    return input_error(at + "no protected header (\"alg\" must be integrity-protected)");
  if (!protected_b64->is_string()) return input_error(at + "\"protected\" is not a string");
  s.protected_b64 = protected_b64->get<std::string>();
  IOTONB_ASSIGN_OR_RETURN(Bytes decoded, decode_strict(s.protected_b64, true, at + "protected header"));
  IOTONB_ASSIGN_OR_RETURN(s.protected_header, parse_object(as_chars(decoded), at + "protected header"));
  if (header != nullptr) {
    if (!header->is_object()) return input_error(at + "\"header\" is not a JSON object");
    s.header = *header;
  }
  IOTONB_RETURN_IF_ERROR(read_parameters(s, at));

  if (signature == nullptr) return input_error(at + "no \"signature\"");
  if (!signature->is_string()) return input_error(at + "\"signature\" is not a string");
  IOTONB_ASSIGN_OR_RETURN(s.signature, decode_strict(signature->get_ref<const std::string&>(), true, at + "signature"));
  if (s.signature.empty()) return input_error(at + "signature is empty");
  if (std::size_t expected = signature_size(s.alg); expected != 0 && s.signature.size() != expected)
    return input_error(at + std::string(jose_name(s.alg)) + " signature is " + std::to_string(s.signature.size()) +
                       " octets, expected " + std::to_string(expected));
  return s;
}

Result<Jws> parse_compact(std::string_view text) {
  auto first = text.find('.');
  auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos)
    return input_error("JWS compact serialization must have exactly three parts separated by \".\"");
  Jws jws;
  jws.payload_b64 = std::string(text.substr(first + 1, second - first - 1));
  IOTONB_ASSIGN_OR_RETURN(jws.payload, decode_strict(jws.payload_b64, true, "payload"));
  json protected_b64 = std::string(text.substr(0, first));
  json signature = std::string(text.substr(second + 1));
  IOTONB_ASSIGN_OR_RETURN(Signature s, read_signature(&protected_b64, nullptr, &signature, ""));
  jws.signatures.push_back(std::move(s));
  return jws;
}

Result<Jws> parse_json_serialization(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(json doc, parse_object(text, "JWS"));
  Jws jws;
  const json* payload = member(doc, "payload");
  if (payload == nullptr) return input_error("JWS has no \"payload\" (detached payloads are not supported)");
  if (!payload->is_string()) return input_error("JWS \"payload\" is not a string");
  jws.payload_b64 = payload->get<std::string>();
  IOTONB_ASSIGN_OR_RETURN(jws.payload, decode_strict(jws.payload_b64, true, "payload"));

  if (const json* signatures = member(doc, "signatures")) {
    if (doc.contains("signature") || doc.contains("protected") || doc.contains("header"))
      return input_error("JWS mixes the general and the flattened JSON serialization (RFC 7515 7.2.2)");
    if (!signatures->is_array() || signatures->empty()) return input_error("\"signatures\" must be a non-empty array");
    for (std::size_t i = 0; i < signatures->size(); ++i) {
      const json& entry = (*signatures)[i];
      std::string at = "signatures[" + std::to_string(i) + "]: ";
      if (!entry.is_object()) return input_error(at + "not a JSON object");
      IOTONB_ASSIGN_OR_RETURN(Signature s, read_signature(member(entry, "protected"), member(entry, "header"),
                                                          member(entry, "signature"), at));
      jws.signatures.push_back(std::move(s));
    }
    return jws;
  }
  if (!doc.contains("signature")) return input_error("JWS has neither \"signatures\" nor \"signature\"");
  IOTONB_ASSIGN_OR_RETURN(Signature s, read_signature(member(doc, "protected"), member(doc, "header"),
                                                      member(doc, "signature"), ""));
  jws.signatures.push_back(std::move(s));
  return jws;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

Result<std::string> sign(ByteView payload, const pki::Signer& signer, const SignOptions& opts) {
  IOTONB_ASSIGN_OR_RETURN(SignatureAlgorithm alg, algorithm_for_key(signer.key()));
  json header = json::object();
  header["alg"] = std::string(jose_name(alg));
  if (!opts.typ.empty()) {
    if (!core::is_utf8(opts.typ)) return usage_error("JWS typ is not UTF-8");
    header["typ"] = opts.typ;
  }
  if (opts.kid) {
    if (!core::is_utf8(*opts.kid)) return usage_error("JWS kid is not UTF-8");
    header["kid"] = *opts.kid;
  }
  if (!opts.x5c.empty()) {
    // A leaf that does not hold the signing key would make a JWS nobody can verify.
    auto leaf = pki::parse_certificate(opts.x5c.front());
    if (!leaf) return usage_error("x5c[0]: " + leaf.error().message);
    const EVP_PKEY* leaf_key = X509_get0_pubkey(leaf->get());
    if (leaf_key == nullptr || !pki::same_public_key(leaf_key, signer.key()))
      return usage_error(signer.reference() + ": the key does not match the x5c leaf certificate");
    json chain = json::array();
    for (const Bytes& der : opts.x5c) chain.push_back(core::to_base64(der));
    header["x5c"] = std::move(chain);
  }
  std::string protected_b64 = core::to_base64url(as_bytes(header.dump()));
  std::string payload_b64 = core::to_base64url(payload);
  IOTONB_ASSIGN_OR_RETURN(Bytes signature, envelope::sign(signer, alg, as_bytes(protected_b64 + "." + payload_b64)));
  json entry = json::object();
  entry["protected"] = std::move(protected_b64);
  entry["signature"] = core::to_base64url(signature);
  json out = json::object();
  out["payload"] = std::move(payload_b64);
  out["signatures"] = json::array({std::move(entry)});
  return out.dump();
}

Result<Jws> parse(std::string_view text) {
  if (text.size() > kMaxInput)
    return input_error("JWS is " + std::to_string(text.size()) + " octets, more than the limit of " +
                       std::to_string(kMaxInput));
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  if (text.empty()) return input_error("JWS is empty");
  return text.front() == '{' ? parse_json_serialization(text) : parse_compact(text);
}

Status verify(const Jws& jws, std::size_t index, const EVP_PKEY* key) {
  if (index >= jws.signatures.size())
    return usage_error("JWS has " + std::to_string(jws.signatures.size()) + " signature(s); there is no index " +
                       std::to_string(index));
  if (key == nullptr) return usage_error("no key to verify the JWS with");
  const Signature& s = jws.signatures[index];
  std::string input = s.protected_b64 + "." + jws.payload_b64;
  return envelope::verify(key, s.alg, as_bytes(input), s.signature);
}

}  // namespace iotonb::envelope::jose
