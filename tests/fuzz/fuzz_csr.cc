// Fuzzes PKCS#10 reading (lib/pki/csr.h) and description (lib/pki/inspect.h) the way
// `iotonb inspect` uses them: parse_csr, then describe_csr rendered as JSON and as text.
#include <cstddef>
#include <cstdint>

#include "core/text_render.h"
#include "pki/csr.h"
#include "pki/inspect.h"

namespace pki = iotonb::pki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto csr = pki::parse_csr(iotonb::ByteView(data, size));
  if (!csr) return 0;
  auto description = pki::describe_csr(csr->get());
  (void)description.dump();
  (void)iotonb::core::render_text(description);
  (void)pki::csr_pem(csr->get());
  return 0;
}
