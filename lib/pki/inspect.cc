#include "pki/inspect.h"

#include <arpa/inet.h>
#include <openssl/objects.h>

#include "core/encoding.h"
#include "core/time.h"
#include "pki/certificate.h"
#include "pki/extensions.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/parse_cache.h"

namespace iotonb::pki {
namespace {

using json = nlohmann::ordered_json;

std::string asn1_string(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s)));
}

ByteView asn1_bytes(const ASN1_STRING* s) {
  return {ASN1_STRING_get0_data(s), static_cast<std::size_t>(ASN1_STRING_length(s))};
}

std::string time_text(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return "invalid";
  return core::format_rfc3339(static_cast<core::UnixTime>(timegm(&tm)));
}

std::string object_name(const ASN1_OBJECT* obj) {
  int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef && OBJ_nid2sn(nid) != nullptr) return OBJ_nid2sn(nid);
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

std::string subject_serial_number(const X509_NAME* name) {
  int idx = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (idx < 0) return {};
  return asn1_string(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx)));
}

std::string ip_text(const ASN1_OCTET_STRING* ip) {
  char buf[INET6_ADDRSTRLEN] = "?";
  auto bytes = asn1_bytes(ip);
  if (bytes.size() == 4) inet_ntop(AF_INET, bytes.data(), buf, sizeof buf);
  if (bytes.size() == 16) inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  return buf;
}

json key_usage(const X509* cert) {
  static constexpr std::pair<std::uint32_t, const char*> kBits[] = {
      {KU_DIGITAL_SIGNATURE, "digitalSignature"}, {KU_NON_REPUDIATION, "nonRepudiation"},
      {KU_KEY_ENCIPHERMENT, "keyEncipherment"},   {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
      {KU_KEY_AGREEMENT, "keyAgreement"},         {KU_KEY_CERT_SIGN, "keyCertSign"},
      {KU_CRL_SIGN, "cRLSign"},                   {KU_ENCIPHER_ONLY, "encipherOnly"},
      {KU_DECIPHER_ONLY, "decipherOnly"}};
  json out = json::array();
  std::uint32_t ku = X509_get_key_usage(const_cast<X509*>(cert));
  if (ku == UINT32_MAX) return out;  // no extension
  for (auto [bit, name] : kBits)
    if (ku & bit) out.push_back(name);
  return out;
}

json extended_key_usage(const X509* cert) {
  json out = json::array();
  core::OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return out;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) out.push_back(object_name(sk_ASN1_OBJECT_value(eku.get(), i)));
  return out;
}

json general_names(const GENERAL_NAMES* names) {
  json out = json::array();
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names, i);
    switch (gen->type) {
      case GEN_DNS: out.push_back("DNS:" + asn1_string(gen->d.dNSName)); break;
      case GEN_URI: out.push_back("URI:" + asn1_string(gen->d.uniformResourceIdentifier)); break;
      case GEN_EMAIL: out.push_back("email:" + asn1_string(gen->d.rfc822Name)); break;
      case GEN_IPADD: out.push_back("IP:" + ip_text(gen->d.iPAddress)); break;
      case GEN_DIRNAME: out.push_back("DirName:" + name_to_string(gen->d.directoryName)); break;
      case GEN_OTHERNAME: {
        char oid[80];
        OBJ_obj2txt(oid, sizeof oid, gen->d.otherName->type_id, 1);
        out.push_back(std::string("otherName:") + oid);
        break;
      }
      default: out.push_back("other"); break;
    }
  }
  return out;
}

json url_extension(const UrlExtension& ext) {
  return json{{"value", ext.value}, {"oid", ext.oid}, {"string_type", ext.string_type}};
}

json idevid_fields(const X509* cert) {
  json out = json::object();
  std::string serial = subject_serial_number(X509_get_subject_name(cert));
  if (!serial.empty()) out["serial_number"] = serial;
  if (auto hw = read_hardware_module_name(cert)) {
    json h{{"hw_type", hw->hw_type}, {"hw_serial_num_hex", core::to_hex(hw->hw_serial)}};
    std::string text(hw->hw_serial.begin(), hw->hw_serial.end());
    if (is_printable_string(text)) h["hw_serial_num"] = text;
    out["hardware_module_name"] = std::move(h);
  }
  if (auto masa = read_masa_url(cert)) {
    json m = url_extension(*masa);
    m["uri"] = masa_url_to_uri(masa->value);
    out["masa_url"] = std::move(m);
  }
  if (auto mud = read_mud_url(cert)) out["mud_url"] = url_extension(*mud);
  if (auto signer = read_mud_signer(cert)) out["mud_signer"] = *signer;
  return out;
}

// Certificates and requests carry whatever bytes their issuer put in a name or an IA5String;
// JSON must be UTF-8 (nlohmann's dump() throws otherwise), so every string is made valid.
void make_utf8(json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!core::is_utf8(text)) value = core::to_utf8_lossy(text);
  } else if (value.is_structured()) {
    for (auto& item : value) make_utf8(item);
  }
}

