// Verifying an FDO ownership voucher as an owner does before accepting it, and as a device
// does at onboarding (FDO 1.1 3.4.6, 5.5.x TO2.ProveOVHdr / OVNextEntry): every check is run
// and reported, so `ownership verify --format json` can list them and the exit status can name
// the first broken link. The checks, in order:
//   header-hmac         OVHeaderHMac = HMAC(device secret, OVHeader) (skipped without a secret)
//   credential          the device credential's GUID, DeviceInfo and RVInfo are the header's, and
//                       its DCPubKeyHash is the hash of CBOR(OVPubKey) (skipped without one)
//   device-chain-hash   OVDevCertChainHash = Hash(DER1 || DER2 || ...); a hash over the CBOR
//                       array (FDO 1.0, older fdo-rs) fails here, named as such
//   device-chain        each certificate is signed by the next and valid at the given time
//   entry[i].signature  entry 0 by OVPubKey, entry i by entry i-1's OVEPubKey
//   entry[i].previous-hash     entry 0: Hash(OVHeader || CBOR(OVHeaderHMac)); entry i: Hash(entry i-1)
//   entry[i].header-info-hash  Hash(GUID || DeviceInfo)
//   entry[i].key-type   OVEPubKey has OVPubKey's pkType (and, for RSA, size)
//   manufacturer, owner OVPubKey / the last key are the expected ones (skipped when not given)
#pragma once

#include <vector>

#include "artifact/check.h"
#include "artifact/fdo/credential.h"
#include "artifact/fdo/voucher.h"
#include "core/ossl.h"
#include "core/time.h"

namespace iotonb::artifact::fdo {

struct VerifyOptions {
  const DeviceCredential* credential = nullptr;  // also gives the HMAC secret
  const SecretBytes* hmac_secret = nullptr;      // when there is no credential
  const EVP_PKEY* manufacturer = nullptr;
  const EVP_PKEY* owner = nullptr;
  core::UnixTime at = 0;                         // for the device certificates' validity
};

struct Verification {
  std::vector<Check> checks;
  bool ok() const { return first_failure() == nullptr; }
  const Check* first_failure() const { return artifact::first_failure(checks); }
};

Verification verify(const OwnershipVoucher& v, const VerifyOptions& opts);
// Only the entry checks (signatures, hash links, key types), as extending a voucher needs.
std::vector<Check> verify_entries(const OwnershipVoucher& v);

}  // namespace iotonb::artifact::fdo
