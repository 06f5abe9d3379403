// Fuzzes the FDO readers (lib/artifact/fdo): the input goes to the voucher file reader (PEM
// or CBOR), the voucher decoder, and the device credential decoder. Every voucher that reads
// is described, shown in diagnostic notation, re-encoded (which must give the same octets
// back, since the decoder keeps them as they were) and verified, with the credential when the
// input also reads as one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/describe.h"
#include "artifact/fdo/verify.h"
#include "artifact/fdo/voucher.h"

using namespace iotonb;
using namespace iotonb::artifact::fdo;

namespace {

void exercise(const OwnershipVoucher& v, const DeviceCredential* dc) {
  (void)describe_voucher(v).dump();
  (void)voucher_diagnostic(v, true);
  VerifyOptions opts;
  opts.credential = dc;
  opts.at = 1798761600;
  (void)verify(v, opts);
  auto again = decode_voucher(encode_voucher(v));
  if (!again.ok() || encode_voucher(*again) != encode_voucher(v)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  ByteView input(data, size);
  auto credential = decode_credential(input);
  if (credential) (void)describe_credential(*credential).dump();
  if (auto v = decode_voucher(input)) exercise(*v, credential ? &*credential : nullptr);
  if (auto all = read_vouchers(input))
    for (const auto& v : *all) exercise(v, nullptr);
  return 0;
}
