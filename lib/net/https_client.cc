// HttpsClient on OpenSSL and POSIX sockets, with the framing of net/http_message.h. Every
// connection comes from one process-wide SSL_CTX, with its credentials and trust set per
// connection; a verify callback (tls_context.cc) accepts a server provisionally or requires
// the anchors, and keeps what the server sent; where a caller wants the host name checked,
// OpenSSL's verifier does it inside the same callback. Every wait is bounded by the read
// timeout and by total_timeout_ms, so a server trickling its answer cannot hold a caller.
#include "net/https_client.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstring>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "core/url.h"
#include "net/http_message.h"
#include "net/tls_context.h"
#include "net/tls_stream.h"

namespace iotonb::net {
namespace {

// Retry-After in delay-seconds (RFC 9110 10.2.3); an HTTP-date is not worth the parser here,
// so it falls back to the backoff.
int retry_after_ms(const std::string& header) {
  int seconds = 0;
  auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) return -1;
  return seconds > 3600 ? 3600 * 1000 : seconds * 1000;
}

// Octets of an answer's body when the caller set no limit: far above anything a BRSKI, EST or
// MUD peer sends, far below what would hurt.
constexpr std::size_t kDefaultMaxAnswer = 64u << 20;

// Servers close idle connections after a while (ours after 1 s, https_server.cc).
constexpr std::chrono::milliseconds kIdleReuse{500};

// How an exchange failed, which decides whether it is tried again.
enum class Failure {
  none,
  not_connected,  // no connection or handshake: no request reached the server
  untrusted,      // the server's certificate did not verify: never retried
  stale,          // a kept-alive connection the server had closed: sent again once, at once
  other,          // after the request was sent
};

struct Attempt {
  Failure failure = Failure::none;
  std::string detail;
  ClientResponse response;
};

class TlsClient final : public HttpsClient {
 public:
  TlsClient(const ClientOptions& options, core::HttpsUrl endpoint, core::X509StorePtr trust)
      : options_(options), endpoint_(std::move(endpoint)), trust_(std::move(trust)) {
    capture_.provisional = options.trust_mode == ServerTrust::provisional;
    host_header_ = endpoint_.authority();
    max_answer_ = options.max_body == 0 ? kDefaultMaxAnswer : options.max_body;
  }
  ~TlsClient() override { drop(); }

  Result<ClientResponse> get(const std::string& path, const std::string& accept) override {
    return with_retries("GET", path, "", "", accept);
  }

  Result<ClientResponse> post(const std::string& path, const std::string& content_type, const std::string& body,
                              const std::string& accept) override {
    return with_retries("POST", path, content_type, body, accept);
  }

  const std::vector<core::X509Ptr>& server_certificates() const override { return capture_.certificates; }

  Status trust_only(const std::vector<const X509*>& anchors) override {
    if (anchors.empty()) return usage_error("HTTPS client: no trust anchors to pin");
    auto store = make_trust_store(anchors);
    if (!store) return internal_error("HTTPS client: " + last_tls_error());
    trust_ = std::move(store);
    std::lock_guard lock(capture_.mutex);
    capture_.provisional = false;
    return ok_status();
  }

 private:
  // Retried: 202 and 503 answers (RFC 8995 5.6, RFC 7030 4.2.3), and failures to connect
  // (refused, handshake timed out: a server at its connection limit) where no request
  // reached the server. A request written into a kept-alive connection the server had
  // already closed is sent once more on a new connection. Not retried: a server certificate
  // that does not verify, and failures after the request was sent.
  Result<ClientResponse> with_retries(const char* method, const std::string& path, const std::string& content_type,
                                      const std::string& body, const std::string& accept) {
    const std::string what = std::string(method) + " " + path;
    // A target from elsewhere (a redirect's Location) must not split the request line.
    if (path.empty() || path.front() != '/' ||
        std::any_of(path.begin(), path.end(), [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 0x7f; }))
      return usage_error(what + ": the request target is not a path without spaces or control characters");
    std::optional<std::minstd_rand> jitter;  // seeded on the first backoff: most requests never wait
    int wait_ms = options_.first_retry_wait_ms;
    bool resent_stale = false;
    const bool bounded = options_.total_timeout_ms > 0;
    const auto deadline = bounded ? Clock::now() + std::chrono::milliseconds(options_.total_timeout_ms) : Clock::time_point::max();
    auto backoff = [&](int delay) {
      if (delay < 0) {
        if (!jitter) jitter.emplace(std::random_device{}());
        delay = static_cast<int>((*jitter)() % static_cast<unsigned>(wait_ms + 1));
      }
      auto pause = std::chrono::milliseconds(std::min(delay, options_.max_retry_wait_ms));
      if (bounded) pause = std::min(pause, std::chrono::milliseconds(remaining_ms(deadline)));
      std::this_thread::sleep_for(pause);
      wait_ms = std::min(wait_ms * 2, options_.max_retry_wait_ms);
    };
    auto timed_out = [&] {
      return Error{ErrorKind::network, what + " to " + options_.url + " failed: no complete answer within " +
                                           std::to_string(options_.total_timeout_ms) + " ms"};
    };
    for (int attempt = 1;; ++attempt) {
      if (bounded && Clock::now() >= deadline) return timed_out();
      {
        std::lock_guard lock(capture_.mutex);
        capture_.failure.clear();
      }
      Attempt a = exchange(method, path, content_type, body, accept, deadline);
      if (a.failure == Failure::stale && !resent_stale) {
        resent_stale = true;
        --attempt;
        continue;
      }
      if (a.failure != Failure::none) {
        if (bounded && Clock::now() >= deadline) return timed_out();
        if (a.failure == Failure::not_connected && attempt <= options_.max_retries) {
          backoff(-1);
          continue;
        }
        return Error{ErrorKind::network, what + " to " + options_.url + " failed: " + a.detail};
      }
      a.response.attempts = attempt;
      bool retryable = a.response.status == 202 || a.response.status == 503;
      if (!retryable || attempt > options_.max_retries) return std::move(a.response);
      // Exponential backoff with full jitter, unless the server said how long to wait.
      backoff(retry_after_ms(a.response.retry_after));
    }
  }

