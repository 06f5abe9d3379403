// masa.yaml (see masa_config.h) read with the shared configuration reader (service_config.h).
#include "service/masa_config.h"

#include <yaml-cpp/yaml.h>

namespace iotonb::service {
namespace {

Status read_voucher(const ConfigReader& r, const YAML::Node& node, MasaConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(node, "voucher", {"forms", "nonceless-validity", "audit-log-limit"}));
  if (const YAML::Node forms = node["forms"]) {
    if (!forms.IsSequence() || forms.size() == 0) return r.at(forms, "voucher.forms", "must be a list of cms, cose, jws");
    c.forms.clear();
    for (const auto& f : forms) {
      IOTONB_ASSIGN_OR_RETURN(std::string name, r.text(f, "voucher.forms"));
      if (name == "cms") c.forms.push_back(artifact::VoucherForm::cms);
      else if (name == "cose") c.forms.push_back(artifact::VoucherForm::cose);
      else if (name == "jws") c.forms.push_back(artifact::VoucherForm::jws);
      else return r.at(f, "voucher.forms", "\"" + name + "\" is not one of cms, cose, jws");
    }
  }
  if (const YAML::Node v = node["nonceless-validity"]) {
    IOTONB_ASSIGN_OR_RETURN(c.nonceless_validity, r.duration(v, "voucher.nonceless-validity", "14d, 12h or 1y"));
  }
  if (const YAML::Node v = node["audit-log-limit"]) {
    IOTONB_ASSIGN_OR_RETURN(auto n, r.number(v, "voucher.audit-log-limit", 1, 1000000));
    c.audit_log_limit = static_cast<std::size_t>(n);
  }
  return {};
}

// An empty list (a chain or manufacturer-trust of []) is accepted here; the service refuses
// a manufacturer-trust without certificates when it starts.
Status read_masa(const ConfigReader& r, const YAML::Node& root, MasaConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(root, "", {"listen", "tls", "voucher-signer", "manufacturer-trust", "store", "voucher", "limits"}));
  if (const YAML::Node v = root["listen"]) IOTONB_RETURN_IF_ERROR(r.listen(v, c.server));
  if (!root["tls"]) return input_error(r.path() + ": tls is missing (the MASA's HTTPS server certificate and key)");
  IOTONB_ASSIGN_OR_RETURN(c.tls, r.identity(root["tls"], "tls", EmptyList::allowed));
  if (!root["voucher-signer"])
    return input_error(r.path() + ": voucher-signer is missing (the certificate and key vouchers are signed with)");
  IOTONB_ASSIGN_OR_RETURN(c.voucher_signer, r.identity(root["voucher-signer"], "voucher-signer", EmptyList::allowed));
  if (!root["manufacturer-trust"]) return input_error(r.path() + ": manufacturer-trust is missing (the CA IDevIDs chain to)");
  IOTONB_ASSIGN_OR_RETURN(c.manufacturer_trust,
                          r.files(root["manufacturer-trust"], "manufacturer-trust", EmptyList::allowed));
  if (root["store"]) {
    IOTONB_ASSIGN_OR_RETURN(c.store, r.text(root["store"], "store"));
  }
  c.store = r.resolve(c.store);
  if (const YAML::Node v = root["voucher"]) IOTONB_RETURN_IF_ERROR(read_voucher(r, v, c));
  if (const YAML::Node v = root["limits"]) IOTONB_RETURN_IF_ERROR(r.limits(v, c.server));
  return {};
}

}  // namespace

Result<MasaConfig> load_masa_config(const std::string& path) {
  MasaConfig c;
  IOTONB_RETURN_IF_ERROR(
      read_config_file(path, [&c](const ConfigReader& r, const YAML::Node& root) { return read_masa(r, root, c); }));
  return c;
}

}  // namespace iotonb::service
