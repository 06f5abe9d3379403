#include "artifact/voucher_cbor.h"

#include <algorithm>
#include <string>
#include <utility>

namespace iotonb::artifact {
namespace {

using core::cbor::Type;
using core::cbor::Value;

constexpr std::int64_t kVoucherSid = 2451;
constexpr std::int64_t kRequestSid = 2501;
constexpr std::int64_t kTagAbsoluteSid = 47;  // RFC 9254 3.2

// ietf-constrained-voucher@2018-09-01 and ietf-constrained-voucher-request@2018-09-01: leaf SIDs.
struct LegacySid {
  std::int64_t sid;
  std::string_view leaf;
};
constexpr LegacySid kLegacyVoucher[] = {
    {1001105, "assertion"},   {1001106, "created-on"},          {1001107, "domain-cert-revocation-checks"},
    {1001108, "expires-on"},  {1001109, "idevid-issuer"},       {1001110, "last-renewal-date"},
    {1001111, "nonce"},       {1001112, "pinned-domain-cert"},  {1001113, "pinned-domain-pubk"},
    {1001114, "serial-number"},
};
constexpr LegacySid kLegacyRequest[] = {
    {1001155, "assertion"},     {1001156, "created-on"},       {1001157, "domain-cert-revocation-checks"},
    {1001158, "expires-on"},    {1001159, "idevid-issuer"},    {1001160, "last-renewal-date"},
    {1001161, "nonce"},         {1001162, "pinned-domain-cert"}, {1001164, "proximity-registrar-cert"},
    {1001165, "prior-signed-voucher-request"}, {1001166, "serial-number"},
    {1001167, "proximity-registrar-pubk-sha256"}, {1001168, "proximity-registrar-pubk"},
};

struct Root {
  VoucherKind kind;
  std::int64_t sid;
  bool legacy;
};

std::optional<Root> root_for(std::int64_t sid) {
  switch (sid) {
    case kVoucherSid: return Root{VoucherKind::voucher, sid, false};
    case kRequestSid: return Root{VoucherKind::request, sid, false};
    case 1001104:
    case 1001100: return Root{VoucherKind::voucher, sid, true};
    case 1001154:
    case 1001150: return Root{VoucherKind::request, sid, true};
    default: return std::nullopt;
  }
}

// The leaf an absolute SID names under root, or null.
const LeafSpec* leaf_for(const Root& root, std::int64_t sid) {
  if (root.legacy) {
    auto find = [&](const auto& table) -> const LeafSpec* {
      for (const auto& e : table)
        if (e.sid == sid) return find_leaf(e.leaf);
      return nullptr;
    };
    return root.kind == VoucherKind::voucher ? find(kLegacyVoucher) : find(kLegacyRequest);
  }
  for (const auto& spec : leaf_table()) {
    int offset = root.kind == VoucherKind::voucher ? spec.voucher_sid : spec.request_sid;
    if (offset != 0 && root.sid + offset == sid) return &spec;
  }
  return nullptr;
}

Result<LeafValue> read_leaf(VoucherKind kind, const LeafSpec& spec, const Value& value) {
  LeafValue out;
  switch (spec.type) {
    case LeafType::boolean:
      if (value.type() != Type::boolean) return leaf_error(kind, spec.name, "must be true or false");
      out.boolean = value.as_bool();
      return out;
    case LeafType::assertion: {
      auto n = value.as_int64();
      if (value.type() != Type::unsigned_integer || !n || *n > 3)
        return leaf_error(kind, spec.name, "unknown assertion " + core::cbor::diagnostic(value) +
                                               " (0 verified, 1 logged, 2 proximity, 3 agent-proximity)");
      out.text = std::string(assertion_name(static_cast<Assertion>(*n)));
      return out;
    }
    case LeafType::binary:
      if (value.type() != Type::bytes) return leaf_error(kind, spec.name, "must be a byte string");
      out.bytes = value.as_bytes();
      return out;
    case LeafType::string_list:
      if (value.type() != Type::array) return leaf_error(kind, spec.name, "must be an array");
      for (const auto& item : value.as_array()) {
        if (item.type() == Type::text) out.list.push_back(item.as_text());
        else if (item.type() == Type::unsigned_integer) out.list.push_back(std::to_string(item.raw_integer()));
        else return leaf_error(kind, spec.name, "items must be text or SIDs");
      }
      return out;
    case LeafType::date_time:
    case LeafType::string:
    case LeafType::uri:
      if (value.type() != Type::text) return leaf_error(kind, spec.name, "must be a text string");
      out.text = value.as_text();
      return out;
  }
  return out;
}

}  // namespace

Result<Voucher> voucher_from_cbor_value(const Value& item) {
  if (item.type() != Type::map || item.as_map().size() != 1)
    return input_error("constrained voucher must be a map with one entry, keyed by SID 2451 (voucher) or 2501 "
                       "(voucher request)");
  const auto& [root_key, body] = item.as_map().front();
  auto root_sid = root_key.as_int64();
  std::optional<Root> root = root_key.type() == Type::unsigned_integer && root_sid ? root_for(*root_sid) : std::nullopt;
  if (!root) return input_error("unknown constrained voucher root " + core::cbor::diagnostic(root_key));
  if (body.type() != Type::map) return input_error("constrained voucher: SID " + std::to_string(root->sid) + " must map to a map");

  Voucher v(root->kind);
  for (const auto& [key, value] : body.as_map()) {
    // Keys are deltas from the parent SID, or absolute SIDs under tag 47 (RFC 9254 3.2).
    std::optional<std::int64_t> sid;
    if (key.is_integer()) {
      if (auto delta = key.as_int64()) sid = root->sid + *delta;
    } else if (key.type() == Type::tag && key.tag() == kTagAbsoluteSid && key.tagged_value().is_integer()) {
      sid = key.tagged_value().as_int64();
    }
    if (!sid) return input_error(std::string(kind_name(root->kind)) + ": map key " + core::cbor::diagnostic(key) + " is not a SID");
    const LeafSpec* spec = leaf_for(*root, *sid);
    if (!spec) return input_error(std::string(kind_name(root->kind)) + ": unknown leaf, SID " + std::to_string(*sid));
    if (v.has(spec->name)) return leaf_error(root->kind, spec->name, "appears twice");
    IOTONB_ASSIGN_OR_RETURN(LeafValue lv, read_leaf(root->kind, *spec, value));
    v.set(spec->name, std::move(lv));
  }
  return v;
}

Result<Voucher> voucher_from_cbor_unchecked(ByteView data) {
  IOTONB_ASSIGN_OR_RETURN(Value item, core::cbor::decode(data));
  return voucher_from_cbor_value(item);
}

Result<Voucher> voucher_from_cbor(ByteView data) {
  IOTONB_ASSIGN_OR_RETURN(Voucher v, voucher_from_cbor_unchecked(data));
  IOTONB_RETURN_IF_ERROR(validate(v));
  return v;
}

Value voucher_to_cbor_value(const Voucher& v) {
  const bool voucher = v.kind() == VoucherKind::voucher;
  std::vector<std::pair<int, const LeafSpec*>> present;
  for (const auto& spec : leaf_table()) {
    int offset = voucher ? spec.voucher_sid : spec.request_sid;
    if (offset != 0 && v.has(spec.name)) present.emplace_back(offset, &spec);
  }
  std::sort(present.begin(), present.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  core::cbor::Map body;
  for (const auto& [offset, spec] : present) {
    const LeafValue& value = *v.get(spec->name);
    Value encoded;
    switch (spec->type) {
      case LeafType::boolean: encoded = Value::boolean(value.boolean); break;
      case LeafType::assertion:
        // An unknown name (only in an unvalidated voucher) stays text rather than becoming a
        // different, valid assertion.
        if (auto a = parse_assertion(value.text)) encoded = Value::uint(static_cast<std::uint64_t>(*a));
        else encoded = Value::text(value.text);
        break;
      case LeafType::binary: encoded = Value::bytes(value.bytes); break;
      case LeafType::string_list: {
        core::cbor::Array items;
        for (const auto& s : value.list) items.push_back(Value::text(s));
        encoded = Value::array(std::move(items));
        break;
      }
      default: encoded = Value::text(value.text); break;
    }
    body.emplace_back(Value::uint(static_cast<std::uint64_t>(offset)), std::move(encoded));
  }
  core::cbor::Map root;
  root.emplace_back(Value::uint(voucher ? kVoucherSid : kRequestSid), Value::map(std::move(body)));
  return Value::map(std::move(root));
}

Bytes voucher_to_cbor(const Voucher& v) { return core::cbor::encode(voucher_to_cbor_value(v)); }

}  // namespace iotonb::artifact
