#include "service/mud_file_server.h"

#include <filesystem>
#include <system_error>

#include "artifact/mud/file.h"
#include "artifact/mud/signature.h"
#include "core/files.h"
#include "service/service_server.h"

namespace iotonb::service {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxPathLength = 1024;

}  // namespace

bool is_servable_mud_path(const std::string& path) {
  if (path.size() < 2 || path.size() > kMaxPathLength || path.front() != '/') return false;
  if (!path.ends_with(".json") && !path.ends_with(".p7s")) return false;
  std::size_t start = 1;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    if (end == start || path[start] == '.') return false;  // empty segment, hidden name, "..", "."
    for (std::size_t i = start; i < end; ++i) {
      const char c = path[i];
      const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                         c == '_' || c == '~' || c == '-';
      if (!plain) return false;
    }
    start = end + 1;
  }
  return true;
}

Result<std::unique_ptr<MudFileServer>> MudFileServer::create(const MudServerConfig& config) {
  std::unique_ptr<MudFileServer> s(new MudFileServer(config));
  std::error_code ec;
  if (!fs::is_directory(config.dir, ec)) return usage_error("--dir " + config.dir + ": not a folder");
  s->root_ = fs::canonical(config.dir, ec).string();
  if (ec) return io_error(config.dir + ": " + ec.message());
  IOTONB_ASSIGN_OR_RETURN(s->tls_, open_identity(config.tls, "tls"));
  IOTONB_ASSIGN_OR_RETURN(s->server_, create_server(s->tls_, config.server));
  MudFileServer* self = s.get();
  s->server_->route_tree("GET", "/", [self](const net::Request& r) { return self->get(r.path); });
  return s;
}

Status MudFileServer::start() { return server_->start(); }
void MudFileServer::stop() { server_->stop(); }
int MudFileServer::port() const { return server_->port(); }
std::string MudFileServer::url() const { return https_url(config_.server.address, server_->port()); }

net::Response MudFileServer::get(const std::string& path) const {
  const auto not_found = [&] { return net::error_response(404, "no MUD file or signature at " + path); };
  if (!is_servable_mud_path(path)) return not_found();
  // Symbolic links inside the folder are the manufacturer's to make, but none may lead out.
  std::error_code ec;
  const fs::path file = fs::canonical(fs::path(root_) / path.substr(1), ec);
  if (ec || file.string().compare(0, root_.size() + 1, root_ + "/") != 0 || !fs::is_regular_file(file, ec)) return not_found();
  const bool signature = path.ends_with(".p7s");
  const std::size_t limit = signature ? artifact::mud::kMaxMudSignatureSize : artifact::mud::kMaxMudFileSize;
  const auto size = fs::file_size(file, ec);
  if (ec) return not_found();
  if (size > limit)
    return net::error_response(500, path + " is larger than a MUD manager takes (" + std::to_string(limit) + " octets)");
  auto data = core::read_input(file.string(), limit);
  if (!data) return net::error_response(500, "cannot read " + path);
  return net::Response{200, signature ? "application/pkcs7-signature" : "application/mud+json",
                       std::string(as_chars(*data)), {}};
}

}  // namespace iotonb::service
