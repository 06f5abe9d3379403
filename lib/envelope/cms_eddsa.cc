#include "envelope/cms_eddsa.h"

#include <openssl/cms.h>
#include <openssl/objects.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/der.h"

namespace iotonb::envelope::cms::detail {
namespace {

constexpr std::uint8_t kSet = 0x31;

// The signature input of RFC 5652 5.4: the signed attributes with an explicit SET OF tag.
// Signing sorts them as DER requires (and as OpenSSL orders them when it writes the
// SignerInfo); verifying keeps the order received, as OpenSSL's own verifier does.
Result<Bytes> signed_attributes_der(CMS_SignerInfo* si, bool sort) {
  int count = CMS_signed_get_attr_count(si);
  if (count < 0) return verify_error("Ed25519 SignerInfo without signed attributes is not supported");
  std::vector<Bytes> encoded;
  for (int i = 0; i < count; ++i) {
    unsigned char* out = nullptr;
    int len = i2d_X509_ATTRIBUTE(CMS_signed_get_attr(si, i), &out);
    if (len <= 0) return internal_error("cannot encode a signed attribute: " + core::openssl_errors());
    core::OsslBytesPtr owned(out);
    encoded.emplace_back(out, out + len);
  }
  if (sort) std::sort(encoded.begin(), encoded.end());
  Bytes body;
  for (const Bytes& e : encoded) body.insert(body.end(), e.begin(), e.end());
  return core::der::tlv(kSet, body);
}

}  // namespace

Status eddsa_finish(CMS_ContentInfo* cms, CMS_SignerInfo* si, ByteView content, bool detached,
                    const pki::Signer& signer) {
  // CMS_dataInit sets the SignedData and SignerInfo versions (RFC 5652 5.1, 5.3) the way
  // CMS_final would; its digest BIOs are not needed.
  core::BioPtr chain(CMS_dataInit(cms, nullptr));
  if (!chain) return internal_error("cannot prepare the SignedData: " + core::openssl_errors());
  chain.reset();

  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(content.data(), content.size(), digest, &digest_len, EVP_sha512(), nullptr) != 1 ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING, digest,
                                  static_cast<int>(digest_len)) != 1 ||
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT, CMS_get0_eContentType(cms), -1) != 1)
    return internal_error("cannot add the signed attributes: " + core::openssl_errors());

  IOTONB_ASSIGN_OR_RETURN(Bytes attributes, signed_attributes_der(si, true));
  IOTONB_ASSIGN_OR_RETURN(Bytes signature, signer.sign(attributes, nullptr));
  X509_ALGOR* algorithm = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &algorithm);
  if (ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(), static_cast<int>(signature.size())) != 1 ||
      algorithm == nullptr || X509_ALGOR_set0(algorithm, OBJ_nid2obj(NID_ED25519), V_ASN1_UNDEF, nullptr) != 1)
    return internal_error("cannot store the signature: " + core::openssl_errors());

  ASN1_OCTET_STRING** slot = CMS_get0_content(cms);
  if (slot == nullptr) return internal_error("SignedData has no content slot");
  if (detached) return CMS_set_detached(cms, 1) == 1 ? ok_status() : internal_error("cannot detach the content");
  if (*slot == nullptr) *slot = ASN1_OCTET_STRING_new();
  if (*slot == nullptr || ASN1_OCTET_STRING_set(*slot, content.data(), static_cast<int>(content.size())) != 1)
    return internal_error("cannot store the content: " + core::openssl_errors());
  // CMS_set_detached(cms, 0) marked the string "to be filled by CMS_final", which we skip.
  (*slot)->flags &= ~ASN1_STRING_FLAG_CONT;
  return ok_status();
}

Status eddsa_verify(CMS_SignerInfo* si, const EVP_PKEY* key) {
  X509_ALGOR* digest_alg = nullptr;
  X509_ALGOR* signature_alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest_alg, &signature_alg);
  const ASN1_OBJECT* digest_oid = nullptr;
  const ASN1_OBJECT* signature_oid = nullptr;
  int param_type = V_ASN1_UNDEF;
  X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest_alg);
  X509_ALGOR_get0(&signature_oid, &param_type, nullptr, signature_alg);
  if (OBJ_obj2nid(signature_oid) != NID_ED25519 || param_type != V_ASN1_UNDEF)
    return verify_error("signatureAlgorithm of an Ed25519 signer must be id-Ed25519 without parameters (RFC 8419 3.1)");
  if (OBJ_obj2nid(digest_oid) != NID_sha512)
    return verify_error("digestAlgorithm of an Ed25519 signer must be SHA-512 (RFC 8419 3.1)");

  IOTONB_ASSIGN_OR_RETURN(Bytes attributes, signed_attributes_der(si, false));
  const ASN1_OCTET_STRING* signature = CMS_SignerInfo_get0_signature(si);
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, const_cast<EVP_PKEY*>(key)) != 1)
    return internal_error("cannot verify: " + core::openssl_errors());
  int rc = EVP_DigestVerify(ctx.get(), ASN1_STRING_get0_data(signature),
                            static_cast<std::size_t>(ASN1_STRING_length(signature)), attributes.data(),
                            attributes.size());
  core::openssl_errors();
  if (rc != 1) return verify_error("signature does not verify");
  return ok_status();
}

}  // namespace iotonb::envelope::cms::detail
