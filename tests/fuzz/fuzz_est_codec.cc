// Fuzzes the EST decoders (lib/protocol/est/est_codec.h), which read what any client sends to
// the registrar: the input is tried as a base64 body, as a certs-only message (DER and
// base64) and as CsrAttrs (DER and base64). Invariants: what decodes re-encodes and decodes
// to the same thing (certificates in the same order, CsrAttrs equal), and base64 bodies
// round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/est/est_codec.h"
#include "fuzz_require.h"

namespace est = iotonb::protocol::est;
using iotonb::ByteView;

namespace {


void certs(const iotonb::Result<std::vector<iotonb::core::X509Ptr>>& decoded) {
  if (!decoded) return;
  std::vector<const X509*> raw;
  for (const auto& c : *decoded) raw.push_back(c.get());
  auto body = est::encode_certs_only(raw);
  require(body.ok());
  auto again = est::decode_certs_only(*body);
  require(again.ok() && again->size() == raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) require(X509_cmp((*again)[i].get(), raw[i]) == 0);
}

void attrs(const iotonb::Result<std::vector<est::CsrAttribute>>& decoded) {
  if (!decoded) return;
  auto body = est::encode_csrattrs(*decoded);
  require(body.ok());
  auto again = est::decode_csrattrs(*body);
  require(again.ok() && *again == *decoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView bytes(data, size);
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto b64 = est::decode_base64_body(text);
  if (b64) {
    auto again = est::decode_base64_body(est::encode_base64_body(*b64));
    require(again.ok() && *again == *b64);
  }
  certs(est::decode_certs_only_der(bytes));
  certs(est::decode_certs_only(text));
  attrs(est::decode_csrattrs_der(bytes));
  attrs(est::decode_csrattrs(text));
  return 0;
}
