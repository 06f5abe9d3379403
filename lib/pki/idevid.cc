#include "pki/idevid.h"

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

}  // namespace iotonb::pki
