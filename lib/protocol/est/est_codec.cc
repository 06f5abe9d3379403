#include "protocol/est/est_codec.h"

#include <openssl/pkcs7.h>

#include <algorithm>
#include <cstdint>
#include <optional>

#include "core/der.h"
#include "core/encoding.h"
#include "envelope/cms.h"
#include "pki/parse_cache.h"

namespace iotonb::protocol::est {
namespace {

using Pkcs7Ptr = core::OsslPtr<PKCS7, PKCS7_free>;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string oid_text_of(const ASN1_OBJECT* obj) {
  char buf[128];
  int n = OBJ_obj2txt(buf, sizeof buf, obj, 1);
  if (n <= 0 || n >= static_cast<int>(sizeof buf)) return "?";
  return buf;
}

// DER content octets of id-data.
constexpr std::uint8_t kDataOid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};

bool equals(ByteView a, ByteView b) { return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin()); }

// The certificates of a well-formed DER certs-only message, each parsed through the shared
// parse cache, or nullopt for anything else. Why: d2i_PKCS7 decodes every certificate's
// public key through OpenSSL 3.0's provider decoder (~0.25 ms each), and a pledge gets the
// same CA certificates in /cacerts session after session. This reads only the one shape
// RFC 7030 4.1.3 sends (degenerate SignedData: no signers, no content or an empty id-data)
// in strict DER; whatever it does not take, d2i_PKCS7 below judges and words the refusal.
std::optional<std::vector<core::X509Ptr>> decode_plain_certs_only(ByteView der) {
  namespace d = core::der;
  auto signed_data = envelope::cms::signed_data_fields(der);
  if (!signed_data) return std::nullopt;
  d::Reader sd(*signed_data);
  auto version = sd.expect(0x02, "version");
  auto digests = sd.expect(0x31, "digestAlgorithms");
  auto encap = sd.expect(d::kSequence, "encapContentInfo");
  if (!version || !digests || !encap) return std::nullopt;
  d::Reader e(*encap);
  auto econtent_type = e.expect(d::kOid, "eContentType");
  if (!econtent_type) return std::nullopt;
  if (!e.empty()) {  // only an empty id-data eContent is tolerated, as below
    auto econtent = e.expect(0xa0, "eContent");
    if (!econtent || !e.empty() || !equals(*econtent_type, kDataOid)) return std::nullopt;
    d::Reader octets(*econtent);
    auto data = octets.expect(d::kOctetString, "eContent");
    if (!data || !data->empty() || !octets.empty()) return std::nullopt;
  }
  auto certificates = sd.next();
  if (!certificates || certificates->tag != 0xa0) return std::nullopt;
  auto next = sd.next();
  if (next && next->tag == 0xa1) next = sd.next();  // CRLs: not ours to read
  if (!next || next->tag != 0x31 || !next->content.empty() || !sd.empty()) return std::nullopt;

  std::vector<core::X509Ptr> out;
  d::Reader certs(certificates->content);
  while (!certs.empty()) {
    auto cert = certs.next();
    if (!cert || cert->tag != d::kSequence || out.size() == kMaxCertificates) return std::nullopt;
    auto parsed = pki::parse_certificate_der_cached(cert->encoded);
    if (!parsed) return std::nullopt;
    out.push_back(std::move(parsed).value());
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

std::string encode_base64_body(ByteView data) {
  std::string flat = core::to_base64(data);
  std::string out;
  out.reserve(flat.size() + flat.size() / 64 + 1);
  for (std::size_t i = 0; i < flat.size(); i += 64) {
    out.append(flat, i, 64);
    out += '\n';
  }
  return out;
}

Result<Bytes> decode_base64_body(std::string_view body) {
  if (body.size() > kMaxBodySize * 2) return input_error("base64 body: larger than the limit");
  std::string compact;
  compact.reserve(body.size());
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (is_space(c)) continue;
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
              c == '/' || c == '=';
    if (!ok) {
      return input_error("base64 body: character " + std::to_string(static_cast<unsigned char>(c)) +
                         " at offset " + std::to_string(i) + " is not in the base64 alphabet");
    }
    compact += c;
  }
  if (compact.empty()) return input_error("base64 body: empty");
  if (compact.size() % 4 != 0) return input_error("base64 body: length is not a multiple of 4 (truncated or unpadded)");
  auto decoded = core::from_base64_strict(compact, core::Base64Alphabet::standard_padded);
  if (!decoded) return decoded.error().context("base64 body");
  return decoded;
}

Result<Bytes> encode_certs_only_der(const std::vector<const X509*>& certs) {
  if (certs.empty()) return usage_error("certs-only: no certificate to send");
  Pkcs7Ptr p7(PKCS7_new());
  if (!p7 || PKCS7_set_type(p7.get(), NID_pkcs7_signed) != 1) return internal_error("certs-only: " + core::openssl_errors());
  // Degenerate SignedData (RFC 5751 3.6): encapContentInfo id-data with no eContent, no
  // signerInfos, the certificates in `certificates`.
  PKCS7_SIGNED* sd = p7->d.sign;
  if (sd->contents->type != nullptr) ASN1_OBJECT_free(sd->contents->type);
  sd->contents->type = OBJ_nid2obj(NID_pkcs7_data);
  for (const X509* cert : certs) {
    if (cert == nullptr) return usage_error("certs-only: null certificate");
    if (PKCS7_add_certificate(p7.get(), const_cast<X509*>(cert)) != 1)
      return internal_error("certs-only: " + core::openssl_errors());
  }
  unsigned char* der = nullptr;
  int n = i2d_PKCS7(p7.get(), &der);
  if (n <= 0) return internal_error("certs-only: cannot encode: " + core::openssl_errors());
  core::OsslBytesPtr owned(der);
  return Bytes(der, der + n);
}

Result<std::string> encode_certs_only(const std::vector<const X509*>& certs) {
  IOTONB_ASSIGN_OR_RETURN(Bytes der, encode_certs_only_der(certs));
  return encode_base64_body(der);
}

Result<std::vector<core::X509Ptr>> decode_certs_only_der(ByteView der) {
  if (der.empty()) return input_error("certs-only: empty");
  if (der.size() > kMaxBodySize) return input_error("certs-only: larger than " + std::to_string(kMaxBodySize) + " octets");
  if (auto certs = decode_plain_certs_only(der)) return std::move(*certs);
  const unsigned char* p = der.data();
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7) {
    core::openssl_errors();
    return input_error("certs-only: not a DER CMS ContentInfo");
  }
  if (p != der.data() + der.size()) return input_error("certs-only: trailing data after the CMS structure");
  if (OBJ_obj2nid(p7->type) != NID_pkcs7_signed || p7->d.sign == nullptr)
    return input_error("certs-only: content type is " + oid_text_of(p7->type) + ", not SignedData");
  PKCS7_SIGNED* sd = p7->d.sign;
  if (sd->signer_info != nullptr && sk_PKCS7_SIGNER_INFO_num(sd->signer_info) > 0)
    return input_error("certs-only: SignedData has signers (expected a degenerate certs-only message)");
  // Any eContent, whatever its eContentType (an empty id-data OCTET STRING is tolerated).
  if (sd->contents != nullptr && sd->contents->d.ptr != nullptr) {
    bool empty_data =
        OBJ_obj2nid(sd->contents->type) == NID_pkcs7_data && ASN1_STRING_length(sd->contents->d.data) == 0;
    if (!empty_data) return input_error("certs-only: SignedData carries content (expected none)");
  }
  int count = sd->cert == nullptr ? 0 : sk_X509_num(sd->cert);
  if (count <= 0) return input_error("certs-only: no certificate in the message");
  if (static_cast<std::size_t>(count) > kMaxCertificates)
    return input_error("certs-only: " + std::to_string(count) + " certificates, more than " +
                       std::to_string(kMaxCertificates));
  std::vector<core::X509Ptr> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    X509* cert = sk_X509_value(sd->cert, i);
    if (cert == nullptr || X509_up_ref(cert) != 1) return internal_error("certs-only: cannot take a certificate");
    out.emplace_back(cert);
  }
  return out;
}

