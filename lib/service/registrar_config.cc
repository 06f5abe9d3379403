// registrar.yaml (see registrar_config.h) read with the shared configuration reader
// (service_config.h).
#include "service/registrar_config.h"

#include <yaml-cpp/yaml.h>

namespace iotonb::service {
namespace {

Status read_masa(const ConfigReader& r, const YAML::Node& node, RegistrarConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(node, "masa", {"url", "trust"}));
  if (node["url"]) {
    IOTONB_ASSIGN_OR_RETURN(c.masa_url, r.text(node["url"], "masa.url"));
    if (!c.masa_url.empty() && c.masa_url.rfind("https://", 0) != 0) return r.at(node["url"], "masa.url", "must start with https://");
  }
  if (node["trust"]) {
    IOTONB_ASSIGN_OR_RETURN(c.masa_trust, r.files(node["trust"], "masa.trust", EmptyList::refused));
  }
  return {};
}

Status read_network(const ConfigReader& r, const YAML::Node& node, RegistrarConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(node, "network", {"network-id", "authentication", "segment", "quarantine-segment"}));
  if (node["network-id"]) {
    IOTONB_ASSIGN_OR_RETURN(c.network.network_id, r.text(node["network-id"], "network.network-id"));
  }
  if (node["authentication"]) {
    IOTONB_ASSIGN_OR_RETURN(c.network.authentication, r.text(node["authentication"], "network.authentication"));
  }
  if (node["segment"]) {
    IOTONB_ASSIGN_OR_RETURN(c.network.segment, r.text(node["segment"], "network.segment"));
  }
  if (node["quarantine-segment"]) {
    IOTONB_ASSIGN_OR_RETURN(c.network.quarantine_segment, r.text(node["quarantine-segment"], "network.quarantine-segment"));
  }
  return {};
}

Status read_attestation(const ConfigReader& r, const YAML::Node& node, RegistrarConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(node, "attestation", {"policy", "required", "lifetime"}));
  if (!node["policy"]) return r.at(node, "attestation", "policy is missing (the reference values evidence is appraised against)");
  IOTONB_ASSIGN_OR_RETURN(c.attestation.policy, r.text(node["policy"], "attestation.policy"));
  c.attestation.policy = r.resolve(c.attestation.policy);
  if (node["required"]) {
    IOTONB_ASSIGN_OR_RETURN(c.attestation.required, r.flag(node["required"], "attestation.required"));
  }
  if (node["lifetime"]) {
    IOTONB_ASSIGN_OR_RETURN(c.attestation.lifetime, r.duration(node["lifetime"], "attestation.lifetime", "5m or 300s"));
  }
  if (c.network.quarantine_segment.empty())
    return r.at(node, "attestation", "needs network.quarantine-segment: where a device appraised as warning goes");
  return {};
}

Status read_mud(const ConfigReader& r, const YAML::Node& node, RegistrarConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(node, "mud", {"trust", "tls-trust", "local-policy", "policy-dir", "target", "cache"}));
  if (!node["trust"]) return r.at(node, "mud", "trust is missing (the CAs MUD file signers chain to)");
  IOTONB_ASSIGN_OR_RETURN(c.mud.trust, r.files(node["trust"], "mud.trust", EmptyList::refused));
  if (node["tls-trust"]) {
    IOTONB_ASSIGN_OR_RETURN(c.mud.tls_trust, r.files(node["tls-trust"], "mud.tls-trust", EmptyList::refused));
  }
  if (!node["local-policy"])
    return r.at(node, "mud", "local-policy is missing (where controllers, local networks and segments are)");
  IOTONB_ASSIGN_OR_RETURN(c.mud.local_policy, r.text(node["local-policy"], "mud.local-policy"));
  c.mud.local_policy = r.resolve(c.mud.local_policy);
  if (!node["policy-dir"]) return r.at(node, "mud", "policy-dir is missing (where the compiled rules are written)");
  IOTONB_ASSIGN_OR_RETURN(c.mud.policy_dir, r.text(node["policy-dir"], "mud.policy-dir"));
  c.mud.policy_dir = r.resolve(c.mud.policy_dir);
  if (node["target"]) {
    IOTONB_ASSIGN_OR_RETURN(c.mud.target, r.text(node["target"], "mud.target"));
    if (c.mud.target != "nftables" && c.mud.target != "iptables")
      return r.at(node["target"], "mud.target", "is \"" + c.mud.target + "\"; nftables or iptables");
  }
  if (node["cache"]) {
    IOTONB_ASSIGN_OR_RETURN(c.mud.cache, r.text(node["cache"], "mud.cache"));
    c.mud.cache = r.resolve(c.mud.cache);
  }
  if (c.network.quarantine_segment.empty())
    return r.at(node, "mud", "needs network.quarantine-segment: where a device whose MUD file fails goes");
  return {};
}

