#include "envelope/cms.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/objects.h>

#include <algorithm>
#include <ctime>
#include <string>
#include <string_view>
#include <vector>

#include "core/der.h"
#include "core/encoding.h"
#include "envelope/cms_ec_sign.h"
#include "envelope/cms_eddsa.h"
#include "pki/parse_cache.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/verify.h"

namespace iotonb::envelope::cms {
namespace {

using core::CmsContentInfoPtr;

constexpr std::uint8_t kSignedDataOid[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};

std::string oid_text(const ASN1_OBJECT* obj) {
  if (obj == nullptr) return "(none)";
  char buf[128];
  int len = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (len <= 0) return "(unprintable OID)";
  return std::string(buf, std::min<std::size_t>(static_cast<std::size_t>(len), sizeof buf - 1));
}

// OpenSSL's ASN.1 decoder names the field it failed on in each error's data string
// ("Field=digestAlgorithms, Type=CMS_SignedData", innermost first), which
// core::openssl_errors() leaves out: "invalid object encoding (at CMS_ContentInfo.d.signedData
// > CMS_SignedData.digestAlgorithms > X509_ALGOR.algorithm)".
std::string asn1_errors() {
  std::string reason;
  std::vector<std::string> path;
  const char* data = nullptr;
  int flags = 0;
  while (unsigned long code = ERR_get_error_all(nullptr, nullptr, nullptr, &data, &flags)) {
    const char* text = ERR_reason_error_string(code);
    if (reason.empty() && text != nullptr && ERR_GET_REASON(code) != ERR_R_NESTED_ASN1_ERROR) reason = text;
    if (data == nullptr || !(flags & ERR_TXT_STRING) || path.size() >= 16) continue;
    std::string_view d(data);
    auto value = [&](std::string_view key) {
      auto at = d.find(key);
      if (at == std::string_view::npos) return std::string_view();
      auto rest = d.substr(at + key.size());
      return rest.substr(0, rest.find(','));
    };
    std::string type(value("Type=")), field(value("Field="));
    if (!type.empty()) path.push_back(field.empty() ? type : type + "." + field);
  }
  std::string out = reason.empty() ? "unreadable DER" : reason;
  if (!path.empty()) {
    out += " (at ";
    for (auto it = path.rbegin(); it != path.rend(); ++it) out += (it == path.rbegin() ? "" : " > ") + *it;
    out += ")";
  }
  return out;
}

// A read-only BIO over bytes; BIO_new_mem_buf refuses a null pointer, which an empty span has.
core::BioPtr input_bio(ByteView data) {
  static const std::uint8_t kEmpty = 0;
  return core::memory_bio(data.empty() ? ByteView(&kEmpty, 0) : data);
}

// Detached content for CMS_verify. OpenSSL 3.0's CMS_verify copies a memory BIO into a
// private one and leaks that copy when the SignedData names a digest it cannot set up (found
// by fuzz_cms); behind a null filter the BIO is no memory BIO, so no copy is made.
core::BioPtr detached_bio(ByteView data) {
  core::BioPtr content = input_bio(data);
  core::BioPtr filter(BIO_new(BIO_f_null()));
  if (!content || !filter) return nullptr;
  BIO_push(filter.get(), content.release());
  return filter;
}

// The DER inside data, which may be DER, PEM or base64 (as BRSKI peers and files carry it).
Result<Bytes> to_der(ByteView data) {
  if (data.size() > kMaxInput)
    return input_error("CMS input is " + std::to_string(data.size()) + " octets, more than the limit of " +
                       std::to_string(kMaxInput));
  if (data.empty()) return input_error("CMS input is empty");
  if (data[0] == 0x30) return Bytes(data.begin(), data.end());
  if (core::looks_like_pem(data)) {
    IOTONB_ASSIGN_OR_RETURN(auto blocks, core::parse_pem(as_chars(data)));
    for (auto& block : blocks)
      if (block.label == "CMS" || block.label == "PKCS7") return std::move(block.der);
    return input_error("no CMS or PKCS7 PEM block");
  }
  auto der = core::from_base64(as_chars(data));
  if (!der) return input_error("CMS input is neither DER, PEM nor base64 (" + der.error().message + ")");
  if (der->empty() || (*der)[0] != 0x30) return input_error("CMS input: the base64 does not hold a DER SEQUENCE");
  return der;
}

// The certificates of a SignedData cut out of its DER, so that OpenSSL decodes only the rest
// and the certificates come from pki's certificate cache (see certificate_cache.h for why).
// Empty when der is not plain DER of the expected shape (BER, attribute certificates):
// OpenSSL then decodes the whole of it.
struct WithoutCertificates {
  Bytes der;
  std::vector<Bytes> certificates;
};

std::optional<WithoutCertificates> cut_certificates(ByteView der) {
  namespace d = core::der;
  auto signed_data = signed_data_fields(der);
  if (!signed_data) return std::nullopt;
  WithoutCertificates out;
  Bytes fields;
  for (d::Reader sd(*signed_data); !sd.empty();) {
    auto field = sd.next();
    if (!field) return std::nullopt;
    if (field->tag != 0xa0) {  // [0] IMPLICIT CertificateSet
      Bytes encoded = d::tlv(field->tag, field->content);
      fields.insert(fields.end(), encoded.begin(), encoded.end());
      continue;
    }
    for (d::Reader set(field->content); !set.empty();) {
      auto cert = set.next();
      if (!cert || cert->tag != d::kSequence) return std::nullopt;  // other CertificateChoices
      out.certificates.push_back(d::tlv(cert->tag, cert->content));
    }
  }
  if (out.certificates.empty()) return std::nullopt;
  Bytes inner = d::tlv(d::kSequence, fields);
  Bytes body(std::begin(kSignedDataOid), std::end(kSignedDataOid));
  Bytes wrapped = d::tlv(0xa0, inner);
  body.insert(body.end(), wrapped.begin(), wrapped.end());
  out.der = d::tlv(d::kSequence, body);
  return out;
}

Result<CmsContentInfoPtr> decode(ByteView data) {
  IOTONB_ASSIGN_OR_RETURN(Bytes der, to_der(data));
  std::vector<core::X509Ptr> certificates;
  if (auto cut = cut_certificates(der)) {
    for (const auto& c : cut->certificates) {
      auto cert = pki::parse_certificate_der_cached(c);
      if (!cert) return cert.error().context("embedded certificate");
      certificates.push_back(std::move(cert).value());
    }
    der = std::move(cut->der);
  }
  ERR_clear_error();
  const unsigned char* p = der.data();
  CmsContentInfoPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) return input_error("malformed ContentInfo: " + asn1_errors());
  if (auto rest = static_cast<std::size_t>(der.data() + der.size() - p); rest != 0)
    return input_error(std::to_string(rest) + " trailing octets after the ContentInfo");
  if (OBJ_obj2nid(CMS_get0_type(cms.get())) != NID_pkcs7_signed)
    return input_error("ContentInfo holds " + oid_text(CMS_get0_type(cms.get())) + ", not SignedData");
  for (const auto& c : certificates)
    if (CMS_add1_cert(cms.get(), c.get()) != 1) return internal_error("cannot put a certificate back: " + core::openssl_errors());
  return cms;
}

int small_integer(ByteView content) { return content.size() == 1 && content[0] < 0x80 ? content[0] : -1; }

// The SignedData and first SignerInfo versions (RFC 5652 5.1, 5.3), which OpenSSL keeps to
// itself: read from OpenSSL's re-encoding, because the input may be BER, which core::der
// does not read. Only the outer headers are walked; the SignerInfo is the first in DER order.
Result<std::pair<int, int>> versions(CMS_ContentInfo* cms) {
  unsigned char* out = nullptr;
  int len = i2d_CMS_ContentInfo(cms, &out);
  if (len <= 0) return input_error("cannot re-encode the ContentInfo: " + asn1_errors());
  core::OsslBytesPtr owned(out);
  namespace der = core::der;
  der::Reader top(ByteView(out, static_cast<std::size_t>(len)));
  IOTONB_ASSIGN_OR_RETURN(ByteView content_info, top.expect(der::kSequence, "ContentInfo"));
  der::Reader ci(content_info);
  IOTONB_RETURN_IF_ERROR(ci.expect(der::kOid, "ContentInfo.contentType"));
  IOTONB_ASSIGN_OR_RETURN(ByteView explicit_content, ci.expect(0xa0, "ContentInfo.content"));
  der::Reader wrapper(explicit_content);
  IOTONB_ASSIGN_OR_RETURN(ByteView signed_data, wrapper.expect(der::kSequence, "SignedData"));
  der::Reader sd(signed_data);
  IOTONB_ASSIGN_OR_RETURN(ByteView version, sd.expect(0x02, "SignedData.version"));
  std::pair<int, int> result{small_integer(version), 0};
  while (!sd.empty()) {
    IOTONB_ASSIGN_OR_RETURN(der::Element e, sd.next());
    if (e.tag != 0x31 || !sd.empty()) continue;  // signerInfos is the last SET
    der::Reader infos(e.content);
    if (infos.empty()) break;
    IOTONB_ASSIGN_OR_RETURN(ByteView info, infos.expect(der::kSequence, "SignerInfo"));
    der::Reader si(info);
    IOTONB_ASSIGN_OR_RETURN(ByteView si_version, si.expect(0x02, "SignerInfo.version"));
    result.second = small_integer(si_version);
  }
  return result;
}

Result<std::optional<core::UnixTime>> signing_time(CMS_SignerInfo* si) {
  int index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (index < 0) return std::optional<core::UnixTime>();
  X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, index);
  if (X509_ATTRIBUTE_count(attr) != 1) return input_error("signingTime attribute must hold exactly one value");
  const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attr, 0);
  std::tm tm{};
  if (value == nullptr || (value->type != V_ASN1_UTCTIME && value->type != V_ASN1_GENERALIZEDTIME) ||
      ASN1_TIME_to_tm(value->value.asn1_string, &tm) != 1)
    return input_error("signingTime attribute is not a valid UTCTime or GeneralizedTime");
  return std::optional<core::UnixTime>(static_cast<core::UnixTime>(timegm(&tm)));
}

