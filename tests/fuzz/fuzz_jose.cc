// Fuzzes JWS reading (lib/envelope/jose.h) the way a pledge or MASA meets an untrusted
// JWS voucher: parse any of the three serializations, then verify every signature it holds
// against a fixed key of each algorithm family (which must fail cleanly, never crash).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "envelope/jose.h"
#include "pki/key.h"

namespace jose = iotonb::envelope::jose;
namespace pki = iotonb::pki;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto keys = [] {
    std::vector<iotonb::core::EvpPkeyPtr> k;
    for (auto type : {pki::KeyType::p256, pki::KeyType::p384, pki::KeyType::ed25519, pki::KeyType::rsa2048})
      k.push_back(std::move(pki::generate_key(type)).value());
    return k;
  }();
  auto jws = jose::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!jws) return 0;
  for (std::size_t i = 0; i < jws->signatures.size() && i < 4; ++i) {
    (void)jws->signatures[i].protected_header.dump();
    for (const auto& key : keys) (void)jose::verify(*jws, i, key.get());
  }
  (void)jose::verify(*jws, jws->signatures.size(), keys[0].get());
  return 0;
}
