// The EC_KEY calls in spki_encodable_key are deprecated in OpenSSL 3 but present in every 3.x;
// a build without them (OPENSSL_NO_DEPRECATED_3_0) encodes every key the general way.
#define OPENSSL_SUPPRESS_DEPRECATED
#include "pki/ec_fast_path.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/key.h"

namespace iotonb::pki {
namespace {

namespace der = core::der;

constexpr std::uint8_t kInteger = 0x02;
constexpr std::uint8_t kBitString = 0x03;
constexpr std::size_t kMaxScalar = 48;

struct Curve {
  KeyType type;
  const char* group;  // OpenSSL's name
  ByteView oid;       // namedCurve, content octets
  std::size_t scalar_size;
};

constexpr std::uint8_t kEcPublicKeyOid[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01};  // 1.2.840.10045.2.1
constexpr std::uint8_t kP256Oid[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};  // 1.2.840.10045.3.1.7
constexpr std::uint8_t kP384Oid[] = {0x2b, 0x81, 0x04, 0x00, 0x22};                    // 1.3.132.0.34

const Curve kCurves[] = {{KeyType::p256, "prime256v1", kP256Oid, 32}, {KeyType::p384, "secp384r1", kP384Oid, 48}};

bool same(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

const Curve* curve_by_oid(ByteView oid) {
  for (const Curve& c : kCurves)
    if (same(oid, c.oid)) return &c;
  return nullptr;
}

const Curve* curve_by_group(std::string_view group) {
  for (const Curve& c : kCurves)
    if (group == c.group) return &c;
  return nullptr;
}

// An uncompressed point (0x04 || X || Y) on a curve whose field is as long as its order.
bool is_uncompressed_point(ByteView point, const Curve& curve) {
  return point.size() == 1 + 2 * curve.scalar_size && point[0] == 0x04;
}

struct EcKeyParts {
  const Curve* curve = nullptr;
  ByteView scalar;  // big-endian, as long as the group order
  ByteView point;   // uncompressed
};

// AlgorithmIdentifier content: id-ecPublicKey and a named curve this path knows.
const Curve* named_curve(ByteView algorithm) {
  der::Reader fields(algorithm);
  auto type = fields.expect(der::kOid, "algorithm");
  if (!type || !same(*type, kEcPublicKeyOid)) return nullptr;
  auto curve = fields.expect(der::kOid, "namedCurve");
  if (!curve || !fields.empty()) return nullptr;
  return curve_by_oid(*curve);
}

// The fields of encoded when it is exactly one SEQUENCE whose first field is the one-octet
// INTEGER version, read past the version; nullopt for anything else.
std::optional<der::Reader> versioned_sequence(ByteView encoded, std::uint8_t version) {
  der::Reader outer(encoded);
  auto body = outer.expect(der::kSequence, "SEQUENCE");
  if (!body || !outer.empty()) return std::nullopt;
  der::Reader fields(*body);
  auto v = fields.expect(kInteger, "version");
  if (!v || v->size() != 1 || (*v)[0] != version) return std::nullopt;
  return fields;
}

// The uncompressed point on curve that a BIT STRING's content holds in whole octets.
std::optional<ByteView> point_in_bits(const Result<ByteView>& bits, const Curve& curve) {
  if (!bits || bits->empty() || (*bits)[0] != 0x00) return std::nullopt;
  const ByteView point = bits->subspan(1);
  if (!is_uncompressed_point(point, curve)) return std::nullopt;
  return point;
}

// ECPrivateKey ::= SEQUENCE { version 1, privateKey OCTET STRING, parameters [0] OPTIONAL,
// publicKey [1] BIT STRING }, required here: without it the decoder computes the point and
// OpenSSL remembers to write the key back without one, which a fromdata key would not.
std::optional<EcKeyParts> read_ec_private_key(ByteView encoded, const Curve& curve) {
  auto fields = versioned_sequence(encoded, 1);
  if (!fields) return std::nullopt;
  auto scalar = fields->expect(der::kOctetString, "privateKey");
  if (!scalar || scalar->size() != curve.scalar_size) return std::nullopt;  // OpenSSL pads it
  auto field = fields->next();
  if (field && field->tag == 0xa0) {  // the decoder would take these over the outer curve
    der::Reader parameters(field->content);
    auto oid = parameters.expect(der::kOid, "namedCurve");
    if (!oid || !parameters.empty() || curve_by_oid(*oid) != &curve) return std::nullopt;
    field = fields->next();
  }
  if (!field || field->tag != 0xa1 || !fields->empty()) return std::nullopt;
  der::Reader wrapped(field->content);
  auto point = point_in_bits(wrapped.expect(kBitString, "publicKey"), curve);
  if (!point || !wrapped.empty()) return std::nullopt;
  return EcKeyParts{&curve, *scalar, *point};
}

// PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, privateKey OCTET STRING }
// and nothing more: attributes, and anything trailing, are the decoder's to judge.
std::optional<EcKeyParts> read_private_key_info(ByteView encoded) {
  auto fields = versioned_sequence(encoded, 0);
  if (!fields) return std::nullopt;
  auto algorithm = fields->expect(der::kSequence, "privateKeyAlgorithm");
  const Curve* curve = algorithm ? named_curve(*algorithm) : nullptr;
  if (curve == nullptr) return std::nullopt;
  auto key = fields->expect(der::kOctetString, "privateKey");
  if (!key || !fields->empty()) return std::nullopt;
  return read_ec_private_key(*key, *curve);
}

// OSSL_PARAM integers are in native byte order; DER's are big-endian.
void swap_to_native_order(ByteView big_endian, std::uint8_t* out) {
  if constexpr (std::endian::native == std::endian::little) std::reverse_copy(big_endian.begin(), big_endian.end(), out);
  else std::copy(big_endian.begin(), big_endian.end(), out);
}

core::EvpPkeyPtr key_from_parts(const EcKeyParts& parts) {
  // The scalar goes to OpenSSL as a native-order OSSL_PARAM integer, which it reads straight
  // into its own constant-time secure BIGNUM: no BIGNUM copy of it here.
  std::uint8_t scalar[kMaxScalar];
  swap_to_native_order(parts.scalar, scalar);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, const_cast<char*>(parts.curve->group), 0),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, scalar, parts.scalar.size()),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, const_cast<std::uint8_t*>(parts.point.data()),
                                        parts.point.size()),
      OSSL_PARAM_construct_end()};
  ERR_set_mark();
  EVP_PKEY* key = nullptr;
  core::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr));
  const bool ok = ctx && EVP_PKEY_fromdata_init(ctx.get()) == 1 &&
                  EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_KEYPAIR, params) == 1;
  OPENSSL_cleanse(scalar, sizeof scalar);
  ERR_pop_to_mark();  // a point off the curve: the decoder gets to say so
  return core::EvpPkeyPtr(ok ? key : nullptr);
}