std::string digest_name(CMS_SignerInfo* si) {
  X509_ALGOR* alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &alg, nullptr);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  int nid = OBJ_obj2nid(oid);
  return nid != NID_undef ? OBJ_nid2ln(nid) : oid_text(oid);
}

std::string signer_id(CMS_SignerInfo* si) {
  ASN1_OCTET_STRING* keyid = nullptr;
  X509_NAME* issuer = nullptr;
  ASN1_INTEGER* serial = nullptr;
  if (CMS_SignerInfo_get0_signer_id(si, &keyid, &issuer, &serial) != 1) return "";
  if (keyid != nullptr)
    return "subjectKeyIdentifier " +
           core::to_hex(ByteView(ASN1_STRING_get0_data(keyid), static_cast<std::size_t>(ASN1_STRING_length(keyid))));
  if (serial == nullptr || issuer == nullptr) return "";
  core::BignumPtr bn(ASN1_INTEGER_to_BN(serial, nullptr));
  if (!bn) return "";
  Bytes magnitude(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), magnitude.data());
  std::string hex = magnitude.empty() ? "00" : core::to_hex(magnitude);
  return "serial " + std::string(BN_is_negative(bn.get()) ? "-" : "") + hex + ", issuer " + pki::name_to_string(issuer);
}

