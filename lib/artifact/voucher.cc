#include "artifact/voucher.h"

#include <array>

#include "core/der.h"

namespace iotonb::artifact {
namespace {

using enum LeafType;

// SID offsets from the container (ietf-voucher@2025-12-18.sid, ietf-voucher-request@2025-12-18.sid
// in the anima-wg/voucher repository): voucher leaves 2452..2466, request leaves 2502..2523.
const std::vector<LeafSpec> kLeaves = {
    {"assertion", assertion, 1, 1},
    {"created-on", date_time, 2, 2},
    {"domain-cert-revocation-checks", boolean, 3, 3},
    {"expires-on", date_time, 4, 4},
    {"idevid-issuer", binary, 5, 5},
    {"last-renewal-date", date_time, 6, 6},
    {"nonce", binary, 7, 7},
    {"pinned-domain-cert", binary, 8, 8},
    {"pinned-domain-pubk", binary, 9, 17},
    {"pinned-domain-pubk-sha256", binary, 10, 18},
    {"serial-number", string, 11, 13},
    {"additional-configuration-url", uri, 12, 19},
    {"est-domain", uri, 13, 20},
    {"manufacturer-proprietary", binary, 14, 22},
    {"extensions", string_list, 15, 21},
    {"prior-signed-voucher-request", binary, 0, 9},
    {"proximity-registrar-cert", binary, 0, 10},
    {"proximity-registrar-pubk-sha256", binary, 0, 11},
    {"proximity-registrar-pubk", binary, 0, 12},
    {"agent-provided-proximity-registrar-cert", binary, 0, 14},
    {"agent-sign-cert", binary, 0, 15},
    {"agent-signed-data", binary, 0, 16},
};

constexpr std::array<std::string_view, 4> kAssertions = {"verified", "logged", "proximity", "agent-proximity"};

bool is_certificate_leaf(std::string_view name) {
  return name == "pinned-domain-cert" || name == "proximity-registrar-cert" ||
         name == "agent-provided-proximity-registrar-cert" || name == "agent-sign-cert";
}
bool is_pubkey_leaf(std::string_view name) { return name == "pinned-domain-pubk" || name == "proximity-registrar-pubk"; }
bool is_sha256_leaf(std::string_view name) {
  return name == "pinned-domain-pubk-sha256" || name == "proximity-registrar-pubk-sha256";
}

// Structural checks only: OpenSSL 3 decodes a certificate's public key eagerly, which costs
// more than verifying the voucher's signature, so validation checks the DER shape and
// leaves decoding to whoever uses the certificate.
// Certificate ::= SEQUENCE { tbsCertificate SEQUENCE, signatureAlgorithm SEQUENCE, signature BIT STRING }
bool is_der_certificate(const Bytes& der) {
  core::der::Reader outer(der);
  auto body = outer.expect(core::der::kSequence, "certificate");
  if (!body || !outer.empty()) return false;
  core::der::Reader fields(*body);
  return fields.expect(core::der::kSequence, "tbsCertificate").ok() &&
         fields.expect(core::der::kSequence, "signatureAlgorithm").ok() && fields.expect(0x03, "signature").ok() &&
         fields.empty();
}

// SubjectPublicKeyInfo ::= SEQUENCE { algorithm SEQUENCE, subjectPublicKey BIT STRING }
bool is_der_spki(const Bytes& der) {
  core::der::Reader outer(der);
  auto body = outer.expect(core::der::kSequence, "subjectPublicKeyInfo");
  if (!body || !outer.empty()) return false;
  core::der::Reader fields(*body);
  return fields.expect(core::der::kSequence, "algorithm").ok() && fields.expect(0x03, "subjectPublicKey").ok() &&
         fields.empty();
}

// yang:date-and-time is the full RFC 3339 date-time: date, "T", time and an offset.
bool is_date_and_time(const std::string& text) {
  return text.size() >= 20 && (text[10] == 'T' || text[10] == 't') && core::parse_time(text).ok();
}

}  // namespace

Error leaf_error(VoucherKind kind, std::string_view leaf, const std::string& what) {
  return input_error(std::string(kind_name(kind)) + ": " + std::string(leaf) + ": " + what);
}

std::string_view json_root(VoucherKind kind) {
  return kind == VoucherKind::voucher ? "ietf-voucher:voucher" : "ietf-voucher-request:voucher";
}
std::string_view kind_name(VoucherKind kind) { return kind == VoucherKind::voucher ? "voucher" : "voucher request"; }

const std::vector<LeafSpec>& leaf_table() { return kLeaves; }

const LeafSpec* find_leaf(std::string_view name) {
  for (const auto& leaf : kLeaves)
    if (leaf.name == name) return &leaf;
  return nullptr;
}

std::string_view assertion_name(Assertion a) { return kAssertions[static_cast<std::size_t>(a)]; }

std::optional<Assertion> parse_assertion(std::string_view name) {
  for (std::size_t i = 0; i < kAssertions.size(); ++i)
    if (kAssertions[i] == name) return static_cast<Assertion>(i);
  return std::nullopt;
}

const LeafValue* Voucher::get(std::string_view name) const {
  auto it = leaves_.find(name);
  return it == leaves_.end() ? nullptr : &it->second;
}

void Voucher::set(std::string_view name, LeafValue value) { leaves_.insert_or_assign(std::string(name), std::move(value)); }
void Voucher::set_text(std::string_view name, std::string value) {
  LeafValue v;
  v.text = std::move(value);
  set(name, std::move(v));
}
void Voucher::set_bytes(std::string_view name, Bytes value) {
  LeafValue v;
  v.bytes = std::move(value);
  set(name, std::move(v));
}
void Voucher::set_bool(std::string_view name, bool value) {
  LeafValue v;
  v.boolean = value;
  set(name, std::move(v));
}
void Voucher::set_list(std::string_view name, std::vector<std::string> value) {
  LeafValue v;
  v.list = std::move(value);
  set(name, std::move(v));
}
void Voucher::erase(std::string_view name) {
  if (auto it = leaves_.find(name); it != leaves_.end()) leaves_.erase(it);
}

std::optional<std::string> Voucher::serial_number() const {
  const LeafValue* v = get("serial-number");
  return v ? std::optional(v->text) : std::nullopt;
}

std::optional<Assertion> Voucher::assertion() const {
  const LeafValue* v = get("assertion");
  return v ? parse_assertion(v->text) : std::nullopt;
}

std::optional<Bytes> Voucher::binary(std::string_view name) const {
  const LeafValue* v = get(name);
  return v ? std::optional(v->bytes) : std::nullopt;
}

std::optional<core::UnixTime> Voucher::time(std::string_view name) const {
  const LeafValue* v = get(name);
  if (!v) return std::nullopt;
  auto t = core::parse_time(v->text);
  return t ? std::optional(*t) : std::nullopt;
}

Status validate(const Voucher& v) {
  const bool voucher = v.kind() == VoucherKind::voucher;
  for (const auto& [name, value] : v.leaves()) {
    const LeafSpec* spec = find_leaf(name);
    if (!spec || (voucher ? spec->voucher_sid : spec->request_sid) == 0)
      return leaf_error(v.kind(), name, "not a leaf of " + std::string(json_root(v.kind())));
    switch (spec->type) {
      case date_time:
        if (!is_date_and_time(value.text))
          return leaf_error(v.kind(), name, "\"" + value.text + "\" is not an RFC 3339 date-time with a time zone");
        break;
      case assertion:
        if (!parse_assertion(value.text))
          return leaf_error(v.kind(), name, "\"" + value.text + "\" is not one of verified, logged, proximity, agent-proximity");
        break;
      case string:
      case uri:
        if (value.text.empty()) return leaf_error(v.kind(), name, "is empty");
        break;
      case binary:
        if (name == "nonce" && (value.bytes.size() < 8 || value.bytes.size() > 32))
          return leaf_error(v.kind(), name, std::to_string(value.bytes.size()) + " octets, the nonce must be 8 to 32");
        if (is_certificate_leaf(name) && !is_der_certificate(value.bytes))
          return leaf_error(v.kind(), name, "is not a DER X.509 certificate");
        if (is_pubkey_leaf(name) && !is_der_spki(value.bytes))
          return leaf_error(v.kind(), name, "is not a DER SubjectPublicKeyInfo");
        if (is_sha256_leaf(name) && value.bytes.size() != 32)
          return leaf_error(v.kind(), name, std::to_string(value.bytes.size()) + " octets, a SHA-256 hash is 32");
        break;
      case boolean:
      case string_list:
        break;
    }
  }
  if (!v.has("serial-number")) return leaf_error(v.kind(), "serial-number", "mandatory leaf is missing");
  if (voucher) {
    if (!v.has("assertion")) return leaf_error(v.kind(), "assertion", "mandatory leaf is missing");
    int pins = v.has("pinned-domain-cert") + v.has("pinned-domain-pubk") + v.has("pinned-domain-pubk-sha256");
    if (pins == 0)
      return leaf_error(v.kind(), "pinned-domain-cert", "mandatory leaf is missing (or pinned-domain-pubk, pinned-domain-pubk-sha256)");
    if (pins > 1) return leaf_error(v.kind(), "pinned-domain-cert", "only one of pinned-domain-cert, -pubk and -pubk-sha256 may be present");
    if (v.has("last-renewal-date") && !v.has("expires-on"))
      return leaf_error(v.kind(), "last-renewal-date", "is present without expires-on (RFC 8366 5.3)");
  }
  return ok_status();
}

}  // namespace iotonb::artifact
