// The manufacturer's MUD file server: what a MUD URL names (RFC 8520 1.2, 13.2: https only).
// It serves a folder's MUD files (NAME.json, application/mud+json) and their detached
// signatures beside them (NAME.p7s, application/pkcs7-signature, the convention a MUD
// manager falls back on, RFC 8520 13.2), read from disk at each request, so a file signed
// after the server started is served at once and a re-signed one replaces it.
//
// Only what a MUD manager may fetch is reachable: paths of segments made of letters,
// digits, '.', '_', '~' and '-', none starting with '.', ending in .json or .p7s, that stay
// inside the folder once symbolic links are followed; files no larger than a MUD manager
// accepts (artifact::mud::kMaxMudFileSize, kMaxMudSignatureSize). Anything else is 404, a
// file too large to be taken 500, so a mistake shows on the manufacturer's side.
#pragma once

#include <memory>
#include <string>

#include "core/result.h"
#include "net/https_server.h"
#include "service/service_config.h"

namespace iotonb::service {

struct MudServerConfig {
  std::string dir;                // the folder served at "/"
  Identity tls;                   // the server's certificate: the MUD URL's host name
  ServerConfig server{443};
};

// Whether GET path (without query) may name a file the server answers, as described above;
// the containment check against symbolic links comes after, at the request.
bool is_servable_mud_path(const std::string& path);

class MudFileServer {
 public:
  // Opens the TLS identity and checks the folder; nothing is bound until start().
  static Result<std::unique_ptr<MudFileServer>> create(const MudServerConfig& config);
  Status start();
  void stop();
  int port() const;
  std::string url() const;  // https://ADDRESS:PORT

  // The answer to GET path (without query): the file, or the refusal described above.
  net::Response get(const std::string& path) const;

 private:
  explicit MudFileServer(const MudServerConfig& config) : config_(config) {}

  MudServerConfig config_;
  std::string root_;  // the folder, canonical
  OpenedIdentity tls_;
  std::unique_ptr<net::HttpsServer> server_;
};

}  // namespace iotonb::service