// The certificate's key; OpenSSL parses a certificate whose key it cannot decode (an
// unknown algorithm, an EC point off the curve) and then has no EVP_PKEY for it.
json certificate_public_key(const X509* cert) {
  if (const EVP_PKEY* key = X509_get0_pubkey(cert)) {
    json out = describe_public_key(key);
    out.erase("type");
    return out;
  }
  core::openssl_errors();
  const X509_PUBKEY* spki = X509_get_X509_PUBKEY(cert);
  ASN1_OBJECT* algorithm = nullptr;
  if (spki != nullptr) X509_PUBKEY_get0_param(&algorithm, nullptr, nullptr, nullptr, spki);
  json out{{"algorithm", "unreadable " + (algorithm ? object_name(algorithm) : std::string("key"))}};
  unsigned char* der = nullptr;
  int len = spki ? i2d_X509_PUBKEY(spki, &der) : 0;
  if (len > 0) {
    core::OsslBytesPtr owned(der);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    EVP_Digest(der, static_cast<std::size_t>(len), digest, &digest_len, EVP_sha256(), nullptr);
    out["spki_sha256"] = core::to_hex({digest, digest_len});
  }
  core::openssl_errors();
  return out;
}

}  // namespace

json describe_public_key(const EVP_PKEY* key) {
  json out{{"type", "public-key"}, {"algorithm", describe_key(key)}};
  if (auto der = public_key_to_der(const_cast<EVP_PKEY*>(key))) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(der->data(), der->size(), digest, &len, EVP_sha256(), nullptr);
    out["spki_sha256"] = core::to_hex({digest, len});
  }
  return out;
}

json describe_certificate(const X509* cert) {
  json out;
  out["type"] = "certificate";
  out["subject"] = name_to_string(X509_get_subject_name(cert));
  out["issuer"] = name_to_string(X509_get_issuer_name(cert));
  out["serial"] = core::to_hex(certificate_serial(cert));
  out["not_before"] = time_text(X509_get0_notBefore(cert));
  out["not_after"] = time_text(X509_get0_notAfter(cert));
  out["signature_algorithm"] = OBJ_nid2ln(X509_get_signature_nid(cert));
  out["public_key"] = certificate_public_key(cert);
  const bool ca = X509_check_ca(const_cast<X509*>(cert)) != 0;
  out["ca"] = ca;
  if (ca && X509_get_pathlen(const_cast<X509*>(cert)) >= 0) out["path_len"] = X509_get_pathlen(const_cast<X509*>(cert));
  out["self_signed"] = X509_self_signed(const_cast<X509*>(cert), 0) == 1;
  core::openssl_errors();  // X509_self_signed queues an error when the key is unreadable
  out["key_usage"] = key_usage(cert);
  out["extended_key_usage"] = extended_key_usage(cert);
  core::GeneralNamesPtr sans(static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  out["subject_alt_names"] = sans ? general_names(sans.get()) : json::array();
  if (const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(const_cast<X509*>(cert))) out["subject_key_id"] = core::to_hex(asn1_bytes(ski));
  if (const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(const_cast<X509*>(cert))) out["authority_key_id"] = core::to_hex(asn1_bytes(aki));
  json idevid = idevid_fields(cert);
  if (!idevid.empty()) out["idevid"] = std::move(idevid);
  out["fingerprints"] = {{"sha256", core::to_hex_separated(certificate_fingerprint(cert, EVP_sha256()), ':')},
                         {"sha1", core::to_hex_separated(certificate_fingerprint(cert, EVP_sha1()), ':')}};
  make_utf8(out);
  return out;
}

json describe_csr(X509_REQ* csr) {
  json out;
  out["type"] = "certificate-request";
  out["subject"] = name_to_string(X509_REQ_get_subject_name(csr));
  if (EVP_PKEY* key = X509_REQ_get0_pubkey(csr)) {
    json k = describe_public_key(key);
    k.erase("type");
    out["public_key"] = std::move(k);
  }
  out["signature_valid"] = X509_REQ_verify(csr, X509_REQ_get0_pubkey(csr)) == 1;
  core::openssl_errors();
  json sans = json::array();
  if (auto* exts = X509_REQ_get_extensions(csr)) {
    core::GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(X509V3_get_d2i(exts, NID_subject_alt_name, nullptr, nullptr)));
    if (names) sans = general_names(names.get());
    sk_X509_EXTENSION_pop_free(exts, X509_EXTENSION_free);
  }
  out["subject_alt_names"] = std::move(sans);
  core::openssl_errors();
  make_utf8(out);
  return out;
}

nlohmann::ordered_json describe_certificate_chain(const std::vector<Bytes>& ders) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Bytes& der : ders) {
    auto cert = parse_certificate_der_cached(der);
    if (!cert) {
      out.push_back({{"problem", cert.error().message}});
      continue;
    }
    out.push_back({{"subject", core::to_utf8_lossy(name_to_string(X509_get_subject_name(cert->get())))},
                   {"issuer", core::to_utf8_lossy(name_to_string(X509_get_issuer_name(cert->get())))},
                   {"sha256", core::to_hex(certificate_fingerprint(cert->get(), EVP_sha256()))}});
  }
  return out;
}

}  // namespace iotonb::pki