Result<std::vector<core::X509Ptr>> decode_certs_only(std::string_view body) {
  IOTONB_ASSIGN_OR_RETURN(Bytes der, decode_base64_body(body));
  auto certs = decode_certs_only_der(der);
  return certs;
}

Result<Bytes> encode_csrattrs_der(const std::vector<CsrAttribute>& attributes) {
  if (attributes.size() > kMaxCsrAttributes) return usage_error("csrattrs: too many attributes");
  Bytes content;
  for (const auto& a : attributes) {
    auto oid = core::der::oid_from_text(a.oid);
    if (!oid) return oid.error().context("csrattrs");
    if (!a.is_attribute) {
      if (!a.values.empty()) return usage_error("csrattrs: bare OID " + a.oid + " with values");
      content.insert(content.end(), oid->begin(), oid->end());
      continue;
    }
    // Attribute ::= SEQUENCE { type OID, values SET SIZE(1..MAX) OF AttributeValue }
    if (a.values.empty()) return usage_error("csrattrs: attribute " + a.oid + " has no value");
    Bytes set_content;
    for (const Bytes& v : a.values) {
      core::der::Reader check(v);
      auto element = check.next();
      if (!element || !check.empty()) return usage_error("csrattrs: a value of " + a.oid + " is not one DER element");
      set_content.insert(set_content.end(), v.begin(), v.end());
    }
    Bytes seq = *oid;
    Bytes set = core::der::tlv(0x31, set_content);
    seq.insert(seq.end(), set.begin(), set.end());
    Bytes attr = core::der::tlv(core::der::kSequence, seq);
    content.insert(content.end(), attr.begin(), attr.end());
  }
  return core::der::tlv(core::der::kSequence, content);
}

