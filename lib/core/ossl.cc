#include "core/ossl.h"

#include <openssl/err.h>

namespace iotonb::core {

const EVP_MD* fetched_digest(const EVP_MD* md) {
  if (md == nullptr || EVP_MD_get0_provider(md) != nullptr) return md;
  static const struct {
    int nid;
    EVP_MD* md;
  } kFetched[] = {{NID_sha256, EVP_MD_fetch(nullptr, "SHA2-256", nullptr)},
                  {NID_sha1, EVP_MD_fetch(nullptr, "SHA1", nullptr)},
                  {NID_sha384, EVP_MD_fetch(nullptr, "SHA2-384", nullptr)},
                  {NID_sha512, EVP_MD_fetch(nullptr, "SHA2-512", nullptr)}};
  const int nid = EVP_MD_get_type(md);
  for (const auto& f : kFetched)
    if (f.nid == nid && f.md != nullptr) return f.md;
  return md;
}

std::string openssl_errors() {
  std::string out;
  char buf[256];
  while (unsigned long code = ERR_get_error()) {
    ERR_error_string_n(code, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

BioPtr memory_bio(ByteView data) {
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

Bytes bio_contents(BIO* bio) {
  char* p = nullptr;
  long n = BIO_get_mem_data(bio, &p);
  if (n <= 0 || p == nullptr) return {};
  return Bytes(p, p + n);
}

}  // namespace iotonb::core
