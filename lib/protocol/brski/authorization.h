// The registrar's authorization of the peer behind a TLS connection, from the certificates
// the client presented (the TLS layer accepts any and leaves judgment here, RFC 8995 5.3):
//   - a pledge presents its IDevID, which must chain to a configured manufacturer anchor
//     (RFC 8995 5.5, 7.2) and carry a subject serialNumber (2.3.1);
//   - an enrolled device presents its LDevID, which must chain to the domain CA, be one this
//     registrar issued and has not revoked or replaced (RFC 7030 3.3.2, 4.2.2);
// and the device record's status (revoked or quarantined devices are refused).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/ossl.h"
#include "core/time.h"
#include "protocol/answer.h"
#include "store/registrar_store.h"

namespace iotonb::protocol::brski {

struct AuthorizedPeer {
  core::X509Ptr certificate;       // the leaf the client presented
  std::string serial;              // the device serial (IDevID subject serialNumber)
  std::string sha256;              // lower-case hex over the leaf's DER
  std::optional<store::DeviceRecord> device;
  std::optional<store::LdevidRecord> ldevid;  // for an LDevID
};

// `peer` is what the client sent: its leaf first, then the chain; empty when it sent none.
// IDevID check: 401 when no certificate, 403 when it does not chain to one of
// manufacturer_trust at `at` or has no serialNumber. When need_device is true the device
// must exist in the store with a matching IDevID fingerprint and not be revoked/quarantined.
// Returns the refusal, or nullopt with out filled.
std::optional<Answer> authorize_idevid(const std::vector<const X509*>& peer, const std::vector<const X509*>& manufacturer_trust,
                                       store::RegistrarStore& store, core::UnixTime at, bool need_device, AuthorizedPeer& out);

// LDevID check: 401 when no certificate, 403 when it does not chain to domain_trust at `at`,
// is unknown to the store, replaced or revoked, or its device is revoked/quarantined.
std::optional<Answer> authorize_ldevid(const std::vector<const X509*>& peer, const std::vector<const X509*>& domain_trust,
                                       store::RegistrarStore& store, core::UnixTime at, AuthorizedPeer& out);

// Lower-case hex SHA-256 over a certificate's DER, as the store keys fingerprints.
std::string certificate_sha256_hex(const X509* cert);

}  // namespace iotonb::protocol::brski
