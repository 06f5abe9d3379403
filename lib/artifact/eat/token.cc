#include "artifact/eat/token.h"

#include <cctype>

#include "artifact/eat/claims_check.h"
#include "core/encoding.h"

namespace iotonb::artifact::eat {

core::cbor::Limits token_limits() {
  core::cbor::Limits l;
  l.max_size = kMaxTokenSize;
  l.max_depth = kMaxTokenDepth;
  l.max_items = kMaxTokenItems;
  return l;
}

Result<Bytes> token_bytes(ByteView input) {
  // A COSE_Sign1 starts with tag 18 (0xD2) or, untagged, a 4-item array (0x84); text forms
  // start with a hex digit or base64 letter, never with those octets.
  if (!input.empty() && (input[0] == 0xD2 || input[0] == 0x84)) return Bytes(input.begin(), input.end());
  std::string text;
  for (std::uint8_t c : input)
    if (!std::isspace(c)) text.push_back(static_cast<char>(c));
  if (text.size() > 2 * kMaxTokenSize) return input_error("larger than " + std::to_string(kMaxTokenSize) + " octets");
  if (auto hex = core::from_hex(text)) return hex;
  if (auto b64 = core::from_base64(text)) return b64;
  return input_error("not a token: neither CBOR (COSE_Sign1) nor its hex or base64 text");
}

Result<Token> decode_token(ByteView data) {
  if (data.size() > kMaxTokenSize)
    return input_error("token of " + std::to_string(data.size()) + " octets is larger than the limit of " +
                       std::to_string(kMaxTokenSize));
  const core::cbor::Limits limits = token_limits();
  IOTONB_ASSIGN_OR_RETURN(envelope::cose::Sign1 msg, envelope::cose::parse_sign1(data, limits));
  Token t;
  if (!msg.payload) {
    t.claims_error = input_error("the token's payload is detached (nil)");
  } else if (auto claims = core::cbor::decode(*msg.payload, limits); !claims) {
    t.claims_error = claims.error().context("claims");
  } else if (Status s = check_claims(*claims); !s) {
    t.claims_error = s.error().context("claims");
  } else {
    t.claims = std::move(*claims);
    t.profile = detect_profile(t.claims);
  }
  t.message = std::move(msg);
  return t;
}

Result<Bytes> create_token(const core::cbor::Value& claims, const pki::Signer& signer, const CreateOptions& opts) {
  IOTONB_RETURN_IF_ERROR(check_claims(claims));
  IOTONB_ASSIGN_OR_RETURN(auto alg, envelope::algorithm_for_key(signer.key()));
  using envelope::SignatureAlgorithm;
  if (alg != SignatureAlgorithm::es256 && alg != SignatureAlgorithm::es384 && alg != SignatureAlgorithm::eddsa)
    return usage_error("tokens are signed with ES256 (P-256), ES384 (P-384) or EdDSA (Ed25519); " +
                       signer.reference() + " signs with " + std::string(envelope::jose_name(alg)));
  envelope::cose::SignOptions so;
  so.hint = opts.hint;
  so.kid = opts.kid;
  so.certificates = opts.certificates;
  IOTONB_ASSIGN_OR_RETURN(Bytes token, envelope::cose::sign1(core::cbor::encode(claims), signer, so));
  // Never make a token that decode_token (ours or a peer's with the same bound) would refuse.
  if (token.size() > kMaxTokenSize)
    return usage_error("the token would take " + std::to_string(token.size()) + " octets; a token is at most " +
                       std::to_string(kMaxTokenSize));
  return token;
}

}  // namespace iotonb::artifact::eat
