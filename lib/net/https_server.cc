// HttpsServer on OpenSSL and POSIX sockets, with HTTP/1.1 framing from net/http_message.h.
// It replaced cpp-httplib's SSLServer, which read request heads one SSL_read per octet, wrote
// head and body as two TLS records, and polled kept-alive connections every 10 ms: together
// about a tenth of an onboarding session's CPU (issue 4). Routing is by exact path, then by
// the longest tree prefix; an unknown path is 404 and a known path with another method is 405
// (RFC 9110 15.5.6).
#include "net/https_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "net/http_message.h"
#include "net/tls_context.h"
#include "net/tls_stream.h"

namespace iotonb::net {
namespace {

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

// Requests one connection may carry; a pledge's whole session fits with room to spare.
constexpr int kMaxRequestsPerConnection = 32;
// How long a kept-alive connection may sit idle between requests: it holds a worker.
constexpr int kKeepAliveMs = 1000;

std::string address_text(const sockaddr_storage& addr) {
  char text[INET6_ADDRSTRLEN] = "";
  if (addr.ss_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(addr).sin_addr, text, sizeof text);
  } else if (addr.ss_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(addr).sin6_addr, text, sizeof text);
  }
  return text;
}

// The server: one thread accepts, `threads` workers each serve one connection at a time
// (keep-alive included), requests are read with the framing of net/http_message.h and
// answered with one write of head and body.
class TlsServer final : public HttpsServer {
 public:
  TlsServer(core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx, const ServerOptions& options)
      : options_(options), ctx_(std::move(ctx)) {}
  ~TlsServer() override { stop(); }

  void route(const std::string& method, const std::string& path, Handler handler) override {
    routes_[path][method] = std::move(handler);
  }

  void route_tree(const std::string& method, const std::string& prefix, Handler handler) override {
    trees_[prefix][method] = std::move(handler);
  }

