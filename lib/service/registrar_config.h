// The registrar's configuration file (registrar.yaml, see examples/onboarding/registrar.yaml)
// and what it names, opened. The registrar (RFC 8995 5.3-5.9, RFC 7030) needs: where to
// listen, its TLS identity (a certificate with id-kp-cmcRA + serverAuth + clientAuth, RFC
// 8995 2.5.3, which also signs registrar voucher requests), the domain CA that issues LDevIDs,
// the manufacturer anchors IDevIDs chain to, how to reach the MASA, its store, the network
// profile handed to enrolled devices, and the LDevID validity.
//
//   listen:             {address: 127.0.0.1, port: 8443}      port 0 = any free port
//   tls:                {cert: F, key: KEYREF, chain: [F...], password-file: F}
//   domain-ca:          {cert: F, key: KEYREF, chain: [F...], password-file: F}
//   manufacturer-trust: F | [F...]
//   masa:               {url: URL, trust: F | [F...]}         url: override of the IDevID's MASA URL
//   store:              registrar.sqlite
//   network:            {network-id: S, authentication: S, segment: S, quarantine-segment: S}
//   attestation:        {policy: F, required: true|false, lifetime: 5m}
//   mud:                {trust: F | [F...], tls-trust: F | [F...], local-policy: F, policy-dir: D,
//                        target: nftables|iptables, cache: D}
//   ldevid:             {validity: 365d}
//   limits:             {max-body: 262144, read-timeout-ms: 5000, threads: 64}
//
// attestation (protocol/brski/attestation.h): the registrar hands pledges nonces and appraises
// their evidence against the reference policy F (artifact/eat/policy.h) before it asks the
// MASA; required: a device without recent evidence is refused (default false: evidence is
// appraised when sent); lifetime: how long a nonce, and the appraisal made with it, stay good
// (default 5m). A device appraised as warning is onboarded into network.quarantine-segment,
// which attestation therefore needs.
//
// mud (service/mud_policy.h): when a device whose IDevID names a MUD URL enrolls, the
// registrar fetches its MUD file and signature (TLS server checked against tls-trust, default
// the system's CAs), verifies the signature against trust, compiles the file with the local
// policy for the device's address into policy-dir (one ruleset per device and site.nft or
// site.rules for all), and records the verdict. A file that fails is recorded with why, and
// the device goes to network.quarantine-segment, which MUD therefore needs.
//
// Relative paths are relative to the configuration file's folder; unknown keys are refused
// with their line (service_config.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "service/service_config.h"

namespace iotonb::service {

struct NetworkProfile {
  std::string network_id;
  std::string authentication = "eap-tls";
  std::string segment;
  std::string quarantine_segment;  // for devices whose evidence was appraised as warning
};

struct AttestationConfig {
  std::string policy;  // reference policy file; "" = attestation off
  bool required = false;
  std::int64_t lifetime = 300;  // seconds
};

struct MudConfig {
  std::vector<std::string> trust;      // "" list = MUD off
  std::vector<std::string> tls_trust;  // empty = the system's CA store
  std::string local_policy;
  std::string policy_dir;
  std::string target = "nftables";
  std::string cache;  // "" = no cache
};

struct RegistrarConfig {
  ServerConfig server{8443};  // listen, limits
  Identity tls;
  Identity domain_ca;
  std::vector<std::string> manufacturer_trust;
  std::string masa_url;                 // "" = the IDevID's MASA URL extension
  std::vector<std::string> masa_trust;  // CA files the MASA's TLS server chains to
  std::string store = "registrar.sqlite";
  NetworkProfile network;
  AttestationConfig attestation;
  MudConfig mud;
  std::int64_t ldevid_validity = 365 * 24 * 3600;  // seconds
};

// Reads and checks registrar.yaml. Input errors name the file, line and key.
Result<RegistrarConfig> load_registrar_config(const std::string& path);

}  // namespace iotonb::service
