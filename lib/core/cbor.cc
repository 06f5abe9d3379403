// The CBOR value tree and the encoder. The decoder is in cbor_decode.cc, diagnostic notation
// in cbor_diagnostic.cc.
#include "core/cbor.h"

#include <cbor.h>

#include <bit>
#include <cmath>

namespace iotonb::core::cbor {
namespace {

// The type-1 value -1 - n as an int64 when it fits.
std::optional<std::int64_t> negative_as_int64(std::uint64_t n) {
  if (n > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  return -1 - static_cast<std::int64_t>(n);
}

// libcbor writes each head in its shortest form; a head is never longer than 9 octets.
template <typename Fn>
void append_head(Bytes& out, Fn&& encode_into) {
  unsigned char head[9];
  std::size_t n = encode_into(head, sizeof head);
  out.insert(out.end(), head, head + n);
}

// The binary16 bits of d when d is exactly a half-precision value (RFC 8949 4.1 asks for the
// shortest float that keeps the value). Every half is a multiple of 2^-24 below 65520, so d
// fits when d * 2^24 is an integer with at most 11 significant bits.
std::optional<std::uint16_t> exact_half(double d) {
  std::uint16_t sign = std::signbit(d) ? 0x8000 : 0;
  if (std::isnan(d)) return std::uint16_t{0x7e00};
  if (std::isinf(d)) return static_cast<std::uint16_t>(sign | 0x7c00);
  double a = std::fabs(d);
  if (a > 65504.0) return std::nullopt;
  double scaled = std::ldexp(a, 24);
  if (scaled != std::floor(scaled)) return std::nullopt;
  auto u = static_cast<std::uint64_t>(scaled);
  if (u < 1024) return static_cast<std::uint16_t>(sign | u);  // zero or subnormal
  int top = 63 - std::countl_zero(u);                          // 10 .. 39
  if ((u & ((std::uint64_t{1} << (top - 10)) - 1)) != 0) return std::nullopt;
  auto mantissa = static_cast<std::uint16_t>((u >> (top - 10)) & 0x3ff);
  auto exponent = static_cast<std::uint16_t>(top - 9);  // u * 2^-24 = 1.m * 2^(top-24), bias 15
  return static_cast<std::uint16_t>(sign | (exponent << 10) | mantissa);
}

void encode_float(Bytes& out, double d) {
  if (auto half = exact_half(d)) {
    out.push_back(0xf9);
    out.push_back(static_cast<std::uint8_t>(*half >> 8));
    out.push_back(static_cast<std::uint8_t>(*half & 0xff));
    return;
  }
  auto single = static_cast<float>(d);
  if (static_cast<double>(single) == d) {
    append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_single(single, b, n); });
    return;
  }
  append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_double(d, b, n); });
}

void encode_into(Bytes& out, const Value& v) {
  switch (v.type()) {
    case Type::unsigned_integer:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_uint(v.raw_integer(), b, n); });
      return;
    case Type::negative_integer:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_negint(v.raw_integer(), b, n); });
      return;
    case Type::bytes:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_bytestring_start(v.as_bytes().size(), b, n); });
      out.insert(out.end(), v.as_bytes().begin(), v.as_bytes().end());
      return;
    case Type::text:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_string_start(v.as_text().size(), b, n); });
      out.insert(out.end(), v.as_text().begin(), v.as_text().end());
      return;
    case Type::array:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_array_start(v.as_array().size(), b, n); });
      for (const Value& item : v.as_array()) encode_into(out, item);
      return;
    case Type::map:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_map_start(v.as_map().size(), b, n); });
      for (const auto& [key, value] : v.as_map()) {
        encode_into(out, key);
        encode_into(out, value);
      }
      return;
    case Type::tag:
      append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_tag(v.tag(), b, n); });
      encode_into(out, v.tagged_value());
      return;
    case Type::boolean: out.push_back(v.as_bool() ? 0xf5 : 0xf4); return;
    case Type::null: out.push_back(0xf6); return;
    case Type::undefined: out.push_back(0xf7); return;
    case Type::floating: encode_float(out, v.as_double()); return;
  }
}

}  // namespace

Value::Value() = default;

Value Value::uint(std::uint64_t v) {
  Value out;
  out.type_ = Type::unsigned_integer;
  out.number_ = v;
  return out;
}

Value Value::integer(std::int64_t v) {
  if (v >= 0) return uint(static_cast<std::uint64_t>(v));
  return negative(static_cast<std::uint64_t>(-(v + 1)));
}

Value Value::negative(std::uint64_t n) {
  Value out;
  out.type_ = Type::negative_integer;
  out.number_ = n;
  return out;
}

