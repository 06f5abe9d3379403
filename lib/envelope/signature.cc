#include "envelope/signature.h"

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include <array>
#include <string>

namespace iotonb::envelope {
namespace {

struct AlgorithmInfo {
  SignatureAlgorithm alg;
  std::int64_t cose;
  std::string_view jose;
  const EVP_MD* (*digest)();  // null for EdDSA, which hashes internally
  int key_type;               // EVP_PKEY_EC, EVP_PKEY_ED25519, EVP_PKEY_RSA
  std::string_view curve;     // the group name for ECDSA, empty otherwise
};

const EVP_MD* no_digest() { return nullptr; }

constexpr std::array<AlgorithmInfo, 6> kAlgorithms{{
    {SignatureAlgorithm::es256, -7, "ES256", EVP_sha256, EVP_PKEY_EC, "prime256v1"},
    {SignatureAlgorithm::es384, -35, "ES384", EVP_sha384, EVP_PKEY_EC, "secp384r1"},
    {SignatureAlgorithm::es512, -36, "ES512", EVP_sha512, EVP_PKEY_EC, "secp521r1"},
    {SignatureAlgorithm::eddsa, -8, "EdDSA", no_digest, EVP_PKEY_ED25519, ""},
    {SignatureAlgorithm::ps256, -37, "PS256", EVP_sha256, EVP_PKEY_RSA, ""},
    {SignatureAlgorithm::rs256, -257, "RS256", EVP_sha256, EVP_PKEY_RSA, ""},
}};

const AlgorithmInfo& info(SignatureAlgorithm alg) {
  for (const auto& a : kAlgorithms)
    if (a.alg == alg) return a;
  return kAlgorithms[0];  // unreachable: every enumerator is in the table
}

std::string curve_name(const EVP_PKEY* key) {
  char name[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1) return "";
  return std::string(name, len);
}

std::string describe(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_EC: return "EC " + curve_name(key);
    case EVP_PKEY_ED25519: return "Ed25519";
    case EVP_PKEY_ED448: return "Ed448";
    case EVP_PKEY_RSA: return "RSA";
    default: return "unsupported key type";
  }
}

std::size_t field_size(const EVP_PKEY* key) { return static_cast<std::size_t>((EVP_PKEY_get_bits(key) + 7) / 8); }

// PSS with a salt as long as the hash (RFC 8230 2, RFC 7518 3.5).
Status set_pss(EVP_PKEY_CTX* pctx) {
  if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)
    return internal_error("cannot set up RSA-PSS: " + core::openssl_errors());
  return ok_status();
}

}  // namespace

std::int64_t cose_label(SignatureAlgorithm alg) { return info(alg).cose; }
std::string_view jose_name(SignatureAlgorithm alg) { return info(alg).jose; }

std::optional<SignatureAlgorithm> from_cose_label(std::int64_t label) {
  for (const auto& a : kAlgorithms)
    if (a.cose == label) return a.alg;
  return std::nullopt;
}

std::optional<SignatureAlgorithm> from_jose_name(std::string_view name) {
  for (const auto& a : kAlgorithms)
    if (a.jose == name) return a.alg;
  return std::nullopt;
}

Result<SignatureAlgorithm> algorithm_for_key(const EVP_PKEY* key) {
  int id = EVP_PKEY_get_base_id(key);
  if (id == EVP_PKEY_RSA) return SignatureAlgorithm::rs256;
  for (const auto& a : kAlgorithms)
    if (a.key_type == id && a.alg != SignatureAlgorithm::ps256 && (a.curve.empty() || a.curve == curve_name(key)))
      return a.alg;
  return input_error("no COSE/JOSE signature algorithm for a " + describe(key) + " key");
}

