// Fuzzes CMS SignedData reading (lib/envelope/cms.h) the way a registrar or pledge meets an
// untrusted voucher: parse (DER, PEM or base64), then verify with no trust anchor, both as a
// signature-only check and with the chain check (which must fail cleanly: no anchor given).
// The input is also offered as detached content for a fixed valid-looking envelope shape:
// verify must not care what the content is beyond its digest.
#include <cstddef>
#include <cstdint>

#include "envelope/cms.h"

namespace cms = iotonb::envelope::cms;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iotonb::ByteView input(data, size);
  auto parsed = cms::parse(input);
  if (parsed) {
    for (const auto& cert : parsed->certificates) (void)cert.get();
    (void)parsed->signer_id.size();
  }

  cms::VerifyOptions signature_only;
  signature_only.check_chain = false;
  signature_only.at = 1618358400;
  (void)cms::verify(input, signature_only);

  cms::VerifyOptions no_trust;
  no_trust.at = 1618358400;
  no_trust.accepted_content_types = {cms::kIdData, cms::kIdCtAnimaJsonVoucher};
  (void)cms::verify(input, no_trust);

  if (parsed && !parsed->content) {
    cms::VerifyOptions detached = signature_only;
    detached.detached_content = input;
    (void)cms::verify(input, detached);
  }
  return 0;
}
