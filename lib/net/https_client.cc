// HttpsClient over cpp-httplib's SSLClient. httplib's own server verification is left off:
// it would also check the host name, which BRSKI does not use (the pinned domain certificate
// is the trust), and it cannot accept a certificate provisionally. The SSL_CTX's verify
// callback (tls_context.cc) does both jobs instead and keeps what the server sent; where a
// caller wants the host name checked, OpenSSL's verifier does it inside the same callback.
#include "net/https_client.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "net/tls_context.h"

namespace iotonb::net {
namespace {

struct Endpoint {
  std::string host;
  int port = 443;
};

Result<Endpoint> parse_url(const std::string& url) {
  constexpr std::string_view scheme = "https://";
  if (url.compare(0, scheme.size(), scheme) != 0) return usage_error("URL must start with https://: " + url);
  std::string_view rest = std::string_view(url).substr(scheme.size());
  rest = rest.substr(0, rest.find('/'));
  Endpoint endpoint;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
    auto close = rest.find(']');
    if (close == std::string_view::npos) return usage_error("URL has an unclosed IPv6 address: " + url);
    endpoint.host = std::string(rest.substr(1, close - 1));
    rest.remove_prefix(close + 1);
  } else {
    auto colon = rest.find(':');
    endpoint.host = std::string(rest.substr(0, colon));
    rest.remove_prefix(colon == std::string_view::npos ? rest.size() : colon);
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return usage_error("URL has junk after the host: " + url);
    rest.remove_prefix(1);
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), endpoint.port);
    if (ec != std::errc() || end != rest.data() + rest.size() || endpoint.port <= 0 || endpoint.port > 65535) {
      return usage_error("URL has a bad port: " + url);
    }
  }
  if (endpoint.host.empty()) return usage_error("URL has no host: " + url);
  return endpoint;
}

// Retry-After in delay-seconds (RFC 9110 10.2.3); an HTTP-date is not worth the parser here,
// so it falls back to the backoff.
int retry_after_ms(const std::string& header) {
  int seconds = 0;
  auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) return -1;
  return seconds > 3600 ? 3600 * 1000 : seconds * 1000;
}

