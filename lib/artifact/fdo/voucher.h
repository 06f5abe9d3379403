// The FDO 1.1 ownership voucher (FDO 1.1 3.4.6; ../shared/design/STANDARDS.md):
//
//   OwnershipVoucher = [101, bstr .cbor OVHeader, OVHeaderHMac, OVDevCertChain / null, [* OVEntry]]
//   OVHeader = [101, OVGuid, OVRVInfo, OVDeviceInfo, OVPubKey, OVDevCertChainHash / null]
//   OVEntry  = COSE_Sign1 (tag 18) over [OVEHashPrevEntry, OVEHashHdrInfo, OVEExtra, OVEPubKey]
//
// Decoding keeps the octets that later hashes cover as they were on the wire: the OVHeader
// inside its bstr, the OVHeaderHMac item, and each entry (the next entry hashes it whole, tag
// included). A re-encoding could differ from what the signer hashed, so encode_voucher()
// writes those octets back unchanged.
//
// Files are PEM ("OWNERSHIP VOUCHER" blocks, several per file, other blocks such as a trailing
// private key ignored) or one raw CBOR voucher. FDO 1.0 (protocol version 100: a four-item
// voucher) is refused with "unsupported protocol version 100".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "artifact/fdo/types.h"
#include "core/bytes.h"
#include "core/cbor.h"
#include "core/result.h"
#include "envelope/cose.h"

namespace iotonb::artifact::fdo {

inline constexpr std::string_view kVoucherPemLabel = "OWNERSHIP VOUCHER";
// Bounds for hostile input: a voucher is a few KiB; 1 MiB allows a long chain of resales.
inline constexpr std::size_t kMaxVoucherSize = 1 << 20;
inline constexpr std::size_t kMaxEntries = 4096;

struct Header {
  Bytes guid;                          // 16 octets
  core::cbor::Value rv_info;           // RendezvousInfo, see rendezvous.h
  std::string device_info;
  PublicKey manufacturer_key;          // OVPubKey
  std::optional<Hash> cert_chain_hash; // OVDevCertChainHash
};

struct Entry {
  Bytes encoded;                       // the COSE_Sign1 as on the wire
  envelope::cose::Sign1 message;
  Hash previous;                       // OVEHashPrevEntry
  Hash header_info;                    // OVEHashHdrInfo
  std::optional<Bytes> extra;          // OVEExtra: the encoded {int => bstr} map, when present
  PublicKey owner_key;                 // OVEPubKey
};

struct OwnershipVoucher {
  Bytes header_bytes;                  // OVHeader as inside its bstr
  Header header;
  Bytes hmac_encoded;                  // OVHeaderHMac as on the wire
  Hash hmac;
  std::optional<std::vector<Bytes>> cert_chain;  // OVDevCertChain: DER, leaf first
  std::vector<Entry> entries;

  // The current owner's key: the last entry's, or the manufacturer's when there is none.
  const PublicKey& owner_key() const { return entries.empty() ? header.manufacturer_key : entries.back().owner_key; }
};

Result<Header> decode_header(ByteView encoded);
Bytes encode_header(const Header& h);
// One entry, as on the wire; field names it in errors ("OVEntries[2]").
Result<Entry> decode_entry(ByteView encoded, const std::string& field);

Result<OwnershipVoucher> decode_voucher(ByteView cbor);
Bytes encode_voucher(const OwnershipVoucher& v);

// Every voucher in a file (PEM or raw CBOR); errors name the block ("voucher 2: ...").
Result<std::vector<OwnershipVoucher>> read_vouchers(ByteView file);
std::string voucher_pem(const OwnershipVoucher& v);
// Whether data looks like an ownership voucher file (for `iotonb inspect`), without decoding.
bool looks_like_voucher(ByteView data);

}  // namespace iotonb::artifact::fdo