// What PEM_write_bio_PKCS8PrivateKey writes for an EC key depends on more than the key: its
// parameter encoding, point format and whether it was read without its public key. Read
// all of it, with the raw parts, in one call into the key's provider.
struct KeyState {
  char group[32] = {0};
  char encoding[32] = {0};
  char format[32] = {0};
  int include_public = 1;  // reported only when it is off
  std::uint8_t scalar[kMaxScalar] = {0};  // native order
  std::uint8_t point[1 + 2 * kMaxScalar] = {0};

  KeyState() = default;
  KeyState(const KeyState&) = delete;
  KeyState& operator=(const KeyState&) = delete;
  ~KeyState() { OPENSSL_cleanse(scalar, sizeof scalar); }
};

// The curve of a key OpenSSL would write as named curve, uncompressed point and public key
// included, with its parts in state; null otherwise.
const Curve* read_key_state(EVP_PKEY* key, KeyState& state) {
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, state.group, sizeof state.group),
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, state.encoding, sizeof state.encoding),
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, state.format, sizeof state.format),
      OSSL_PARAM_construct_int(OSSL_PKEY_PARAM_EC_INCLUDE_PUBLIC, &state.include_public),
      OSSL_PARAM_construct_BN(OSSL_PKEY_PARAM_PRIV_KEY, state.scalar, sizeof state.scalar),
      OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, state.point, sizeof state.point),
      OSSL_PARAM_construct_end()};
  ERR_set_mark();
  const bool ok = EVP_PKEY_get_params(key, params) == 1;
  ERR_pop_to_mark();
  if (!ok || !OSSL_PARAM_modified(&params[0]) || !OSSL_PARAM_modified(&params[1]) ||
      !OSSL_PARAM_modified(&params[2]) || !OSSL_PARAM_modified(&params[4]) || !OSSL_PARAM_modified(&params[5]))
    return nullptr;
  const Curve* curve = curve_by_group(state.group);
  // ENCODED_PUBLIC_KEY is always uncompressed; the format says what the encoder would write.
  if (curve == nullptr || std::strcmp(state.encoding, OSSL_PKEY_EC_ENCODING_GROUP) != 0 ||
      std::strcmp(state.format, OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 0 ||
      state.include_public == 0 || params[4].return_size != curve->scalar_size ||
      !is_uncompressed_point(ByteView(state.point, params[5].return_size), *curve))
    return nullptr;
  return curve;
}

