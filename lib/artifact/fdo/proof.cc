#include "artifact/fdo/proof.h"

#include "artifact/fdo/verify.h"
#include "envelope/cose.h"
#include "pki/key.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Type;
using core::cbor::Value;

constexpr std::int64_t kCuphNonce = 256, kCuphOwnerPubKey = 257;

Status check_nonce(ByteView nonce) {
  if (nonce.size() != kNonceSize)
    return usage_error("the nonce must be " + std::to_string(kNonceSize) + " octets, not " + std::to_string(nonce.size()));
  return ok_status();
}

}  // namespace

Result<Bytes> prove(const OwnershipVoucher& v, const pki::Signer& owner, ByteView nonce) {
  IOTONB_RETURN_IF_ERROR(check_nonce(nonce));
  IOTONB_ASSIGN_OR_RETURN(auto current, to_evp(v.owner_key()));
  if (!pki::same_public_key(current.get(), owner.key()))
    return verify_error(owner.reference() + " is not the voucher's current owner key; it cannot prove ownership");
  IOTONB_ASSIGN_OR_RETURN(Value hmac_value, core::cbor::decode(v.hmac_encoded));
  Bytes payload = core::cbor::encode(Value::array({Value::bytes(v.header_bytes), Value::uint(v.entries.size()),
                                                   std::move(hmac_value), Value::bytes(nonce)}));
  envelope::cose::SignOptions sign;
  IOTONB_ASSIGN_OR_RETURN(Bytes signed_message, envelope::cose::sign1(payload, owner, sign));
  // The unprotected bucket is outside the signature, so the two header parameters are added to
  // the signed message as they are in TO2.ProveOVHdr.
  IOTONB_ASSIGN_OR_RETURN(auto msg, envelope::cose::parse_sign1(signed_message));
  msg.unprotected = Value::map({{Value::integer(kCuphNonce), Value::bytes(nonce)},
                                {Value::integer(kCuphOwnerPubKey), to_cbor(v.owner_key())}});
  return envelope::cose::encode_sign1(msg);
}

Status check_proof(const OwnershipVoucher& v, const DeviceCredential& dc, ByteView proof, ByteView nonce, core::UnixTime at) {
  IOTONB_RETURN_IF_ERROR(check_nonce(nonce));
  VerifyOptions opts;
  opts.credential = &dc;
  opts.at = at;
  if (const Check* broken = verify(v, opts).first_failure())
    return verify_error("the voucher does not verify with this device's credential: " + broken->name + ": " + broken->detail);

  auto msg = envelope::cose::parse_sign1(proof);
  if (!msg) return msg.error().context("proof");
  if (!msg->payload) return input_error("proof: the payload is detached");
  auto payload = core::cbor::decode(*msg->payload);
  if (!payload) return payload.error().context("proof payload");
  const auto* p = payload->type() == Type::array ? &payload->as_array() : nullptr;
  if (!p || p->size() != 4 || (*p)[0].type() != Type::bytes || !(*p)[1].is_integer() || (*p)[3].type() != Type::bytes)
    return input_error("proof: the payload must be [OVHeader, NumOVEntries, OVHeaderHMac, Nonce]");

  IOTONB_ASSIGN_OR_RETURN(auto owner, to_evp(v.owner_key()));
  if (Status s = envelope::cose::verify_sign1(*msg, owner.get()); !s)
    return verify_error("the proof is not signed by the voucher's current owner (" + s.error().message + ")");
  if ((*p)[0].as_bytes() != v.header_bytes) return verify_error("the proof is for another voucher header");
  if ((*p)[1].as_int64() != static_cast<std::int64_t>(v.entries.size()))
    return verify_error("the proof counts " + std::to_string((*p)[1].as_int64().value_or(-1)) + " entries, the voucher has " +
                        std::to_string(v.entries.size()));
  IOTONB_ASSIGN_OR_RETURN(Value hmac_value, core::cbor::decode(v.hmac_encoded));
  if (!((*p)[2] == hmac_value)) return verify_error("the proof carries another OVHeaderHMac");
  if (!std::equal((*p)[3].as_bytes().begin(), (*p)[3].as_bytes().end(), nonce.begin(), nonce.end()))
    return verify_error("the proof answers another nonce");
  if (const Value* named = msg->unprotected.find(kCuphOwnerPubKey)) {
    auto key = public_key_from_cbor(*named, "CUPHOwnerPubKey");
    if (!key || !(*key == v.owner_key())) return verify_error("the proof names an owner key other than the voucher's last");
  }
  return ok_status();
}

}  // namespace iotonb::artifact::fdo
