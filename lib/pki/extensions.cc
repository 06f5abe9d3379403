#include "pki/extensions.h"

#include <openssl/objects.h>
#include <openssl/sha.h>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/name.h"
#include "pki/oids.h"

namespace iotonb::pki {
namespace {

using core::X509ExtPtr;
namespace der = core::der;

Result<X509ExtPtr> wrap(X509_EXTENSION* ext, const char* what) {
  if (ext == nullptr) return internal_error(std::string("cannot build ") + what + ": " + core::openssl_errors());
  return X509ExtPtr(ext);
}

Result<core::Asn1ObjectPtr> object(const char* oid) {
  core::Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
  if (!obj) return internal_error(std::string("bad OID ") + oid);
  return obj;
}

// An extension whose extnValue is raw DER we built ourselves.
Result<X509ExtPtr> raw_ext(const char* oid, bool critical, ByteView value_der) {
  IOTONB_ASSIGN_OR_RETURN(auto obj, object(oid));
  core::Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
  if (!ASN1_OCTET_STRING_set(octets.get(), value_der.data(), static_cast<int>(value_der.size())))
    return internal_error("out of memory");
  return wrap(X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), critical ? 1 : 0, octets.get()), oid);
}

std::optional<ByteView> extension_value(const X509* cert, const char* oid) {
  core::Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
  int idx = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  if (idx < 0) return std::nullopt;
  const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(X509_get_ext(cert, idx));
  return ByteView(ASN1_STRING_get0_data(data), static_cast<std::size_t>(ASN1_STRING_length(data)));
}

std::optional<UrlExtension> read_string_ext(const X509* cert, const char* oid) {
  auto value = extension_value(cert, oid);
  if (!value) return std::nullopt;
  der::Reader r(*value);
  auto e = r.next();
  if (!e || !r.empty()) return std::nullopt;
  const char* type = e->tag == der::kIa5String         ? "IA5String"
                     : e->tag == der::kPrintableString ? "PrintableString"
                     : e->tag == der::kUtf8String      ? "UTF8String"
                                                       : nullptr;
  if (type == nullptr) return std::nullopt;
  // The value is a URL or an authority: printable ASCII (IA5String, PrintableString), or
  // UTF-8 without control characters; anything else is not a usable value.
  std::string text(as_chars(e->content));
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f || (c > 0x7f && e->tag != der::kUtf8String)) return std::nullopt;
  }
  if (e->tag == der::kUtf8String && !core::is_utf8(text)) return std::nullopt;
  return UrlExtension{std::move(text), oid, type};
}

}  // namespace

Result<X509ExtPtr> basic_constraints_ext(bool ca, int path_len) {
  core::OsslPtr<BASIC_CONSTRAINTS, BASIC_CONSTRAINTS_free> bc(BASIC_CONSTRAINTS_new());
  bc->ca = ca ? 0xff : 0;
  if (ca && path_len >= 0) {
    bc->pathlen = ASN1_INTEGER_new();
    ASN1_INTEGER_set(bc->pathlen, path_len);
  }
  return wrap(X509V3_EXT_i2d(NID_basic_constraints, 1, bc.get()), "basicConstraints");
}

Result<X509ExtPtr> key_usage_ext(int ku_bits) {
  core::OsslPtr<ASN1_BIT_STRING, ASN1_BIT_STRING_free> bits(ASN1_BIT_STRING_new());
  // KU_* constants are the DER bit string's first two octets read little-endian.
  for (int bit = 0; bit < 9; ++bit) {
    static constexpr int kFlags[] = {KU_DIGITAL_SIGNATURE, KU_NON_REPUDIATION, KU_KEY_ENCIPHERMENT,
                                     KU_DATA_ENCIPHERMENT, KU_KEY_AGREEMENT,   KU_KEY_CERT_SIGN,
                                     KU_CRL_SIGN,          KU_ENCIPHER_ONLY,   KU_DECIPHER_ONLY};
    if (ku_bits & kFlags[bit]) ASN1_BIT_STRING_set_bit(bits.get(), bit, 1);
  }
  return wrap(X509V3_EXT_i2d(NID_key_usage, 1, bits.get()), "keyUsage");
}