// PEM (RFC 7468, 64 columns, as PEM_write_bio writes it) of a secret, written in place into
// a string sized up front: no reallocation leaves a copy of the key behind.
std::string secret_pem(std::string_view label, const SecretBytes& der) {
  const std::string begin = "-----BEGIN " + std::string(label) + "-----\n";
  const std::string end = "-----END " + std::string(label) + "-----\n";
  const std::size_t lines = (der.size() + 47) / 48;  // 48 octets make a 64-column line
  std::string out;
  // EVP_EncodeBlock also writes a NUL after each line: the line's '\n' goes there next.
  out.resize(begin.size() + (der.size() + 2) / 3 * 4 + lines + end.size());
  char* p = std::copy(begin.begin(), begin.end(), out.data());
  for (std::size_t at = 0; at < der.size(); at += 48) {
    p += EVP_EncodeBlock(reinterpret_cast<unsigned char*>(p), der.data() + at,
                         static_cast<int>(std::min<std::size_t>(48, der.size() - at)));
    *p++ = '\n';
  }
  std::copy(end.begin(), end.end(), p);
  return out;
}

#ifndef OPENSSL_NO_DEPRECATED_3_0
// The uncompressed point and named curve OpenSSL 3.0 would encode through the provider key
// (the legacy key it exports can lose a compressed point format).
bool has_default_encoding(EVP_PKEY* key) {
  char encoding[32] = {0};
  char format[32] = {0};
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof encoding),
      OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT, format, sizeof format),
      OSSL_PARAM_construct_end()};
  ERR_set_mark();
  const bool ok = EVP_PKEY_get_params(key, params) == 1;
  ERR_pop_to_mark();
  return ok && std::strcmp(encoding, OSSL_PKEY_EC_ENCODING_GROUP) == 0 &&
         std::strcmp(format, OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) == 0;
}
#endif

core::EvpPkeyPtr share(EVP_PKEY* key) {
  if (key != nullptr) EVP_PKEY_up_ref(key);
  return core::EvpPkeyPtr(key);
}

}  // namespace

core::EvpPkeyPtr spki_encodable_key(EVP_PKEY* key) {
#ifndef OPENSSL_NO_DEPRECATED_3_0
  // A legacy key is already encoded the legacy way; a provider key of another provider
  // (hardware) may not export, and then keeps the general path.
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC || EVP_PKEY_get0_provider(key) == nullptr ||
      !has_default_encoding(key))
    return share(key);
  ERR_set_mark();
  // get1 exports the key once and caches the legacy copy in key (thread-safe, under its lock).
  core::OsslPtr<EC_KEY, EC_KEY_free> ec(EVP_PKEY_get1_EC_KEY(key));
  core::EvpPkeyPtr legacy(ec ? EVP_PKEY_new() : nullptr);
  const bool ok = legacy && EVP_PKEY_set1_EC_KEY(legacy.get(), ec.get()) == 1 &&
                  EC_KEY_get_conv_form(ec.get()) == POINT_CONVERSION_UNCOMPRESSED;
  ERR_pop_to_mark();
  return ok ? std::move(legacy) : share(key);
#else
  return share(key);
#endif
}

#ifndef OPENSSL_NO_DEPRECATED_3_0
namespace {

// SubjectPublicKeyInfo content: id-ecPublicKey, a known named curve, an uncompressed point.
core::EvpPkeyPtr legacy_public_key(ByteView spki) {
  der::Reader fields(spki);
  auto algorithm = fields.expect(der::kSequence, "algorithm");
  const Curve* curve = algorithm ? named_curve(*algorithm) : nullptr;
  if (curve == nullptr) return nullptr;
  auto point = point_in_bits(fields.expect(kBitString, "subjectPublicKey"), *curve);
  if (!point || !fields.empty()) return nullptr;
  core::OsslPtr<EC_KEY, EC_KEY_free> ec(EC_KEY_new_by_curve_name(OBJ_sn2nid(curve->group)));
  core::EvpPkeyPtr key(ec ? EVP_PKEY_new() : nullptr);
  // oct2key checks that the point is on the curve.
  if (!key || EC_KEY_oct2key(ec.get(), point->data(), point->size(), nullptr) != 1 || EVP_PKEY_set1_EC_KEY(key.get(), ec.get()) != 1)
    return nullptr;
  return key;
}

template <typename T, T* (*d2i)(T**, const unsigned char**, long)>
T* decode_whole(ByteView der) {
  const unsigned char* p = der.data();
  T* out = d2i(nullptr, &p, static_cast<long>(der.size()));
  if (out != nullptr && p != der.data() + der.size()) return nullptr;  // cannot happen for one element
  return out;
}

}  // namespace
#endif

