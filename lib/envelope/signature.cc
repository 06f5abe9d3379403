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
  bool pss = false;           // RSASSA-PSS rather than PKCS#1 v1.5 (RSA only)
};

const EVP_MD* no_digest() { return nullptr; }

constexpr std::array<AlgorithmInfo, 8> kAlgorithms{{
    {SignatureAlgorithm::es256, -7, "ES256", EVP_sha256, EVP_PKEY_EC, "prime256v1"},
    {SignatureAlgorithm::es384, -35, "ES384", EVP_sha384, EVP_PKEY_EC, "secp384r1"},
    {SignatureAlgorithm::es512, -36, "ES512", EVP_sha512, EVP_PKEY_EC, "secp521r1"},
    {SignatureAlgorithm::eddsa, -8, "EdDSA", no_digest, EVP_PKEY_ED25519, ""},
    {SignatureAlgorithm::ps256, -37, "PS256", EVP_sha256, EVP_PKEY_RSA, "", true},
    {SignatureAlgorithm::ps384, -38, "PS384", EVP_sha384, EVP_PKEY_RSA, "", true},
    {SignatureAlgorithm::rs256, -257, "RS256", EVP_sha256, EVP_PKEY_RSA, ""},
    {SignatureAlgorithm::rs384, -258, "RS384", EVP_sha384, EVP_PKEY_RSA, ""},
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
    case EVP_PKEY_RSA_PSS: return "RSA-PSS";
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

// Whether key may be kept by the cache below: a provider key (a legacy one wraps an EC_KEY
// its owner may still change) without a private part.
bool cacheable(const EVP_PKEY* key) {
  if (EVP_PKEY_get0_provider(key) == nullptr) return false;
  BIGNUM* priv = nullptr;
  bool has_private = EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PRIV_KEY, &priv) == 1;
  BN_clear_free(priv);
  core::openssl_errors();  // a public key may leave "not found" behind
  return !has_private;
}

// ECDSA verification contexts of the keys this thread verified with last, and the digests
// they verify over. Checking that a key fits its algorithm (a provider parameter query) and
// setting up an EVP_PKEY_CTX (in OpenSSL 3.0 a walk of the whole algorithm name map and a
// method fetch) cost about a tenth of a P-256 verification, and a verifier checks message
// after message with the same few keys: a pinned public key, or the key of a certificate
// shared by pki/parse_cache.h. Like that cache, this one relies on verification leaving keys
// unchanged. Each entry holds a reference to its key, so no other key can have that address
// while it is cached; a key with a private part is never kept (it would outlive its owner's
// copy). An EVP_PKEY_CTX must not be used by two threads at once, hence one cache per thread;
// it is freed when the thread ends.
class EcdsaVerifiers {
 public:
  // The digest of an ECDSA algorithm, fetched once (core::fetched_digest): an implicit fetch
  // on every use costs about as much as hashing a voucher.
  static const EVP_MD* digest(const AlgorithmInfo& a) { return core::fetched_digest(a.digest()); }

  // A context for EVP_PKEY_verify with key, whose fit for alg is checked; null if there is
  // none cached.
  EVP_PKEY_CTX* find(const EVP_PKEY* key, SignatureAlgorithm alg) const {
    for (const Entry& e : entries_)
      if (e.ctx && e.key.get() == key && e.alg == alg) return e.ctx.get();
    return nullptr;
  }

  // Keeps ctx (made for key, checked for alg) for the next verification, if key is cacheable.
  void keep(const EVP_PKEY* key, SignatureAlgorithm alg, core::EvpPkeyCtxPtr ctx) {
    if (!cacheable(key)) return;
    EVP_PKEY_up_ref(const_cast<EVP_PKEY*>(key));
    Entry& e = entries_[next_];
    next_ = (next_ + 1) % entries_.size();
    e.ctx = std::move(ctx);  // before the key it holds a reference to
    e.key.reset(const_cast<EVP_PKEY*>(key));
    e.alg = alg;
  }

  // Drops the context of a verification that ended in an error (a mismatch leaves a context
  // as it was; an error inside OpenSSL need not).
  void forget(const EVP_PKEY_CTX* ctx) {
    for (Entry& e : entries_)
      if (e.ctx.get() == ctx) {
        e.ctx.reset();
        e.key.reset();
      }
  }

 private:
  struct Entry {
    core::EvpPkeyPtr key;
    SignatureAlgorithm alg = SignatureAlgorithm::es256;
    core::EvpPkeyCtxPtr ctx;
  };
  std::array<Entry, 4> entries_;
  std::size_t next_ = 0;
};

// What EVP_DigestVerify does for ECDSA (the digest, then ECDSA_verify over it, with the
// signature as an ECDSA-Sig-Value), with its per-call setup cached above: EVP_DigestVerifyInit
// fetches the digest twice, makes a context and builds an AlgorithmIdentifier, and
// EVP_DigestVerifyFinal duplicates the context.
Status verify_ecdsa(const EVP_PKEY* key, const AlgorithmInfo& a, ByteView data, ByteView signature) {
  thread_local EcdsaVerifiers verifiers;
  EVP_PKEY_CTX* ctx = verifiers.find(key, a.alg);
  core::EvpPkeyCtxPtr made;
  if (ctx == nullptr) IOTONB_RETURN_IF_ERROR(check_key_fits(a.alg, key));
  if (signature.size() != 2 * field_size(key))
    return verify_error(std::string(a.jose) + " signature is " + std::to_string(signature.size()) + " octets, expected " +
                        std::to_string(2 * field_size(key)));
  IOTONB_ASSIGN_OR_RETURN(Bytes der, ecdsa_raw_to_der(signature));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_len, verifiers.digest(a), nullptr) != 1)
    return internal_error("cannot verify: " + core::openssl_errors());
  if (ctx == nullptr) {
    made.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, const_cast<EVP_PKEY*>(key), nullptr));
    if (!made || EVP_PKEY_verify_init(made.get()) != 1) return internal_error("cannot verify: " + core::openssl_errors());
    ctx = made.get();
  }
  int rc = EVP_PKEY_verify(ctx, der.data(), der.size(), digest, digest_len);
  core::openssl_errors();  // a mismatch leaves errors on the queue; they say no more than rc
  if (rc < 0) {
    if (!made) verifiers.forget(ctx);  // an error, not a mismatch: the context is not reused
  } else if (made) {
    verifiers.keep(key, a.alg, std::move(made));  // also after a mismatch: the next candidate key is tried as often
  }
  if (rc != 1) return verify_error("signature does not verify");
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
    if (a.key_type == id && (a.curve.empty() || a.curve == curve_name(key)))
      return a.alg;
  return input_error("no COSE/JOSE signature algorithm for a " + describe(key) + " key");
}

