// iotonb voucher create / iotonb voucher request create: an unsigned voucher or voucher
// request, from a JSON or YAML file of leaves, flags, or both (flags win).
#include <yaml-cpp/yaml.h>

#include "artifact/signed_voucher.h"
#include "artifact/voucher_cbor.h"
#include "artifact/voucher_inputs.h"
#include "artifact/voucher_json.h"
#include "cli/options.h"
#include "core/files.h"
#include "core/json.h"
#include "groups/voucher_verbs.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::cli::groups::voucher {
namespace {

using artifact::Voucher;
using artifact::VoucherKind;
using nlohmann::json;

constexpr std::size_t kMaxFile = 1 << 20;

json yaml_to_json(const YAML::Node& node) {
  if (node.IsMap()) {
    json out = json::object();
    for (const auto& e : node) out[e.first.as<std::string>()] = yaml_to_json(e.second);
    return out;
  }
  if (node.IsSequence()) {
    json out = json::array();
    for (const auto& e : node) out.push_back(yaml_to_json(e));
    return out;
  }
  if (node.IsNull()) return nullptr;
  return node.as<std::string>();  // leaf types are applied below, from the leaf table
}

// YAML has no string/boolean distinction a voucher leaf can rely on ("true" or true): the
// leaf table decides.
void apply_leaf_types(json& leaves) {
  for (auto& [name, value] : leaves.items()) {
    const artifact::LeafSpec* spec = artifact::find_leaf(name);
    if (spec && spec->type == artifact::LeafType::boolean && value.is_string()) {
      if (value == "true") value = true;
      else if (value == "false") value = false;
    }
  }
}

// The leaves a file gives: {"ietf-voucher:voucher": {...}}, or the inner map alone, in JSON
// or YAML.
Result<Voucher> leaves_from_file(const std::string& path, VoucherKind kind) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, kMaxFile));
  std::string_view text = as_chars(data);
  json doc;
  if (text.find_first_not_of(" \t\r\n") != std::string_view::npos && text[text.find_first_not_of(" \t\r\n")] == '{') {
    auto parsed = core::parse_json(text);
    if (!parsed) return parsed.error().context(core::input_name(path));
    doc = std::move(parsed).value();
  } else {
    try {
      doc = yaml_to_json(YAML::Load(std::string(text)));
    } catch (const YAML::Exception& e) {
      return input_error(core::input_name(path) + ": YAML: " + e.what());
    }
  }
  if (!doc.is_object()) return input_error(core::input_name(path) + ": expected a map of voucher leaves");
  const std::string own_root(artifact::json_root(kind));
  const std::string other_root(artifact::json_root(kind == VoucherKind::voucher ? VoucherKind::request : VoucherKind::voucher));
  if (doc.size() == 1 && doc.contains(other_root))
    return usage_error(core::input_name(path) + " holds a " +
                       std::string(artifact::kind_name(kind == VoucherKind::voucher ? VoucherKind::request : VoucherKind::voucher)) +
                       ", not a " + std::string(artifact::kind_name(kind)));
  json leaves = doc.size() == 1 && doc.contains(own_root) ? doc[own_root] : doc;
  apply_leaf_types(leaves);
  json wrapped;
  wrapped[own_root] = std::move(leaves);
  auto v = artifact::voucher_from_json_unchecked(wrapped.dump());
  if (!v) return v.error().context(core::input_name(path));
  return v;
}

Result<Bytes> certificate_der_from(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(auto cert, pki::read_certificate(path));
  return pki::certificate_der(cert.get());
}

// A public key from a certificate or a public-key file, as SubjectPublicKeyInfo DER.
Result<Bytes> spki_from(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, kMaxFile));
  if (auto cert = pki::parse_certificate(data)) return artifact::subject_public_key_info(cert->get());
  auto key = pki::parse_public_key(data);
  if (!key) return key.error().context(core::input_name(path));
  return artifact::subject_public_key_info(key->get());
}

Result<core::UnixTime> time_option(const std::string& name, const std::string& value, core::UnixTime base) {
  auto t = core::parse_time_or_duration(value, base);
  if (!t) return usage_error(name + ": " + t.error().message);
  return t;
}

Status set_nonce(Voucher& v, const std::string& text) {
  auto nonce = artifact::parse_nonce(text);
  if (!nonce) return usage_error("--nonce: " + nonce.error().message);
  v.set_bytes("nonce", std::move(nonce).value());
  return {};
}

// What the pledge's IDevID gives (RFC 8995 2.3.1, 5.5): the serial-number unless one is
// set, and idevid-issuer when with_issuer.
Status idevid_leaves(const CreateOptions& o, Voucher& v, bool with_issuer) {
  IOTONB_ASSIGN_OR_RETURN(auto idevid, pki::read_certificate(o.idevid));
  if (with_issuer) {
    IOTONB_ASSIGN_OR_RETURN(Bytes issuer, artifact::idevid_issuer(idevid.get()));
    v.set_bytes("idevid-issuer", std::move(issuer));
  }
  if (o.serial.empty() && !v.has("serial-number")) {
    auto serial = artifact::idevid_serial_number(idevid.get());
    if (!serial) return input_error(o.idevid + ": the IDevID's subject has no serialNumber; give --serial");
    v.set_text("serial-number", *serial);
  }
  return {};
}