  Status start() override {
    if (listen_fd_ >= 0) return usage_error("HTTPS server: already started");
    IOTONB_ASSIGN_OR_RETURN(listen_fd_, listen_on(options_.address, options_.port));
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&bound), &length);
    port_ = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(bound).sin6_port
                                              : reinterpret_cast<sockaddr_in&>(bound).sin_port);
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (stop_fd_ < 0) return internal_error(std::string("HTTPS server: eventfd: ") + std::strerror(errno));
    for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.threads); ++i) workers_.emplace_back([this] { work(); });
    acceptor_ = std::thread([this] { accept_loop(); });
    return ok_status();
  }

  int port() const override { return port_; }

  void stop() override {
    std::lock_guard stopping(stop_mutex_);
    if (stop_fd_ >= 0 && !stopped_) {
      std::uint64_t one = 1;
      (void)!::write(stop_fd_, &one, sizeof one);  // wakes the acceptor and every idle connection
      {
        std::lock_guard lock(queue_mutex_);
        stopping_ = true;
      }
      queue_changed_.notify_all();
      if (acceptor_.joinable()) acceptor_.join();
      for (auto& w : workers_) w.join();
      for (const Accepted& a : queue_) ::close(a.fd);  // accepted, never served
      queue_.clear();
      ::close(stop_fd_);
    }
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
    {
      std::lock_guard lock(queue_mutex_);
      stopped_ = true;
    }
    queue_changed_.notify_all();
  }

  void wait() override {
    std::unique_lock lock(queue_mutex_);
    queue_changed_.wait(lock, [&] { return stopped_; });
  }

 private:
  struct Accepted {
    int fd = -1;
    std::string remote_address;
  };

  static Result<int> listen_on(const std::string& address, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(address.empty() ? nullptr : address.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr)
      return Error{ErrorKind::network, "cannot listen on " + address + ":" + service + " (unknown address)"};
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
    int err = 0;
    for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
      int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
      if (fd < 0) continue;
      int one = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      // SOMAXCONN: a few hundred pledges arriving at once must not be turned away.
      if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, SOMAXCONN) == 0) return fd;
      err = errno;
      ::close(fd);
    }
    return Error{ErrorKind::network, "cannot listen on " + address + ":" + service + " (" + std::strerror(err) + ")"};
  }

  void accept_loop() {
    while (true) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR) return;
      if ((fds[1].revents & POLLIN) != 0) return;
      if ((fds[0].revents & POLLIN) == 0) continue;
      sockaddr_storage peer{};
      socklen_t length = sizeof peer;
      int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        // Out of descriptors: the pending connection stays queued; let a worker free one.
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        continue;
      }
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // small answers go out at once
      {
        std::lock_guard lock(queue_mutex_);
        queue_.push_back({fd, address_text(peer)});
      }
      queue_changed_.notify_one();
    }
  }

  void work() {
    while (true) {
      Accepted next;
      {
        std::unique_lock lock(queue_mutex_);
        queue_changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        next = std::move(queue_.front());
        queue_.pop_front();
      }
      serve_connection(next);
      ::close(next.fd);
    }
  }

  void serve_connection(const Accepted& accepted) {
    SSL* ssl = SSL_new(ctx_.get());
    if (ssl == nullptr || SSL_set_fd(ssl, accepted.fd) != 1) {
      SSL_free(ssl);
      return;
    }
    TlsStream connection(ssl, accepted.fd, stop_fd_);
    const auto read_timeout = std::chrono::milliseconds(options_.read_timeout_ms);
    if (connection.accept(Clock::now() + read_timeout) != TlsStream::Io::ok) return;
    const std::vector<core::X509Ptr> peer = peer_certificates(connection.ssl());

    std::string buffer;  // read, not yet used: the next request may already be in it
    for (int served = 0; served < kMaxRequestsPerConnection; ++served) {
      // Idle until a request starts (the keep-alive wait after the first); from its first
      // octet, the whole request must arrive within the read timeout, however it trickles.
      auto deadline = Clock::now() + (served == 0 ? read_timeout : std::chrono::milliseconds(kKeepAliveMs));
      bool started = !buffer.empty();
      if (started) deadline = Clock::now() + read_timeout;
      http::Refusal refusal;
      std::size_t head_size = 0;
      while ((head_size = http::head_end(buffer, refusal)) == 0 && !refusal) {
        TlsStream::Io io = connection.read_more(buffer, deadline, !started);
        if (io != TlsStream::Io::ok) {
          if (io == TlsStream::Io::timed_out && started) refuse(connection, {408, "request not received in time"});
          if (io == TlsStream::Io::closed || io == TlsStream::Io::stopped) connection.close_tls();
          return;
        }
        if (!started) {
          started = true;
          deadline = Clock::now() + read_timeout;
        }
      }
      http::RequestHead head;
      if (!refusal) refusal = http::parse_request_head(std::string_view(buffer).substr(0, head_size), options_.max_body, head);
      if (refusal) return refuse(connection, refusal);
      buffer.erase(0, head_size);

      std::string body;
      if (head.expect_continue &&
          connection.write_all("HTTP/1.1 100 Continue\r\n\r\n", Clock::now() + std::chrono::milliseconds(options_.write_timeout_ms)) !=
              TlsStream::Io::ok)
        return;
      if (head.chunked) {
        std::size_t used = 0;
        while (!http::decode_chunks(buffer, used, body, options_.max_body, refusal)) {
          if (refusal) return refuse(connection, refusal);
          if (connection.read_more(buffer, deadline, false) != TlsStream::Io::ok) return refuse(connection, {408, "request body not received in time"});
        }
        buffer.erase(0, used);
      } else {
        while (buffer.size() < head.content_length) {
          if (connection.read_more(buffer, deadline, false) != TlsStream::Io::ok) return refuse(connection, {408, "request body not received in time"});
        }
        body = buffer.substr(0, head.content_length);
        buffer.erase(0, head.content_length);
      }

      Request request;
      request.method = std::move(head.method);
      request.path = std::move(head.path);
      request.headers = std::move(head.headers);
      request.content_type = request.header("Content-Type");
      request.body = std::move(body);
      for (const auto& c : peer) {
        X509_up_ref(c.get());
        request.peer_certificates.emplace_back(c.get());
      }
      request.remote_address = accepted.remote_address;
      const bool close = head.close || served + 1 == kMaxRequestsPerConnection;
      if (!answer(connection, dispatch(request), close) || close) return;
    }
  }

  // The methods served at the request's path: its exact route, else the longest tree prefix.
  const std::map<std::string, Handler>* methods_for(const std::string& path) const {
    if (auto exact = routes_.find(path); exact != routes_.end()) return &exact->second;
    const std::map<std::string, Handler>* best = nullptr;
    std::size_t best_length = 0;
    for (const auto& [prefix, methods] : trees_)
      if (path.compare(0, prefix.size(), prefix) == 0 && (best == nullptr || prefix.size() > best_length)) {
        best = &methods;
        best_length = prefix.size();
      }
    return best;
  }

  Response dispatch(const Request& request) const {
    const auto* path = methods_for(request.path);
    if (path == nullptr) return error_response(404, "no such resource: " + request.path);
    auto handler = path->find(request.method);
    if (handler == path->end()) {
      Response answer = error_response(405, "method " + request.method + " not allowed on " + request.path);
      std::string allow;
      for (const auto& [method, h] : *path) allow += (allow.empty() ? "" : ", ") + method;
      answer.headers.emplace_back("Allow", allow);
      return answer;
    }
    return handler->second(request);
  }

  // Head and body in one write: one TLS record, one segment for a small answer.
  bool answer(TlsStream& connection, const Response& response, bool close) {
    std::string message = http::response_head(response.status, response.content_type.empty() ? "text/plain" : response.content_type,
                                              response.body.size(), response.headers, close,
                                              http::format_date(static_cast<long long>(std::time(nullptr))));
    message += response.body;
    bool written = connection.write_all(message, Clock::now() + std::chrono::milliseconds(options_.write_timeout_ms)) ==
                   TlsStream::Io::ok;
    if (written && close) connection.close_tls();
    return written;
  }

  // Answers a request that cannot be served and closes: what follows it cannot be framed.
  void refuse(TlsStream& connection, const http::Refusal& refusal) {
    if (answer(connection, error_response(refusal.status, refusal.message), true)) connection.drain_before_close();
  }

  ServerOptions options_;
  core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx_;
  std::map<std::string, std::map<std::string, Handler>> routes_;  // path -> method -> handler
  std::map<std::string, std::map<std::string, Handler>> trees_;   // prefix -> method -> handler
  int listen_fd_ = -1;
  int stop_fd_ = -1;
  int port_ = 0;
  std::thread acceptor_;
  std::vector<std::thread> workers_;
  std::mutex stop_mutex_;
  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<Accepted> queue_;  // connections waiting for a worker, guarded by queue_mutex_
  bool stopping_ = false;       // likewise
  bool stopped_ = false;        // likewise
};

}  // namespace

