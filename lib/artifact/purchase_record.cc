// The purchase record (iotonb's own format, see purchase_record.h): JSON
//   {"id","manufacturer","owner","domain-ca" (base64 DER),"devices":[{"serial","idevid-sha256"}],
//    "created-on" (RFC 3339)}
// inside a CMS SignedData (RFC 5652 5) with eContentType id-data, signed through
// envelope/cms.h. The record is bounded by what the CMS layer reads back (cms::kMaxInput,
// 1 MiB), which holds roughly 9000 devices; a larger sale is split into several records.
#include "artifact/purchase_record.h"

#include <set>

#include "core/encoding.h"
#include "core/json.h"
#include "envelope/cms.h"
#include "pki/certificate.h"
#include "pki/name.h"

namespace iotonb::artifact {
namespace {

constexpr std::size_t kMaxDevices = 100000;  // the CMS size bound is reached well before this
constexpr std::size_t kMaxText = 1024;       // id, manufacturer, owner

Error field_error(const std::string& field, const std::string& what) {
  return input_error("purchase record: " + field + ": " + what);
}

bool is_lower_hex_sha256(const std::string& s) {
  if (s.size() != 64) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

Status check_text(const std::string& field, const std::string& value) {
  if (value.empty()) return field_error(field, "is empty");
  if (value.size() > kMaxText) return field_error(field, "is longer than " + std::to_string(kMaxText) + " characters");
  if (!core::is_utf8(value)) return field_error(field, "is not UTF-8");
  return {};
}

Status validate(const PurchaseRecord& r) {
  IOTONB_RETURN_IF_ERROR(check_text("id", r.id));
  IOTONB_RETURN_IF_ERROR(check_text("manufacturer", r.manufacturer));
  IOTONB_RETURN_IF_ERROR(check_text("owner", r.owner));
  if (r.domain_ca_der.empty()) return field_error("domain-ca", "is empty");
  if (auto c = pki::parse_certificate(r.domain_ca_der); !c)
    return field_error("domain-ca", "is not a DER certificate: " + c.error().message);
  if (r.devices.empty()) return field_error("devices", "lists no device");
  if (r.devices.size() > kMaxDevices)
    return field_error("devices", "lists " + std::to_string(r.devices.size()) + " devices, more than " +
                                      std::to_string(kMaxDevices));
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < r.devices.size(); ++i) {
    const auto& d = r.devices[i];
    const std::string where = "devices[" + std::to_string(i) + "]";
    if (Status s = pki::check_device_serial(d.serial); !s) return field_error(where + ".serial", s.error().message);
    if (!seen.insert(d.serial).second) return field_error(where + ".serial", "\"" + d.serial + "\" is listed twice");
    if (!is_lower_hex_sha256(d.idevid_sha256))
      return field_error(where + ".idevid-sha256", "must be 64 lower-case hex digits (SHA-256), got \"" +
                                                       d.idevid_sha256.substr(0, 80) + "\"");
  }
  if (r.created_on <= 0) return field_error("created-on", "is not set");
  return {};
}

std::string to_json(const PurchaseRecord& r) {
  nlohmann::ordered_json doc;
  doc["id"] = r.id;
  doc["manufacturer"] = r.manufacturer;
  doc["owner"] = r.owner;
  doc["domain-ca"] = core::to_base64(r.domain_ca_der);
  nlohmann::ordered_json devices = nlohmann::ordered_json::array();
  for (const auto& d : r.devices) devices.push_back({{"serial", d.serial}, {"idevid-sha256", d.idevid_sha256}});
  doc["devices"] = std::move(devices);
  doc["created-on"] = core::format_rfc3339(r.created_on);
  return doc.dump();
}

Result<std::string> member_text(const nlohmann::json& obj, const std::string& name, const std::string& where) {
  auto it = obj.find(name);
  if (it == obj.end()) return field_error(where + name, "is missing");
  if (!it->is_string()) return field_error(where + name, "is not a string");
  return it->get<std::string>();
}

Status only_members(const nlohmann::json& obj, std::initializer_list<std::string_view> allowed, const std::string& where) {
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    bool known = false;
    for (auto a : allowed) known = known || it.key() == a;
    if (!known) return field_error(where + it.key(), "is not a purchase record member");
  }
  return {};
}

Result<PurchaseRecord> from_json(ByteView content) {
  core::JsonLimits limits;
  limits.max_size = envelope::cms::kMaxInput;
  limits.max_depth = 4;
  auto doc = core::parse_json(as_chars(content), limits);
  if (!doc) return doc.error().context("purchase record");
  if (!doc->is_object()) return input_error("purchase record: the content is not a JSON object");
  IOTONB_RETURN_IF_ERROR(only_members(*doc, {"id", "manufacturer", "owner", "domain-ca", "devices", "created-on"}, ""));
  PurchaseRecord r;
  {
    IOTONB_ASSIGN_OR_RETURN(r.id, member_text(*doc, "id", ""));
  }
  {
    IOTONB_ASSIGN_OR_RETURN(r.manufacturer, member_text(*doc, "manufacturer", ""));
  }
  {
    IOTONB_ASSIGN_OR_RETURN(r.owner, member_text(*doc, "owner", ""));
  }
  {
    IOTONB_ASSIGN_OR_RETURN(std::string ca, member_text(*doc, "domain-ca", ""));
    auto der = core::from_base64(ca);
    if (!der) return field_error("domain-ca", "is not base64: " + der.error().message);
    r.domain_ca_der = std::move(der).value();
  }
  {
    IOTONB_ASSIGN_OR_RETURN(std::string created, member_text(*doc, "created-on", ""));
    auto t = core::parse_time(created);
    if (!t) return field_error("created-on", t.error().message);
    r.created_on = *t;
  }
  auto devices = doc->find("devices");
  if (devices == doc->end()) return field_error("devices", "is missing");
  if (!devices->is_array()) return field_error("devices", "is not an array");
  if (devices->size() > kMaxDevices)
    return field_error("devices", "lists more than " + std::to_string(kMaxDevices) + " devices");
  r.devices.reserve(devices->size());
  for (std::size_t i = 0; i < devices->size(); ++i) {
    const auto& d = (*devices)[i];
    const std::string where = "devices[" + std::to_string(i) + "].";
    if (!d.is_object()) return field_error("devices[" + std::to_string(i) + "]", "is not an object");
    IOTONB_RETURN_IF_ERROR(only_members(d, {"serial", "idevid-sha256"}, where));
    PurchasedDevice dev;
    {
      IOTONB_ASSIGN_OR_RETURN(dev.serial, member_text(d, "serial", where));
    }
    {
      IOTONB_ASSIGN_OR_RETURN(dev.idevid_sha256, member_text(d, "idevid-sha256", where));
    }
    r.devices.push_back(std::move(dev));
  }
  IOTONB_RETURN_IF_ERROR(validate(r));
  return r;
}

}  // namespace