std::vector<core::X509Ptr> embedded_certificates(CMS_ContentInfo* cms) {
  std::vector<core::X509Ptr> out;
  core::X509StackPtr certs(CMS_get1_certs(cms));
  for (int i = 0; i < sk_X509_num(certs.get()); ++i) {
    X509* c = sk_X509_value(certs.get(), i);
    X509_up_ref(c);
    out.emplace_back(c);
  }
  return out;
}

core::X509StackPtr stack_of(const std::vector<const X509*>& certs) {
  core::X509StackPtr stack(sk_X509_new_null());
  for (const X509* c : certs) {
    if (c == nullptr) continue;
    X509_up_ref(const_cast<X509*>(c));
    sk_X509_push(stack.get(), const_cast<X509*>(c));
  }
  return stack;
}

// RFC 5652 5.3: the digest of a P-384 key's signature is SHA-384, and so on; RFC 8419 3.1
// fixes SHA-512 for Ed25519.
Result<const EVP_MD*> digest_for(const EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_ED25519: return EVP_sha512();
    case EVP_PKEY_RSA: return EVP_sha256();
    case EVP_PKEY_EC: {
      int bits = EVP_PKEY_get_bits(key);
      return bits > 384 ? EVP_sha512() : bits > 256 ? EVP_sha384() : EVP_sha256();
    }
    default: return usage_error("a " + pki::describe_key(key) + " key cannot sign CMS");
  }
}

