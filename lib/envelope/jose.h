// JSON Web Signature (RFC 7515) as JWS-signed vouchers use it (RFC 8366bis,
// draft-ietf-anima-jws-voucher): the general JSON serialization (RFC 7515 7.2.1) with one
// signature whose protected header is {"alg", "typ": "voucher-jws+json", "x5c": [standard
// base64 DER, leaf first]} (RFC 7515 4.1.1, 4.1.6, 4.1.9). Transport-free. The reader also
// takes the flattened JSON (7.2.2) and compact (7.1) serializations.
//
// The reader is strict where looseness has been exploited: input and nesting are bounded,
// base64url must be canonical and unpadded (RFC 7515 2), a protected header with a duplicate
// member is refused (5.2 allows rejecting), "alg" must be integrity-protected and is never
// "none", an unknown "crit" extension is refused (4.1.11), and the protected and unprotected
// headers must not share a parameter (7.2.1). Algorithms and their keys follow
// envelope/signature.h.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "envelope/signature.h"
#include "pki/signer.h"

namespace iotonb::envelope::jose {

inline constexpr std::size_t kMaxInput = 1 << 20;  // octets of JWS text parse accepts
inline constexpr std::size_t kMaxDepth = 32;       // JSON nesting, in the JWS and its headers

struct SignOptions {
  std::string typ = "voucher-jws+json";  // omitted when empty
  std::vector<Bytes> x5c;                // DER certificates, leaf first; omitted when empty
  std::optional<std::string> kid;
};

// The general JSON serialization with one signature: payload base64url, protected header
// {"alg", "typ", "x5c", "kid"}, alg chosen from the key (envelope::algorithm_for_key). When
// x5c is given, its first certificate must carry signer's public key.
Result<std::string> sign(ByteView payload, const pki::Signer& signer, const SignOptions& opts);

struct Signature {
  nlohmann::json protected_header;  // the decoded protected header (an object)
  std::string protected_b64;        // as received: the signing input uses these octets
  nlohmann::json header;            // unprotected header; null when absent
  Bytes signature;
  SignatureAlgorithm alg = SignatureAlgorithm::es256;
  std::vector<Bytes> x5c;           // DER, leaf first; from either header
  std::optional<std::string> kid;
  std::string typ;                  // empty when absent
};

struct Jws {
  Bytes payload;
  std::string payload_b64;  // as received
  std::vector<Signature> signatures;
};

// General JSON, flattened JSON or compact serialization (leading and trailing whitespace
// ignored), at most kMaxInput octets and kMaxDepth levels of JSON nesting. Every violation
// of the rules above is an input error naming the member at fault.
Result<Jws> parse(std::string_view text);

// Checks signature `index` over protected_b64 "." payload_b64 with key; a mismatch (or a
// key that does not fit the algorithm) is a verification error.
Status verify(const Jws& jws, std::size_t index, const EVP_PKEY* key);

}  // namespace iotonb::envelope::jose