  // One request and its answer, on the kept-alive connection or a new one.
  Attempt exchange(const char* method, const std::string& path, const std::string& content_type, const std::string& body,
                   const std::string& accept, Clock::time_point deadline) {
    Attempt a;
    auto fail = [&](Failure f, std::string detail) {
      drop();
      a.failure = f;
      a.detail = std::move(detail);
      return a;
    };
    auto read_deadline = [&] { return std::min(deadline, Clock::now() + std::chrono::milliseconds(options_.read_timeout_ms)); };
    // A connection idle longer than servers keep one open is likely closed at the far end.
    if (stream_ && Clock::now() - last_answer_ > kIdleReuse) drop();
    const bool reused = stream_ != nullptr;
    if (!reused) {
      std::string detail;
      Failure f = connect(deadline, detail);
      if (f != Failure::none) return fail(f, detail);
    }

    std::string request = std::string(method) + " " + path + " HTTP/1.1\r\nHost: " + host_header_ + "\r\n";
    if (!accept.empty()) request += "Accept: " + accept + "\r\n";
    if (std::string_view(method) == "POST") {
      request += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    request += "\r\n";
    request += body;  // head and body in one write: one TLS record for a small request
    if (stream_->write_all(request, read_deadline()) != TlsStream::Io::ok)
      return fail(reused ? Failure::stale : Failure::other, "cannot send the request");

    std::string buffer;
    http::ResponseHead head;
    std::size_t head_size = 0;
    while (true) {  // 1xx answers come before the real one and are skipped
      http::Refusal refusal;
      while ((head_size = http::head_end(buffer, refusal)) == 0 && !refusal) {
        TlsStream::Io io = stream_->read_more(buffer, read_deadline());
        if (io == TlsStream::Io::ok) continue;
        if (buffer.empty() && reused && io != TlsStream::Io::timed_out) return fail(Failure::stale, "connection closed");
        return fail(Failure::other, io == TlsStream::Io::timed_out ? "no answer within the read timeout"
                                                                   : "the connection closed before a complete answer");
      }
      if (!refusal) refusal = http::parse_response_head(std::string_view(buffer).substr(0, head_size), max_answer_, head);
      if (refusal) return fail(Failure::other, refusal.status == 413 ? refusal.message : "malformed answer: " + refusal.message);
      buffer.erase(0, head_size);
      if (head.status >= 200) break;
    }

    std::string answer_body;
    const bool no_body = head.status == 204 || head.status == 304;
    auto too_large = [&] { return "the answer's body is larger than the limit of " + std::to_string(max_answer_) + " octets"; };
    auto read_failed = [&](TlsStream::Io io) {
      return fail(Failure::other, io == TlsStream::Io::timed_out ? "no complete answer within the read timeout"
                                                                 : "the connection closed before a complete answer");
    };
    if (no_body) {
      // 204 and 304 carry no body whatever their fields say (RFC 9112 6.3).
    } else if (head.chunked) {
      std::size_t used = 0;
      http::Refusal refusal;
      while (!http::decode_chunks(buffer, used, answer_body, max_answer_, refusal)) {
        if (refusal) return fail(Failure::other, refusal.status == 413 ? too_large() : "malformed answer: " + refusal.message);
        if (TlsStream::Io io = stream_->read_more(buffer, read_deadline()); io != TlsStream::Io::ok) return read_failed(io);
      }
    } else if (head.has_length) {  // within max_answer_: parse_response_head refused a larger one
      while (buffer.size() < head.content_length) {
        if (TlsStream::Io io = stream_->read_more(buffer, read_deadline()); io != TlsStream::Io::ok) return read_failed(io);
      }
      answer_body = buffer.substr(0, head.content_length);
    } else {  // the body runs to the end of the connection
      while (buffer.size() <= max_answer_) {
        TlsStream::Io io = stream_->read_more(buffer, read_deadline());
        if (io == TlsStream::Io::closed) break;
        if (io != TlsStream::Io::ok) return read_failed(io);
      }
      if (buffer.size() > max_answer_) return fail(Failure::other, too_large());
      answer_body = std::move(buffer);
      head.close = true;
    }

    last_answer_ = Clock::now();
    a.response.status = head.status;
    a.response.content_type = head.header("Content-Type");
    a.response.retry_after = head.header("Retry-After");
    a.response.location = head.header("Location");
    a.response.body = std::move(answer_body);
    if (head.close) {
      stream_->close_tls();
      drop();
    }
    return a;
  }

  // A TCP connection and TLS handshake to the endpoint; the detail says why not.
  Failure connect(Clock::time_point deadline, std::string& detail) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(endpoint_.port);
    if (int rc = ::getaddrinfo(endpoint_.host.c_str(), port.c_str(), &hints, &found); rc != 0) {
      detail = "cannot resolve " + endpoint_.host + ": " + ::gai_strerror(rc);
      return Failure::not_connected;
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> list(found, ::freeaddrinfo);
    const auto connect_deadline = std::min(deadline, Clock::now() + std::chrono::milliseconds(options_.connect_timeout_ms));
    int fd = -1;
    detail = "cannot connect";
    for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
      fd = ::socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd < 0) continue;
      int err = ::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
      if (err == EINPROGRESS) {
        pollfd p{fd, POLLOUT, 0};
        int ready = ::poll(&p, 1, remaining_ms(connect_deadline));
        socklen_t length = sizeof err;
        if (ready <= 0) err = ready == 0 ? ETIMEDOUT : errno;
        else if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &length) != 0) err = errno;
      }
      if (err != 0) {
        detail = std::string("cannot connect: ") + std::strerror(err);
        ::close(fd);
        fd = -1;
      }
    }
    if (fd < 0) return Failure::not_connected;
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // small requests: no Nagle stalls
    fd_ = fd;
    SSL* ssl = SSL_new(shared_client_context());
    if (ssl == nullptr || SSL_set_fd(ssl, fd) != 1 ||
        !configure_client_ssl(*ssl, options_.client_certificate, options_.client_chain, options_.client_key, trust_.get(),
                              &capture_, endpoint_.host, options_.check_host_name)) {
      SSL_free(ssl);
      detail = "cannot set up TLS: " + last_tls_error();
      drop();
      return Failure::other;
    }
    stream_ = std::make_unique<TlsStream>(ssl, fd);
    const auto handshake_deadline = std::min(deadline, Clock::now() + std::chrono::milliseconds(options_.read_timeout_ms));
    TlsStream::Io io = stream_->connect(handshake_deadline);
    if (io == TlsStream::Io::ok) return Failure::none;
    const std::string tls_error = last_tls_error();
    drop();
    std::lock_guard lock(capture_.mutex);
    if (!capture_.failure.empty()) {
      detail = "server certificate not trusted: " + capture_.failure;
      return Failure::untrusted;
    }
    detail = io == TlsStream::Io::timed_out ? "TLS handshake timed out" : "TLS handshake failed: " + tls_error;
    return Failure::not_connected;
  }

  void drop() {
    stream_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  ClientOptions options_;
  core::HttpsUrl endpoint_;  // the target is the caller's, per request
  std::string host_header_;
  std::size_t max_answer_;
  core::X509StorePtr trust_;
  ServerCertificateCapture capture_;  // the verify callback writes here during handshakes
  int fd_ = -1;
  std::unique_ptr<TlsStream> stream_;  // the kept-alive connection, if any
  Clock::time_point last_answer_ = Clock::now();
};

}  // namespace

