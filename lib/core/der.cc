#include "core/der.h"

#include <charconv>

namespace iotonb::core::der {

Bytes tlv(std::uint8_t tag, ByteView content) {
  Bytes out;
  out.reserve(content.size() + 6);
  out.push_back(tag);
  std::size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<std::uint8_t>(n));
  } else {
    std::uint8_t len_bytes[sizeof(std::size_t)];
    int count = 0;
    for (std::size_t v = n; v != 0; v >>= 8) len_bytes[count++] = static_cast<std::uint8_t>(v & 0xff);
    out.push_back(static_cast<std::uint8_t>(0x80 | count));
    while (count > 0) out.push_back(len_bytes[--count]);
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Result<Element> Reader::next() {
  if (rest_.size() < 2) return input_error("DER: truncated element");
  std::uint8_t tag = rest_[0];
  if ((tag & 0x1f) == 0x1f) return input_error("DER: multi-byte tags are not supported");
  std::size_t len = rest_[1];
  std::size_t header = 2;
  if (len & 0x80) {
    std::size_t count = len & 0x7f;
    if (count == 0) return input_error("DER: indefinite length");
    if (count > 4 || rest_.size() < 2 + count) return input_error("DER: bad length");
    len = 0;
    for (std::size_t i = 0; i < count; ++i) len = (len << 8) | rest_[2 + i];
    if (len < 0x80 || (count > 1 && rest_[2] == 0)) return input_error("DER: non-minimal length");
    header += count;
  }
  if (len > rest_.size() - header) return input_error("DER: length runs past the end");
  Element e{tag, rest_.subspan(header, len), rest_.subspan(0, header + len)};
  rest_ = rest_.subspan(header + len);
  return e;
}

Result<ByteView> Reader::expect(std::uint8_t tag, const std::string& what) {
  auto e = next();
  if (!e) return e.error().context(what);
  if (e->tag != tag) return input_error(what + ": unexpected DER tag 0x" + std::to_string(e->tag));
  return e->content;
}

Result<std::string> oid_to_text(ByteView content) {
  if (content.empty() || content.size() > 64) return input_error("OID: bad length");
  std::string out;
  std::uint64_t value = 0;
  bool first = true;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (value > (UINT64_MAX >> 7)) return input_error("OID: arc too large");
    if (value == 0 && content[i] == 0x80) return input_error("OID: non-minimal arc");
    value = (value << 7) | (content[i] & 0x7f);
    if (content[i] & 0x80) {
      if (i + 1 == content.size()) return input_error("OID: truncated arc");
      continue;
    }
    if (first) {
      std::uint64_t a = value < 80 ? value / 40 : 2;
      out = std::to_string(a) + "." + std::to_string(value - a * 40);
      first = false;
    } else {
      out += "." + std::to_string(value);
    }
    value = 0;
  }
  return out;
}

Result<Bytes> oid_from_text(const std::string& dotted) {
  std::vector<std::uint64_t> arcs;
  const char* p = dotted.data();
  const char* end = p + dotted.size();
  while (p < end) {
    std::uint64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc() || next == p) return input_error("OID \"" + dotted + "\": not dotted decimal");
    arcs.push_back(v);
    p = next;
    if (p < end) {
      if (*p != '.' || p + 1 == end) return input_error("OID \"" + dotted + "\": not dotted decimal");
      ++p;
    }
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39))
    return input_error("OID \"" + dotted + "\": needs at least two valid arcs");
  // The first two arcs share one subidentifier (arcs[0] * 40 + arcs[1]); it must not wrap.
  if (arcs[1] > UINT64_MAX - 80) return input_error("OID \"" + dotted + "\": second arc too large");
  Bytes content;
  auto push_arc = [&](std::uint64_t v) {
    std::uint8_t tmp[10];
    int n = 0;
    do {
      tmp[n++] = static_cast<std::uint8_t>(v & 0x7f);
      v >>= 7;
    } while (v != 0);
    while (n > 0) {
      --n;
      content.push_back(static_cast<std::uint8_t>(tmp[n] | (n > 0 ? 0x80 : 0)));
    }
  };
  push_arc(arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) push_arc(arcs[i]);
  return tlv(kOid, content);
}

}  // namespace iotonb::core::der