Status read_ldevid(const ConfigReader& r, const YAML::Node& node, RegistrarConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(node, "ldevid", {"validity"}));
  if (const YAML::Node v = node["validity"]) {
    IOTONB_ASSIGN_OR_RETURN(c.ldevid_validity, r.duration(v, "ldevid.validity", "365d, 90d or 1y"));
  }
  return {};
}

// Lists of files must not be empty here.
Status read_registrar(const ConfigReader& r, const YAML::Node& root, RegistrarConfig& c) {
  IOTONB_RETURN_IF_ERROR(r.only(root, "", {"listen", "tls", "domain-ca", "manufacturer-trust", "masa", "store", "network",
                                           "ldevid", "limits", "attestation", "mud"}));
  if (const YAML::Node v = root["listen"]) IOTONB_RETURN_IF_ERROR(r.listen(v, c.server));
  if (!root["tls"]) return input_error(r.path() + ": tls is missing (the registrar's certificate with cmcRA, and its key)");
  IOTONB_ASSIGN_OR_RETURN(c.tls, r.identity(root["tls"], "tls", EmptyList::refused));
  if (!root["domain-ca"]) return input_error(r.path() + ": domain-ca is missing (the CA that issues LDevIDs)");
  IOTONB_ASSIGN_OR_RETURN(c.domain_ca, r.identity(root["domain-ca"], "domain-ca", EmptyList::refused));
  if (!root["manufacturer-trust"]) return input_error(r.path() + ": manufacturer-trust is missing (the CAs IDevIDs chain to)");
  IOTONB_ASSIGN_OR_RETURN(c.manufacturer_trust,
                          r.files(root["manufacturer-trust"], "manufacturer-trust", EmptyList::refused));
  if (const YAML::Node v = root["masa"]) IOTONB_RETURN_IF_ERROR(read_masa(r, v, c));
  if (root["store"]) {
    IOTONB_ASSIGN_OR_RETURN(c.store, r.text(root["store"], "store"));
  }
  c.store = r.resolve(c.store);
  if (const YAML::Node v = root["network"]) IOTONB_RETURN_IF_ERROR(read_network(r, v, c));
  if (const YAML::Node v = root["ldevid"]) IOTONB_RETURN_IF_ERROR(read_ldevid(r, v, c));
  if (const YAML::Node v = root["attestation"]) IOTONB_RETURN_IF_ERROR(read_attestation(r, v, c));
  if (const YAML::Node v = root["mud"]) IOTONB_RETURN_IF_ERROR(read_mud(r, v, c));
  if (const YAML::Node v = root["limits"]) IOTONB_RETURN_IF_ERROR(r.limits(v, c.server));
  return {};
}

}  // namespace

Result<RegistrarConfig> load_registrar_config(const std::string& path) {
  RegistrarConfig c;
  IOTONB_RETURN_IF_ERROR(
      read_config_file(path, [&c](const ConfigReader& r, const YAML::Node& root) { return read_registrar(r, root, c); }));
  return c;
}

}  // namespace iotonb::service
