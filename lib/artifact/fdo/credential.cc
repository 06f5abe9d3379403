#include "artifact/fdo/credential.h"

#include <openssl/crypto.h>

#include <algorithm>

#include "artifact/fdo/rendezvous.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Type;
using core::cbor::Value;

// fdo-rs keeps secrets as arrays of octet values.
Result<SecretBytes> octets_of(const Value& v, std::string_view field) {
  if (v.type() == Type::bytes) return SecretBytes(as_chars(v.as_bytes()));
  if (v.type() != Type::array) return input_error(std::string(field) + ": must be a byte string or an array of octets");
  std::string s;
  for (const Value& item : v.as_array()) {
    auto n = item.as_int64();
    if (!item.is_integer() || !n || *n < 0 || *n > 255) return input_error(std::string(field) + ": an item is not an octet");
    s.push_back(static_cast<char>(*n));
  }
  SecretBytes out(s);
  std::fill(s.begin(), s.end(), '\0');
  return out;
}

}  // namespace

Result<DeviceCredential> decode_credential(ByteView cbor) {
  core::cbor::Limits limits;
  limits.max_size = kMaxCredentialSize;
  auto decoded = core::cbor::decode(cbor, limits);
  if (!decoded) return decoded.error().context("device credential");
  const Value& v = *decoded;
  if (v.type() != Type::array || v.as_array().size() != 7)
    return input_error("device credential: expected an array of 7 items [DCActive, DCProtVer, DCHmacSecret, "
                       "DCDeviceInfo, DCGuid, DCRVInfo, DCPubKeyHash]");
  const auto& a = v.as_array();
  if (a[0].type() != Type::boolean) return input_error("device credential: DCActive must be a boolean");
  auto version = a[1].as_int64();
  if (!a[1].is_integer() || version != static_cast<std::int64_t>(kProtocolVersion))
    return input_error("device credential: unsupported protocol version " +
                       (version ? std::to_string(*version) : std::string("(not an integer)")));
  DeviceCredential dc;
  dc.active = a[0].as_bool();
  // The FDO layout has the secret third; fdo-rs moves it to a trailing map and shifts the rest.
  const bool fdo_rs = a[2].type() == Type::text;
  dc.layout = fdo_rs ? DeviceCredential::Layout::fdo_rs : DeviceCredential::Layout::fdo;
  const Value& info = fdo_rs ? a[2] : a[3];
  const Value& guid = fdo_rs ? a[3] : a[4];
  const Value& rv = fdo_rs ? a[4] : a[5];
  const Value& key_hash = fdo_rs ? a[5] : a[6];
  if (fdo_rs) {
    const Value* plain = a[6].find("Plain");
    const Value* secret = plain ? plain->find("hmac_secret") : nullptr;
    if (!secret) return input_error("device credential: no {\"Plain\": {\"hmac_secret\": ...}} (fdo-rs layout)");
    IOTONB_ASSIGN_OR_RETURN(dc.hmac_secret, octets_of(*secret, "device credential: hmac_secret"));
  } else {
    if (a[2].type() != Type::bytes) return input_error("device credential: DCHmacSecret must be a byte string");
    dc.hmac_secret = SecretBytes(as_chars(a[2].as_bytes()));
  }
  if (dc.hmac_secret.empty()) return input_error("device credential: the HMAC secret is empty");
  if (info.type() != Type::text) return input_error("device credential: DCDeviceInfo must be a text string");
  dc.device_info = info.as_text();
  if (guid.type() != Type::bytes || guid.as_bytes().size() != kGuidSize)
    return input_error("device credential: DCGuid must be a byte string of 16 octets");
  dc.guid = guid.as_bytes();
  IOTONB_RETURN_IF_ERROR(check_rendezvous(rv, "device credential: DCRVInfo"));
  dc.rv_info = rv;
  IOTONB_ASSIGN_OR_RETURN(dc.public_key_hash, hash_from_cbor(key_hash, "device credential: DCPubKeyHash"));
  return dc;
}

SecretBytes encode_credential(const DeviceCredential& dc) {
  Bytes encoded = core::cbor::encode(Value::array({
      Value::boolean(dc.active),
      Value::uint(kProtocolVersion),
      Value::bytes(ByteView(dc.hmac_secret.data(), dc.hmac_secret.size())),
      Value::text(dc.device_info),
      Value::bytes(dc.guid),
      dc.rv_info,
      to_cbor(dc.public_key_hash),
  }));
  SecretBytes out(as_chars(encoded));
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return out;
}

bool looks_like_credential(ByteView data) {
  // An array of 7 starting with a boolean and 101.
  return data.size() > 4 && data[0] == 0x87 && (data[1] == 0xf4 || data[1] == 0xf5) && data[2] == 0x18 && data[3] == 0x65;
}

}  // namespace iotonb::artifact::fdo
