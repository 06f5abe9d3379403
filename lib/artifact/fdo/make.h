// Making and extending ownership vouchers (FDO 1.1 3.4.6, 5.3 DI, 5.5.x extension at each sale).
//
// Manufacture (offline, at the factory): the header names the device (GUID, DeviceInfo), where
// it looks for its owner (RVInfo) and the manufacturer's key (OVPubKey); a fresh HMAC secret,
// which only the device keeps, seals the header, and the device certificate chain is carried
// with its hash. Hashes and the HMAC follow the manufacturer key: SHA-256 for P-256, SHA-384
// for P-384.
//
// Extension (each sale): the current owner signs an entry naming the next owner's key, hashed
// to the entry before it and to the header. Only the current owner's key can do it, the next
// key must be of the voucher's key type and size, and the existing entries must verify.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/voucher.h"
#include "core/ossl.h"
#include "pki/signer.h"

namespace iotonb::artifact::fdo {

struct ManufactureOptions {
  Bytes guid;                                  // 16 octets; empty: random
  std::string device_info;
  core::cbor::Value rv_info;                   // rendezvous_from_urls()
  const EVP_PKEY* manufacturer_key = nullptr;  // only its public half is used
  std::int64_t key_encoding = pk_encoding::x509;
  std::vector<core::X509Ptr> manufacturer_chain;  // for X5CHAIN: the key's certificate first
  std::vector<Bytes> device_chain;             // DER, leaf first; empty: none
};

struct Manufactured {
  OwnershipVoucher voucher;
  DeviceCredential credential;
};

Result<Manufactured> manufacture(const ManufactureOptions& opts);

// extra: the encoded OVEExtra map ({int => bstr}), when there is one.
Result<OwnershipVoucher> extend(const OwnershipVoucher& v, const pki::Signer& owner, const PublicKey& next,
                                const std::optional<Bytes>& extra = std::nullopt);

}  // namespace iotonb::artifact::fdo