// SHA-1 and MD5 would let a collision forge a voucher; nothing in BRSKI or MUD needs them.
Status check_digest(CMS_SignerInfo* si) {
  X509_ALGOR* alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &alg, nullptr);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  int nid = OBJ_obj2nid(oid);
  if (nid == NID_sha256 || nid == NID_sha384 || nid == NID_sha512) return ok_status();
  return verify_error("digestAlgorithm " + digest_name(si) + " is not accepted (SHA-256, SHA-384 or SHA-512)");
}

// RFC 5652 5.3 and 11.1-11.3: signed attributes are required unless the content is id-data;
// when present they hold exactly one contentType, equal to eContentType (OpenSSL does not
// compare them), exactly one messageDigest and at most one signingTime, each single-valued.
Status check_signed_attributes(CMS_ContentInfo* cms, CMS_SignerInfo* si) {
  const ASN1_OBJECT* econtent_type = CMS_get0_eContentType(cms);
  int count = CMS_signed_get_attr_count(si);
  if (count < 0) {
    if (OBJ_obj2nid(econtent_type) == NID_pkcs7_data) return ok_status();
    return verify_error("SignerInfo has no signed attributes, which eContentType " + oid_text(econtent_type) +
                        " requires (RFC 5652 5.3)");
  }
  int content_types = 0, digests = 0, times = 0;
  for (int i = 0; i < count; ++i) {
    X509_ATTRIBUTE* attr = CMS_signed_get_attr(si, i);
    int nid = OBJ_obj2nid(X509_ATTRIBUTE_get0_object(attr));
    if (nid != NID_pkcs9_contentType && nid != NID_pkcs9_messageDigest && nid != NID_pkcs9_signingTime) continue;
    const char* name = OBJ_nid2sn(nid);
    if (X509_ATTRIBUTE_count(attr) != 1)
      return verify_error(std::string(name) + " attribute must hold exactly one value (RFC 5652 11)");
    const ASN1_TYPE* value = X509_ATTRIBUTE_get0_type(attr, 0);
    if (nid == NID_pkcs9_contentType) {
      ++content_types;
      if (value->type != V_ASN1_OBJECT) return verify_error("contentType attribute is not an OID");
      if (OBJ_cmp(value->value.object, econtent_type) != 0)
        return verify_error("contentType attribute " + oid_text(value->value.object) + " does not match eContentType " +
                            oid_text(econtent_type));
    } else if (nid == NID_pkcs9_messageDigest) {
      ++digests;
      if (value->type != V_ASN1_OCTET_STRING) return verify_error("messageDigest attribute is not an OCTET STRING");
    } else {
      ++times;
    }
  }
  if (content_types != 1) return verify_error("signed attributes must hold exactly one contentType (RFC 5652 11.1)");
  if (digests != 1) return verify_error("signed attributes must hold exactly one messageDigest (RFC 5652 11.2)");
  if (times > 1) return verify_error("signed attributes hold more than one signingTime (RFC 5652 11.3)");
  return ok_status();
}

