// Fuzzes the request paths the manufacturer's MUD file server takes (lib/service/
// mud_file_server.h). Invariants for every path it accepts: absolute, bounded, of plain
// characters only, no empty, "." or ".." segment or hidden name, a .json or .p7s file, and
// joined to a folder it stays inside that folder (before symbolic links, which the server
// checks at the request).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include "fuzz_require.h"
#include "service/mud_file_server.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path(reinterpret_cast<const char*>(data), size);
  if (!iotonb::service::is_servable_mud_path(path)) return 0;
  require(path.front() == '/' && path.size() <= 1024);
  require(path.find("//") == std::string::npos && path.find("/.") == std::string::npos);
  for (char c : path)
    require((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
            c == '~' || c == '-' || c == '/');
  require(path.ends_with(".json") || path.ends_with(".p7s"));
  const std::string joined = (std::filesystem::path("/srv/mud") / path.substr(1)).lexically_normal().string();
  require(joined.rfind("/srv/mud/", 0) == 0);
  return 0;
}