Result<X509ExtPtr> extended_key_usage_ext(const std::vector<std::string>& oids) {
  core::OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(sk_ASN1_OBJECT_new_null());
  for (const auto& o : oids) {
    IOTONB_ASSIGN_OR_RETURN(auto obj, object(o.c_str()));
    sk_ASN1_OBJECT_push(eku.get(), obj.release());
  }
  return wrap(X509V3_EXT_i2d(NID_ext_key_usage, 0, eku.get()), "extendedKeyUsage");
}

Bytes key_identifier(const X509_PUBKEY* encoded) {
  const unsigned char* bits = nullptr;
  int len = 0;
  X509_PUBKEY_get0_param(nullptr, &bits, &len, nullptr, encoded);
  Bytes id(SHA_DIGEST_LENGTH);
  SHA1(bits, static_cast<std::size_t>(len), id.data());
  return id;
}

Result<Bytes> key_identifier(EVP_PKEY* key) {
  X509_PUBKEY* raw = nullptr;
  if (!X509_PUBKEY_set(&raw, key)) return internal_error("cannot encode the public key: " + core::openssl_errors());
  core::OsslPtr<X509_PUBKEY, X509_PUBKEY_free> pub(raw);
  return key_identifier(pub.get());
}

Result<X509ExtPtr> subject_key_id_ext(ByteView key_id) {
  return raw_ext("2.5.29.14", false, der::tlv(der::kOctetString, key_id));
}

Result<X509ExtPtr> subject_key_id_ext(EVP_PKEY* key) {
  IOTONB_ASSIGN_OR_RETURN(Bytes id, key_identifier(key));
  return subject_key_id_ext(id);
}

Result<X509ExtPtr> authority_key_id_ext(ByteView key_id) {
  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING, ... }
  return raw_ext("2.5.29.35", false, der::tlv(der::kSequence, der::tlv(0x80, key_id)));
}

Result<X509ExtPtr> subject_alt_name_ext(const std::vector<std::string>& entries,
                                        const std::optional<HardwareModuleName>& hw) {
  core::GeneralNamesPtr names(GENERAL_NAMES_new());
  for (const auto& entry : entries) {
    auto colon = entry.find(':');
    if (colon == std::string::npos) return usage_error("SAN \"" + entry + "\": expected TYPE:VALUE (DNS, IP, URI, email)");
    std::string type = entry.substr(0, colon);
    std::string value = entry.substr(colon + 1);
    GENERAL_NAME* gen = nullptr;
    if (type == "IP") {
      core::Asn1OctetStringPtr ip(a2i_IPADDRESS(value.c_str()));
      if (!ip) return usage_error("SAN \"" + entry + "\": not an IP address");
      gen = GENERAL_NAME_new();
      GENERAL_NAME_set0_value(gen, GEN_IPADD, ip.release());
    } else {
      int gen_type = type == "DNS" ? GEN_DNS : type == "URI" ? GEN_URI : type == "email" ? GEN_EMAIL : -1;
      if (gen_type < 0) return usage_error("SAN \"" + entry + "\": unknown type " + type + " (DNS, IP, URI, email)");
      if (value.empty()) return usage_error("SAN \"" + entry + "\": empty value");
      core::Asn1StringPtr str(ASN1_IA5STRING_new());
      ASN1_STRING_set(str.get(), value.data(), static_cast<int>(value.size()));
      gen = GENERAL_NAME_new();
      GENERAL_NAME_set0_value(gen, gen_type, str.release());
    }
    sk_GENERAL_NAME_push(names.get(), gen);
  }
  if (hw) {
    IOTONB_ASSIGN_OR_RETURN(Bytes type_der, der::oid_from_text(hw->hw_type));
    Bytes content = type_der;
    Bytes serial = der::tlv(der::kOctetString, hw->hw_serial);
    content.insert(content.end(), serial.begin(), serial.end());
    Bytes seq = der::tlv(der::kSequence, content);
    const unsigned char* p = seq.data();
    core::Asn1TypePtr value(d2i_ASN1_TYPE(nullptr, &p, static_cast<long>(seq.size())));
    IOTONB_ASSIGN_OR_RETURN(auto type_id, object(oid::kHardwareModuleName));
    if (!value) return internal_error("cannot encode hardwareModuleName");
    GENERAL_NAME* gen = GENERAL_NAME_new();
    GENERAL_NAME_set0_othername(gen, type_id.release(), value.release());
    sk_GENERAL_NAME_push(names.get(), gen);
  }
  return wrap(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()), "subjectAltName");
}

