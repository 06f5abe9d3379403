// HttpsClient over cpp-httplib's SSLClient. httplib's own server verification is left off:
// it would also check the host name, which BRSKI does not use (the pinned domain certificate
// is the trust), and it cannot accept a certificate provisionally. The SSL_CTX's verify
// callback (tls_context.cc) does both jobs instead and keeps what the server sent.
#include "net/https_client.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <random>
#include <thread>

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

  bool configure() {
    return client_.is_valid() &&
           configure_client_context(*client_.ssl_context(), options_.client_certificate, options_.client_chain,
                                    options_.client_key, options_.trust, &capture_);
  }

  Result<ClientResponse> get(const std::string& path, const std::string& accept) override {
    return with_retries([&] { return client_.Get(path.c_str(), headers(accept)); }, "GET " + path);
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
  Result<ClientResponse> with_retries(Send send, const std::string& what) {
    std::minstd_rand jitter(std::random_device{}());
    int wait_ms = options_.first_retry_wait_ms;
    bool resent_stale = false;
    auto backoff = [&](int delay) {
      if (delay < 0) delay = static_cast<int>(jitter() % static_cast<unsigned>(wait_ms + 1));
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(delay, options_.max_retry_wait_ms)));
      wait_ms = std::min(wait_ms * 2, options_.max_retry_wait_ms);
    };
    for (int attempt = 1;; ++attempt) {
      {
        std::lock_guard lock(capture_.mutex);
        capture_.failure.clear();
      }
      // A connection idle longer than servers keep one open is likely closed at the far end.
      auto now = std::chrono::steady_clock::now();
      if (now - last_answer_ > kIdleReuse) client_.stop();
      httplib::Result result = send();
      if (!result) {
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
      response.attempts = attempt;
      bool retryable = response.status == 202 || response.status == 503;
      if (!retryable || attempt > options_.max_retries) return response;
      // Exponential backoff with full jitter, unless the server said how long to wait.
      backoff(retry_after_ms(response.retry_after));
    }
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
  if (!client->configure()) return internal_error("HTTPS client: cannot set up TLS: " + last_tls_error());
  return std::unique_ptr<HttpsClient>(std::move(client));
}

}  // namespace iotonb::net
