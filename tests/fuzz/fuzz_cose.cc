// Fuzzes the COSE_Sign1 parser (lib/envelope/cose.h): whatever parses has sound header
// parameters (the accessors cannot fail on type), re-encodes to a message that parses to the
// same fields and re-encodes to the same bytes, and goes through verification (which must
// fail cleanly: the key is random) without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "envelope/cose.h"
#include "pki/key.h"
#include "fuzz_require.h"

namespace cose = iotonb::envelope::cose;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const iotonb::core::EvpPkeyPtr kKey = std::move(iotonb::pki::generate_key(iotonb::pki::KeyType::p256).value());
  auto msg = cose::parse_sign1(iotonb::ByteView(data, size));
  if (!msg) return 0;
  (void)cose::algorithm(*msg);
  (void)cose::kid(*msg);
  (void)cose::content_type(*msg);
  require(cose::x5chain(*msg).ok());
  require(cose::x5bag(*msg).ok());
  iotonb::Bytes encoded = cose::encode_sign1(*msg);
  auto again = cose::parse_sign1(encoded);
  require(again.ok());
  require(again->tagged == msg->tagged && again->protected_bytes == msg->protected_bytes &&
          again->protected_header == msg->protected_header && again->unprotected == msg->unprotected &&
          again->payload == msg->payload && again->signature == msg->signature);
  require(cose::encode_sign1(*again) == encoded);
  if (msg->payload) {
    require(!cose::verify_sign1(*msg, kKey.get()).ok());
  } else {
    require(!cose::verify_sign1_detached(*msg, {}, kKey.get()).ok());
  }
  return 0;
}
