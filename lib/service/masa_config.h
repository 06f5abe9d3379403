// The MASA's configuration file (masa.yaml, see examples/onboarding/masa.yaml) and the keys
// and certificates it names, opened. RFC 8995 leaves MASA operation to the manufacturer
// (7.4); what it needs is here: where to listen (HTTPS, TLS 1.2+, 5.4), the TLS server
// identity, the voucher-signing identity (RFC 8366 5.4), the manufacturer CA that IDevIDs
// chain to, the store of ownership records and audit log (5.8), and voucher rules.
//
//   listen:          {address: 127.0.0.1, port: 9443}        port 0 = any free port
//   tls:             {cert: F, key: KEYREF, chain: [F...], password-file: F}
//   voucher-signer:  {cert: F, key: KEYREF, chain: [F...], password-file: F}
//   manufacturer-trust: F | [F...]                           PEM bundles of CA certificates
//   store:           masa.sqlite                             SQLite file (created when missing)
//   voucher:         {forms: [cms, cose, jws], nonceless-validity: 14d, audit-log-limit: 1000}
//   limits:          {max-body: 262144, read-timeout-ms: 5000, threads: 64}
//
// Relative paths are relative to the configuration file's folder. Unknown keys are refused
// with their line, so a typo never silently leaves a default in place (service_config.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "artifact/signed_voucher.h"
#include "core/result.h"
#include "service/service_config.h"

namespace iotonb::service {

struct MasaConfig {
  ServerConfig server{9443};  // listen, limits
  Identity tls;
  Identity voucher_signer;
  std::vector<std::string> manufacturer_trust;
  std::string store = "masa.sqlite";
  std::vector<artifact::VoucherForm> forms = {artifact::VoucherForm::cms, artifact::VoucherForm::cose,
                                              artifact::VoucherForm::jws};
  std::int64_t nonceless_validity = 14 * 24 * 3600;  // seconds
  std::size_t audit_log_limit = 1000;
};

// Reads and checks masa.yaml. Input errors name the file, line and key.
Result<MasaConfig> load_masa_config(const std::string& path);

}  // namespace iotonb::service
