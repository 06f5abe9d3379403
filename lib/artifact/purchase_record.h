// The purchase record: the supply chain's statement "these devices (serial number and IDevID
// fingerprint) now belong to this owner, whose domain CA is this certificate", signed by the
// manufacturer. It feeds the MASA's ownership records (`masa claim`) and the owner
// registrar's allow-list (`registrar allow`); both check the manufacturer's signature first.
// No RFC defines it (RFC 8995 7.4.2 leaves sales integration to the MASA operator), so it is
// iotonb's own: JSON inside CMS SignedData (id-data), signed through the Signer.
#pragma once

#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/signer.h"

namespace iotonb::artifact {

struct PurchasedDevice {
  std::string serial;         // the IDevID's subject serialNumber
  std::string idevid_sha256;  // lower-case hex SHA-256 over the IDevID certificate DER
};

struct PurchaseRecord {
  std::string id;            // unique per record (random when created)
  std::string manufacturer;  // free text, e.g. the manufacturer CA's subject
  std::string owner;         // free text naming the buyer
  Bytes domain_ca_der;       // the owner's domain CA certificate (the one vouchers pin)
  std::vector<PurchasedDevice> devices;
  core::UnixTime created_on = 0;
};

// Validates (non-empty owner, domain CA parses, at least one device, serials unique, hex
// fingerprints) and signs: DER CMS SignedData carrying the certificate and chain.
Result<Bytes> sign_purchase_record(const PurchaseRecord& record, const pki::Signer& signer,
                                   const X509* certificate, const std::vector<const X509*>& chain);

// Reads DER or PEM, verifies the signature and the signer's chain to one of `trust` at `at`,
// then parses and validates the record. Verification-kind error when the signature or chain
// fails, input-kind when the file is not a purchase record.
Result<PurchaseRecord> verify_purchase_record(ByteView file, const std::vector<const X509*>& trust,
                                              core::UnixTime at);

}  // namespace iotonb::artifact
