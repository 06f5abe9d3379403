// The signature algorithms COSE (RFC 9053 2.1, 2.2) and JOSE (RFC 7518 3.1, 3.4; RFC 8037 3.1)
// share, and their wire form: ECDSA signatures travel as fixed-size r||s, not the DER
// ECDSA-Sig-Value OpenSSL produces. One table maps each algorithm to its COSE label, its JWS
// name, its digest and the key it needs.
//
// Policy: an algorithm is used only with the key it names. ES256 needs P-256, ES384 P-384,
// ES512 P-521 (RFC 9053 2.1 pairs each hash with the curve of its size; accepting ES512 with
// a P-256 key would let one key answer under two algorithms).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace iotonb::envelope {

enum class SignatureAlgorithm { es256, es384, es512, eddsa, ps256, ps384, rs256, rs384 };

std::int64_t cose_label(SignatureAlgorithm alg);      // ES256 -7, ...
std::string_view jose_name(SignatureAlgorithm alg);   // "ES256", ...
std::optional<SignatureAlgorithm> from_cose_label(std::int64_t label);
std::optional<SignatureAlgorithm> from_jose_name(std::string_view name);

// The algorithm a key signs with: P-256 ES256, P-384 ES384, P-521 ES512, Ed25519 EdDSA,
// RSA RS256 (any size; RS384, PS256 and PS384 are there for verifying and for callers that
// ask for them, e.g. FDO's RSA 3072 entries, FDO 1.1 3.3.2). Other keys are an input error naming the key type.
Result<SignatureAlgorithm> algorithm_for_key(const EVP_PKEY* key);
// Whether key is the one alg needs (the policy above); the error names both.
Status check_key_fits(SignatureAlgorithm alg, const EVP_PKEY* key);

// Signs data through signer and returns the signature in wire form.
Result<Bytes> sign(const pki::Signer& signer, SignatureAlgorithm alg, ByteView data);
// Verifies a wire-form signature; a mismatch is a verification error.
Status verify(const EVP_PKEY* key, SignatureAlgorithm alg, ByteView data, ByteView signature);

// ECDSA signature conversions; field_size is the curve's octet size (32 for P-256).
Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t field_size);
Result<Bytes> ecdsa_raw_to_der(ByteView raw);

}  // namespace iotonb::envelope
