#include "pki/certificate_cache.h"

#include <mutex>
#include <string>
#include <unordered_map>

namespace iotonb::pki {
namespace {

constexpr std::size_t kMaxEntries = 256;

struct Cache {
  std::mutex mutex;
  std::unordered_map<std::string, core::X509Ptr> by_der;
};

Cache& cache() {
  static Cache c;
  return c;
}

core::X509Ptr share(X509* cert) {
  X509_up_ref(cert);
  return core::X509Ptr(cert);
}

}  // namespace

Result<core::X509Ptr> parse_certificate_der_cached(ByteView der) {
  std::string key(as_chars(der));
  {
    std::lock_guard lock(cache().mutex);
    if (auto it = cache().by_der.find(key); it != cache().by_der.end()) return share(it->second.get());
  }
  const unsigned char* p = der.data();
  core::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!cert) return input_error("malformed certificate: " + core::openssl_errors());
  if (p != der.data() + der.size()) return input_error("trailing octets after the certificate");
  std::lock_guard lock(cache().mutex);
  if (cache().by_der.size() >= kMaxEntries) cache().by_der.clear();
  cache().by_der.emplace(std::move(key), share(cert.get()));
  return cert;
}

}  // namespace iotonb::pki
