// Entity Attestation Tokens as signed CWTs (RFC 9711 5, RFC 8392 7): a COSE_Sign1 (RFC 9052
// 4.2, through envelope/cose.h, the same code vouchers use, with its policy on the empty
// protected header and on alg/key pairing) whose payload is the claims map. Decoding treats
// the token as hostile: the size, nesting and item count are bounded, and the CBOR decoder
// refuses duplicate map keys, indefinite-length strings of the wrong type, trailing bytes and
// malformed heads, both in the envelope and in the payload.
#pragma once

#include <optional>
#include <vector>

#include "artifact/eat/claims.h"
#include "core/bytes.h"
#include "core/cbor.h"
#include "core/result.h"
#include "envelope/cose.h"
#include "pki/signer.h"

namespace iotonb::artifact::eat {

inline constexpr std::size_t kMaxTokenSize = 64 * 1024;  // a token travels in one CoAP/HTTP body
inline constexpr std::size_t kMaxTokenDepth = 16;
inline constexpr std::size_t kMaxTokenItems = 4096;
core::cbor::Limits token_limits();

struct Token {
  envelope::cose::Sign1 message;
  core::cbor::Value claims;             // the claims map, when claims_error is empty
  std::optional<Error> claims_error;    // the payload is absent, not CBOR, or not a claims map
  Profile profile = Profile::eat;
};

// The token's octets from a file's content: raw CBOR, or the hex / base64 text of it that
// `attest create --format hex|base64` writes (whitespace allowed).
Result<Bytes> token_bytes(ByteView input);

// Decodes a token. An error (input) only when the envelope is not a COSE_Sign1; a bad
// payload is reported in claims_error so the signature can still be checked and shown.
Result<Token> decode_token(ByteView data);

struct CreateOptions {
  envelope::cose::KeyHint hint = envelope::cose::KeyHint::none;  // none, kid or x5chain
  Bytes kid;
  std::vector<Bytes> certificates;  // DER, leaf first, for x5chain
};

// Signs claims (a map, type-checked first) as a tagged COSE_Sign1 with the signer's algorithm:
// ES256 (P-256), ES384 (P-384) or EdDSA (Ed25519); other keys are a usage error.
Result<Bytes> create_token(const core::cbor::Value& claims, const pki::Signer& signer, const CreateOptions& opts);

}  // namespace iotonb::artifact::eat