Status check_key_fits(SignatureAlgorithm alg, const EVP_PKEY* key) {
  const AlgorithmInfo& a = info(alg);
  if (key == nullptr) return verify_error(std::string(a.jose) + " needs a key, and there is none (unreadable public key?)");
  if (EVP_PKEY_get_base_id(key) == a.key_type && (a.curve.empty() || a.curve == curve_name(key))) return ok_status();
  return verify_error(std::string(a.jose) + " needs " +
                      (a.key_type == EVP_PKEY_EC ? "an EC " + std::string(a.curve)
                       : a.key_type == EVP_PKEY_RSA ? std::string("an RSA")
                                                     : std::string("an Ed25519")) +
                      " key, but the key is " + describe(key));
}

Result<Bytes> sign(const pki::Signer& signer, SignatureAlgorithm alg, ByteView data) {
  const EVP_PKEY* key = signer.key();
  if (Status fits = check_key_fits(alg, key); !fits) return usage_error(signer.reference() + ": " + fits.error().message);
  const AlgorithmInfo& a = info(alg);
  if (alg == SignatureAlgorithm::ps256) {
    // Signer::sign uses PKCS#1 v1.5 for RSA; PSS needs its own context.
    core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, a.digest(), nullptr, signer.key()) != 1)
      return internal_error(signer.reference() + ": cannot sign: " + core::openssl_errors());
    IOTONB_RETURN_IF_ERROR(set_pss(pctx));
    if (EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
      return internal_error(signer.reference() + ": cannot sign: " + core::openssl_errors());
    Bytes sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
      return internal_error(signer.reference() + ": cannot sign: " + core::openssl_errors());
    sig.resize(len);
    return sig;
  }
  IOTONB_ASSIGN_OR_RETURN(Bytes sig, signer.sign(data, a.digest()));
  if (a.key_type != EVP_PKEY_EC) return sig;
  return ecdsa_der_to_raw(sig, field_size(key));
}

Status verify(const EVP_PKEY* key, SignatureAlgorithm alg, ByteView data, ByteView signature) {
  IOTONB_RETURN_IF_ERROR(check_key_fits(alg, key));
  const AlgorithmInfo& a = info(alg);
  Bytes der;
  ByteView sig = signature;
  if (a.key_type == EVP_PKEY_EC) {
    if (signature.size() != 2 * field_size(key))
      return verify_error(std::string(a.jose) + " signature is " + std::to_string(signature.size()) +
                          " octets, expected " + std::to_string(2 * field_size(key)));
    IOTONB_ASSIGN_OR_RETURN(der, ecdsa_raw_to_der(signature));
    sig = der;
  }
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, a.digest(), nullptr, const_cast<EVP_PKEY*>(key)) != 1)
    return internal_error("cannot verify: " + core::openssl_errors());
  if (alg == SignatureAlgorithm::ps256) IOTONB_RETURN_IF_ERROR(set_pss(pctx));
  int rc = EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), data.data(), data.size());
  core::openssl_errors();  // a mismatch leaves errors on the queue; they say no more than rc
  if (rc != 1) return verify_error("signature does not verify");
  return ok_status();
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t size) {
  const unsigned char* p = der.data();
  core::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != der.data() + der.size()) return internal_error("malformed ECDSA signature from the signer");
  Bytes raw(2 * size);
  if (BN_bn2binpad(ECDSA_SIG_get0_r(sig.get()), raw.data(), static_cast<int>(size)) < 0 ||
      BN_bn2binpad(ECDSA_SIG_get0_s(sig.get()), raw.data() + size, static_cast<int>(size)) < 0)
    return internal_error("ECDSA signature does not fit the curve");
  return raw;
}

Result<Bytes> ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0) return verify_error("ECDSA signature has an odd length");
  std::size_t half = raw.size() / 2;
  core::EcdsaSigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(raw.data(), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return internal_error("cannot build an ECDSA signature: " + core::openssl_errors());
  }
  unsigned char* out = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &out);
  if (len <= 0) return internal_error("cannot encode an ECDSA signature");
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

}  // namespace iotonb::envelope
