#include "pki/parse_cache.h"

#include <mutex>
#include <string>
#include <unordered_map>

namespace iotonb::pki {
namespace {

constexpr std::size_t kMaxEntries = 256;

core::X509Ptr share(X509* cert) {
  X509_up_ref(cert);
  return core::X509Ptr(cert);
}

core::EvpPkeyPtr share(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return core::EvpPkeyPtr(key);
}

// One cache per kind of object: Decode is d2i_X509 or d2i_PUBKEY.
template <typename Ptr, auto Decode>
class Cache {
 public:
  explicit Cache(const char* what) : what_(what) {}

  Result<Ptr> get(ByteView der) {
    std::string key(as_chars(der));
    {
      std::lock_guard lock(mutex_);
      if (auto it = by_der_.find(key); it != by_der_.end()) return share(it->second.get());
    }
    const unsigned char* p = der.data();
    Ptr parsed(Decode(nullptr, &p, static_cast<long>(der.size())));
    if (!parsed) return input_error(std::string("malformed ") + what_ + ": " + core::openssl_errors());
    if (p != der.data() + der.size()) return input_error(std::string("trailing octets after the ") + what_);
    put(std::move(key), parsed.get());
    return parsed;
  }

  void put(std::string der, typename Ptr::element_type* parsed) {
    std::lock_guard lock(mutex_);
    if (by_der_.size() >= kMaxEntries) by_der_.clear();
    by_der_.emplace(std::move(der), share(parsed));
  }

 private:
  const char* what_;
  std::mutex mutex_;
  std::unordered_map<std::string, Ptr> by_der_;
};

Cache<core::X509Ptr, d2i_X509>& certificate_cache() {
  static Cache<core::X509Ptr, d2i_X509> certificates("certificate");
  return certificates;
}

}  // namespace

Result<core::X509Ptr> parse_certificate_der_cached(ByteView der) { return certificate_cache().get(der); }

void remember_certificate(X509* cert) {
  unsigned char* der = nullptr;
  const int len = i2d_X509(cert, &der);
  if (len <= 0) {
    core::openssl_errors();
    return;
  }
  core::OsslBytesPtr owned(der);
  certificate_cache().put(std::string(reinterpret_cast<const char*>(der), static_cast<std::size_t>(len)), cert);
}

Result<core::EvpPkeyPtr> parse_public_key_der_cached(ByteView spki) {
  static Cache<core::EvpPkeyPtr, d2i_PUBKEY> keys("SubjectPublicKeyInfo");
  return keys.get(spki);
}

}  // namespace iotonb::pki
