#include "artifact/fdo/voucher.h"

#include "artifact/fdo/rendezvous.h"
#include "core/encoding.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Type;
using core::cbor::Value;

core::cbor::Limits limits() {
  core::cbor::Limits l;
  l.max_size = kMaxVoucherSize;
  return l;
}

Status check_version(const Value& v, const std::string& field) {
  auto version = v.as_int64();
  if (!v.is_integer() || !version) return input_error(field + ": the protocol version must be an integer");
  if (*version != static_cast<std::int64_t>(kProtocolVersion))
    return input_error("unsupported protocol version " + std::to_string(*version) + " in " + field +
                       " (iotonb reads FDO 1.1, version 101)");
  return ok_status();
}

Result<Value> decode_item(ByteView encoded, const std::string& field) {
  auto v = core::cbor::decode(encoded, limits());
  if (!v) return v.error().context(field);
  return v;
}

}  // namespace

Result<Header> decode_header(ByteView encoded) {
  IOTONB_ASSIGN_OR_RETURN(Value v, decode_item(encoded, "OVHeader"));
  if (v.type() != Type::array || v.as_array().size() != 6)
    return input_error("OVHeader: expected an array of 6 items [OVHProtVer, OVGuid, OVRVInfo, OVDeviceInfo, OVPubKey, "
                       "OVDevCertChainHash]");
  auto& a = v.as_array();
  IOTONB_RETURN_IF_ERROR(check_version(a[0], "OVHeader"));
  Header h;
  if (a[1].type() != Type::bytes || a[1].as_bytes().size() != kGuidSize)
    return input_error("OVHeader: OVGuid must be a byte string of 16 octets");
  h.guid = a[1].as_bytes();
  IOTONB_RETURN_IF_ERROR(check_rendezvous(a[2], "OVHeader: OVRVInfo"));
  h.rv_info = std::move(a[2]);
  if (a[3].type() != Type::text) return input_error("OVHeader: OVDeviceInfo must be a text string");
  h.device_info = a[3].as_text();
  IOTONB_ASSIGN_OR_RETURN(h.manufacturer_key, public_key_from_cbor(a[4], "OVHeader: OVPubKey"));
  if (a[5].type() != Type::null) {
    IOTONB_ASSIGN_OR_RETURN(h.cert_chain_hash, hash_from_cbor(a[5], "OVHeader: OVDevCertChainHash"));
  }
  return h;
}

Bytes encode_header(const Header& h) {
  return core::cbor::encode(Value::array({
      Value::uint(kProtocolVersion),
      Value::bytes(h.guid),
      h.rv_info,
      Value::text(h.device_info),
      to_cbor(h.manufacturer_key),
      h.cert_chain_hash ? to_cbor(*h.cert_chain_hash) : Value::null(),
  }));
}

Result<Entry> decode_entry(ByteView encoded, const std::string& field) {
  auto message = envelope::cose::parse_sign1(encoded, limits());
  if (!message) return message.error().context(field);
  if (!message->tagged) return input_error(field + ": an OVEntry must be a COSE_Sign1 with tag 18");
  if (!message->payload) return input_error(field + ": the COSE_Sign1 payload is detached");
  IOTONB_ASSIGN_OR_RETURN(Value payload, decode_item(*message->payload, field + " payload"));
  if (payload.type() != Type::array || payload.as_array().size() != 4)
    return input_error(field + ": the payload must be [OVEHashPrevEntry, OVEHashHdrInfo, OVEExtra, OVEPubKey]");
  auto& p = payload.as_array();
  Entry e;
  e.encoded.assign(encoded.begin(), encoded.end());
  IOTONB_ASSIGN_OR_RETURN(e.previous, hash_from_cbor(p[0], field + ": OVEHashPrevEntry"));
  IOTONB_ASSIGN_OR_RETURN(e.header_info, hash_from_cbor(p[1], field + ": OVEHashHdrInfo"));
  if (p[2].type() == Type::bytes) {
    // OVEExtra = bstr .cbor {int => bstr}
    IOTONB_ASSIGN_OR_RETURN(Value extra, decode_item(p[2].as_bytes(), field + ": OVEExtra"));
    bool ok = extra.type() == Type::map;
    if (ok)
      for (const auto& [k, val] : extra.as_map()) ok = ok && k.is_integer() && val.type() == Type::bytes;
    if (!ok) return input_error(field + ": OVEExtra must hold a map of integers to byte strings");
    e.extra = p[2].as_bytes();
  } else if (p[2].type() != Type::null) {
    return input_error(field + ": OVEExtra must be null or a byte string");
  }
  IOTONB_ASSIGN_OR_RETURN(e.owner_key, public_key_from_cbor(p[3], field + ": OVEPubKey"));
  e.message = std::move(*message);
  return e;
}

