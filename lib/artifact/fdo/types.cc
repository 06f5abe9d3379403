#include "artifact/fdo/types.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/parse_cache.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Type;
using core::cbor::Value;

const EVP_MD* digest_of(std::int64_t type) {
  switch (type) {
    case hash_type::sha256:
    case hash_type::hmac_sha256: return EVP_sha256();
    case hash_type::sha384:
    case hash_type::hmac_sha384: return EVP_sha384();
    default: return nullptr;
  }
}

bool is_hmac(std::int64_t type) { return type == hash_type::hmac_sha256 || type == hash_type::hmac_sha384; }

// COSE_Key labels (RFC 9052 7.1, RFC 9053 7.1.1, RFC 8230 4).
constexpr std::int64_t kKty = 1, kKtyEc2 = 2, kKtyRsa = 3, kCrv = -1, kX = -2, kY = -3, kRsaN = -1, kRsaE = -2;
constexpr std::int64_t kCrvP256 = 1, kCrvP384 = 2;

std::string curve_of(const EVP_PKEY* key) {
  char group[32] = {0};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) != 1) return {};
  return group;
}

Status check_type(std::int64_t type, const EVP_PKEY* key, std::string_view field) {
  const int id = EVP_PKEY_get_base_id(key);
  const int bits = EVP_PKEY_get_bits(key);
  bool fits = false;
  switch (type) {
    case pk_type::secp256r1: fits = id == EVP_PKEY_EC && curve_of(key) == "prime256v1"; break;
    case pk_type::secp384r1: fits = id == EVP_PKEY_EC && curve_of(key) == "secp384r1"; break;
    case pk_type::rsa2048restr: fits = id == EVP_PKEY_RSA && bits == 2048; break;
    case pk_type::rsapkcs:
    case pk_type::rsapss: fits = (id == EVP_PKEY_RSA || id == EVP_PKEY_RSA_PSS) && (bits == 2048 || bits == 3072); break;
    default: return input_error(std::string(field) + ": unknown pkType " + std::to_string(type));
  }
  if (!fits)
    return input_error(std::string(field) + ": pkType " + pk_type_name(type) + " does not describe the key it holds (" +
                       pki::describe_key(key) + ")");
  return ok_status();
}

Result<Bytes> bytes_at(const Value& map, std::int64_t label, std::string_view field) {
  const Value* v = map.find(label);
  if (!v || v->type() != Type::bytes) return input_error(std::string(field) + ": COSE_Key label " + std::to_string(label) + " is not a byte string");
  return v->as_bytes();
}

Result<core::EvpPkeyPtr> rsa_from_parts(ByteView n, ByteView e) {
  core::OsslPtr<BIGNUM, BN_free> bn_n(BN_bin2bn(n.data(), static_cast<int>(n.size()), nullptr));
  core::OsslPtr<BIGNUM, BN_free> bn_e(BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr));
  core::OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free> bld(OSSL_PARAM_BLD_new());
  if (!bn_n || !bn_e || !bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1)
    return internal_error("RSA key: " + core::openssl_errors());
  core::OsslPtr<OSSL_PARAM, OSSL_PARAM_free> params(OSSL_PARAM_BLD_to_param(bld.get()));
  core::OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
    return input_error("malformed RSA key: " + core::openssl_errors());
  return core::EvpPkeyPtr(key);
}

