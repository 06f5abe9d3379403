// Certificate path validation (RFC 5280 6) against explicit trust anchors at an explicit
// time, so 2021 fixtures verify in tests and expired certificates fail in production. A trust
// anchor may be an intermediate or the end-entity certificate itself (partial-chain trust,
// which pinned-domain-cert validation in RFC 8995 needs).
#pragma once

#include <vector>

#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::pki {

struct ChainCheck {
  std::vector<const X509*> trust;      // anchors
  std::vector<const X509*> untrusted;  // intermediates to build the path with
  core::UnixTime at = 0;               // verification time
};

// Validates cert; on success returns the path from cert to the anchor. A failure is a
// verification error naming the reason and the certificate at fault. Paths that validated are
// remembered (by the SHA-256 of every certificate involved) for the times inside all their
// validity periods, so repeated questions about the same signer cost no signature checks.
Result<std::vector<core::X509Ptr>> verify_chain(const X509* cert, const ChainCheck& check);

// Whether cert's extendedKeyUsage lists oid (dotted). Path validation checks no purpose, so
// each protocol asks for the usage it needs (RFC 8995 5.5: a registrar's id-kp-cmcRA).
bool has_extended_key_usage(const X509* cert, const char* oid);

}  // namespace iotonb::pki
