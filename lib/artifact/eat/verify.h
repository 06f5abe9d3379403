// Verifying an Entity Attestation Token as a relying party or verifier does before believing
// its claims (RFC 9711 7, RFC 8392 7.2, RFC 9052 4.4). Every check is run and reported, so
// `attest verify --format json` can list them and the exit status can name the first failure:
//   claims        the payload is a claims map whose known claims have their types
//   signature     COSE_Sign1 with a --key, or with the leaf of the token's x5chain (RFC 9360)
//   signer-chain  the x5chain leaf chains to a --trust anchor at the verification time
//                 (pass for a --key, whose trust is the caller's)
//   nonce         claim 10 (PSA 1: -75008) equals the nonce sent (skipped when none was sent);
//                 an array of nonces passes when one of them does
//   iat           not after the verification time (plus the allowed skew)
//   nbf           the verification time is not before it
//   exp           the verification time is before it
// The time checks are skipped when the claim is absent. The functions are pure over bytes and
// options, so a registrar can call them in-process.
#pragma once

#include <optional>
#include <vector>

#include "artifact/check.h"
#include "artifact/eat/token.h"
#include "core/ossl.h"
#include "core/time.h"

namespace iotonb::artifact::eat {

struct VerifyOptions {
  std::vector<const EVP_PKEY*> keys;  // known signer keys (--key)
  std::vector<const X509*> trust;     // anchors for an x5chain (--trust)
  core::UnixTime at = 0;              // verification time
  std::int64_t skew = 0;              // seconds of clock difference allowed in iat/nbf/exp
  std::optional<Bytes> nonce;         // the nonce sent
  Bytes external_aad;                 // RFC 9052 4.3; tokens have none, COSE vectors may
};

struct Verification {
  Token token;
  std::vector<Check> checks;
  bool ok() const { return first_failure() == nullptr; }
  const Check* first_failure() const { return artifact::first_failure(checks); }
  const Check* find(std::string_view name) const;
};

// An error only when data is not a COSE_Sign1 at all (input error); failed checks are in the
// result.
Result<Verification> verify_token(ByteView data, const VerifyOptions& opts);
// The same over a decoded token.
Verification verify_token(Token token, const VerifyOptions& opts);

}  // namespace iotonb::artifact::eat
