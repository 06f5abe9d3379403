#include "artifact/fdo/make.h"

#include <openssl/rand.h>

#include "artifact/fdo/rendezvous.h"
#include "artifact/fdo/verify.h"
#include "envelope/cose.h"
#include "pki/key.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Value;

Result<Bytes> random_bytes(std::size_t n) {
  Bytes out(n);
  if (RAND_bytes(out.data(), static_cast<int>(n)) != 1) return internal_error("random: " + core::openssl_errors());
  return out;
}

}  // namespace

Result<Manufactured> manufacture(const ManufactureOptions& opts) {
  if (!opts.manufacturer_key) return usage_error("manufacture: no manufacturer key");
  if (opts.device_info.empty()) return usage_error("manufacture: the device info is empty");
  IOTONB_RETURN_IF_ERROR(check_rendezvous(opts.rv_info, "rendezvous info"));
  Header h;
  if (opts.guid.empty()) {
    IOTONB_ASSIGN_OR_RETURN(h.guid, random_bytes(kGuidSize));
  } else if (opts.guid.size() != kGuidSize) {
    return usage_error("the GUID must be 16 octets, not " + std::to_string(opts.guid.size()));
  } else {
    h.guid = opts.guid;
  }
  h.rv_info = opts.rv_info;
  h.device_info = opts.device_info;
  IOTONB_ASSIGN_OR_RETURN(h.manufacturer_key, make_public_key(opts.manufacturer_key, opts.key_encoding, opts.manufacturer_chain));
  const int bits = EVP_PKEY_get_bits(opts.manufacturer_key);
  const std::int64_t hash = hash_type_for(h.manufacturer_key.type, bits);
  const std::int64_t mac = hmac_type_for(h.manufacturer_key.type, bits);
  if (!opts.device_chain.empty()) {
    Bytes all;
    for (const Bytes& c : opts.device_chain) all.insert(all.end(), c.begin(), c.end());
    IOTONB_ASSIGN_OR_RETURN(h.cert_chain_hash, digest(hash, {all}));
  }

  Manufactured out;
  OwnershipVoucher& v = out.voucher;
  v.header_bytes = encode_header(h);
  v.header = std::move(h);
  // A secret as long as the HMAC's output (RFC 2104 2: shorter keys weaken it).
  IOTONB_ASSIGN_OR_RETURN(Bytes secret, random_bytes(mac == hash_type::hmac_sha384 ? 48 : 32));
  out.credential.hmac_secret = SecretBytes(as_chars(secret));
  OPENSSL_cleanse(secret.data(), secret.size());
  const SecretBytes& s = out.credential.hmac_secret;
  IOTONB_ASSIGN_OR_RETURN(v.hmac, hmac(mac, ByteView(s.data(), s.size()), v.header_bytes));
  v.hmac_encoded = core::cbor::encode(to_cbor(v.hmac));
  if (!opts.device_chain.empty()) v.cert_chain = opts.device_chain;

  DeviceCredential& dc = out.credential;
  dc.active = true;
  dc.device_info = v.header.device_info;
  dc.guid = v.header.guid;
  dc.rv_info = v.header.rv_info;
  IOTONB_ASSIGN_OR_RETURN(dc.public_key_hash, digest(hash, {core::cbor::encode(to_cbor(v.header.manufacturer_key))}));
  return out;
}

Result<OwnershipVoucher> extend(const OwnershipVoucher& v, const pki::Signer& owner, const PublicKey& next,
                                const std::optional<Bytes>& extra) {
  // The owner's key first: a stranger learns nothing else about the voucher from the error.
  IOTONB_ASSIGN_OR_RETURN(auto current, to_evp(v.owner_key()));
  if (!pki::same_public_key(current.get(), owner.key()))
    return verify_error(owner.reference() + " is not the current owner's key (" +
                        (v.entries.empty() ? std::string("OVPubKey") : "entry " + std::to_string(v.entries.size() - 1) + "'s key") + ")");
  if (pki::is_rsa(owner.key()))
    return usage_error("iotonb extends vouchers with SECP256R1 and SECP384R1 keys; RSA keys are for verifying only");
  IOTONB_ASSIGN_OR_RETURN(auto header_key, to_evp(v.header.manufacturer_key));
  IOTONB_ASSIGN_OR_RETURN(auto next_key, to_evp(next));
  if (next.type != v.header.manufacturer_key.type || EVP_PKEY_get_bits(next_key.get()) != EVP_PKEY_get_bits(header_key.get()))
    return usage_error("the new owner's key is " + pki::describe_key(next_key.get()) + " (" + pk_type_name(next.type) +
                       "); this voucher's keys are " + pki::describe_key(header_key.get()) + " (" +
                       pk_type_name(v.header.manufacturer_key.type) + ")");
  if (v.entries.size() >= kMaxEntries) return usage_error("the voucher already has " + std::to_string(kMaxEntries) + " entries");
  // Signing over a broken chain would pass the break on to the buyer.
  if (const Check* broken = first_failure(verify_entries(v)))
    return verify_error("the voucher does not verify (" + broken->name + ": " + broken->detail + "); not extended");
  if (extra) {
    auto decoded = core::cbor::decode(*extra);
    bool ok = decoded && decoded->type() == core::cbor::Type::map;
    if (ok)
      for (const auto& [k, val] : decoded->as_map()) ok = ok && k.is_integer() && val.type() == core::cbor::Type::bytes;
    if (!ok) return input_error("OVEExtra must be a CBOR map of integers to byte strings");
  }

  const std::int64_t hash = hash_type_for(v.header.manufacturer_key.type, EVP_PKEY_get_bits(header_key.get()));
  Hash previous;
  if (v.entries.empty()) {
    IOTONB_ASSIGN_OR_RETURN(previous, digest(hash, {v.header_bytes, v.hmac_encoded}));
  } else {
    IOTONB_ASSIGN_OR_RETURN(previous, digest(hash, {v.entries.back().encoded}));
  }
  IOTONB_ASSIGN_OR_RETURN(Hash header_info, digest(hash, {v.header.guid, as_bytes(v.header.device_info)}));
  Bytes payload = core::cbor::encode(Value::array({to_cbor(previous), to_cbor(header_info),
                                                   extra ? Value::bytes(*extra) : Value::null(), to_cbor(next)}));
  envelope::cose::SignOptions sign;
  sign.tagged = true;
  IOTONB_ASSIGN_OR_RETURN(Bytes encoded, envelope::cose::sign1(payload, owner, sign));
  OwnershipVoucher out = v;
  IOTONB_ASSIGN_OR_RETURN(Entry e, decode_entry(encoded, "OVEntries[" + std::to_string(v.entries.size()) + "]"));
  out.entries.push_back(std::move(e));
  return out;
}

}  // namespace iotonb::artifact::fdo
