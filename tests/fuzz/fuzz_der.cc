// Fuzzes the DER reader (lib/core/der.h): walks every element, descending into constructed
// ones, and checks the invariants DER promises: what the reader accepts is minimal, so
// re-encoding an element with tlv() gives back exactly the bytes it was read from; every
// OID it yields either fails cleanly or has text that oid_from_text turns back into the
// same content. The input is also tried as dotted OID text.
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/der.h"
#include "fuzz_require.h"

namespace der = iotonb::core::der;
using iotonb::ByteView;
using iotonb::Bytes;

namespace {


std::vector<std::uint64_t> arcs_of(const std::string& dotted, bool& ok) {
  std::vector<std::uint64_t> arcs;
  const char* p = dotted.data();
  const char* end = p + dotted.size();
  ok = true;
  while (p < end) {
    std::uint64_t v = 0;
    auto [next, ec] = std::from_chars(p, end, v);
    if (ec != std::errc()) {
      ok = false;
      return arcs;
    }
    arcs.push_back(v);
    p = next < end ? next + 1 : next;
  }
  return arcs;
}

void check_oid(ByteView content) {
  auto text = der::oid_to_text(content);
  if (!text) return;
  auto back = der::oid_from_text(*text);
  require(back.ok());
  Bytes expected = der::tlv(der::kOid, content);
  require(*back == expected);
}

void walk(ByteView data, int depth) {
  if (depth > 32) return;
  der::Reader reader(data);
  const std::uint8_t* position = data.data();
  while (!reader.empty()) {
    auto element = reader.next();
    if (!element) return;
    const std::uint8_t* end = element->content.data() + element->content.size();
    Bytes original(position, end);
    require(der::tlv(element->tag, element->content) == original);
    position = end;
    if (element->tag == der::kOid) check_oid(element->content);
    if (element->tag & 0x20) walk(element->content, depth + 1);
  }
  (void)reader.expect(der::kSequence, "fuzz");
}

void dotted(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto encoded = der::oid_from_text(text);
  if (!encoded) return;
  der::Reader reader(*encoded);
  auto content = reader.expect(der::kOid, "oid");
  require(content.ok() && reader.empty());
  auto back = der::oid_to_text(*content);
  require(back.ok());
  // The same arcs, numerically (the input may have spelled them with leading zeros).
  bool ok_in = false, ok_out = false;
  auto in = arcs_of(text, ok_in);
  auto out = arcs_of(*back, ok_out);
  require(ok_in && ok_out && in == out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  walk(ByteView(data, size), 0);
  check_oid(ByteView(data, size));
  if (size < 256) dotted(data, size);
  return 0;
}
