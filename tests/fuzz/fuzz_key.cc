// Fuzzes key reading (lib/pki/key.h): parse_private_key without and with a password, and
// parse_public_key; whatever parses is described, and a private key must survive a PKCS#8
// round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "pki/inspect.h"
#include "pki/key.h"
#include "fuzz_require.h"

namespace pki = iotonb::pki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  iotonb::ByteView input(data, size);
  static const iotonb::SecretBytes kPassword("fuzz password");
  for (const iotonb::SecretBytes* password : {static_cast<const iotonb::SecretBytes*>(nullptr), &kPassword}) {
    auto key = pki::parse_private_key(input, password);
    if (!key) continue;
    require(*key != nullptr);
    (void)pki::describe_key(key->get());
    (void)pki::describe_public_key(key->get()).dump();
    if (auto der = pki::private_key_to_der(key->get(), nullptr)) {
      auto again = pki::parse_private_key(*der, nullptr);
      require(again.ok() && pki::same_public_key(again->get(), key->get()));
    }
  }
  auto pub = pki::parse_public_key(input);
  if (pub) {
    require(*pub != nullptr);
    (void)pki::describe_public_key(pub->get()).dump();
  }
  return 0;
}