Result<OwnershipVoucher> decode_voucher(ByteView cbor) {
  auto items = core::cbor::array_items(cbor, limits());
  if (!items) return items.error().context("ownership voucher");
  if (items->size() == 4) {
    // FDO 1.0: [OVHeader, HMac, DevCertChain, Entries] with the header as a plain array.
    auto header = core::cbor::decode((*items)[0], limits());
    std::string version = "100";
    if (header && header->type() == Type::array && !header->as_array().empty() && header->as_array()[0].is_integer())
      version = std::to_string(header->as_array()[0].as_int64().value_or(100));
    return input_error("unsupported protocol version " + version +
                       ": an FDO 1.0 ownership voucher (4 items, no outer version); iotonb reads FDO 1.1 (101)");
  }
  if (items->size() != 5)
    return input_error("ownership voucher: expected an array of 5 items [OVProtVer, OVHeaderTag, OVHeaderHMac, "
                       "OVDevCertChain, OVEntries], got " + std::to_string(items->size()));
  const auto& parts = *items;
  OwnershipVoucher v;
  IOTONB_ASSIGN_OR_RETURN(Value version, decode_item(parts[0], "OVProtVer"));
  IOTONB_RETURN_IF_ERROR(check_version(version, "OVProtVer"));
  IOTONB_ASSIGN_OR_RETURN(Value header_tag, decode_item(parts[1], "OVHeaderTag"));
  if (header_tag.type() != Type::bytes) return input_error("OVHeaderTag: must be a byte string holding the OVHeader");
  v.header_bytes = header_tag.as_bytes();
  IOTONB_ASSIGN_OR_RETURN(v.header, decode_header(v.header_bytes));
  IOTONB_ASSIGN_OR_RETURN(Value hmac_value, decode_item(parts[2], "OVHeaderHMac"));
  IOTONB_ASSIGN_OR_RETURN(v.hmac, hash_from_cbor(hmac_value, "OVHeaderHMac"));
  if (v.hmac.type != hash_type::hmac_sha256 && v.hmac.type != hash_type::hmac_sha384)
    return input_error("OVHeaderHMac: " + hash_name(v.hmac.type) + " is not an HMAC type");
  v.hmac_encoded.assign(parts[2].begin(), parts[2].end());
  IOTONB_ASSIGN_OR_RETURN(Value chain, decode_item(parts[3], "OVDevCertChain"));
  if (chain.type() == Type::array) {
    std::vector<Bytes> certs;
    for (const Value& c : chain.as_array()) {
      if (c.type() != Type::bytes) return input_error("OVDevCertChain: every certificate must be a byte string (DER)");
      certs.push_back(c.as_bytes());
    }
    if (certs.empty()) return input_error("OVDevCertChain: an empty chain (null says there is none)");
    v.cert_chain = std::move(certs);
  } else if (chain.type() != Type::null) {
    return input_error("OVDevCertChain: must be an array of certificates or null");
  }
  auto entries = core::cbor::array_items(parts[4], limits());
  if (!entries) return entries.error().context("OVEntries");
  if (entries->size() > kMaxEntries)
    return input_error("OVEntries: " + std::to_string(entries->size()) + " entries, more than the limit of " +
                       std::to_string(kMaxEntries));
  for (std::size_t i = 0; i < entries->size(); ++i) {
    IOTONB_ASSIGN_OR_RETURN(Entry e, decode_entry((*entries)[i], "OVEntries[" + std::to_string(i) + "]"));
    v.entries.push_back(std::move(e));
  }
  return v;
}

Bytes encode_voucher(const OwnershipVoucher& v) {
  // The parts whose octets are hashed or signed are copied as they are; only the framing is
  // written here.
  Bytes out = core::cbor::array_head(5);
  auto append = [&out](ByteView b) { out.insert(out.end(), b.begin(), b.end()); };
  append(core::cbor::encode(Value::uint(kProtocolVersion)));
  append(core::cbor::encode(Value::bytes(v.header_bytes)));
  append(v.hmac_encoded);
  if (v.cert_chain) {
    core::cbor::Array certs;
    for (const Bytes& c : *v.cert_chain) certs.push_back(Value::bytes(c));
    append(core::cbor::encode(Value::array(std::move(certs))));
  } else {
    append(core::cbor::encode(Value::null()));
  }
  // The array head for the entries, then each entry's own octets.
  append(core::cbor::array_head(v.entries.size()));
  for (const Entry& e : v.entries) append(e.encoded);
  return out;
}

Result<std::vector<OwnershipVoucher>> read_vouchers(ByteView file) {
  std::vector<OwnershipVoucher> out;
  if (!core::looks_like_pem(file)) {
    auto v = decode_voucher(file);
    if (!v) return v.error();
    out.push_back(std::move(*v));
    return out;
  }
  IOTONB_ASSIGN_OR_RETURN(auto blocks, core::parse_pem(as_chars(file)));
  for (const auto& block : blocks) {
    if (block.label != kVoucherPemLabel) continue;
    auto v = decode_voucher(block.der);
    if (!v) return v.error().context("voucher " + std::to_string(out.size() + 1));
    out.push_back(std::move(*v));
  }
  if (out.empty()) return input_error("no OWNERSHIP VOUCHER block in the PEM file");
  return out;
}

std::string voucher_pem(const OwnershipVoucher& v) { return core::to_pem(kVoucherPemLabel, encode_voucher(v)); }

bool looks_like_voucher(ByteView data) {
  if (core::looks_like_pem(data)) return as_chars(data).find("-----BEGIN OWNERSHIP VOUCHER-----") != std::string_view::npos;
  // A definite array of 5 whose first item is 101 (0x18 0x65).
  return data.size() > 3 && data[0] == 0x85 && data[1] == 0x18 && data[2] == 0x65;
}

}  // namespace iotonb::artifact::fdo
