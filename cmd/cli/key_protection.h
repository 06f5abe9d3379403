// How a command that writes a new private key protects it: encrypted under a password from
// --password-file, IOTONB_PASSWORD or the terminal; left unencrypted only with the explicit
// pair --no-password --insecure. Key files are written atomically with mode 0600.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::cli {

struct NewKeyProtection {
  std::string password_file;
  bool no_password = false;
  bool insecure = false;
};

void add_new_key_protection(CLI::App& app, NewKeyProtection& target);

// The password to encrypt with, or nullopt for --no-password --insecure; a usage error when
// no password can be had and the key would otherwise be written in the clear.
Result<std::optional<SecretBytes>> resolve_new_key_password(const NewKeyProtection& protection);

// PKCS#8 PEM, or DER when der is true.
Status write_private_key(const std::string& path, EVP_PKEY* key, const std::optional<SecretBytes>& password, bool force,
                         bool der = false);

// The password of an existing key (for --key-password-file / --ca-password-file options);
// nullopt when none is given, which is fine for an unencrypted key.
Result<std::optional<SecretBytes>> existing_key_password(const std::string& file, const std::string& env_var,
                                                         const std::string& key_path, const std::string& prompt);

}  // namespace iotonb::cli
