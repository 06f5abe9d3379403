// The core of FDO's TO2 ownership proof (FDO 1.1 5.5.3 TO2.ProveOVHdr), without the network
// protocol: the device sends a fresh nonce; whoever claims the device signs it, with the
// voucher's header, as a COSE_Sign1; the device accepts the claim only when its own credential
// verifies the voucher (header HMAC, manufacturer key hash, every entry) and the signature is
// by the voucher's last key.
//
//   Proof = COSE_Sign1 (tag 18), protected {1: alg},
//           unprotected {256 CUPHNonce: nonce, 257 CUPHOwnerPubKey: PublicKey},
//           payload [OVHeader bstr, NumOVEntries, OVHeaderHMac, NonceTO2ProveOV]
//
// That is TO2.ProveOVHdr's payload with the key-exchange, signature-info, hello hash and size
// fields left out: they belong to the session, not to the proof of ownership.
#pragma once

#include "artifact/fdo/credential.h"
#include "artifact/fdo/voucher.h"
#include "core/time.h"
#include "pki/signer.h"

namespace iotonb::artifact::fdo {

inline constexpr std::size_t kNonceSize = 16;  // FDO 1.1 3.3.6: Nonce = bstr .size 16

Result<Bytes> prove(const OwnershipVoucher& v, const pki::Signer& owner, ByteView nonce);

// ok only when the proof holds; a verification error names the first thing that does not
// ("the voucher does not verify with this device's credential: entry[1].signature: ...",
// "the proof is not signed by the voucher's current owner"). at: the device certificates'
// validity time.
Status check_proof(const OwnershipVoucher& v, const DeviceCredential& dc, ByteView proof, ByteView nonce, core::UnixTime at);

}  // namespace iotonb::artifact::fdo
