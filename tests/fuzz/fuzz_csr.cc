// Fuzzes PKCS#10 reading (lib/pki/csr.h) and description (lib/pki/inspect.h) the way
// `iotonb inspect` uses them: parse_csr, then describe_csr rendered as JSON and as text.
// Invariant: a request the EC fast path builds (lib/pki/ec_fast_path.h) is one d2i_X509_REQ
// reads too, with the same encoding and key.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/text_render.h"
#include "pki/csr.h"
#include "pki/ec_fast_path.h"
#include "pki/inspect.h"

namespace pki = iotonb::pki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (auto fast = pki::parse_ec_csr_der(iotonb::ByteView(data, size))) {
    const unsigned char* p = data;
    iotonb::core::X509ReqPtr reference(d2i_X509_REQ(nullptr, &p, static_cast<long>(size)));
    if (!reference || pki::csr_der(fast.get()) != pki::csr_der(reference.get()) ||
        EVP_PKEY_eq(X509_REQ_get0_pubkey(fast.get()), X509_REQ_get0_pubkey(reference.get())) != 1)
      std::abort();
  }
  auto csr = pki::parse_csr(iotonb::ByteView(data, size));
  if (!csr) return 0;
  auto description = pki::describe_csr(csr->get());
  (void)description.dump();
  (void)iotonb::core::render_text(description);
  (void)pki::csr_pem(csr->get());
  return 0;
}