Result<Bytes> sign_purchase_record(const PurchaseRecord& record, const pki::Signer& signer,
                                   const X509* certificate, const std::vector<const X509*>& chain) {
  IOTONB_RETURN_IF_ERROR(validate(record));
  if (!certificate) return usage_error("a purchase record needs the manufacturer's signing certificate");
  std::string json = to_json(record);
  if (json.size() > envelope::cms::kMaxInput - 64 * 1024)
    return usage_error("purchase record of " + std::to_string(record.devices.size()) + " devices is " +
                       std::to_string(json.size()) + " octets, too large for one record; split the sale");
  envelope::cms::SignOptions o;
  o.content_type = envelope::cms::kIdData;
  o.chain = chain;
  return envelope::cms::sign(as_bytes(json), signer, certificate, o);
}

Result<PurchaseRecord> verify_purchase_record(ByteView file, const std::vector<const X509*>& trust,
                                              core::UnixTime at) {
  if (file.size() > envelope::cms::kMaxInput)
    return input_error("purchase record is " + std::to_string(file.size()) + " octets, more than the limit of " +
                       std::to_string(envelope::cms::kMaxInput));
  if (trust.empty()) return usage_error("no manufacturer trust anchor to verify the purchase record with");
  auto parsed = envelope::cms::parse(file, false);
  if (!parsed) return parsed.error().context("purchase record");
  if (!parsed->content) return input_error("purchase record: the CMS SignedData carries no content");
  envelope::cms::VerifyOptions o;
  o.trust = trust;
  o.at = at;
  o.accepted_content_types = {envelope::cms::kIdData};
  auto verified = envelope::cms::verify(*parsed, o);
  if (!verified) return verified.error().context("purchase record");
  return from_json(verified->content);
}

}  // namespace iotonb::artifact
