#include "artifact/voucher_describe.h"


#include "artifact/voucher_json.h"
#include "core/cbor.h"
#include "core/encoding.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"

namespace iotonb::artifact {
namespace {

nlohmann::ordered_json subjects(const std::vector<core::X509Ptr>& certs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& c : certs) out.push_back(pki::name_to_string(X509_get_subject_name(c.get())));
  return out;
}

nlohmann::ordered_json describe_envelope(const SignedVoucher& sv) {
  nlohmann::ordered_json d;
  d["form"] = form_name(sv.form);
  d["media_type"] = media_type(sv.form);
  if (const auto* sd = std::get_if<envelope::cms::SignedData>(&sv.parsed)) {
    d["content_type"] = sd->content_type;
    d["digest_algorithm"] = sd->digest_algorithm;
    d["signer"] = sd->signer_id;
    d["signer_count"] = sd->signer_count;
    if (sd->signing_time) d["signing_time"] = core::format_rfc3339(*sd->signing_time);
  } else if (const auto* jws = std::get_if<envelope::jose::Jws>(&sv.parsed)) {
    d["signature_count"] = jws->signatures.size();
    if (!jws->signatures.empty()) {
      const auto& s = jws->signatures.front();
      d["alg"] = envelope::jose_name(s.alg);
      if (!s.typ.empty()) d["typ"] = s.typ;
      if (s.kid) d["kid"] = *s.kid;
      d["protected"] = nlohmann::ordered_json::parse(s.protected_header.dump());
    }
  } else if (const auto* msg = std::get_if<envelope::cose::Sign1>(&sv.parsed)) {
    d["tagged"] = msg->tagged;
    if (auto alg = envelope::cose::algorithm(*msg)) d["alg"] = envelope::jose_name(*alg);
    if (auto kid = envelope::cose::kid(*msg)) d["kid"] = core::to_hex(*kid);
    d["protected"] = core::cbor::diagnostic(msg->protected_header);
    d["protected_bytes"] = core::to_hex(msg->protected_bytes);
    d["unprotected_labels"] = nlohmann::ordered_json::array();
    for (const auto& [label, value] : msg->unprotected.as_map())
      d["unprotected_labels"].push_back(core::cbor::diagnostic(label));
  }
  if (auto certs = carried_certificates(sv); certs && !certs->empty()) d["certificates"] = subjects(*certs);
  else if (!certs) d["certificates_problem"] = certs.error().message;
  return d;
}


// The leaves as RFC 7951 JSON, then what the binary ones hold.
nlohmann::ordered_json describe_leaves(const Voucher& v) {
  auto doc = nlohmann::ordered_json::parse(voucher_to_json(v));
  nlohmann::ordered_json leaves = doc.begin().value();
  nlohmann::ordered_json decoded = nlohmann::ordered_json::object();
  for (const auto& spec : leaf_table()) {
    const LeafValue* value = v.get(spec.name);
    if (!value || spec.type != LeafType::binary) continue;
    const std::string name(spec.name);
    if (auto cert = pki::parse_certificate(value->bytes); cert && value->bytes.front() == 0x30) {
      decoded[name] = {{"subject", pki::name_to_string(X509_get_subject_name(cert->get()))},
                       {"issuer", pki::name_to_string(X509_get_issuer_name(cert->get()))},
                       {"sha256", core::to_hex(pki::certificate_fingerprint(cert->get(), EVP_sha256()))}};
    } else if (auto key = pki::parse_public_key(value->bytes)) {
      decoded[name] = {{"public_key", pki::describe_key(key->get())}};
    } else {
      decoded[name] = {{"hex", core::to_hex(value->bytes)}, {"length", value->bytes.size()}};
    }
  }
  return {{"leaves", std::move(leaves)}, {"decoded", std::move(decoded)}};
}

// Peers put arbitrary octets in names and payloads, and error messages quote them; a
// description is JSON, which must be UTF-8 (RFC 8259 8.1).
void make_utf8(nlohmann::ordered_json& value) {
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!core::is_utf8(text)) value = core::to_utf8_lossy(text);
  } else if (value.is_structured()) {
    for (auto& item : value) make_utf8(item);
  }
}

}  // namespace

nlohmann::ordered_json describe_voucher(const SignedVoucher& sv) {
  nlohmann::ordered_json d;
  d["type"] = sv.voucher && sv.voucher->kind() == VoucherKind::request ? "voucher-request" : "voucher";
  d["envelope"] = describe_envelope(sv);
  if (sv.voucher) {
    auto leaves = describe_leaves(*sv.voucher);
    d["root"] = json_root(sv.voucher->kind());
    d["leaves"] = std::move(leaves["leaves"]);
    d["decoded"] = std::move(leaves["decoded"]);
  }
  if (sv.payload_error) d["problem"] = sv.payload_error->message;
  make_utf8(d);
  return d;
}

Result<std::string> voucher_diagnostic(const SignedVoucher& sv, bool pretty) {
  if (sv.form != VoucherForm::cose && sv.form != VoucherForm::cbor)
    return usage_error("--format diag is for COSE and CBOR vouchers; this one is " + std::string(form_name(sv.form)));
  IOTONB_ASSIGN_OR_RETURN(core::cbor::Value item, core::cbor::decode(sv.envelope));
  std::string out = core::cbor::diagnostic(item, pretty);
  if (sv.form == VoucherForm::cose) {
    auto payload = core::cbor::decode(sv.payload);
    out += pretty ? "\n\npayload:\n" : "\npayload: ";
    out += payload ? core::cbor::diagnostic(*payload, pretty) : "(not CBOR: " + payload.error().message + ")";
  }
  return out + "\n";
}

}  // namespace iotonb::artifact