// Leaves only a voucher has.
Status voucher_flags(const CreateOptions& o, Voucher& v, core::UnixTime created) {
  if (!o.pinned_domain_cert.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes der, certificate_der_from(o.pinned_domain_cert));
    v.set_bytes("pinned-domain-cert", std::move(der));
  }
  if (!o.pinned_domain_pubk.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes spki, spki_from(o.pinned_domain_pubk));
    v.set_bytes("pinned-domain-pubk", std::move(spki));
  }
  if (!o.pinned_domain_pubk_sha256.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes spki, spki_from(o.pinned_domain_pubk_sha256));
    v.set_bytes("pinned-domain-pubk-sha256", artifact::sha256(spki));
  }
  if (!o.idevid.empty()) IOTONB_RETURN_IF_ERROR(idevid_leaves(o, v, true));
  if (!o.revocation_checks.empty()) v.set_bool("domain-cert-revocation-checks", o.revocation_checks == "true");
  if (!o.last_renewal_date.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto t, time_option("--last-renewal-date", o.last_renewal_date, created));
    v.set_text("last-renewal-date", core::format_rfc3339(t));
  }
  if (!o.nonce.empty()) IOTONB_RETURN_IF_ERROR(set_nonce(v, o.nonce));
  return {};
}

// Leaves only a request has. A registrar's request (--prior-signed) takes nonce and serial
// from the pledge's and the idevid-issuer from its IDevID (RFC 8995 5.5); a pledge's gets a
// fresh nonce unless told otherwise.
Status request_flags(const CreateOptions& o, Voucher& v) {
  if (!o.proximity_registrar_cert.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes der, certificate_der_from(o.proximity_registrar_cert));
    v.set_bytes("proximity-registrar-cert", std::move(der));
    if (o.assertion.empty() && !v.has("assertion")) v.set_text("assertion", "proximity");
  }
  if (!o.prior_signed.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(o.prior_signed, artifact::kMaxVoucherInput));
    auto prior = artifact::open_voucher(data);
    if (!prior) return prior.error().context(core::input_name(o.prior_signed));
    if (prior->form == artifact::VoucherForm::json || prior->form == artifact::VoucherForm::cbor)
      return usage_error(core::input_name(o.prior_signed) + ": the prior request must be signed");
    if (!prior->voucher || prior->voucher->kind() != VoucherKind::request)
      return usage_error(core::input_name(o.prior_signed) + ": not a voucher request");
    v.set_bytes("prior-signed-voucher-request", prior->envelope);
    for (const char* leaf : {"nonce", "serial-number"})
      if (const artifact::LeafValue* value = prior->voucher->get(leaf); value && !v.has(leaf)) v.set(leaf, *value);
  }
  if (!o.idevid.empty()) IOTONB_RETURN_IF_ERROR(idevid_leaves(o, v, !o.prior_signed.empty()));
  if (!o.nonce.empty()) {
    IOTONB_RETURN_IF_ERROR(set_nonce(v, o.nonce));
  } else if (!o.no_nonce && !v.has("nonce")) {
    IOTONB_ASSIGN_OR_RETURN(Bytes nonce, artifact::random_nonce());
    v.set_bytes("nonce", std::move(nonce));
  }
  return {};
}

}  // namespace

Status run_create(const CreateOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  Voucher v(o.kind);
  if (!o.file.empty()) {
    IOTONB_ASSIGN_OR_RETURN(v, leaves_from_file(o.file, o.kind));
  }

  core::UnixTime created = core::now();
  if (!o.created_on.empty()) {
    IOTONB_ASSIGN_OR_RETURN(created, time_option("--created-on", o.created_on, created));
    v.set_text("created-on", core::format_rfc3339(created));
  } else if (!v.has("created-on")) {
    v.set_text("created-on", core::format_rfc3339(created));
  } else if (auto t = v.time("created-on")) {
    created = *t;
  }
  if (!o.serial.empty()) v.set_text("serial-number", o.serial);
  if (!o.assertion.empty()) v.set_text("assertion", o.assertion);
  if (!o.expires.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto t, time_option("--expires", o.expires, created));
    v.set_text("expires-on", core::format_rfc3339(t));
  }
  if (!o.est_domain.empty()) v.set_text("est-domain", o.est_domain);
  if (!o.additional_configuration_url.empty()) v.set_text("additional-configuration-url", o.additional_configuration_url);
  IOTONB_RETURN_IF_ERROR(o.kind == VoucherKind::voucher ? voucher_flags(o, v, created) : request_flags(o, v));

  if (Status s = artifact::validate(v); !s) {
    // A leaf the flags should have given is the caller's mistake; a bad file is bad input.
    if (o.file.empty()) return usage_error(s.error().message);
    return s.error().context(core::input_name(o.file));
  }
  if (o.format == "cbor") {
    Bytes cbor = artifact::voucher_to_cbor(v);
    IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(cbor), o.force));
  } else {
    IOTONB_RETURN_IF_ERROR(write_result(o.out, artifact::voucher_to_json(v) + "\n", o.force));
  }
  if (!o.out.empty() && o.out != "-") ctx.info("wrote " + std::string(artifact::kind_name(o.kind)) + " to " + o.out);
  return {};
}

}  // namespace iotonb::cli::groups::voucher
