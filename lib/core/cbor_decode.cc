// The CBOR decoder (RFC 8949 3, 5.3.1, 5.6). libcbor's streaming decoder cuts the input into
// heads and string bodies and calls us back for each; the tree, the limits and every validity
// check are here, so one place decides what a hostile input may cost us.
#include <cbor.h>

#include <algorithm>
#include <set>

#include "core/cbor.h"
#include "core/encoding.h"

namespace iotonb::core::cbor {
namespace {

std::string hex_byte(std::uint8_t b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  return std::string("0x") + kDigits[b >> 4] + kDigits[b & 0xf];
}

std::string at(std::size_t offset) { return " at offset " + std::to_string(offset); }

enum class FrameKind { array, map, tag, byte_chunks, text_chunks };

// A container (or an indefinite-length string) whose items are still arriving.
struct Frame {
  FrameKind kind;
  std::size_t offset;           // of the container's head, for messages
  bool indefinite = false;
  std::uint64_t remaining = 0;  // definite arrays: items still to come; maps: pairs
  std::uint64_t tag = 0;
  Array items{};
  Map entries{};
  std::optional<Value> key{};   // a map key waiting for its value
  // Duplicate keys: two encodings of one value (1 and 0x1801) are the same key, and decoding
  // makes them equal Values. Up to kLinearKeys keys are compared with the keys in entries;
  // past that, keys holds the preferred encodings of all of them (equal Values, equal
  // encodings), and a set keeps the check O(n log n) for a map of 65536 keys.
  std::set<Bytes> keys{};
  Bytes bytes{};
  std::string text{};
};

// Most maps (COSE headers, vouchers) have a handful of keys: comparing with each is cheaper
// than encoding every key and keeping the encodings in a set.
constexpr std::size_t kLinearKeys = 16;

// Reserved up front for a definite container: its declared size, but never more than the
// octets left (each item takes at least one) nor more than a small bound, so a hostile count
// costs nothing before the items arrive.
constexpr std::size_t kMaxReserve = 64;

// Whether key is already a key of f's map, remembering it when it is not.
bool insert_key(Frame& f, const Value& key) {
  if (f.keys.empty() && f.entries.size() < kLinearKeys) {
    for (const auto& entry : f.entries)
      if (entry.first == key) return false;
    return true;
  }
  if (f.keys.empty())
    for (const auto& entry : f.entries) f.keys.insert(encode(entry.first));
  return f.keys.insert(encode(key)).second;
}

std::string describe(FrameKind kind) {
  switch (kind) {
    case FrameKind::array: return "array";
    case FrameKind::map: return "map";
    case FrameKind::tag: return "tag";
    case FrameKind::byte_chunks: return "indefinite-length byte string";
    case FrameKind::text_chunks: return "indefinite-length text string";
  }
  return "item";
}

class Decoder {
 public:
  Decoder(ByteView data, const Limits& limits) : data_(data), limits_(limits) {}

  Result<std::pair<Value, std::size_t>> run();

 private:
  static const cbor_callbacks kCallbacks;
  static Decoder& self(void* context) { return *static_cast<Decoder*>(context); }

  void fail(std::string message) {
    if (!error_) error_ = input_error("CBOR: " + std::move(message));
  }
  bool in_chunks() const {
    return !stack_.empty() &&
           (stack_.back().kind == FrameKind::byte_chunks || stack_.back().kind == FrameKind::text_chunks);
  }
  bool start_item();
  bool open_container();
  void scalar(Value v) {
    if (start_item()) emit(std::move(v), offset_);
  }
  void emit(Value v, std::size_t start);
  void definite_bytes(ByteView chunk);
  void definite_text(std::string_view chunk);
  void start_chunks(FrameKind kind);
  void start_array(std::uint64_t count, bool indefinite);
  void start_map(std::uint64_t count, bool indefinite);
  void start_tag(std::uint64_t tag);
  void on_break();
  Error malformed(std::uint8_t initial) const;
  // Entries to reserve for a definite container of count entries of per_entry items each.
  std::size_t reservation(std::uint64_t count, std::size_t per_entry) const {
    std::size_t left = (data_.size() - offset_) / per_entry;
    return static_cast<std::size_t>(std::min<std::uint64_t>(count, std::min(left, kMaxReserve)));
  }
  Error truncated(std::size_t offset, bool inside_item) const;

