// Passwords and PINs, which never come from the command line itself: from a file named by a
// flag, from an environment variable named in the help, or from a prompt on the terminal (only
// when stdin is a terminal). The secret is wiped when it is no longer needed.
#pragma once

#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::cli {

struct SecretSource {
  std::string file;       // --password-file value; "" if not given
  std::string env_var;    // e.g. IOTONB_CA_PASSWORD
  std::string prompt;     // "CA key password"; "" = never prompt
  bool confirm = false;   // ask twice (for a new key)
};

// The secret, or nullopt when no source supplied one.
Result<std::optional<SecretBytes>> read_secret(const SecretSource& source);

}  // namespace iotonb::cli
