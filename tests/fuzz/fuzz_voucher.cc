// Fuzzes voucher recognition and reading (lib/artifact/signed_voucher.h): whatever arrives
// (CMS, JWS, COSE, hex, base64, PEM, unsigned JSON or CBOR) is opened, described, shown in
// diagnostic notation and verified against no trust, and every path fails cleanly.
#include <cstddef>
#include <cstdint>

#include "artifact/voucher_describe.h"
#include "artifact/voucher_verify.h"

using namespace iotonb;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  auto sv = artifact::open_voucher(input);
  if (sv) {
    (void)artifact::describe_voucher(*sv).dump();
    (void)artifact::voucher_diagnostic(*sv, true);
  }
  artifact::VoucherVerifyOptions opts;
  opts.nonce = "00112233445566778899";
  opts.serial = "SN";
  (void)artifact::verify_voucher(input, opts);
  return 0;
}