  ByteView data_;
  const Limits& limits_;
  std::size_t offset_ = 0;  // of the head libcbor is reading
  std::size_t items_ = 0;
  std::vector<Frame> stack_;
  std::optional<Value> root_;
  std::optional<Error> error_;
};

// Every data item (and only those: string chunks are parts of one item) passes here.
bool Decoder::start_item() {
  if (error_) return false;
  if (in_chunks()) {
    const Frame& f = stack_.back();
    fail("chunk" + at(offset_) + " of the " + describe(f.kind) + at(f.offset) + " is not a definite-length " +
         (f.kind == FrameKind::byte_chunks ? "byte" : "text") + " string");
    return false;
  }
  if (++items_ > limits_.max_items) {
    fail("more than " + std::to_string(limits_.max_items) + " data items" + at(offset_));
    return false;
  }
  return true;
}

bool Decoder::open_container() {
  if (!start_item()) return false;
  if (stack_.size() >= limits_.max_depth) {
    fail("nesting deeper than " + std::to_string(limits_.max_depth) + at(offset_));
    return false;
  }
  return true;
}

// Hands a finished item to the container it belongs to, closing every container it completes.
void Decoder::emit(Value v, std::size_t start) {
  while (true) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& f = stack_.back();
    switch (f.kind) {
      case FrameKind::array:
        f.items.push_back(std::move(v));
        if (f.indefinite || --f.remaining > 0) return;
        v = Value::array(std::move(f.items));
        break;
      case FrameKind::map:
        if (!f.key) {
          if (!insert_key(f, v)) return fail("duplicate map key" + at(start));
          f.key = std::move(v);
          return;
        }
        f.entries.emplace_back(std::move(*f.key), std::move(v));
        f.key.reset();
        if (f.indefinite || --f.remaining > 0) return;
        v = Value::map(std::move(f.entries));
        break;
      case FrameKind::tag:
        v = Value::tagged(f.tag, std::move(v));
        break;
      case FrameKind::byte_chunks:
      case FrameKind::text_chunks:
        return fail("internal: item inside a string");  // start_item() keeps this from happening
    }
    start = f.offset;
    stack_.pop_back();
  }
}

void Decoder::definite_bytes(ByteView chunk) {
  if (error_) return;
  if (!stack_.empty() && stack_.back().kind == FrameKind::byte_chunks) {
    Bytes& b = stack_.back().bytes;
    b.insert(b.end(), chunk.begin(), chunk.end());
    return;
  }
  if (start_item()) emit(Value::bytes(chunk), offset_);
}

void Decoder::definite_text(std::string_view chunk) {
  if (error_) return;
  // RFC 8949 3.2.3: a code point never spans chunks, so each chunk is UTF-8 on its own.
  bool chunk_of_text = !stack_.empty() && stack_.back().kind == FrameKind::text_chunks;
  if (!chunk_of_text && !start_item()) return;
  if (!is_utf8(chunk)) return fail("text string" + at(offset_) + " is not valid UTF-8");
  if (chunk_of_text) {
    stack_.back().text.append(chunk);
    return;
  }
  emit(Value::text(std::string(chunk)), offset_);
}

void Decoder::start_chunks(FrameKind kind) {
  if (!start_item()) return;
  stack_.push_back(Frame{.kind = kind, .offset = offset_, .indefinite = true});
}

void Decoder::start_array(std::uint64_t count, bool indefinite) {
  if (!open_container()) return;
  // Refuse a count the item budget cannot hold before it costs anything.
  if (!indefinite && count > limits_.max_items - items_)
    return fail("array" + at(offset_) + " declares " + std::to_string(count) + " items, more than the limit of " +
                std::to_string(limits_.max_items));
  if (!indefinite && count == 0) return emit(Value::array({}), offset_);
  stack_.push_back(Frame{.kind = FrameKind::array, .offset = offset_, .indefinite = indefinite, .remaining = count});
  if (!indefinite) stack_.back().items.reserve(reservation(count, 1));
}

void Decoder::start_map(std::uint64_t count, bool indefinite) {
  if (!open_container()) return;
  if (!indefinite && count > (limits_.max_items - items_) / 2)
    return fail("map" + at(offset_) + " declares " + std::to_string(count) + " pairs, more than the limit of " +
                std::to_string(limits_.max_items) + " items");
  if (!indefinite && count == 0) return emit(Value::map({}), offset_);
  stack_.push_back(Frame{.kind = FrameKind::map, .offset = offset_, .indefinite = indefinite, .remaining = count});
  if (!indefinite) stack_.back().entries.reserve(reservation(count, 2));
}

void Decoder::start_tag(std::uint64_t tag) {
  if (!open_container()) return;
  stack_.push_back(Frame{.kind = FrameKind::tag, .offset = offset_, .tag = tag});
}

void Decoder::on_break() {
  if (error_) return;
  if (stack_.empty() || !stack_.back().indefinite) return fail("unexpected break (0xff)" + at(offset_));
  Frame& f = stack_.back();
  Value v;
  switch (f.kind) {
    case FrameKind::array: v = Value::array(std::move(f.items)); break;
    case FrameKind::map:
      if (f.key) return fail("map" + at(f.offset) + " ends" + at(offset_) + " after a key without a value");
      v = Value::map(std::move(f.entries));
      break;
    case FrameKind::byte_chunks: v = Value::bytes(std::move(f.bytes)); break;
    case FrameKind::text_chunks: v = Value::text(std::move(f.text)); break;
    case FrameKind::tag: return fail("unexpected break (0xff)" + at(offset_));  // tags are never indefinite
  }
  std::size_t start = f.offset;
  stack_.pop_back();
  emit(std::move(v), start);
}

const cbor_callbacks Decoder::kCallbacks = {
    .uint8 = [](void* c, std::uint8_t v) { self(c).scalar(Value::uint(v)); },
    .uint16 = [](void* c, std::uint16_t v) { self(c).scalar(Value::uint(v)); },
    .uint32 = [](void* c, std::uint32_t v) { self(c).scalar(Value::uint(v)); },
    .uint64 = [](void* c, std::uint64_t v) { self(c).scalar(Value::uint(v)); },
    .negint64 = [](void* c, std::uint64_t v) { self(c).scalar(Value::negative(v)); },
    .negint32 = [](void* c, std::uint32_t v) { self(c).scalar(Value::negative(v)); },
    .negint16 = [](void* c, std::uint16_t v) { self(c).scalar(Value::negative(v)); },
    .negint8 = [](void* c, std::uint8_t v) { self(c).scalar(Value::negative(v)); },
    .byte_string_start = [](void* c) { self(c).start_chunks(FrameKind::byte_chunks); },
    .byte_string = [](void* c, cbor_data d, std::size_t n) { self(c).definite_bytes(ByteView(d, n)); },
    .string = [](void* c, cbor_data d, std::size_t n) { self(c).definite_text(as_chars(ByteView(d, n))); },
    .string_start = [](void* c) { self(c).start_chunks(FrameKind::text_chunks); },
    .indef_array_start = [](void* c) { self(c).start_array(0, true); },
    .array_start = [](void* c, std::size_t n) { self(c).start_array(n, false); },
    .indef_map_start = [](void* c) { self(c).start_map(0, true); },
    .map_start = [](void* c, std::size_t n) { self(c).start_map(n, false); },
    .tag = [](void* c, std::uint64_t t) { self(c).start_tag(t); },
    .float2 = [](void* c, float v) { self(c).scalar(Value::floating(v)); },
    .float4 = [](void* c, float v) { self(c).scalar(Value::floating(v)); },
    .float8 = [](void* c, double v) { self(c).scalar(Value::floating(v)); },
    .undefined = [](void* c) { self(c).scalar(Value::undefined()); },
    .null = [](void* c) { self(c).scalar(Value::null()); },
    .boolean = [](void* c, bool v) { self(c).scalar(Value::boolean(v)); },
    .indef_break = [](void* c) { self(c).on_break(); },
};

// libcbor says only "error"; the initial byte says which rule the input broke.
Error Decoder::malformed(std::uint8_t initial) const {
  int major = initial >> 5;
  int info = initial & 0x1f;
  std::string where = " (initial byte " + hex_byte(initial) + ")" + at(offset_);
  if (info >= 28 && info <= 30) return input_error("CBOR: reserved additional information " + std::to_string(info) + where);
  if (info == 31)
    return input_error("CBOR: indefinite length is not allowed for major type " + std::to_string(major) + where);
  if (major == 7) return input_error("CBOR: unsupported simple value" + where);
  return input_error("CBOR: malformed item" + where);
}

Error Decoder::truncated(std::size_t offset, bool inside_item) const {
  if (data_.empty()) return input_error("CBOR: empty input");
  if (inside_item || stack_.empty())
    return input_error("CBOR: truncated: the item" + at(offset) + " runs past the end of the input");
  const Frame& f = stack_.back();
  return input_error("CBOR: truncated: the input ends" + at(offset) + " inside the " + describe(f.kind) + at(f.offset));
}

Result<std::pair<Value, std::size_t>> Decoder::run() {
  std::size_t offset = 0;
  // A Frame is large: growing the stack one level at a time would move them all each time.
  // (Each level takes at least one octet of input.)
  stack_.reserve(std::min({limits_.max_depth, std::size_t{8}, data_.size()}));
  while (!root_) {
    if (offset >= data_.size()) return truncated(offset, false);
    offset_ = offset;
    std::uint8_t initial = data_[offset];
    std::size_t read = 1;
    if (initial >= 0xc6 && initial <= 0xd4) {
      // libcbor 0.8 rejects tags 6..20 in their one-byte form as unassigned, but they are
      // well-formed, and COSE lives there (COSE_Sign1 is 18, 0xd2).
      start_tag(initial - 0xc0u);
    } else {
      cbor_decoder_result r = cbor_stream_decode(data_.data() + offset, data_.size() - offset, &kCallbacks, this);
      if (r.status == CBOR_DECODER_NEDATA) return truncated(offset, true);
      if (r.status == CBOR_DECODER_ERROR) return malformed(initial);
      read = r.read;
    }
    if (error_) return *error_;
    offset += read;
    if (offset > limits_.max_size)
      return input_error("CBOR: the item is larger than the limit of " + std::to_string(limits_.max_size) + " octets");
  }
  return std::pair<Value, std::size_t>(std::move(*root_), offset);
}

}  // namespace