core::X509ReqPtr parse_ec_csr_der(ByteView der) {
#ifndef OPENSSL_NO_DEPRECATED_3_0
  der::Reader outer(der);
  auto request = outer.expect(der::kSequence, "CertificationRequest");
  if (!request || !outer.empty()) return nullptr;
  der::Reader fields(*request);
  auto info = fields.next();
  auto algorithm = fields.next();
  auto signature = fields.expect(kBitString, "signature");
  if (!info || info->tag != der::kSequence || !algorithm || algorithm->tag != der::kSequence || !signature ||
      !fields.empty() || signature->empty() || (*signature)[0] != 0x00)
    return nullptr;
  auto parts = versioned_sequence(info->encoded, 0);  // PKCS#10 v1
  if (!parts) return nullptr;
  auto subject = parts->next();
  auto spki = parts->next();
  auto attributes = parts->next();
  if (!subject || subject->tag != der::kSequence || !spki || spki->tag != der::kSequence || !attributes ||
      attributes->tag != 0xa0 || !parts->empty())
    return nullptr;

  ERR_set_mark();
  core::X509ReqPtr out;
  [&] {
    core::EvpPkeyPtr key = legacy_public_key(spki->content);
    core::X509ReqPtr req(X509_REQ_new());
    core::OsslPtr<X509_NAME, X509_NAME_free> name(decode_whole<X509_NAME, d2i_X509_NAME>(subject->encoded));
    core::OsslPtr<X509_ALGOR, X509_ALGOR_free> signature_algorithm(decode_whole<X509_ALGOR, d2i_X509_ALGOR>(algorithm->encoded));
    if (!key || !req || !name || !signature_algorithm || X509_REQ_set_version(req.get(), 0) != 1 ||
        X509_REQ_set_subject_name(req.get(), name.get()) != 1 || X509_REQ_set_pubkey(req.get(), key.get()) != 1 ||
        X509_REQ_set1_signature_algo(req.get(), signature_algorithm.get()) != 1)
      return;
    der::Reader each(attributes->content);
    while (!each.empty()) {
      auto attribute = each.next();
      if (!attribute) return;
      core::OsslPtr<X509_ATTRIBUTE, X509_ATTRIBUTE_free> a(decode_whole<X509_ATTRIBUTE, d2i_X509_ATTRIBUTE>(attribute->encoded));
      if (!a || X509_REQ_add1_attr(req.get(), a.get()) != 1) return;
    }
    ASN1_BIT_STRING* bits = ASN1_BIT_STRING_new();
    if (bits == nullptr || ASN1_STRING_set(bits, signature->data() + 1, static_cast<int>(signature->size() - 1)) != 1) {
      ASN1_BIT_STRING_free(bits);
      return;
    }
    bits->flags = ASN1_STRING_FLAG_BITS_LEFT;  // whole octets, as read: no unused bits
    X509_REQ_set0_signature(req.get(), bits);
    // Only a request that encodes back to the octets read: what was signed, and what every
    // later i2d_X509_REQ of it gives, must be der itself.
    unsigned char* encoded = nullptr;
    int length = i2d_X509_REQ(req.get(), &encoded);
    core::OsslBytesPtr owned(encoded);
    if (length > 0 && same(ByteView(encoded, static_cast<std::size_t>(length)), der)) out = std::move(req);
  }();
  ERR_pop_to_mark();
  return out;
#else
  (void)der;
  return nullptr;
#endif
}

core::EvpPkeyPtr parse_ec_pkcs8_der(ByteView der) {
  auto parts = read_private_key_info(der);
  return parts ? key_from_parts(*parts) : nullptr;
}

core::EvpPkeyPtr parse_ec_pkcs8(ByteView data) {
  if (!core::looks_like_pem(data)) return parse_ec_pkcs8_der(data);
  // OpenSSL refuses PEM headers other than Proc-Type, which parse_pem skips: leave any to it.
  if (as_chars(data).find(':') != std::string_view::npos) return nullptr;
  auto blocks = core::parse_pem(as_chars(data));
  if (!blocks) return nullptr;
  core::EvpPkeyPtr key;
  if (blocks->size() == 1 && blocks->front().label == "PRIVATE KEY") key = parse_ec_pkcs8_der(blocks->front().der);
  for (core::PemBlock& block : *blocks) OPENSSL_cleanse(block.der.data(), block.der.size());
  return key;
}

std::optional<std::string> ec_private_key_pem(EVP_PKEY* key) {
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return std::nullopt;
  KeyState state;
  const Curve* curve = read_key_state(key, state);
  if (curve == nullptr) return std::nullopt;
  std::uint8_t scalar[kMaxScalar];
  swap_to_native_order(ByteView(state.scalar, curve->scalar_size), scalar);  // the same swap, back
  auto der = ec_private_key_der(curve->type, ByteView(scalar, curve->scalar_size),
                                ByteView(state.point, 1 + 2 * curve->scalar_size));
  OPENSSL_cleanse(scalar, sizeof scalar);
  if (!der) return std::nullopt;
  return secret_pem("PRIVATE KEY", *der);
}

}  // namespace iotonb::pki