std::string Request::header(std::string_view name) const { return http::header_value(headers, name); }

Response error_response(int status, std::string message) {
  Response r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(message);
  if (r.body.empty() || r.body.back() != '\n') r.body += '\n';
  return r;
}

bool media_type_is(std::string_view content_type, std::string_view type) {
  return http::iequal(http::trim_ows(content_type.substr(0, content_type.find(';'))), type);
}

std::string media_type_parameter(std::string_view content_type, std::string_view name) {
  auto semicolon = content_type.find(';');
  while (semicolon != std::string_view::npos) {
    content_type.remove_prefix(semicolon + 1);
    semicolon = content_type.find(';');
    std::string_view param = http::trim_ows(content_type.substr(0, semicolon));
    auto eq = param.find('=');
    if (eq == std::string_view::npos || !http::iequal(http::trim_ows(param.substr(0, eq)), name)) continue;
    std::string_view value = http::trim_ows(param.substr(eq + 1));
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
  core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx || !configure_server_context(*ctx, tls)) return internal_error("HTTPS server: cannot set up TLS: " + last_tls_error());
  // A client that goes away while its answer is written must not end the process: the write
  // fails with EPIPE instead.
  std::signal(SIGPIPE, SIG_IGN);
  return std::unique_ptr<HttpsServer>(std::make_unique<TlsServer>(std::move(ctx), options));
}

}  // namespace iotonb::net