Result<std::string> encode_csrattrs(const std::vector<CsrAttribute>& attributes) {
  IOTONB_ASSIGN_OR_RETURN(Bytes der, encode_csrattrs_der(attributes));
  return encode_base64_body(der);
}

Result<std::vector<CsrAttribute>> decode_csrattrs_der(ByteView der) {
  if (der.size() > kMaxBodySize) return input_error("csrattrs: larger than the limit");
  core::der::Reader outer(der);
  auto seq = outer.expect(core::der::kSequence, "csrattrs: CsrAttrs SEQUENCE");
  if (!seq) return seq.error();
  if (!outer.empty()) return input_error("csrattrs: trailing data after CsrAttrs");
  std::vector<CsrAttribute> out;
  core::der::Reader items(*seq);
  while (!items.empty()) {
    if (out.size() >= kMaxCsrAttributes) return input_error("csrattrs: more than " + std::to_string(kMaxCsrAttributes) + " entries");
    auto item = items.next();
    if (!item) return item.error().context("csrattrs: entry " + std::to_string(out.size() + 1));
    std::string where = "csrattrs: entry " + std::to_string(out.size() + 1);
    if (item->tag == core::der::kOid) {
      auto text = core::der::oid_to_text(item->content);
      if (!text) return text.error().context(where);
      out.push_back(CsrAttribute::bare(*text));
      continue;
    }
    if (item->tag != core::der::kSequence) return input_error(where + ": neither an OID nor an Attribute");
    core::der::Reader attr(item->content);
    auto type = attr.expect(core::der::kOid, where + ": attribute type");
    if (!type) return type.error();
    auto text = core::der::oid_to_text(*type);
    if (!text) return text.error().context(where);
    auto set = attr.expect(0x31, where + ": attribute values SET");
    if (!set) return set.error();
    if (!attr.empty()) return input_error(where + ": trailing data in Attribute");
    CsrAttribute a{*text, true, {}};
    core::der::Reader values(*set);
    while (!values.empty()) {
      auto v = values.next();
      if (!v) return v.error().context(where + ": attribute value");
      // Re-encode: the reader accepts only minimal DER, so this gives back the bytes read.
      a.values.push_back(core::der::tlv(v->tag, v->content));
    }
    if (a.values.empty()) return input_error(where + ": attribute " + *text + " has no value");
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<CsrAttribute>> decode_csrattrs(std::string_view body) {
  IOTONB_ASSIGN_OR_RETURN(Bytes der, decode_base64_body(body));
  return decode_csrattrs_der(der);
}

}  // namespace iotonb::protocol::est
