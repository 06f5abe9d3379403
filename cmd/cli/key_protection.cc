#include "cli/key_protection.h"

#include <openssl/crypto.h>

#include <cstdlib>

#include "cli/options.h"
#include "cli/secrets.h"
#include "core/files.h"
#include "pki/key.h"

namespace iotonb::cli {

void add_new_key_protection(CLI::App& app, NewKeyProtection& target) {
  add_password_file(app, "--password-file", target.password_file, "new key's", "IOTONB_PASSWORD");
  app.add_flag("--no-password", target.no_password, "Write the new key unencrypted (needs --insecure)");
  app.add_flag("--insecure", target.insecure, "Allow weak or absent protection of secrets");
}

Result<std::optional<SecretBytes>> resolve_new_key_password(const NewKeyProtection& protection) {
  if (protection.no_password) {
    if (!protection.insecure) return usage_error("--no-password writes the key in the clear: add --insecure to confirm");
    if (!protection.password_file.empty()) return usage_error("--no-password and --password-file contradict each other");
    return std::optional<SecretBytes>();
  }
  IOTONB_ASSIGN_OR_RETURN(auto password,
                          read_secret({protection.password_file, "IOTONB_PASSWORD", "New key password", true}));
  if (!password)
    return usage_error("the new key must be encrypted: give --password-file FILE or set IOTONB_PASSWORD "
                       "(or --no-password --insecure)");
  if (password->size() < 8 && !protection.insecure)
    return usage_error("the key password is shorter than 8 characters (add --insecure to accept it)");
  return password;
}

Status write_private_key(const std::string& path, EVP_PKEY* key, const std::optional<SecretBytes>& password, bool force,
                         bool der) {
  if (path.empty() || path == "-") return usage_error("a private key is never written to stdout: give a file name");
  const SecretBytes* secret = password ? &*password : nullptr;
  Bytes encoded;
  if (der) {
    IOTONB_ASSIGN_OR_RETURN(encoded, pki::private_key_to_der(key, secret));
  } else {
    IOTONB_ASSIGN_OR_RETURN(std::string pem, pki::private_key_to_pem(key, secret));
    encoded.assign(pem.begin(), pem.end());
    OPENSSL_cleanse(pem.data(), pem.size());
  }
  Status status = core::write_output(path, encoded, core::WriteOptions{0600, force});
  OPENSSL_cleanse(encoded.data(), encoded.size());
  return status;
}

Result<std::optional<SecretBytes>> existing_key_password(const std::string& file, const std::string& env_var,
                                                         const std::string& key_path, const std::string& prompt) {
  if (!file.empty() || std::getenv(env_var.c_str()) != nullptr) return read_secret({file, env_var, "", false});
  // Ask on the terminal only when the key turns out to be encrypted.
  std::string path = key_path.rfind("file:", 0) == 0 ? key_path.substr(5) : key_path;
  auto data = core::read_input(path, 1 << 20);
  if (!data) return data.error();
  const bool encrypted = pki::is_encrypted_private_key(*data);
  OPENSSL_cleanse(data->data(), data->size());
  if (!encrypted) return std::optional<SecretBytes>();
  return read_secret({"", "", prompt, false});
}

}  // namespace iotonb::cli
