// Fuzzes certificate reading (lib/pki/certificate.h) and description (lib/pki/inspect.h)
// the way `iotonb cert inspect` uses them: parse_certificates, then describe_certificate
// of each, rendered both as JSON (dump) and as text; plus the 802.1AR readers directly.
#include <cstddef>
#include <cstdint>

#include "core/text_render.h"
#include "pki/certificate.h"
#include "pki/extensions.h"
#include "pki/inspect.h"

namespace pki = iotonb::pki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto certs = pki::parse_certificates(iotonb::ByteView(data, size));
  if (!certs) return 0;
  for (const auto& cert : *certs) {
    auto description = pki::describe_certificate(cert.get());
    (void)description.dump();
    (void)iotonb::core::render_text(description);
    (void)pki::read_hardware_module_name(cert.get());
    (void)pki::read_masa_url(cert.get());
    (void)pki::read_mud_url(cert.get());
    (void)pki::read_mud_signer(cert.get());
    (void)pki::certificate_pem(cert.get());
    (void)pki::certificate_serial(cert.get());
  }
  return 0;
}