Result<core::EvpPkeyPtr> from_cose_key(const Value& body, std::string_view field) {
  if (body.type() != Type::map) return input_error(std::string(field) + ": a COSEKEY body must be a map");
  const Value* kty = body.find(kKty);
  auto kty_value = kty ? kty->as_int64() : std::nullopt;
  if (kty_value == kKtyEc2) {
    const Value* crv = body.find(kCrv);
    auto crv_value = crv ? crv->as_int64() : std::nullopt;
    if (crv_value != kCrvP256 && crv_value != kCrvP384)
      return input_error(std::string(field) + ": COSE_Key curve must be P-256 (1) or P-384 (2)");
    IOTONB_ASSIGN_OR_RETURN(Bytes x, bytes_at(body, kX, field));
    IOTONB_ASSIGN_OR_RETURN(Bytes y, bytes_at(body, kY, field));
    Bytes point{0x04};
    point.insert(point.end(), x.begin(), x.end());
    point.insert(point.end(), y.begin(), y.end());
    auto spki = pki::ec_public_key_der(*crv_value == kCrvP256 ? pki::KeyType::p256 : pki::KeyType::p384, point);
    if (!spki) return spki.error().context(std::string(field));
    return pki::parse_public_key_der_cached(*spki);
  }
  if (kty_value == kKtyRsa) {
    IOTONB_ASSIGN_OR_RETURN(Bytes n, bytes_at(body, kRsaN, field));
    IOTONB_ASSIGN_OR_RETURN(Bytes e, bytes_at(body, kRsaE, field));
    return rsa_from_parts(n, e);
  }
  return input_error(std::string(field) + ": COSE_Key kty must be EC2 (2) or RSA (3)");
}

Result<Bytes> raw_public_point(const EVP_PKEY* key) {
  std::size_t len = 0;
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, nullptr, 0, &len) != 1)
    return internal_error("EC key: " + core::openssl_errors());
  Bytes point(len);
  if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size(), &len) != 1)
    return internal_error("EC key: " + core::openssl_errors());
  point.resize(len);
  return point;
}

Result<Bytes> bn_param(const EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return internal_error("RSA key: " + core::openssl_errors());
  core::OsslPtr<BIGNUM, BN_free> owned(bn);
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn)));
  BN_bn2bin(bn, out.data());
  return out;
}

}  // namespace

std::string hash_name(std::int64_t type) {
  switch (type) {
    case hash_type::sha256: return "SHA-256";
    case hash_type::sha384: return "SHA-384";
    case hash_type::hmac_sha256: return "HMAC-SHA256";
    case hash_type::hmac_sha384: return "HMAC-SHA384";
    default: return "type " + std::to_string(type);
  }
}

Result<Hash> hash_from_cbor(const Value& v, std::string_view field) {
  if (v.type() != Type::array || v.as_array().size() != 2)
    return input_error(std::string(field) + ": a Hash must be a two-item array [type, bytes]");
  const auto& a = v.as_array();
  auto type = a[0].as_int64();
  if (!a[0].is_integer() || !type) return input_error(std::string(field) + ": the hash type must be an integer");
  if (a[1].type() != Type::bytes) return input_error(std::string(field) + ": the hash value must be a byte string");
  const EVP_MD* md = digest_of(*type);
  if (!md) return input_error(std::string(field) + ": unknown hash type " + std::to_string(*type));
  if (a[1].as_bytes().size() != static_cast<std::size_t>(EVP_MD_get_size(md)))
    return input_error(std::string(field) + ": a " + hash_name(*type) + " value must be " +
                       std::to_string(EVP_MD_get_size(md)) + " octets, not " + std::to_string(a[1].as_bytes().size()));
  return Hash{*type, a[1].as_bytes()};
}

Value to_cbor(const Hash& h) { return Value::array({Value::integer(h.type), Value::bytes(h.value)}); }

Result<Hash> digest(std::int64_t type, std::initializer_list<ByteView> parts) {
  const EVP_MD* md = is_hmac(type) ? nullptr : digest_of(type);
  if (!md) return input_error("not a hash type: " + hash_name(type));
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) return internal_error("digest: " + core::openssl_errors());
  for (ByteView part : parts)
    if (EVP_DigestUpdate(ctx.get(), part.data(), part.size()) != 1) return internal_error("digest: " + core::openssl_errors());
  Hash h{type, Bytes(static_cast<std::size_t>(EVP_MD_get_size(md)))};
  if (EVP_DigestFinal_ex(ctx.get(), h.value.data(), nullptr) != 1) return internal_error("digest: " + core::openssl_errors());
  return h;
}

Result<bool> digest_matches(const Hash& expected, std::initializer_list<ByteView> parts) {
  IOTONB_ASSIGN_OR_RETURN(Hash actual, digest(expected.type, parts));
  return actual.value == expected.value;
}

