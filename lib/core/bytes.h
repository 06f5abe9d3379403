// Byte buffers and secret byte buffers. Secret buffers (passwords, HMAC secrets) are wiped
// with OPENSSL_cleanse when they die and compared in constant time.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace iotonb {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// A secret that is wiped on destruction: move-only so no copy outlives the wipe.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string_view s);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes();

  const std::uint8_t* data() const { return data_.data(); }
  std::size_t size() const { return data_.size(); }
  bool empty() const { return data_.empty(); }
  std::string_view view() const { return as_chars(data_); }
  bool equals(const SecretBytes& other) const;  // constant time for equal lengths

 private:
  void wipe();
  Bytes data_;
};

}  // namespace iotonb
