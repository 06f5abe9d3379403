// COSE_Sign1 (RFC 9052 4.2, 4.4), the single-signer message under constrained vouchers
// (draft-ietf-anima-constrained-voucher), EAT and PSA tokens (RFC 9711) and FDO: parsing that
// treats the message as hostile, the Sig_structure, signing through a pki::Signer, and
// verification with the algorithms of envelope/signature.h (RFC 9053 2.1 ECDSA, 2.2 EdDSA).
// Header parameters: alg 1, crit 2, content type 3, kid 4 (RFC 9052 3.1); x5bag 32 and
// x5chain 33 (RFC 9360 2).
//
// Policy, where the standards or the public vectors leave room:
// - The Sig_structure always holds the protected bucket exactly as it was on the wire (RFC
//   9052 4.4). A protected bucket of h'A0' (an empty map, serialized) is accepted as an empty
//   header (RFC 9052 3 asks recipients to accept both encodings) but never rewritten to h'',
//   so cose-wg sign-pass-01, signed over h'' and sent as h'A0', fails with "signature does not
//   verify". Normalising would mean verifying bytes other than those received.
// - An algorithm is used only with the key it names (envelope/signature.h): ES512 with a P-256
//   key (cose-wg ecdsa-sig-04) is rejected with "ES512 needs an EC secp521r1 key ...".
// - An untagged COSE_Sign1 is accepted (the caller knows the type from context, RFC 9052 2,
//   cose-wg sign-pass-03); any tag other than 18 is rejected.
// - Header parameters are looked up in the protected bucket first, then the unprotected one; a
//   label in both is an error (RFC 9052 3). alg may sit in either bucket; a protected alg is
//   what RFC 9052 3.1 recommends and what sign1() writes.
// - An unknown algorithm, integer or text, is a verification error naming it; so is a critical
//   header (crit, label 2) this module does not understand (RFC 9052 3.1).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/bytes.h"
#include "core/cbor.h"
#include "core/ossl.h"
#include "core/result.h"
#include "envelope/signature.h"
#include "pki/signer.h"

namespace iotonb::envelope::cose {

inline constexpr std::uint64_t kSign1Tag = 18;

// Header labels (RFC 9052 3.1, RFC 9360 2).
namespace label {
inline constexpr std::int64_t alg = 1;
inline constexpr std::int64_t crit = 2;
inline constexpr std::int64_t content_type = 3;
inline constexpr std::int64_t kid = 4;
inline constexpr std::int64_t x5bag = 32;
inline constexpr std::int64_t x5chain = 33;
}  // namespace label

struct Sign1 {                           // as parsed from the wire
  bool tagged = false;                   // had tag 18
  Bytes protected_bytes;                 // the protected bucket exactly as on the wire
  core::cbor::Value protected_header;    // decoded map (empty map when protected_bytes is empty)
  core::cbor::Value unprotected;         // map
  std::optional<Bytes> payload;          // nullopt when detached (nil)
  Bytes signature;
};

// Parses one COSE_Sign1 that fills data. Structure errors are input errors starting "COSE: ";
// CBOR errors (limits included, also for the protected bucket) keep their "CBOR: " message.
// Known header parameters are type-checked here, so the accessors below see sound values.
Result<Sign1> parse_sign1(ByteView data, const core::cbor::Limits& limits = {});

// A header parameter, protected bucket first; null when absent.
const core::cbor::Value* header(const Sign1& msg, std::int64_t label);

Result<SignatureAlgorithm> algorithm(const Sign1& msg);
std::optional<Bytes> kid(const Sign1& msg);
std::optional<core::cbor::Value> content_type(const Sign1& msg);  // uint (CoAP format) or text
// DER certificates of x5chain (leaf first) or x5bag; empty when absent. Label 33 (and 32) may
// hold one bstr or an array of them.
Result<std::vector<Bytes>> x5chain(const Sign1& msg);
Result<std::vector<Bytes>> x5bag(const Sign1& msg);

// ["Signature1", protected, external_aad, payload], encoded (RFC 9052 4.4).
Bytes sig_structure(ByteView protected_bytes, ByteView external_aad, ByteView payload);

enum class KeyHint { none, kid, x5chain, x5bag };

struct SignOptions {
  KeyHint hint = KeyHint::none;
  Bytes kid;                          // for KeyHint::kid
  std::vector<Bytes> certificates;    // DER, leaf first, for KeyHint::x5chain / x5bag
  std::optional<core::cbor::Value> content_type;  // uint or text; goes in the protected bucket
  Bytes external_aad;
  bool tagged = true;
};

// Signs payload. alg comes from the signer's key (envelope::algorithm_for_key) and goes in the
// protected bucket; kid and certificates go in the unprotected bucket (RFC 9360 allows either;
// cBRSKI puts x5bag there). One certificate is written as a bstr, more as an array (RFC 9360
// 2). A kid or certificates without the hint that carries them, a hint without them, or an
// x5chain whose first certificate is not the signer's are usage errors.
Result<Bytes> sign1(ByteView payload, const pki::Signer& signer, const SignOptions& opts);

// Verifies msg's signature with key over the wire protected bytes; ok, or a verification error
// naming the reason ("COSE: signature does not verify"). A detached payload is a usage error.
Status verify_sign1(const Sign1& msg, const EVP_PKEY* key, ByteView external_aad = {});
// The same for a message whose payload is detached (nil on the wire, RFC 9052 2).
Status verify_sign1_detached(const Sign1& msg, ByteView payload, const EVP_PKEY* key, ByteView external_aad = {});

// Rebuilds the encoding of msg, with msg.unprotected as it is now (a registrar strips x5bag
// before forwarding): the protected bytes, payload and signature are kept as they are.
Bytes encode_sign1(const Sign1& msg);

}  // namespace iotonb::envelope::cose