Status check_key_fits(SignatureAlgorithm alg, const EVP_PKEY* key) {
  const AlgorithmInfo& a = info(alg);
  if (key == nullptr) return verify_error(std::string(a.jose) + " needs a key, and there is none (unreadable public key?)");
  const int id = EVP_PKEY_get_base_id(key);
  // A key restricted to PSS (id-RSASSA-PSS, RFC 4055 1.2) is an RSA key for the PSS algorithms.
  if ((id == a.key_type || (a.pss && id == EVP_PKEY_RSA_PSS)) && (a.curve.empty() || a.curve == curve_name(key)))
    return ok_status();
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
  if (a.pss) {
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
  const AlgorithmInfo& a = info(alg);
  if (a.key_type == EVP_PKEY_EC) return verify_ecdsa(key, a, data, signature);
  IOTONB_RETURN_IF_ERROR(check_key_fits(alg, key));
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, a.digest(), nullptr, const_cast<EVP_PKEY*>(key)) != 1)
    return internal_error("cannot verify: " + core::openssl_errors());
  if (a.pss) IOTONB_RETURN_IF_ERROR(set_pss(pctx));
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), data.data(), data.size());
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

// ECDSA-Sig-Value from r||s, written directly, octet for octet what BN_bin2bn and
// i2d_ECDSA_SIG produce (no BIGNUMs to allocate on every verification).
namespace {

void append_der_length(Bytes& out, std::size_t len) {
  if (len < 0x80) {
    out.push_back(static_cast<std::uint8_t>(len));
    return;
  }
  std::uint8_t octets[sizeof(std::size_t)];
  std::size_t n = 0;
  for (std::size_t v = len; v != 0; v >>= 8) octets[n++] = static_cast<std::uint8_t>(v & 0xff);
  out.push_back(static_cast<std::uint8_t>(0x80 | n));
  while (n > 0) out.push_back(octets[--n]);
}

std::size_t der_length_size(std::size_t len) {
  std::size_t n = 1;
  if (len >= 0x80)
    for (std::size_t v = len; v != 0; v >>= 8) ++n;
  return n;
}

ByteView unsigned_magnitude(ByteView v) {
  while (!v.empty() && v.front() == 0) v = v.subspan(1);
  return v;
}

// The DER INTEGER of an unsigned big-endian magnitude: leading zeros dropped (above), one zero
// octet in front when the top bit is set, 0 as 02 01 00.
std::size_t der_integer_content_size(ByteView magnitude) {
  if (magnitude.empty()) return 1;
  return magnitude.size() + ((magnitude.front() & 0x80) ? 1 : 0);
}

void append_der_integer(Bytes& out, ByteView magnitude) {
  out.push_back(0x02);
  append_der_length(out, der_integer_content_size(magnitude));
  if (magnitude.empty() || (magnitude.front() & 0x80)) out.push_back(0x00);
  out.insert(out.end(), magnitude.begin(), magnitude.end());
}

}  // namespace

Result<Bytes> ecdsa_raw_to_der(ByteView raw) {
  if (raw.empty() || raw.size() % 2 != 0) return verify_error("ECDSA signature has an odd length");
  std::size_t half = raw.size() / 2;
  ByteView r = unsigned_magnitude(raw.first(half));
  ByteView s = unsigned_magnitude(raw.subspan(half));
  std::size_t r_size = der_integer_content_size(r), s_size = der_integer_content_size(s);
  std::size_t body = 1 + der_length_size(r_size) + r_size + 1 + der_length_size(s_size) + s_size;
  Bytes der;
  der.reserve(1 + der_length_size(body) + body);
  der.push_back(0x30);
  append_der_length(der, body);
  append_der_integer(der, r);
  append_der_integer(der, s);
  return der;
}

}  // namespace iotonb::envelope
