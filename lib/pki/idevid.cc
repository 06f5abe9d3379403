#include "pki/idevid.h"

#include <openssl/sha.h>

#include <algorithm>

#include "core/der.h"
#include "pki/certificate.h"
#include "pki/extensions.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/oids.h"

namespace iotonb::pki {
namespace {

Status check_url(const std::string& what, const std::string& url) {
  if (url.size() > 2048) return input_error(what + " is longer than 2048 characters");
  for (unsigned char c : url)
    if (c <= 0x20 || c > 0x7e) return input_error(what + " \"" + url + "\" has a character IA5String URLs cannot carry");
  return {};
}

namespace der = core::der;

// DER of the OIDs a device's own fields are filed under.
constexpr std::uint8_t kSerialNumberOid[] = {0x06, 0x03, 0x55, 0x04, 0x05};          // 2.5.4.5
constexpr std::uint8_t kSubjectKeyIdOid[] = {0x06, 0x03, 0x55, 0x1d, 0x0e};          // 2.5.29.14
constexpr std::uint8_t kSubjectAltNameOid[] = {0x06, 0x03, 0x55, 0x1d, 0x11};        // 2.5.29.17
constexpr std::uint8_t kHardwareModuleNameOid[] = {0x06, 0x08, 0x2b, 0x06, 0x01, 0x05,
                                                   0x05, 0x07, 0x08, 0x04};          // 1.3.6.1.5.5.7.8.4
// Content octets of rsaEncryption and id-RSASSA-PSS (RFC 8017 A.1, A.2.3): is_rsa's key types.
constexpr std::uint8_t kRsaEncryption[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01};
constexpr std::uint8_t kRsassaPss[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
constexpr std::uint8_t kVersion3[] = {0xa0, 0x03, 0x02, 0x01, 0x02};  // [0] EXPLICIT INTEGER 2

void append(Bytes& out, ByteView data) { out.insert(out.end(), data.begin(), data.end()); }

bool same_octets(ByteView a, ByteView b) { return std::equal(a.begin(), a.end(), b.begin(), b.end()); }

// An extension as X509_add_ext puts it into a certificate.
Result<Bytes> extension_der(Result<core::X509ExtPtr> ext) {
  if (!ext) return std::move(ext).error();
  unsigned char* out = nullptr;
  const int len = i2d_X509_EXTENSION(ext->get(), &out);
  if (len <= 0) return internal_error("cannot encode an extension: " + core::openssl_errors());
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

Result<Bytes> name_der(const X509_NAME* name) {
  unsigned char* out = nullptr;
  const int len = i2d_X509_NAME(name, &out);
  if (len <= 0) return internal_error("cannot encode a name: " + core::openssl_errors());
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

// Time as X509_set1_notBefore stores what ASN1_TIME_set makes: UTCTime through 2049,
// GeneralizedTime after (RFC 5280 4.1.2.5).
Result<Bytes> time_der(core::UnixTime t) {
  core::Asn1TimePtr time(ASN1_TIME_set(nullptr, static_cast<time_t>(t)));
  unsigned char* out = nullptr;
  const int len = time ? i2d_ASN1_TIME(time.get(), &out) : 0;
  if (len <= 0) return internal_error("cannot encode a time: " + core::openssl_errors());
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

// A positive INTEGER from big-endian octets, minimal as BN_to_ASN1_INTEGER writes it.
Bytes positive_integer(ByteView magnitude) {
  while (!magnitude.empty() && magnitude.front() == 0) magnitude = magnitude.subspan(1);
  Bytes content;
  content.reserve(magnitude.size() + 1);
  if (magnitude.empty() || (magnitude.front() & 0x80) != 0) content.push_back(0);
  append(content, magnitude);
  return der::tlv(0x02, content);
}

bool same_name(const X509_NAME* a, const X509_NAME* b) {
  if (a == b) return true;
  return a != nullptr && b != nullptr && X509_NAME_cmp(a, b) == 0;
}

}  // namespace

Status validate_idevid_request(const IdevidRequest& request) {
  IOTONB_RETURN_IF_ERROR(check_device_serial(request.device_serial));
  if (!request.hw_type.empty()) {
    auto oid = core::der::oid_from_text(request.hw_type);
    if (!oid) return input_error("hw-type: " + oid.error().message);
  }
  if (!request.masa_url.empty()) IOTONB_RETURN_IF_ERROR(check_url("MASA URL", request.masa_url));
  if (!request.mud_url.empty()) {
    IOTONB_RETURN_IF_ERROR(check_url("MUD URL", request.mud_url));
    if (request.mud_url.rfind("https://", 0) != 0) return input_error("MUD URL must be https:// (RFC 8520 10)");
  }
  return {};
}

Result<core::X509Ptr> issue_idevid(const IdevidRequest& request, EVP_PKEY* device_key, const IssuingCa& ca) {
  CertificateSpec spec;
  spec.subject.reset(request.subject_base ? X509_NAME_dup(request.subject_base) : X509_NAME_new());
  if (!X509_NAME_add_entry_by_NID(spec.subject.get(), NID_serialNumber, V_ASN1_PRINTABLESTRING,
                                  reinterpret_cast<const unsigned char*>(request.device_serial.data()),
                                  static_cast<int>(request.device_serial.size()), -1, 0))
    return input_error("device serial \"" + request.device_serial + "\": " + core::openssl_errors());
  spec.public_key = device_key;
  spec.serial = request.cert_serial;
  spec.not_before = request.not_before;
  spec.not_after = request.not_after;

  auto add = [&](Result<core::X509ExtPtr> ext) -> Status {
    if (!ext) return std::move(ext).error();
    spec.extensions.push_back(std::move(ext).value());
    return {};
  };
  IOTONB_RETURN_IF_ERROR(add(basic_constraints_ext(false, -1)));
  IOTONB_RETURN_IF_ERROR(add(key_usage_ext(KU_DIGITAL_SIGNATURE | (is_rsa(device_key) ? KU_KEY_ENCIPHERMENT : 0))));
  if (!request.hw_type.empty()) {
    HardwareModuleName hw{request.hw_type, Bytes(request.device_serial.begin(), request.device_serial.end())};
    IOTONB_RETURN_IF_ERROR(add(subject_alt_name_ext({}, hw)));
  }
  if (!request.masa_url.empty()) IOTONB_RETURN_IF_ERROR(add(ia5_string_ext(oid::kMasaUrl, request.masa_url)));
  if (!request.mud_url.empty()) IOTONB_RETURN_IF_ERROR(add(ia5_string_ext(oid::kMudUrl, request.mud_url)));
  if (request.mud_signer != nullptr) IOTONB_RETURN_IF_ERROR(add(mud_signer_ext(request.mud_signer)));
  return issue_certificate(std::move(spec), ca.cert.get(), *ca.signer);
}


Result<IdevidIssuer> IdevidIssuer::create(const IdevidRequest& batch, const IssuingCa& ca) {
  if (!ca.cert || !ca.signer) return usage_error("no issuing CA given");
  // What issue_certificate checks per certificate, checked once.
  if (batch.not_after <= batch.not_before) return usage_error("notAfter must be later than notBefore");
  if (!same_public_key(X509_get0_pubkey(ca.cert.get()), ca.signer->key()))
    return usage_error(ca.signer->reference() + ": key does not match the issuer certificate");
  IOTONB_ASSIGN_OR_RETURN(TbsSigner signer, TbsSigner::create(*ca.signer));
  IdevidIssuer issuer(std::move(signer));
  issuer.sha1_.reset(EVP_MD_fetch(nullptr, "SHA1", nullptr));
  if (!issuer.sha1_) return internal_error("SHA-1 is not available: " + core::openssl_errors());
  issuer.not_before_ = batch.not_before;
  issuer.not_after_ = batch.not_after;
  issuer.subject_base_ = batch.subject_base;
  issuer.mud_signer_ = batch.mud_signer;

  IOTONB_ASSIGN_OR_RETURN(Bytes issuer_name, name_der(X509_get_subject_name(ca.cert.get())));
  IOTONB_ASSIGN_OR_RETURN(Bytes not_before, time_der(batch.not_before));
  IOTONB_ASSIGN_OR_RETURN(Bytes not_after, time_der(batch.not_after));
  append(not_before, not_after);
  issuer.issuer_and_validity_ = std::move(issuer_name);
  append(issuer.issuer_and_validity_, der::tlv(der::kSequence, not_before));
  if (batch.subject_base != nullptr) {
    IOTONB_ASSIGN_OR_RETURN(Bytes base, name_der(batch.subject_base));
    der::Reader r(base);
    IOTONB_ASSIGN_OR_RETURN(ByteView rdns, r.expect(der::kSequence, "subject"));
    issuer.subject_prefix_.assign(rdns.begin(), rdns.end());
  }

  IOTONB_ASSIGN_OR_RETURN(issuer.basic_constraints_, extension_der(basic_constraints_ext(false, -1)));
  IOTONB_ASSIGN_OR_RETURN(issuer.key_usage_, extension_der(key_usage_ext(KU_DIGITAL_SIGNATURE)));
  IOTONB_ASSIGN_OR_RETURN(issuer.key_usage_rsa_,
                          extension_der(key_usage_ext(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT)));
  if (batch.mud_signer != nullptr) {
    IOTONB_ASSIGN_OR_RETURN(issuer.mud_signer_ext_, extension_der(mud_signer_ext(batch.mud_signer)));
  }
  IOTONB_ASSIGN_OR_RETURN(Bytes authority_id, issuer_key_identifier(ca.cert.get()));
  IOTONB_ASSIGN_OR_RETURN(issuer.authority_key_id_, extension_der(authority_key_id_ext(authority_id)));
  // The batch defaults, encoded now so most devices find them ready.
  if (!batch.masa_url.empty())
    IOTONB_RETURN_IF_ERROR(issuer.url_extension(issuer.masa_url_, oid::kMasaUrl, batch.masa_url));
  if (!batch.mud_url.empty()) IOTONB_RETURN_IF_ERROR(issuer.url_extension(issuer.mud_url_, oid::kMudUrl, batch.mud_url));
  if (!batch.hw_type.empty()) {
    IOTONB_ASSIGN_OR_RETURN(issuer.hw_type_der_, der::oid_from_text(batch.hw_type));
    issuer.hw_type_ = batch.hw_type;
  }
  return issuer;
}

Result<ByteView> IdevidIssuer::url_extension(CachedExtension& cache, const char* oid, const std::string& value) {
  if (cache.der.empty() || cache.value != value) {
    IOTONB_ASSIGN_OR_RETURN(cache.der, extension_der(ia5_string_ext(oid, value)));
    cache.value = value;
  }
  return ByteView(cache.der);
}

Result<Bytes> IdevidIssuer::issue(const IdevidRequest& request, ByteView public_key_der) {
  const std::string& serial = request.device_serial;
  if (request.not_before != not_before_ || request.not_after != not_after_ ||
      !same_name(request.subject_base, subject_base_) || !same_name(request.mud_signer, mud_signer_))
    return usage_error("device " + serial + ": validity, subject or MUD signer differs from the batch's");
  IOTONB_RETURN_IF_ERROR(check_device_serial(serial));

  // The key's algorithm decides keyUsage (as is_rsa does for issue_idevid), its bits the SKI.
  der::Reader spki(public_key_der);
  auto fields = spki.expect(der::kSequence, "SubjectPublicKeyInfo");
  if (!fields || !spki.empty()) return input_error("device " + serial + ": malformed public key");
  der::Reader field(*fields);
  auto algorithm = field.expect(der::kSequence, "algorithm");
  auto bits = algorithm ? field.expect(0x03, "subjectPublicKey") : Result<ByteView>(algorithm.error());
  if (!bits || bits->empty() || !field.empty()) return input_error("device " + serial + ": malformed public key");
  der::Reader algorithm_fields(*algorithm);
  auto key_oid = algorithm_fields.expect(der::kOid, "algorithm");
  const bool rsa = key_oid && (same_octets(*key_oid, kRsaEncryption) || same_octets(*key_oid, kRsassaPss));
  std::uint8_t key_id[SHA_DIGEST_LENGTH];  // RFC 5280 4.2.1.2 method 1, as key_identifier()
  const ByteView key_bits = bits->subspan(1);  // after the unused-bits octet
  if (EVP_Digest(key_bits.data(), key_bits.size(), key_id, nullptr, sha1_.get(), nullptr) != 1)
    return internal_error("SHA-1 failed: " + core::openssl_errors());

  // Extensions in issue_idevid's order; SKI and AKI last, as issue_certificate adds them.
  Bytes extensions;
  extensions.reserve(512);
  append(extensions, basic_constraints_);
  append(extensions, rsa ? key_usage_rsa_ : key_usage_);
  if (!request.hw_type.empty()) {
    if (request.hw_type != hw_type_) {
      IOTONB_ASSIGN_OR_RETURN(hw_type_der_, der::oid_from_text(request.hw_type));
      hw_type_ = request.hw_type;
    }
    // GeneralNames { otherName [0] { id-on-hardwareModuleName, [0] EXPLICIT
    //   HardwareModuleName { hwType, hwSerialNum } } } (RFC 5280 4.2.1.6, RFC 4108 5)
    Bytes module = hw_type_der_;
    append(module, der::tlv(der::kOctetString, as_bytes(serial)));
    Bytes other_name(std::begin(kHardwareModuleNameOid), std::end(kHardwareModuleNameOid));
    append(other_name, der::tlv(0xa0, der::tlv(der::kSequence, module)));
    Bytes san(std::begin(kSubjectAltNameOid), std::end(kSubjectAltNameOid));
    append(san, der::tlv(der::kOctetString, der::tlv(der::kSequence, der::tlv(0xa0, other_name))));
    append(extensions, der::tlv(der::kSequence, san));
  }
  if (!request.masa_url.empty()) {
    IOTONB_ASSIGN_OR_RETURN(ByteView ext, url_extension(masa_url_, oid::kMasaUrl, request.masa_url));
    append(extensions, ext);
  }
  if (!request.mud_url.empty()) {
    IOTONB_ASSIGN_OR_RETURN(ByteView ext, url_extension(mud_url_, oid::kMudUrl, request.mud_url));
    append(extensions, ext);
  }
  append(extensions, mud_signer_ext_);
  Bytes ski(std::begin(kSubjectKeyIdOid), std::end(kSubjectKeyIdOid));
  append(ski, der::tlv(der::kOctetString, der::tlv(der::kOctetString, key_id)));
  append(extensions, der::tlv(der::kSequence, ski));
  append(extensions, authority_key_id_);

  // Subject: the batch's attributes, then serialNumber as its own RDN (PrintableString).
  Bytes subject = subject_prefix_;
  Bytes attribute(std::begin(kSerialNumberOid), std::end(kSerialNumberOid));
  append(attribute, der::tlv(der::kPrintableString, as_bytes(serial)));
  append(subject, der::tlv(0x31, der::tlv(der::kSequence, attribute)));

  Bytes tbs;
  tbs.reserve(1024);
  append(tbs, kVersion3);
  append(tbs, positive_integer(request.cert_serial));
  append(tbs, signer_.algorithm());
  append(tbs, issuer_and_validity_);
  append(tbs, der::tlv(der::kSequence, subject));
  append(tbs, public_key_der);
  append(tbs, der::tlv(0xa3, der::tlv(der::kSequence, extensions)));
  return signer_.sign(der::tlv(der::kSequence, tbs));
}

}  // namespace iotonb::pki
