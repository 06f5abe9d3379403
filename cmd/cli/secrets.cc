#include "cli/secrets.h"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <cstdlib>

#include "core/files.h"

namespace iotonb::cli {
namespace {

Result<SecretBytes> prompt_terminal(const std::string& prompt) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC);
  if (fd < 0) return usage_error(prompt + ": no terminal to ask on");
  termios old_mode{};
  tcgetattr(fd, &old_mode);
  termios quiet_mode = old_mode;
  quiet_mode.c_lflag &= ~static_cast<tcflag_t>(ECHO);
  tcsetattr(fd, TCSAFLUSH, &quiet_mode);
  std::string text = prompt + ": ";
  (void)!::write(fd, text.data(), text.size());
  std::string line;
  char c;
  while (::read(fd, &c, 1) == 1 && c != '\n') line += c;
  tcsetattr(fd, TCSAFLUSH, &old_mode);
  (void)!::write(fd, "\n", 1);
  ::close(fd);
  SecretBytes secret(line);
  std::fill(line.begin(), line.end(), '\0');
  return secret;
}

}  // namespace

Result<std::optional<SecretBytes>> read_secret(const SecretSource& source) {
  if (!source.file.empty()) {
    IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(source.file, 4096));
    std::size_t len = data.size();
    while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r')) --len;  // one line, as written by echo
    SecretBytes secret(as_chars(ByteView(data.data(), len)));
    OPENSSL_cleanse(data.data(), data.size());
    if (secret.empty()) return input_error(source.file + ": password file is empty");
    return std::optional<SecretBytes>(std::move(secret));
  }
  if (!source.env_var.empty()) {
    if (const char* value = std::getenv(source.env_var.c_str()); value != nullptr && *value != '\0')
      return std::optional<SecretBytes>(SecretBytes(value));
  }
  if (source.prompt.empty() || !core::stdin_is_terminal()) return std::optional<SecretBytes>();
  IOTONB_ASSIGN_OR_RETURN(SecretBytes first, prompt_terminal(source.prompt));
  if (source.confirm) {
    IOTONB_ASSIGN_OR_RETURN(SecretBytes second, prompt_terminal(source.prompt + " (again)"));
    if (!first.equals(second)) return usage_error(source.prompt + ": the two entries differ");
  }
  if (first.empty()) return usage_error(source.prompt + ": empty");
  return std::optional<SecretBytes>(std::move(first));
}

}  // namespace iotonb::cli
