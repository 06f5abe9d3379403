// Helpers for the lib/envelope tests that check our output with independent tools (openssl,
// Debian's /usr/bin/python3 with cryptography and asn1crypto): a scratch folder, running a
// command, and whether the tools are there (the tests skip, not fail, without them).
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/bytes.h"

namespace iotonb::test {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "iotonb-envelope-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, ByteView data) const {
    std::string p = path(name);
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    return p;
  }
  std::string write(const std::string& name, const std::string& text) const { return write(name, as_bytes(text)); }
  std::string path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// The command's exit status, or -1 when it did not exit normally.
inline int run(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

inline bool have_openssl() { return run("openssl version >/dev/null 2>&1") == 0; }
inline bool have_python_crypto() {
  return run("/usr/bin/python3 -c 'import asn1crypto, cryptography' >/dev/null 2>&1") == 0;
}
// A checker script under tests/interop/.
inline std::string interop_script(const std::string& name) {
  return std::string(IOTONB_TEST_SOURCE_DIR) + "/tests/interop/" + name;
}

}  // namespace iotonb::test
