#include "artifact/mud/signature.h"

#include <openssl/cms.h>
#include <openssl/x509v3.h>

#include <algorithm>

#include "envelope/cms.h"
#include "pki/name.h"
#include "pki/oids.h"

namespace iotonb::artifact::mud {
namespace {

namespace cms = envelope::cms;

// keyUsage (RFC 5280 4.2.1.3) is optional; when present it must allow digitalSignature, the
// bit RFC 8520 13.2 and RFC 5652 signing need.
bool allows_digital_signature(const X509* cert) {
  X509* c = const_cast<X509*>(cert);  // OpenSSL caches the decoded extensions
  if ((X509_get_extension_flags(c) & EXFLAG_KUSAGE) == 0) return true;
  return (X509_get_key_usage(c) & KU_DIGITAL_SIGNATURE) != 0;
}

std::string subject_of(const X509* cert) { return pki::name_to_string(X509_get_subject_name(cert)); }

}  // namespace

Result<Bytes> sign_mud(ByteView file_bytes, const pki::Signer& signer, const X509* signer_cert,
                       const MudSignOptions& options) {
  if (signer_cert == nullptr) return usage_error("MUD signing needs the signer's certificate");
  if (!allows_digital_signature(signer_cert))
    return usage_error("signer certificate " + subject_of(signer_cert) +
                       ": keyUsage lacks digitalSignature, so verifiers would refuse the signature");
  cms::SignOptions so;
  so.content_type = options.mudtype_content ? kIdCtMudtype : cms::kIdData;
  so.chain = options.chain;
  so.detached = true;
  so.signing_time = options.signing_time;
  return cms::sign(file_bytes, signer, signer_cert, so);
}

Result<MudSignature> verify_mud_signature(ByteView file_bytes, ByteView signature, const MudVerifyOptions& options) {
  if (options.trust.empty()) return usage_error("MUD signature verification needs at least one trust anchor");
  if (signature.size() > kMaxMudSignatureSize)
    return verify_error("signature is " + std::to_string(signature.size()) + " octets, more than the limit of " +
                        std::to_string(kMaxMudSignatureSize));
  // RFC 8520 13.2 says DER; cms::parse would also take PEM or base64, which no MUD server sends.
  if (signature.empty() || signature[0] != 0x30)
    return verify_error("signature is not a DER CMS SignedData (it does not start with a SEQUENCE)");
  auto parsed = cms::parse(signature, /*describe=*/false);
  if (!parsed) return verify_error("signature is not a valid CMS SignedData: " + parsed.error().message);

  cms::VerifyOptions vo;
  vo.trust = options.trust;
  vo.untrusted = options.untrusted;
  vo.at = options.at;
  vo.accepted_content_types = {cms::kIdData, kIdCtMudtype};
  if (parsed->content) {
    // An attached signature is no MUD signature by the RFC, but it is unambiguous when what it
    // embeds is exactly the file; anything else would vouch for other bytes.
    if (parsed->content->size() != file_bytes.size() ||
        !std::equal(file_bytes.begin(), file_bytes.end(), parsed->content->begin()))
      return verify_error("the signature embeds content that differs from the file (a MUD signature is detached)");
  } else {
    vo.detached_content = file_bytes;
  }
  // Whether the SignerInfo has signed attributes, read before verify() uses the object up.
  bool signed_attributes = false;
  if (STACK_OF(CMS_SignerInfo)* infos = CMS_get0_SignerInfos(parsed->decoded.get());
      sk_CMS_SignerInfo_num(infos) > 0)
    signed_attributes = CMS_signed_get_attr_count(sk_CMS_SignerInfo_value(infos, 0)) >= 0;

  auto verified = cms::verify(*parsed, vo);
  if (!verified) {
    const Error& e = verified.error();
    // Every way a signature can fail here is a failed check for the caller (exit 1), even what
    // cms.h calls an input or usage problem with the object.
    if (e.kind == ErrorKind::internal) return e;
    return verify_error(e.message);
  }

  MudSignature out;
  out.signer = std::move(verified->signer);
  out.chain = std::move(verified->chain);
  out.content_type = std::move(verified->content_type);
  out.signing_time = verified->signing_time;
  out.signer_subject = subject_of(out.signer.get());
  out.signed_attributes = signed_attributes;

  if (!allows_digital_signature(out.signer.get()))
    return verify_error("signer certificate " + out.signer_subject + ": keyUsage lacks digitalSignature");
  if (options.mud_signer != nullptr && X509_NAME_cmp(X509_get_subject_name(out.signer.get()), options.mud_signer) != 0)
    return verify_error("signer " + out.signer_subject + " is not the mudSigner the IDevID names (" +
                        pki::name_to_string(options.mud_signer) + ")");
  return out;
}

Result<std::optional<core::X509NamePtr>> read_mud_signer_name(const X509* idevid) {
  if (idevid == nullptr) return usage_error("no IDevID certificate");
  core::Asn1ObjectPtr oid(OBJ_txt2obj(pki::oid::kMudSigner, 1));
  if (!oid) return internal_error("cannot make the mudSigner OID");
  int index = X509_get_ext_by_OBJ(idevid, oid.get(), -1);
  if (index < 0) return std::optional<core::X509NamePtr>();
  if (X509_get_ext_by_OBJ(idevid, oid.get(), index) >= 0)
    return input_error("IDevID has more than one mudSigner extension (RFC 5280 4.2)");
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(idevid, index));
  const unsigned char* p = ASN1_STRING_get0_data(value);
  const long length = ASN1_STRING_length(value);
  core::X509NamePtr name(d2i_X509_NAME(nullptr, &p, length));
  if (!name || p != ASN1_STRING_get0_data(value) + length) {
    core::openssl_errors();  // clears the queue
    return input_error("IDevID mudSigner extension is not a DER Name (RFC 8520 11)");
  }
  if (X509_NAME_entry_count(name.get()) == 0) return input_error("IDevID mudSigner extension is an empty Name");
  return std::optional<core::X509NamePtr>(std::move(name));
}

}  // namespace iotonb::artifact::mud
