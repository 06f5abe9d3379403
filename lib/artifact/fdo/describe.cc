#include "artifact/fdo/describe.h"

#include "artifact/fdo/rendezvous.h"
#include "core/encoding.h"
#include "envelope/cose.h"
#include "pki/inspect.h"
#include "pki/key.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Value;
using Json = nlohmann::ordered_json;

Json describe_key(const PublicKey& key) {
  Json d;
  d["type"] = pk_type_name(key.type);
  d["encoding"] = pk_encoding_name(key.encoding);
  auto evp = to_evp(key);
  if (!evp) {
    d["problem"] = evp.error().message;
    return d;
  }
  d["key"] = pki::describe_key(evp->get());
  if (auto spki = pki::public_key_to_der(evp->get())) {
    Bytes fingerprint(32);
    EVP_Digest(spki->data(), spki->size(), fingerprint.data(), nullptr, EVP_sha256(), nullptr);
    d["spki_sha256"] = core::to_hex(fingerprint);
  }
  return d;
}

Json describe_hash(const Hash& h) { return {{"algorithm", hash_name(h.type)}, {"value", core::to_hex(h.value)}}; }

// The payload of an embedded item in diagnostic notation: << item >>.
std::string embedded(ByteView encoded, bool pretty) {
  auto v = core::cbor::decode(encoded);
  return v ? "<<" + core::cbor::diagnostic(*v, pretty) + ">>" : "h'" + core::to_hex(encoded) + "'";
}

}  // namespace

std::string guid_text(ByteView guid) {
  std::string hex = core::to_hex(guid);
  if (hex.size() != 32) return hex;
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" + hex.substr(20);
}

Json describe_voucher(const OwnershipVoucher& v) {
  Json d;
  d["type"] = "fdo-ownership-voucher";
  d["protocol_version"] = kProtocolVersion;
  d["guid"] = guid_text(v.header.guid);
  d["device_info"] = core::to_utf8_lossy(v.header.device_info);
  d["rendezvous"] = describe_rendezvous(v.header.rv_info);
  d["manufacturer_key"] = describe_key(v.header.manufacturer_key);
  d["header_hmac"] = hash_name(v.hmac.type);
  if (v.header.cert_chain_hash) d["device_chain_hash"] = describe_hash(*v.header.cert_chain_hash);
  d["device_chain"] = v.cert_chain ? pki::describe_certificate_chain(*v.cert_chain) : Json::array();
  Json entries = Json::array();
  for (const Entry& e : v.entries) {
    Json entry;
    auto alg = envelope::cose::algorithm(e.message);
    entry["alg"] = alg ? std::string(envelope::jose_name(*alg)) : alg.error().message;
    entry["hash"] = hash_name(e.previous.type);
    entry["owner_key"] = describe_key(e.owner_key);
    if (e.extra) entry["extra"] = embedded(*e.extra, false);
    entries.push_back(std::move(entry));
  }
  d["entry_count"] = v.entries.size();
  d["entries"] = std::move(entries);
  d["owner_key"] = describe_key(v.owner_key());
  return d;
}

Json describe_credential(const DeviceCredential& dc) {
  Json d;
  d["type"] = "fdo-device-credential";
  d["layout"] = dc.layout == DeviceCredential::Layout::fdo ? "fdo" : "fdo-rs";
  d["active"] = dc.active;
  d["guid"] = guid_text(dc.guid);
  d["device_info"] = core::to_utf8_lossy(dc.device_info);
  d["rendezvous"] = describe_rendezvous(dc.rv_info);
  d["manufacturer_key_hash"] = describe_hash(dc.public_key_hash);
  d["hmac_secret_length"] = dc.hmac_secret.size();
  return d;
}

std::string voucher_diagnostic(const OwnershipVoucher& v, bool pretty) {
  const std::string sep = pretty ? ",\n  " : ", ";
  std::string out = pretty ? "[\n  " : "[";
  out += std::to_string(kProtocolVersion) + sep + embedded(v.header_bytes, pretty) + sep;
  auto hmac = core::cbor::decode(v.hmac_encoded);
  out += (hmac ? core::cbor::diagnostic(*hmac, pretty) : "?") + sep;
  if (v.cert_chain) {
    core::cbor::Array certs;
    for (const Bytes& c : *v.cert_chain) certs.push_back(Value::bytes(c));
    out += core::cbor::diagnostic(Value::array(std::move(certs)), pretty);
  } else {
    out += "null";
  }
  out += sep + "[";
  for (std::size_t i = 0; i < v.entries.size(); ++i) {
    const auto& m = v.entries[i].message;
    out += (i ? ", " : "") + std::string("18(") + "[" + embedded(m.protected_bytes, false) + ", " +
           core::cbor::diagnostic(m.unprotected) + ", " + embedded(*m.payload, false) + ", h'" + core::to_hex(m.signature) + "'])";
  }
  out += "]";
  out += pretty ? "\n]" : "]";
  return out;
}

}  // namespace iotonb::artifact::fdo
