// CBOR (RFC 8949): a value tree, a decoder that treats its input as hostile, an encoder with
// preferred serialization, and diagnostic notation. COSE envelopes (RFC 9052), constrained
// vouchers (RFC 8366bis, SID-keyed), EAT (RFC 9711) and FDO vouchers are all built on it.
//
// The decoder takes exactly one well-formed data item (RFC 8949 5.3.1) and rejects, naming
// the byte offset: truncation, trailing bytes, reserved additional-information values,
// indefinite-length strings whose chunks are of the wrong type, text that is not UTF-8,
// duplicate map keys (RFC 8949 5.6: a "valid" item has none), nesting deeper than the limit,
// more items than the limit, and input larger than the limit. libcbor's streaming decoder
// does the tokenizing; the tree, the limits and the checks are ours.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::core::cbor {

enum class Type { unsigned_integer, negative_integer, bytes, text, array, map, tag, boolean, null, undefined, floating };

class Value;
using Array = std::vector<Value>;
using Map = std::vector<std::pair<Value, Value>>;  // in encoding order; keys are unique

class Value {
 public:
  Value();  // null
  static Value uint(std::uint64_t v);
  static Value integer(std::int64_t v);       // unsigned or negative as the sign says
  static Value negative(std::uint64_t n);     // the integer -1 - n (reaches -2^64)
  static Value bytes(Bytes v);
  static Value bytes(ByteView v);
  static Value text(std::string v);
  static Value array(Array v);
  static Value map(Map v);
  static Value tagged(std::uint64_t tag, Value v);
  static Value boolean(bool v);
  static Value null();
  static Value undefined();
  static Value floating(double v);

  Type type() const { return type_; }
  bool is_integer() const { return type_ == Type::unsigned_integer || type_ == Type::negative_integer; }
  // The integer when it fits int64_t.
  std::optional<std::int64_t> as_int64() const;
  // For unsigned: the value; for negative: n where the value is -1 - n.
  std::uint64_t raw_integer() const;

  // Accessors below require the matching type() (checked by assert).
  const Bytes& as_bytes() const;
  const std::string& as_text() const;
  const Array& as_array() const;
  Array& as_array();
  const Map& as_map() const;
  Map& as_map();
  std::uint64_t tag() const;
  const Value& tagged_value() const;
  bool as_bool() const;
  double as_double() const;

  // Map lookup by an integer or a text key; null when this is not a map or the key is absent.
  const Value* find(std::int64_t key) const;
  const Value* find(std::string_view key) const;
  const Value* find(const Value& key) const;

  bool operator==(const Value& other) const;

 private:
  Type type_ = Type::null;
  // uint64 for integers (see raw_integer), tags and booleans; double for floats.
  std::uint64_t number_ = 0;
  double floating_ = 0;
  Bytes bytes_;
  std::string text_;
  std::vector<Value> items_;                 // array items; or the tagged item (one)
  std::vector<std::pair<Value, Value>> map_;
};

struct Limits {
  std::size_t max_size = 1 << 20;   // octets of input
  std::size_t max_depth = 32;       // nesting of arrays, maps and tags
  std::size_t max_items = 1 << 16;  // data items in total
};

// Decodes exactly one data item that fills data. Errors are input errors: "CBOR: duplicate
// map key at offset 12", "CBOR: 3 trailing bytes after the item".
Result<Value> decode(ByteView data, const Limits& limits = {});
// Decodes the item at the front of data; returns it and the number of octets it took.
Result<std::pair<Value, std::size_t>> decode_prefix(ByteView data, const Limits& limits = {});

// The items of the array that fills data, each as the octets it had on the wire, for formats
// that hash or sign one item of an array as it was sent (FDO: an ownership voucher's entries
// are hashed into the next entry). Only the structure is checked here (heads, lengths,
// nesting, the limits, nothing after the array); each item is for the caller to decode.
Result<std::vector<ByteView>> array_items(ByteView data, const Limits& limits = {});

// Preferred serialization (RFC 8949 4.1): shortest argument, definite lengths, floats in the
// shortest of half/single/double that keeps the value; maps in their stored order.
Bytes encode(const Value& v);

// The head of an array of count items, for callers that append items already encoded (items
// whose octets must stay as they were on the wire).
Bytes array_head(std::uint64_t count);

// Diagnostic notation (RFC 8949 8, with EDN's h'..' for byte strings): one line, or indented
// two spaces per level when pretty.
std::string diagnostic(const Value& v, bool pretty = false);

}  // namespace iotonb::core::cbor