Result<std::pair<Value, std::size_t>> decode_prefix(ByteView data, const Limits& limits) {
  return Decoder(data, limits).run();
}

Result<Value> decode(ByteView data, const Limits& limits) {
  if (data.size() > limits.max_size)
    return input_error("CBOR: input is " + std::to_string(data.size()) + " octets, more than the limit of " +
                       std::to_string(limits.max_size));
  IOTONB_ASSIGN_OR_RETURN(auto item, decode_prefix(data, limits));
  if (item.second != data.size()) {
    std::size_t extra = data.size() - item.second;
    return input_error("CBOR: " + std::to_string(extra) + (extra == 1 ? " trailing byte" : " trailing bytes") +
                       " after the item" + at(item.second));
  }
  return std::move(item.first);
}

}  // namespace iotonb::core::cbor

namespace iotonb::core::cbor {
namespace {

// Walks the structure of encoded items without building values: enough to find where each one
// ends. Well-formedness beyond the structure (UTF-8, duplicate keys, simple values) is left to
// decode(), which the caller runs on each item it keeps.
class Skipper {
 public:
  Skipper(ByteView data, const Limits& limits) : data_(data), limits_(limits) {}

  struct Head {
    std::uint8_t major = 0;
    std::uint64_t argument = 0;
    bool indefinite = false;
  };