class HttplibClient final : public HttpsClient {
 public:
  HttplibClient(const ClientOptions& options, const Endpoint& endpoint)
      : options_(options),
        client_(endpoint.host, endpoint.port, const_cast<X509*>(options.client_certificate),
                const_cast<EVP_PKEY*>(options.client_key)) {
    capture_.provisional = options.trust_mode == ServerTrust::provisional;
    client_.enable_server_certificate_verification(false);  // our verify callback decides
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);  // small requests and answers: no Nagle/delayed-ACK stalls
    client_.set_connection_timeout(options.connect_timeout_ms / 1000, (options.connect_timeout_ms % 1000) * 1000);
    client_.set_read_timeout(options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000);
    client_.set_write_timeout(options.read_timeout_ms / 1000, (options.read_timeout_ms % 1000) * 1000);
  }

  bool configure(const std::string& host) {
    if (!client_.is_valid() ||
        !configure_client_context(*client_.ssl_context(), options_.client_certificate, options_.client_chain,
                                  options_.client_key, options_.trust, &capture_))
      return false;
    if (!options_.check_host_name) return true;
    // The verifier checks the name with the chain, so a mismatch fails the handshake like an
    // untrusted chain and is reported by the same callback ("hostname mismatch").
    X509_VERIFY_PARAM* param = SSL_CTX_get0_param(client_.ssl_context());
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str()) == 1) return true;
    ERR_clear_error();  // not an IP address: a DNS name
    return X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size()) == 1;
  }

  Result<ClientResponse> get(const std::string& path, const std::string& accept) override {
    if (options_.max_body == 0)
      return with_retries([&] { return client_.Get(path.c_str(), headers(accept)); }, "GET " + path);
    // The body is taken as it arrives, so an oversized answer is dropped at the limit rather
    // than read whole; a Content-Length over the limit is refused before any of the body.
    std::string abort_reason;
    auto too_large = [&] {
      abort_reason = "the answer's body is larger than the limit of " + std::to_string(options_.max_body) + " octets";
      return false;
    };
    return with_retries(
        [&] {
          std::string body;
          abort_reason.clear();
          httplib::Request request;
          request.method = "GET";
          request.path = path;
          request.headers = headers(accept);
          request.response_handler = [&](const httplib::Response& response) {
            std::string length = response.get_header_value("Content-Length");
            std::size_t declared = 0;
            auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), declared);
            if (!length.empty() && (ec == std::errc::result_out_of_range ||
                                    (ec == std::errc() && end == length.data() + length.size() && declared > options_.max_body)))
              return too_large();
            return true;
          };
          request.content_receiver = [&](const char* data, std::size_t size, std::uint64_t, std::uint64_t) {
            if (size > options_.max_body - body.size()) return too_large();
            body.append(data, size);
            return true;
          };
          httplib::Result result = client_.send(request);
          if (result) result->body = std::move(body);
          return result;
        },
        "GET " + path, &abort_reason);
  }

  Result<ClientResponse> post(const std::string& path, const std::string& content_type, const std::string& body,
                              const std::string& accept) override {
    return with_retries([&] { return client_.Post(path.c_str(), headers(accept), body, content_type.c_str()); },
                        "POST " + path);
  }

  const std::vector<core::X509Ptr>& server_certificates() const override { return capture_.certificates; }

  Status trust_only(const std::vector<const X509*>& anchors) override {
    if (anchors.empty()) return usage_error("HTTPS client: no trust anchors to pin");
    if (!set_anchors(*client_.ssl_context(), anchors)) return internal_error("HTTPS client: " + last_tls_error());
    std::lock_guard lock(capture_.mutex);
    capture_.provisional = false;
    return ok_status();
  }

 private:
  static httplib::Headers headers(const std::string& accept) {
    httplib::Headers h;
    if (!accept.empty()) h.emplace("Accept", accept);
    return h;
  }

  // Retried: 202 and 503 answers (RFC 8995 5.6, RFC 7030 4.2.3), and failures to connect
  // (refused, handshake timed out: a server at its connection limit) where no request
  // reached the server. A request written into a kept-alive connection the server had
  // already closed is sent once more on a new connection. Not retried: a server certificate
  // that does not verify, and failures after the request was sent.
  template <typename Send>
  Result<ClientResponse> with_retries(Send send, const std::string& what, const std::string* abort_reason = nullptr) {
    std::optional<std::minstd_rand> jitter;  // seeded on the first backoff: most requests never wait
    int wait_ms = options_.first_retry_wait_ms;
    bool resent_stale = false;
    const bool bounded = options_.total_timeout_ms > 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.total_timeout_ms);
    auto backoff = [&](int delay) {
      if (delay < 0) {
        if (!jitter) jitter.emplace(std::random_device{}());
        delay = static_cast<int>((*jitter)() % static_cast<unsigned>(wait_ms + 1));
      }
      auto pause = std::chrono::milliseconds(std::min(delay, options_.max_retry_wait_ms));
      if (bounded) pause = std::min(pause, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::max(deadline - std::chrono::steady_clock::now(),
                                                        std::chrono::steady_clock::duration::zero())));
      std::this_thread::sleep_for(pause);
      wait_ms = std::min(wait_ms * 2, options_.max_retry_wait_ms);
    };
    auto timed_out = [&] {
      return Error{ErrorKind::network, what + " to " + options_.url + " failed: no complete answer within " +
                                           std::to_string(options_.total_timeout_ms) + " ms"};
    };
    for (int attempt = 1;; ++attempt) {
      if (bounded && std::chrono::steady_clock::now() >= deadline) return timed_out();
      {
        std::lock_guard lock(capture_.mutex);
        capture_.failure.clear();
      }
      // A connection idle longer than servers keep one open is likely closed at the far end.
      auto now = std::chrono::steady_clock::now();
      if (now - last_answer_ > kIdleReuse) client_.stop();
      bool deadline_hit = false;
      httplib::Result result = bounded ? send_before(deadline, send, deadline_hit) : send();
      if (!result) {
        if (deadline_hit) return timed_out();
        if (abort_reason != nullptr && !abort_reason->empty())
          return Error{ErrorKind::network, what + " to " + options_.url + " failed: " + *abort_reason};
        httplib::Error error = result.error();
        if (error == httplib::Error::Write && !resent_stale) {
          resent_stale = true;
          client_.stop();
          --attempt;
          continue;
        }
        bool untrusted = false;
        {
          std::lock_guard lock(capture_.mutex);
          untrusted = !capture_.failure.empty();
        }
        bool not_connected = error == httplib::Error::Connection || error == httplib::Error::ConnectionTimeout ||
                             error == httplib::Error::SSLConnection;
        if (not_connected && !untrusted && attempt <= options_.max_retries) {
          backoff(-1);
          continue;
        }
        return transport_error(error, what);
      }
      last_answer_ = std::chrono::steady_clock::now();
      ClientResponse response;
      response.status = result->status;
      response.content_type = result->get_header_value("Content-Type");
      response.body = std::move(result->body);
      response.retry_after = result->get_header_value("Retry-After");
      response.location = result->get_header_value("Location");
      response.attempts = attempt;
      bool retryable = response.status == 202 || response.status == 503;
      if (!retryable || attempt > options_.max_retries) return response;
      // Exponential backoff with full jitter, unless the server said how long to wait.
      backoff(retry_after_ms(response.retry_after));
    }
  }

  // send() with a watchdog that shuts the socket down at the deadline: httplib's timeouts
  // bound each read, not a whole answer a server trickles one byte at a time. httplib's stop()
  // is made for this (it only shuts the socket down while a request is in flight).
  template <typename Send>
  httplib::Result send_before(std::chrono::steady_clock::time_point deadline, Send& send, bool& deadline_hit) {
    std::mutex mutex;
    std::condition_variable done_changed;
    bool done = false;
    bool fired = false;
    std::thread watchdog([&] {
      std::unique_lock lock(mutex);
      if (done_changed.wait_until(lock, deadline, [&] { return done; })) return;
      fired = true;
      lock.unlock();
      client_.stop();
    });
    httplib::Result result = send();
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    done_changed.notify_all();
    watchdog.join();
    deadline_hit = fired;
    return result;
  }

  // Servers close idle connections after a while (ours after 1 s, https_server.cc).
  static constexpr std::chrono::milliseconds kIdleReuse{500};

  Error transport_error(httplib::Error error, const std::string& what) {
    std::string detail = httplib::to_string(error);
    {
      std::lock_guard lock(capture_.mutex);
      if (!capture_.failure.empty()) detail = "server certificate not trusted: " + capture_.failure;
    }
    return Error{ErrorKind::network, what + " to " + options_.url + " failed: " + detail};
  }

  ClientOptions options_;
  ServerCertificateCapture capture_;  // before client_: the SSL_CTX points at it
  httplib::SSLClient client_;
  std::chrono::steady_clock::time_point last_answer_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<std::unique_ptr<HttpsClient>> HttpsClient::create(const ClientOptions& options) {
  IOTONB_ASSIGN_OR_RETURN(Endpoint endpoint, parse_url(options.url));
  if ((options.client_certificate == nullptr) != (options.client_key == nullptr)) {
    return usage_error("HTTPS client: a client certificate needs its key and a key its certificate");
  }
  if (options.trust_mode == ServerTrust::anchors && options.trust.empty()) {
    return usage_error("HTTPS client: no trust anchors for the server at " + options.url);
  }
  auto client = std::make_unique<HttplibClient>(options, endpoint);
  if (options.check_host_name && options.trust_mode != ServerTrust::anchors)
    return usage_error("HTTPS client: a host name check needs trust anchors");
  if (!client->configure(endpoint.host)) return internal_error("HTTPS client: cannot set up TLS: " + last_tls_error());
  return std::unique_ptr<HttpsClient>(std::move(client));
}

}  // namespace iotonb::net
