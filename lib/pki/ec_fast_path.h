// P-256 and P-384 keys in and out of their DER encodings without OpenSSL 3's encoders and
// decoders. On OpenSSL 3.0 (Debian 12) every OSSL_ENCODER or OSSL_DECODER use enumerates all
// the implementations under global locks (100-400 us, where a P-256 signature costs 30 us),
// and an onboarding session would pay that for the public key of every CSR and certificate it
// makes and for every key it reads or writes. Each function here handles only the shapes
// OpenSSL 3 itself produces for these curves (named curve, uncompressed point, public key
// included), gives byte for byte what the encoder or decoder would, and declines anything
// else, so the caller's general path keeps deciding every other input. Internal to lib/pki;
// the tests call it directly, which shows the fast path was taken.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/ossl.h"

namespace iotonb::pki {

// The key to hand to X509_set_pubkey / X509_REQ_set_pubkey: for a provider-native EC key, an
// EVP_PKEY around its legacy EC_KEY, which X509_PUBKEY_set encodes with the legacy method
// instead of an encoder and decoder round trip (the same SubjectPublicKeyInfo; X509_get0_pubkey
// then returns that EVP_PKEY, as it does for every certificate OpenSSL 3.0 parses). For
// every other key (and when the conversion fails), key itself. Null only for a null key.
core::EvpPkeyPtr spki_encodable_key(EVP_PKEY* key);

// The provider-native key of a DER PKCS#8 PrivateKeyInfo (RFC 5958) holding a P-256 or P-384
// ECPrivateKey (RFC 5915) with its public key, built with EVP_PKEY_fromdata; null when der is
// anything else (the decoder then decides). Strict: versions 0 and 1, a scalar as long as the
// group order, an uncompressed point, inner parameters (if any) naming the outer curve, no
// attributes and nothing trailing.
core::EvpPkeyPtr parse_ec_pkcs8_der(ByteView der);
// The same for PEM ("PRIVATE KEY", alone, without headers) or DER input.
core::EvpPkeyPtr parse_ec_pkcs8(ByteView data);

// The X509_REQ of a DER PKCS#10 request (RFC 2986) for a P-256 or P-384 key (named curve,
// uncompressed point), built field by field around a key made from the point with the legacy
// EC method, as spki_encodable_key makes one, instead of d2i_X509_REQ's decoder; null when
// der is anything else, and when the request built would not encode back to exactly der
// (d2i_X509_REQ then decides). The signature is not checked here: X509_REQ_verify does that.
core::X509ReqPtr parse_ec_csr_der(ByteView der);

// PKCS#8 "PRIVATE KEY" PEM of a P-256 or P-384 key, exactly as PEM_write_bio_PKCS8PrivateKey
// writes it; nullopt for keys it would write differently (other curves, explicit
// parameters, compressed points, a key read without its public key) or keys whose private
// scalar cannot be read (hardware keys).
std::optional<std::string> ec_private_key_pem(EVP_PKEY* key);

}  // namespace iotonb::pki
