#include "pki/serial.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include "core/encoding.h"

namespace iotonb::pki {
namespace {

// Top bit clear (positive) and the next one set (always 16 octets long, never zero).
void shape(Bytes& serial) {
  serial[0] = static_cast<std::uint8_t>((serial[0] & 0x3f) | 0x40);
}

}  // namespace

Result<Bytes> random_serial() {
  Bytes serial(16);
  if (RAND_bytes(serial.data(), static_cast<int>(serial.size())) != 1)
    return internal_error("random number generator failed");
  shape(serial);
  return serial;
}

Bytes derived_serial(std::string_view seed, std::string_view label) {
  std::string input(seed);
  input.push_back('\0');
  input.append(label);
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  Bytes serial(digest, digest + 16);
  shape(serial);
  return serial;
}

Result<Bytes> parse_serial(std::string_view hex) {
  auto bytes = core::from_hex(hex);
  if (!bytes) return usage_error("certificate serial \"" + std::string(hex) + "\": " + bytes.error().message);
  Bytes b = std::move(*bytes);
  while (b.size() > 1 && b[0] == 0 && !(b[1] & 0x80)) b.erase(b.begin());
  bool zero = true;
  for (auto x : b) zero = zero && x == 0;
  if (b.empty() || zero) return usage_error("certificate serial must not be zero");
  if (b[0] & 0x80) b.insert(b.begin(), 0);  // read as positive
  if (b.size() > 20) return usage_error("certificate serial is longer than 20 octets");
  return b;
}

}  // namespace iotonb::pki