// Why CMS_verify failed, in the terms of this module.
std::string signature_failure() {
  bool content_mismatch = false;
  while (unsigned long code = ERR_get_error())
    if (ERR_GET_LIB(code) == ERR_LIB_CMS && ERR_GET_REASON(code) == CMS_R_CONTENT_VERIFY_ERROR) content_mismatch = true;
  return content_mismatch ? "signature does not verify: the content does not match the messageDigest attribute"
                          : "signature does not verify";
}

// verify() on a decoded object.
Result<Verified> verify_decoded(CMS_ContentInfo* cms_object, const VerifyOptions& opts) {
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms_object);
  int count = std::max(0, sk_CMS_SignerInfo_num(infos));
  if (count == 0) return verify_error("SignedData has no SignerInfo");
  if (count > 1) return verify_error("SignedData has " + std::to_string(count) + " SignerInfos; exactly one is accepted");
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);

  Verified out;
  out.content_type = oid_text(CMS_get0_eContentType(cms_object));
  const auto& accepted = opts.accepted_content_types;
  if (!accepted.empty() && std::find(accepted.begin(), accepted.end(), out.content_type) == accepted.end())
    return verify_error("eContentType " + out.content_type + " is not accepted");
  IOTONB_RETURN_IF_ERROR(check_digest(si));
  IOTONB_RETURN_IF_ERROR(check_signed_attributes(cms_object, si));
  IOTONB_ASSIGN_OR_RETURN(out.signing_time, signing_time(si));

  ASN1_OCTET_STRING** slot = CMS_get0_content(cms_object);
  bool detached = slot == nullptr || *slot == nullptr;
  if (detached && !opts.detached_content) return usage_error("the content is detached and none was given");
  if (!detached && opts.detached_content) return usage_error("the content is embedded, but detached content was given");

  core::X509StackPtr candidates = stack_of(opts.signer_candidates);
  CMS_set1_signers_certs(cms_object, candidates.get(), 0);
  X509* signer = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, &signer, nullptr, nullptr);
  if (signer == nullptr) {
    core::openssl_errors();
    return verify_error("signer certificate not found");
  }
  const EVP_PKEY* signer_key = X509_get0_pubkey(signer);
  if (signer_key == nullptr) {
    core::openssl_errors();
    return verify_error("signer certificate: unreadable public key");
  }
  bool eddsa = EVP_PKEY_get_base_id(signer_key) == EVP_PKEY_ED25519;

  // Never text mode (CMS_BINARY), and no S/MIME purpose check here (see cms.h); for Ed25519
  // OpenSSL checks only the content digest and the signature is checked below.
  unsigned flags = CMS_NO_SIGNER_CERT_VERIFY | CMS_BINARY;
  if (eddsa) flags |= CMS_NO_ATTR_VERIFY;
  core::BioPtr content_out(BIO_new(BIO_s_mem()));
  core::BioPtr detached_in;
  if (detached) detached_in = detached_bio(*opts.detached_content);
  ERR_clear_error();
  if (!content_out || (detached && !detached_in))
    return internal_error("cannot allocate a BIO: " + core::openssl_errors());
  if (CMS_verify(cms_object, candidates.get(), nullptr, detached_in.get(), content_out.get(), flags) != 1)
    return verify_error(signature_failure());
  ERR_clear_error();  // CMS_verify may leave notes on the queue even when it succeeds
  if (eddsa) IOTONB_RETURN_IF_ERROR(detail::eddsa_verify(si, signer_key));

  out.content = detached ? Bytes(opts.detached_content->begin(), opts.detached_content->end())
                         : core::bio_contents(content_out.get());
  X509_up_ref(signer);
  out.signer.reset(signer);
  if (!opts.check_chain) return out;

  std::vector<core::X509Ptr> embedded = embedded_certificates(cms_object);
  pki::ChainCheck check;
  check.trust = opts.trust;
  check.untrusted = opts.untrusted;
  for (const auto& c : embedded) check.untrusted.push_back(c.get());
  check.at = opts.at != 0 ? opts.at : core::now();
  auto chain = pki::verify_chain(signer, check);
  if (!chain) return Error{chain.error().kind, "signer certificate: " + chain.error().message};
  out.chain = std::move(chain).value();
  return out;
}

}  // namespace