  Result<Head> head(std::size_t& offset) {
    if (offset >= data_.size()) return input_error("CBOR: truncated: the input ends" + at(offset));
    std::uint8_t initial = data_[offset];
    Head h{static_cast<std::uint8_t>(initial >> 5), 0, false};
    std::uint8_t info = initial & 0x1f;
    std::size_t start = offset++;
    if (info < 24) {
      h.argument = info;
    } else if (info <= 27) {
      std::size_t n = std::size_t{1} << (info - 24);
      if (data_.size() - offset < n) return input_error("CBOR: truncated: the input ends" + at(data_.size()));
      for (std::size_t i = 0; i < n; ++i) h.argument = (h.argument << 8) | data_[offset + i];
      offset += n;
    } else if (info == 31 && (h.major >= 2 && h.major <= 5)) {
      h.indefinite = true;
    } else if (!(info == 31 && h.major == 7)) {
      return input_error("CBOR: reserved initial byte " + hex_byte(initial) + at(start));
    }
    return h;
  }

  // Skips the item at offset; returns false (with offset at the break) for a break code.
  Result<bool> skip(std::size_t& offset, std::size_t depth) {
    if (++items_ > limits_.max_items) return input_error("CBOR: more than " + std::to_string(limits_.max_items) + " items");
    std::size_t start = offset;
    IOTONB_ASSIGN_OR_RETURN(Head h, head(offset));
    switch (h.major) {
      case 0:
      case 1:
        return true;
      case 2:
      case 3:
        if (!h.indefinite) {
          IOTONB_RETURN_IF_ERROR(consume(offset, h.argument));
          return true;
        }
        while (true) {
          std::size_t chunk_start = offset;
          IOTONB_ASSIGN_OR_RETURN(Head c, head(offset));
          if (c.major == 7 && data_[chunk_start] == 0xff) return true;
          if (c.major != h.major || c.indefinite)
            return input_error("CBOR: a string chunk of the wrong type" + at(chunk_start));
          IOTONB_RETURN_IF_ERROR(consume(offset, c.argument));
        }
      case 4:
      case 5: {
        if (depth >= limits_.max_depth)
          return input_error("CBOR: nesting deeper than " + std::to_string(limits_.max_depth) + at(start));
        std::uint64_t per_entry = h.major == 5 ? 2 : 1;
        if (h.indefinite) {
          for (std::uint64_t n = 0;; ++n) {
            IOTONB_ASSIGN_OR_RETURN(bool more, skip(offset, depth + 1));
            if (!more) {
              if (n % per_entry) return input_error("CBOR: a map without a value for its last key" + at(start));
              ++offset;  // the break
              return true;
            }
          }
        }
        if (h.argument > limits_.max_items) return input_error("CBOR: more than " + std::to_string(limits_.max_items) + " items");
        for (std::uint64_t n = 0; n < h.argument * per_entry; ++n) {
          IOTONB_ASSIGN_OR_RETURN(bool more, skip(offset, depth + 1));
          if (!more) return input_error("CBOR: an unexpected break code" + at(offset));
        }
        return true;
      }
      case 6: {
        if (depth >= limits_.max_depth)
          return input_error("CBOR: nesting deeper than " + std::to_string(limits_.max_depth) + at(start));
        IOTONB_ASSIGN_OR_RETURN(bool more, skip(offset, depth + 1));
        if (!more) return input_error("CBOR: an unexpected break code" + at(offset));
        return true;
      }
      default:  // 7: simple values, floats, break
        if (data_[start] == 0xff) {
          offset = start;
          return false;
        }
        return true;
    }
  }

