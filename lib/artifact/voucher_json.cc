#include "artifact/voucher_json.h"

#include <nlohmann/json.hpp>

#include "core/encoding.h"
#include "core/json.h"

namespace iotonb::artifact {
namespace {

using nlohmann::json;

Result<LeafValue> read_leaf(VoucherKind kind, const LeafSpec& spec, const json& value) {
  LeafValue out;
  switch (spec.type) {
    case LeafType::boolean:
      if (!value.is_boolean()) return leaf_error(kind, spec.name, "must be true or false");
      out.boolean = value.get<bool>();
      return out;
    case LeafType::string_list:
      if (!value.is_array()) return leaf_error(kind, spec.name, "must be an array of strings");
      for (const auto& item : value) {
        if (!item.is_string()) return leaf_error(kind, spec.name, "must be an array of strings");
        out.list.push_back(item.get<std::string>());
      }
      return out;
    default:
      break;
  }
  if (!value.is_string()) return leaf_error(kind, spec.name, "must be a string");
  out.text = value.get<std::string>();
  if (spec.type == LeafType::binary) {
    auto bytes = core::from_base64(out.text);
    if (!bytes) return leaf_error(kind, spec.name, "is not base64");
    out.bytes = std::move(bytes).value();
  }
  return out;
}

}  // namespace

Result<Voucher> voucher_from_json_unchecked(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(json doc, core::parse_json(text));
  if (!doc.is_object() || doc.size() != 1)
    return input_error("voucher JSON must be an object with one member, \"ietf-voucher:voucher\" or "
                       "\"ietf-voucher-request:voucher\"");
  const std::string& root = doc.begin().key();
  VoucherKind kind;
  if (root == json_root(VoucherKind::voucher)) kind = VoucherKind::voucher;
  else if (root == json_root(VoucherKind::request)) kind = VoucherKind::request;
  else return input_error("unknown voucher JSON root \"" + root + "\"");
  const json& body = doc.begin().value();
  if (!body.is_object()) return input_error("\"" + root + "\" must be an object");

  Voucher v(kind);
  for (const auto& [name, value] : body.items()) {
    // RFC 7951 4: a member may carry its module prefix ("ietf-voucher:nonce") when it is from
    // another module than its parent; our leaves are all in the root's module, so accept
    // that module's prefix and nothing else.
    std::string_view leaf = name;
    if (auto colon = leaf.find(':'); colon != std::string_view::npos) {
      if (leaf.substr(0, colon) != root.substr(0, root.find(':')))
        return leaf_error(kind, name, "unknown leaf (not in " + root.substr(0, root.find(':')) + ")");
      leaf = leaf.substr(colon + 1);
    }
    const LeafSpec* spec = find_leaf(leaf);
    if (!spec || (kind == VoucherKind::voucher ? spec->voucher_sid : spec->request_sid) == 0)
      return leaf_error(kind, name, "unknown leaf");
    IOTONB_ASSIGN_OR_RETURN(LeafValue lv, read_leaf(kind, *spec, value));
    v.set(spec->name, std::move(lv));
  }
  return v;
}

Result<Voucher> voucher_from_json(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(Voucher v, voucher_from_json_unchecked(text));
  IOTONB_RETURN_IF_ERROR(validate(v));
  return v;
}

std::string voucher_to_json(const Voucher& v) {
  nlohmann::ordered_json body = nlohmann::ordered_json::object();
  for (const auto& spec : leaf_table()) {
    const LeafValue* value = v.get(spec.name);
    if (!value) continue;
    const std::string key(spec.name);
    switch (spec.type) {
      case LeafType::boolean: body[key] = value->boolean; break;
      case LeafType::string_list: body[key] = value->list; break;
      case LeafType::binary:
        // Keep the text a peer wrote (a base64url nonce stays base64url); else RFC 7951 base64.
        body[key] = value->text.empty() ? core::to_base64(value->bytes) : value->text;
        break;
      default: body[key] = value->text; break;
    }
  }
  nlohmann::ordered_json doc;
  doc[std::string(json_root(v.kind()))] = std::move(body);
  return doc.dump();
}

}  // namespace iotonb::artifact