Value Value::bytes(Bytes v) {
  Value out;
  out.type_ = Type::bytes;
  out.bytes_ = std::move(v);
  return out;
}

Value Value::bytes(ByteView v) { return bytes(Bytes(v.begin(), v.end())); }

Value Value::text(std::string v) {
  Value out;
  out.type_ = Type::text;
  out.text_ = std::move(v);
  return out;
}

Value Value::array(Array v) {
  Value out;
  out.type_ = Type::array;
  out.items_ = std::move(v);
  return out;
}

Value Value::map(Map v) {
  Value out;
  out.type_ = Type::map;
  out.map_ = std::move(v);
  return out;
}

Value Value::tagged(std::uint64_t tag, Value v) {
  Value out;
  out.type_ = Type::tag;
  out.number_ = tag;
  out.items_.push_back(std::move(v));
  return out;
}

Value Value::boolean(bool v) {
  Value out;
  out.type_ = Type::boolean;
  out.number_ = v ? 1 : 0;
  return out;
}

Value Value::null() { return Value(); }

Value Value::undefined() {
  Value out;
  out.type_ = Type::undefined;
  return out;
}

Value Value::floating(double v) {
  Value out;
  out.type_ = Type::floating;
  out.floating_ = v;
  return out;
}

std::optional<std::int64_t> Value::as_int64() const {
  if (type_ == Type::unsigned_integer) {
    if (number_ > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<std::int64_t>(number_);
  }
  if (type_ == Type::negative_integer) return negative_as_int64(number_);
  return std::nullopt;
}

std::uint64_t Value::raw_integer() const {
  assert(is_integer());
  return number_;
}

const Bytes& Value::as_bytes() const {
  assert(type_ == Type::bytes);
  return bytes_;
}

const std::string& Value::as_text() const {
  assert(type_ == Type::text);
  return text_;
}

const Array& Value::as_array() const {
  assert(type_ == Type::array);
  return items_;
}

Array& Value::as_array() {
  assert(type_ == Type::array);
  return items_;
}

const Map& Value::as_map() const {
  assert(type_ == Type::map);
  return map_;
}

Map& Value::as_map() {
  assert(type_ == Type::map);
  return map_;
}

std::uint64_t Value::tag() const {
  assert(type_ == Type::tag);
  return number_;
}

const Value& Value::tagged_value() const {
  assert(type_ == Type::tag && items_.size() == 1);
  return items_.front();
}

bool Value::as_bool() const {
  assert(type_ == Type::boolean);
  return number_ != 0;
}

double Value::as_double() const {
  assert(type_ == Type::floating);
  return floating_;
}

const Value* Value::find(std::int64_t key) const {
  if (type_ != Type::map) return nullptr;
  for (const auto& [k, v] : map_)
    if (k.is_integer() && k.as_int64() == key) return &v;
  return nullptr;
}

const Value* Value::find(std::string_view key) const {
  if (type_ != Type::map) return nullptr;
  for (const auto& [k, v] : map_)
    if (k.type_ == Type::text && k.text_ == key) return &v;
  return nullptr;
}

const Value* Value::find(const Value& key) const {
  if (type_ != Type::map) return nullptr;
  for (const auto& [k, v] : map_)
    if (k == key) return &v;
  return nullptr;
}

// Structural equality; maps compare in order, as they encode. Floats compare by bit pattern
// (so 0.0 != -0.0, as their encodings differ) except that every NaN equals every NaN: the
// encoder writes all NaNs as the one canonical half-precision NaN.
bool Value::operator==(const Value& other) const {
  if (type_ != other.type_) return false;
  switch (type_) {
    case Type::unsigned_integer:
    case Type::negative_integer:
    case Type::boolean: return number_ == other.number_;
    case Type::bytes: return bytes_ == other.bytes_;
    case Type::text: return text_ == other.text_;
    case Type::array: return items_ == other.items_;
    case Type::map: return map_ == other.map_;
    case Type::tag: return number_ == other.number_ && items_ == other.items_;
    case Type::null:
    case Type::undefined: return true;
    case Type::floating:
      if (std::isnan(floating_) || std::isnan(other.floating_)) return std::isnan(floating_) && std::isnan(other.floating_);
      return std::bit_cast<std::uint64_t>(floating_) == std::bit_cast<std::uint64_t>(other.floating_);
  }
  return false;
}

Bytes array_head(std::uint64_t count) {
  Bytes out;
  append_head(out, [&](unsigned char* b, std::size_t n) { return cbor_encode_array_start(count, b, n); });
  return out;
}

Bytes encode(const Value& v) {
  Bytes out;
  encode_into(out, v);
  return out;
}

}  // namespace iotonb::core::cbor