Result<Hash> hmac(std::int64_t type, ByteView secret, ByteView data) {
  const EVP_MD* md = is_hmac(type) ? digest_of(type) : nullptr;
  if (!md) return input_error("not an HMAC type: " + hash_name(type));
  Hash h{type, Bytes(static_cast<std::size_t>(EVP_MD_get_size(md)))};
  unsigned int len = 0;
  if (!HMAC(md, secret.data(), static_cast<int>(secret.size()), data.data(), data.size(), h.value.data(), &len))
    return internal_error("HMAC: " + core::openssl_errors());
  return h;
}

Result<bool> hmac_matches(const Hash& expected, ByteView secret, ByteView data) {
  IOTONB_ASSIGN_OR_RETURN(Hash actual, hmac(expected.type, secret, data));
  return actual.value.size() == expected.value.size() &&
         CRYPTO_memcmp(actual.value.data(), expected.value.data(), actual.value.size()) == 0;
}

std::string pk_type_name(std::int64_t type) {
  switch (type) {
    case pk_type::rsa2048restr: return "RSA2048RESTR";
    case pk_type::rsapkcs: return "RSAPKCS";
    case pk_type::rsapss: return "RSAPSS";
    case pk_type::secp256r1: return "SECP256R1";
    case pk_type::secp384r1: return "SECP384R1";
    default: return "pkType " + std::to_string(type);
  }
}

std::string pk_encoding_name(std::int64_t encoding) {
  switch (encoding) {
    case pk_encoding::crypto: return "Crypto";
    case pk_encoding::x509: return "X509";
    case pk_encoding::x5chain: return "X5CHAIN";
    case pk_encoding::cosekey: return "COSEKEY";
    default: return "pkEnc " + std::to_string(encoding);
  }
}

Result<PublicKey> public_key_from_cbor(const Value& v, std::string_view field) {
  if (v.type() != Type::array || v.as_array().size() != 3)
    return input_error(std::string(field) + ": a PublicKey must be a three-item array [pkType, pkEnc, pkBody]");
  const auto& a = v.as_array();
  auto type = a[0].as_int64();
  auto encoding = a[1].as_int64();
  if (!a[0].is_integer() || !type) return input_error(std::string(field) + ": pkType must be an integer");
  if (!a[1].is_integer() || !encoding) return input_error(std::string(field) + ": pkEnc must be an integer");
  return PublicKey{*type, *encoding, a[2]};
}

Value to_cbor(const PublicKey& key) {
  return Value::array({Value::integer(key.type), Value::integer(key.encoding), key.body});
}

Result<core::EvpPkeyPtr> to_evp(const PublicKey& key) {
  const std::string field = pk_type_name(key.type) + " key in " + pk_encoding_name(key.encoding);
  core::EvpPkeyPtr evp;
  switch (key.encoding) {
    case pk_encoding::x509: {
      if (key.body.type() != Type::bytes) return input_error(field + ": the body must be a byte string (SubjectPublicKeyInfo)");
      auto parsed = pki::parse_public_key_der_cached(key.body.as_bytes());
      if (!parsed) return parsed.error().context(field);
      evp = std::move(*parsed);
      break;
    }
    case pk_encoding::x5chain: {
      if (key.body.type() != Type::array || key.body.as_array().empty() || key.body.as_array()[0].type() != Type::bytes)
        return input_error(field + ": the body must be an array of DER certificates, leaf first");
      auto cert = pki::parse_certificate_der_cached(key.body.as_array()[0].as_bytes());
      if (!cert) return cert.error().context(field);
      evp.reset(X509_get_pubkey(cert->get()));
      if (!evp) return input_error(field + ": unreadable certificate key: " + core::openssl_errors());
      break;
    }
    case pk_encoding::cosekey: {
      IOTONB_ASSIGN_OR_RETURN(evp, from_cose_key(key.body, field));
      break;
    }
    case pk_encoding::crypto: return input_error(field + ": the Crypto encoding is not used for signing keys; refused");
    default: return input_error(field + ": unknown public key encoding");
  }
  IOTONB_RETURN_IF_ERROR(check_type(key.type, evp.get(), field));
  return evp;
}