Result<std::unique_ptr<HttpsClient>> HttpsClient::create(const ClientOptions& options) {
  IOTONB_ASSIGN_OR_RETURN(core::HttpsUrl endpoint, core::parse_https_url(options.url));
  if ((options.client_certificate == nullptr) != (options.client_key == nullptr)) {
    return usage_error("HTTPS client: a client certificate needs its key and a key its certificate");
  }
  if (options.trust_mode == ServerTrust::anchors && options.trust.empty()) {
    return usage_error("HTTPS client: no trust anchors for the server at " + options.url);
  }
  if (options.check_host_name && options.trust_mode != ServerTrust::anchors)
    return usage_error("HTTPS client: a host name check needs trust anchors");
  if (options.client_certificate != nullptr &&
      X509_check_private_key(options.client_certificate, options.client_key) != 1)
    return usage_error("HTTPS client: the client key does not belong to the client certificate");
  auto trust = make_trust_store(options.trust);
  if (!trust || shared_client_context() == nullptr) return internal_error("HTTPS client: cannot set up TLS: " + last_tls_error());
  // A server that goes away while a request is written must give EPIPE, not end the process.
  std::signal(SIGPIPE, SIG_IGN);
  return std::unique_ptr<HttpsClient>(std::make_unique<TlsClient>(options, std::move(endpoint), std::move(trust)));
}

}  // namespace iotonb::net