 private:
  Status consume(std::size_t& offset, std::uint64_t n) {
    if (data_.size() - offset < n) return input_error("CBOR: truncated: the input ends" + at(data_.size()));
    offset += static_cast<std::size_t>(n);
    return ok_status();
  }

  ByteView data_;
  const Limits& limits_;
  std::size_t items_ = 0;
};

}  // namespace

Result<std::vector<ByteView>> array_items(ByteView data, const Limits& limits) {
  if (data.size() > limits.max_size)
    return input_error("CBOR: input is " + std::to_string(data.size()) + " octets, more than the limit of " +
                       std::to_string(limits.max_size));
  Skipper skipper(data, limits);
  std::size_t offset = 0;
  IOTONB_ASSIGN_OR_RETURN(auto h, skipper.head(offset));
  if (h.major != 4) return input_error("CBOR: expected an array at offset 0");
  std::vector<ByteView> items;
  for (std::uint64_t n = 0; h.indefinite || n < h.argument; ++n) {
    if (n >= limits.max_items) return input_error("CBOR: more than " + std::to_string(limits.max_items) + " items");
    std::size_t start = offset;
    IOTONB_ASSIGN_OR_RETURN(bool more, skipper.skip(offset, 1));
    if (!more) {
      if (!h.indefinite) return input_error("CBOR: an unexpected break code" + at(offset));
      ++offset;
      break;
    }
    items.push_back(data.subspan(start, offset - start));
  }
  if (offset != data.size()) {
    std::size_t extra = data.size() - offset;
    return input_error("CBOR: " + std::to_string(extra) + (extra == 1 ? " trailing byte" : " trailing bytes") +
                       " after the item" + at(offset));
  }
  return items;
}

}  // namespace iotonb::core::cbor
