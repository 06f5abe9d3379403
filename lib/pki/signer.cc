#include "pki/signer.h"

#include "core/files.h"
#include "pki/key.h"

namespace iotonb::pki {
namespace {

class KeySigner final : public Signer {
 public:
  KeySigner(core::EvpPkeyPtr key, std::string reference) : key_(std::move(key)), reference_(std::move(reference)) {}
  EVP_PKEY* key() const override { return key_.get(); }
  const std::string& reference() const override { return reference_; }

 private:
  core::EvpPkeyPtr key_;
  std::string reference_;
};

}  // namespace

Result<Bytes> Signer::sign(ByteView data) const { return sign(data, default_digest(key())); }

Result<Bytes> Signer::sign(ByteView data, const EVP_MD* md) const {
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  std::size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data.data(), data.size()) != 1)
    return internal_error(reference() + ": cannot sign: " + core::openssl_errors());
  Bytes sig(len);
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, data.data(), data.size()) != 1)
    return internal_error(reference() + ": cannot sign: " + core::openssl_errors());
  sig.resize(len);
  return sig;
}

Result<std::unique_ptr<Signer>> open_signer(const std::string& reference, const SecretBytes* password) {
  std::string path = reference;
  if (auto colon = reference.find(':'); colon != std::string::npos && colon > 1) {
    std::string scheme = reference.substr(0, colon);
    if (scheme != "file")
      return usage_error("key reference \"" + reference + "\": the " + scheme +
                         ": scheme is not supported (use file:PATH or a path)");
    path = reference.substr(colon + 1);
  }
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, 1 << 20));
  auto key = parse_private_key(data, password);
  OPENSSL_cleanse(data.data(), data.size());
  if (!key) return key.error().context(path);
  return std::unique_ptr<Signer>(new KeySigner(std::move(key).value(), "file:" + path));
}

std::unique_ptr<Signer> memory_signer(core::EvpPkeyPtr key, std::string reference) {
  return std::make_unique<KeySigner>(std::move(key), std::move(reference));
}

}  // namespace iotonb::pki