std::optional<ByteView> signed_data_fields(ByteView der) {
  namespace d = core::der;
  d::Reader top(der);
  auto content_info = top.expect(d::kSequence, "ContentInfo");
  if (!content_info || !top.empty()) return std::nullopt;
  d::Reader ci(*content_info);
  auto type = ci.next();
  auto explicit_content = ci.expect(0xa0, "content");
  if (!type || !explicit_content || !ci.empty() ||
      !std::equal(type->encoded.begin(), type->encoded.end(), std::begin(kSignedDataOid), std::end(kSignedDataOid)))
    return std::nullopt;
  d::Reader wrapper(*explicit_content);
  auto signed_data = wrapper.expect(d::kSequence, "SignedData");
  if (!signed_data || !wrapper.empty()) return std::nullopt;
  return *signed_data;
}

Result<Bytes> sign(ByteView content, const pki::Signer& signer, const X509* signer_cert, const SignOptions& opts) {
  if (signer_cert == nullptr) return usage_error("CMS signing needs the signer's certificate");
  EVP_PKEY* key = signer.key();
  const EVP_PKEY* cert_key = X509_get0_pubkey(signer_cert);
  if (cert_key == nullptr || !pki::same_public_key(key, cert_key))
    return usage_error(signer.reference() + ": the key does not match the signer certificate " +
                       pki::name_to_string(X509_get_subject_name(signer_cert)));
  IOTONB_ASSIGN_OR_RETURN(const EVP_MD* md, digest_for(key));
  if (content.size() > kMaxInput) return usage_error("content is larger than " + std::to_string(kMaxInput) + " octets");
  core::Asn1ObjectPtr content_type(OBJ_txt2obj(opts.content_type.c_str(), 1));
  if (!content_type) {
    core::openssl_errors();
    return usage_error("content type \"" + opts.content_type + "\" is not a dotted OID");
  }
  std::vector<const X509*> embedded;
  if (opts.embed_signer_certificate) embedded.push_back(signer_cert);
  for (const X509* c : opts.chain) {
    // A chain that repeats a certificate is harmless; each is embedded once.
    if (c != nullptr && std::none_of(embedded.begin(), embedded.end(), [&](const X509* e) { return X509_cmp(e, c) == 0; }))
      embedded.push_back(c);
  }
  const core::UnixTime signing_time = opts.signing_time.value_or(core::now());

  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    detail::EcSignedDataInput in;
    in.content = content;
    unsigned char* oid = nullptr;
    const int oid_len = i2d_ASN1_OBJECT(content_type.get(), &oid);
    core::OsslBytesPtr owned_oid(oid);
    if (oid_len <= 0) return internal_error("cannot encode the content type: " + core::openssl_errors());
    in.content_type_oid.assign(oid, oid + oid_len);
    in.detached = opts.detached;
    in.signer_cert = signer_cert;
    in.certificates = embedded;
    in.signing_time = signing_time;
    return detail::ec_signed_data(in, signer, md);
  }

  CmsContentInfoPtr cms(CMS_ContentInfo_new());
  if (!cms || CMS_SignedData_init(cms.get()) != 1 || CMS_set1_eContentType(cms.get(), content_type.get()) != 1)
    return internal_error("cannot create a SignedData: " + core::openssl_errors());
  // No SMIMECapabilities (a voucher is no S/MIME mail): the signed attributes are exactly
  // contentType, messageDigest and signingTime (RFC 5652 11.1-11.3).
  unsigned flags = CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP;
  if (!opts.embed_signer_certificate) flags |= CMS_NOCERTS;
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), const_cast<X509*>(signer_cert), key, md, flags);
  if (si == nullptr) return internal_error(signer.reference() + ": cannot add the signer: " + core::openssl_errors());

  // CMS_add1_signer embedded the signer's certificate (unless CMS_NOCERTS).
  for (std::size_t i = opts.embed_signer_certificate ? 1 : 0; i < embedded.size(); ++i) {
    if (CMS_add1_cert(cms.get(), const_cast<X509*>(embedded[i])) != 1)
      return internal_error("cannot embed a certificate: " + core::openssl_errors());
  }

  // RFC 5652 11.3: UTCTime through 2049, GeneralizedTime after; ASN1_TIME_set chooses so.
  core::Asn1TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(signing_time)));
  if (!when || CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when.get(), -1) != 1)
    return internal_error("cannot add the signingTime attribute: " + core::openssl_errors());
  if (CMS_set_detached(cms.get(), opts.detached ? 1 : 0) != 1)
    return internal_error("cannot set up the content: " + core::openssl_errors());

  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519) {
    IOTONB_RETURN_IF_ERROR(detail::eddsa_finish(cms.get(), si, content, opts.detached, signer));
  } else {
    // CMS_BINARY: the content is signed as is, never canonicalised to CRLF text.
    core::BioPtr in = input_bio(content);
    if (!in || CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1)
      return internal_error(signer.reference() + ": cannot sign: " + core::openssl_errors());
  }

  unsigned char* out = nullptr;
  int len = i2d_CMS_ContentInfo(cms.get(), &out);
  if (len <= 0) return internal_error("cannot encode the SignedData: " + core::openssl_errors());
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

