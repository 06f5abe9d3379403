// HttpsServer over cpp-httplib's SSLServer. Routing is exact-path (httplib matches regular
// expressions; one catch-all per method dispatches here instead), so an unknown path is 404
// and a known path with another method is 405, as RFC 9110 15.5.6 asks.
#include "net/https_server.h"

#include <httplib.h>
#include <openssl/ssl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <thread>

#include "net/tls_context.h"

namespace iotonb::net {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The certificates the client sent, leaf first. On the server side OpenSSL's peer chain
// leaves the leaf out, so it is fetched separately.
std::vector<core::X509Ptr> peer_certificates(const SSL* ssl) {
  std::vector<core::X509Ptr> out;
  if (ssl == nullptr) return out;
  X509* leaf = SSL_get1_peer_certificate(ssl);
  if (leaf == nullptr) return out;
  out.emplace_back(leaf);
  if (STACK_OF(X509)* chain = SSL_get_peer_cert_chain(ssl)) {
    for (int i = 0; i < sk_X509_num(chain); ++i) {
      X509* c = sk_X509_value(chain, i);
      if (X509_cmp(c, leaf) == 0) continue;
      X509_up_ref(c);
      out.emplace_back(c);
    }
  }
  return out;
}

// httplib listens with a backlog of 5 (compiled into the library), which drops connections
// when a few hundred pledges arrive at once; Linux lets a second listen() raise it.
class ListeningServer : public httplib::SSLServer {
 public:
  using httplib::SSLServer::SSLServer;
  void raise_backlog() { ::listen(svr_sock_, SOMAXCONN); }
};

class HttplibServer final : public HttpsServer {
 public:
  HttplibServer(const TlsCredentials& tls, const ServerOptions& options)
      : options_(options), server_([tls](SSL_CTX& ctx) { return configure_server_context(ctx, tls); }) {
    server_.new_task_queue = [threads = options.threads] { return new httplib::ThreadPool(threads); };
    server_.set_payload_max_length(options.max_body);
    server_.set_read_timeout(options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000);
    server_.set_write_timeout(options.write_timeout_ms / 1000, (options.write_timeout_ms % 1000) * 1000);
    server_.set_keep_alive_timeout(1);  // an idle kept-alive connection holds a worker
    server_.set_keep_alive_max_count(32);  // a pledge's whole session on one connection (httplib: 5)
    server_.set_tcp_nodelay(true);
    auto dispatch = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
    server_.Get(".*", dispatch);
    server_.Post(".*", dispatch);
    server_.Put(".*", dispatch);
    server_.Delete(".*", dispatch);
    server_.set_error_handler([max = options.max_body](const httplib::Request&, httplib::Response& res) {
      // httplib's own refusals (413 body too large, 400 unparsable request) get a message
      // body like ours; our handlers' answers already have one.
      if (!res.body.empty()) return;
      std::string message = res.status == 413 ? "request body too large (limit " + std::to_string(max) + " octets)"
                                              : "request refused (HTTP " + std::to_string(res.status) + ")";
      res.set_content(message + "\n", "text/plain; charset=utf-8");
    });
  }
  ~HttplibServer() override { stop(); }

  bool valid() const { return server_.is_valid(); }

  void route(const std::string& method, const std::string& path, Handler handler) override {
    routes_[path][method] = std::move(handler);
  }

  Status start() override {
    int port = options_.port == 0 ? server_.bind_to_any_port(options_.address)
                                  : (server_.bind_to_port(options_.address, options_.port) ? options_.port : -1);
    if (port <= 0) {
      return Error{ErrorKind::network, "cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
                                           " (address in use or not available)"};
    }
    port_ = port;
    server_.raise_backlog();
    listener_ = std::thread([this] { server_.listen_after_bind(); });
    // httplib's stop() does nothing until the listener runs, so a stop() right after start()
    // would leave the thread listening forever; start() returns once it runs.
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return ok_status();
  }

  int port() const override { return port_; }

  void stop() override {
    server_.stop();
    if (listener_.joinable()) listener_.join();
  }

  void wait() override {
    if (listener_.joinable()) listener_.join();
  }

 private:
  void serve(const httplib::Request& in, httplib::Response& out) const {
    Response answer;
    auto path = routes_.find(in.path);
    if (path == routes_.end()) {
      answer = error_response(404, "no such resource: " + in.path);
    } else if (auto handler = path->second.find(in.method); handler == path->second.end()) {
      answer = error_response(405, "method " + in.method + " not allowed on " + in.path);
      std::string allow;
      for (const auto& [method, h] : path->second) allow += (allow.empty() ? "" : ", ") + method;
      answer.headers.emplace_back("Allow", allow);
    } else {
      Request request;
      request.method = in.method;
      request.path = in.path;
      request.content_type = in.get_header_value("Content-Type");
      request.body = in.body;
      for (const auto& [name, value] : in.headers) request.headers.emplace_back(name, value);
      request.peer_certificates = peer_certificates(in.ssl);
      request.remote_address = in.remote_addr;
      answer = handler->second(request);
    }
    out.status = answer.status;
    for (const auto& [name, value] : answer.headers) out.set_header(name, value);
    out.set_content(answer.body, answer.content_type.empty() ? "text/plain" : answer.content_type);
  }

  ServerOptions options_;
  ListeningServer server_;
  std::map<std::string, std::map<std::string, Handler>> routes_;  // path -> method -> handler
  int port_ = 0;
  std::thread listener_;
};

}  // namespace

std::string Request::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequal(n, name)) return v;
  }
  return {};
}

Response error_response(int status, std::string message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(message);
  if (r.body.empty() || r.body.back() != '\n') r.body += '\n';
  return r;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
  return iequal(trim(content_type.substr(0, content_type.find(';'))), type);
}

std::string media_type_parameter(std::string_view content_type, std::string_view name) {
  auto semicolon = content_type.find(';');
  while (semicolon != std::string_view::npos) {
    content_type.remove_prefix(semicolon + 1);
    semicolon = content_type.find(';');
    std::string_view param = trim(content_type.substr(0, semicolon));
    auto eq = param.find('=');
    if (eq == std::string_view::npos || !iequal(trim(param.substr(0, eq)), name)) continue;
    std::string_view value = trim(param.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return {};
}

Result<std::unique_ptr<HttpsServer>> HttpsServer::create(const TlsCredentials& tls, const ServerOptions& options) {
  if (tls.certificate == nullptr || tls.key == nullptr) return usage_error("HTTPS server: a TLS certificate and key are required");
  if (X509_check_private_key(tls.certificate, tls.key) != 1) {
    return usage_error("HTTPS server: the TLS key does not belong to the TLS certificate");
  }
  auto server = std::make_unique<HttplibServer>(tls, options);
  if (!server->valid()) return internal_error("HTTPS server: cannot set up TLS: " + last_tls_error());
  return std::unique_ptr<HttpsServer>(std::move(server));
}

}  // namespace iotonb::net
