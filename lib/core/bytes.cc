#include "core/bytes.h"

#include <openssl/crypto.h>

namespace iotonb {

SecretBytes::SecretBytes(std::string_view s) : data_(s.begin(), s.end()) {}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : data_(std::move(other.data_)) {
  other.data_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::move(other.data_);
    other.data_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

void SecretBytes::wipe() {
  if (!data_.empty()) OPENSSL_cleanse(data_.data(), data_.size());
  data_.clear();
}

bool SecretBytes::equals(const SecretBytes& other) const {
  if (data_.size() != other.data_.size()) return false;
  return data_.empty() || CRYPTO_memcmp(data_.data(), other.data_.data(), data_.size()) == 0;
}

}  // namespace iotonb