Result<SignedData> parse(ByteView data, bool describe) {
  IOTONB_ASSIGN_OR_RETURN(CmsContentInfoPtr cms, decode(data));
  SignedData out;
  out.content_type = oid_text(CMS_get0_eContentType(cms.get()));
  if (ASN1_OCTET_STRING** slot = CMS_get0_content(cms.get()); slot != nullptr && *slot != nullptr)
    out.content = Bytes(ASN1_STRING_get0_data(*slot), ASN1_STRING_get0_data(*slot) + ASN1_STRING_length(*slot));
  out.certificates = embedded_certificates(cms.get());
  STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(cms.get());
  out.signer_count = static_cast<std::size_t>(std::max(0, sk_CMS_SignerInfo_num(infos)));
  if (!describe) {
    out.decoded = std::shared_ptr<CMS_ContentInfo>(cms.release(), CMS_ContentInfo_free);
    return out;
  }
  if (out.signer_count > 0) {
    CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
    out.digest_algorithm = digest_name(si);
    out.signer_id = signer_id(si);
    IOTONB_ASSIGN_OR_RETURN(out.signing_time, signing_time(si));
  }
  IOTONB_ASSIGN_OR_RETURN(auto v, versions(cms.get()));
  out.version = v.first;
  out.signer_version = v.second;
  core::openssl_errors();
  out.decoded = std::shared_ptr<CMS_ContentInfo>(cms.release(), CMS_ContentInfo_free);
  return out;
}

Result<Verified> verify(ByteView data, const VerifyOptions& opts) {
  IOTONB_ASSIGN_OR_RETURN(CmsContentInfoPtr cms, decode(data));
  return verify_decoded(cms.get(), opts);
}

Result<Verified> verify(const SignedData& parsed, const VerifyOptions& opts) {
  if (!parsed.decoded) return usage_error("CMS: this SignedData did not come from cms::parse");
  return verify_decoded(parsed.decoded.get(), opts);
}

}  // namespace iotonb::envelope::cms