Result<std::int64_t> pk_type_of(const EVP_PKEY* key) {
  const int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_EC) {
    std::string curve = curve_of(key);
    if (curve == "prime256v1") return pk_type::secp256r1;
    if (curve == "secp384r1") return pk_type::secp384r1;
  }
  if (id == EVP_PKEY_RSA && (EVP_PKEY_get_bits(key) == 2048 || EVP_PKEY_get_bits(key) == 3072)) return pk_type::rsapkcs;
  return usage_error("FDO has no pkType for a " + pki::describe_key(key) + " key (P-256, P-384 or RSA 2048/3072)");
}

Result<PublicKey> make_public_key(const EVP_PKEY* key, std::int64_t encoding, const std::vector<core::X509Ptr>& chain) {
  IOTONB_ASSIGN_OR_RETURN(std::int64_t type, pk_type_of(key));
  switch (encoding) {
    case pk_encoding::x509: {
      IOTONB_ASSIGN_OR_RETURN(Bytes spki, pki::public_key_to_der(const_cast<EVP_PKEY*>(key)));
      return PublicKey{type, encoding, Value::bytes(std::move(spki))};
    }
    case pk_encoding::x5chain: {
      if (chain.empty()) return usage_error("the X5CHAIN key encoding needs the key's certificate");
      core::EvpPkeyPtr leaf_key(X509_get_pubkey(chain.front().get()));
      if (!leaf_key || !pki::same_public_key(leaf_key.get(), key))
        return usage_error("the first certificate of the X5CHAIN is not the key's");
      core::cbor::Array certs;
      for (const auto& c : chain) certs.push_back(Value::bytes(pki::certificate_der(c.get())));
      return PublicKey{type, encoding, Value::array(std::move(certs))};
    }
    case pk_encoding::cosekey: {
      core::cbor::Map m;
      if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
        IOTONB_ASSIGN_OR_RETURN(Bytes point, raw_public_point(key));
        const std::size_t n = (point.size() - 1) / 2;
        if (point.size() != 1 + 2 * n || point[0] != 0x04) return internal_error("EC key: not an uncompressed point");
        m.emplace_back(Value::integer(kKty), Value::integer(kKtyEc2));
        m.emplace_back(Value::integer(kCrv), Value::integer(type == pk_type::secp256r1 ? kCrvP256 : kCrvP384));
        m.emplace_back(Value::integer(kX), Value::bytes(ByteView(point).subspan(1, n)));
        m.emplace_back(Value::integer(kY), Value::bytes(ByteView(point).subspan(1 + n, n)));
      } else {
        IOTONB_ASSIGN_OR_RETURN(Bytes n, bn_param(key, OSSL_PKEY_PARAM_RSA_N));
        IOTONB_ASSIGN_OR_RETURN(Bytes e, bn_param(key, OSSL_PKEY_PARAM_RSA_E));
        m.emplace_back(Value::integer(kKty), Value::integer(kKtyRsa));
        m.emplace_back(Value::integer(kRsaN), Value::bytes(std::move(n)));
        m.emplace_back(Value::integer(kRsaE), Value::bytes(std::move(e)));
      }
      return PublicKey{type, encoding, Value::map(std::move(m))};
    }
    default: return usage_error("iotonb writes keys as X509, X5CHAIN or COSEKEY, not " + pk_encoding_name(encoding));
  }
}

std::int64_t hash_type_for(std::int64_t type, int rsa_bits) {
  return type == pk_type::secp384r1 || rsa_bits == 3072 ? hash_type::sha384 : hash_type::sha256;
}

std::int64_t hmac_type_for(std::int64_t type, int rsa_bits) {
  return type == pk_type::secp384r1 || rsa_bits == 3072 ? hash_type::hmac_sha384 : hash_type::hmac_sha256;
}

}  // namespace iotonb::artifact::fdo