Result<X509ExtPtr> ia5_string_ext(const char* oid, const std::string& value) {
  for (unsigned char c : value)
    if (c > 0x7f) return usage_error("extension " + std::string(oid) + ": \"" + value + "\" is not IA5 (ASCII)");
  return raw_ext(oid, false, der::tlv(der::kIa5String, as_bytes(value)));
}

Result<X509ExtPtr> mud_signer_ext(const X509_NAME* signer) {
  unsigned char* der_bytes = nullptr;
  int len = i2d_X509_NAME(signer, &der_bytes);
  if (len <= 0) return internal_error("cannot encode the MUD signer name");
  core::OsslBytesPtr owned(der_bytes);
  return raw_ext(oid::kMudSigner, false, ByteView(der_bytes, static_cast<std::size_t>(len)));
}

std::optional<HardwareModuleName> read_hardware_module_name(const X509* cert) {
  core::GeneralNamesPtr names(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!names) return std::nullopt;
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names.get(), i);
    if (gen->type != GEN_OTHERNAME) continue;
    char oid_text[80];
    OBJ_obj2txt(oid_text, sizeof oid_text, gen->d.otherName->type_id, 1);
    if (std::string_view(oid_text) != oid::kHardwareModuleName) continue;
    const ASN1_TYPE* value = gen->d.otherName->value;
    if (value == nullptr || value->type != V_ASN1_SEQUENCE) return std::nullopt;
    ByteView seq(ASN1_STRING_get0_data(value->value.sequence),
                 static_cast<std::size_t>(ASN1_STRING_length(value->value.sequence)));
    der::Reader outer(seq);
    auto body = outer.expect(der::kSequence, "hardwareModuleName");
    if (!body) return std::nullopt;
    der::Reader r(*body);
    auto type = r.expect(der::kOid, "hwType");
    auto serial = type ? r.expect(der::kOctetString, "hwSerialNum") : Result<ByteView>(type.error());
    if (!serial || !r.empty()) return std::nullopt;
    auto type_text = der::oid_to_text(*type);
    if (!type_text) return std::nullopt;
    return HardwareModuleName{*type_text, Bytes(serial->begin(), serial->end())};
  }
  return std::nullopt;
}

std::optional<UrlExtension> read_masa_url(const X509* cert) {
  if (auto v = read_string_ext(cert, oid::kMasaUrl)) return v;
  return read_string_ext(cert, oid::kMasaUrlLegacy);
}

std::optional<UrlExtension> read_mud_url(const X509* cert) { return read_string_ext(cert, oid::kMudUrl); }

std::optional<std::string> read_mud_signer(const X509* cert) {
  auto value = extension_value(cert, oid::kMudSigner);
  if (!value) return std::nullopt;
  const unsigned char* p = value->data();
  core::X509NamePtr name(d2i_X509_NAME(nullptr, &p, static_cast<long>(value->size())));
  if (!name) return std::nullopt;
  return name_to_string(name.get());
}

std::string masa_url_to_uri(const std::string& value) {
  if (value.find('/') != std::string::npos) return value;
  return "https://" + value + "/.well-known/brski";
}

}  // namespace iotonb::pki
