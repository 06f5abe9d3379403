// A TLS connection on a non-blocking socket, for the HTTPS server and client: OpenSSL says
// when it must wait, and every wait is one poll() bounded by the caller's deadline, so a
// peer that stalls or trickles costs a bounded time and no thread but the caller's.
#pragma once

#include <openssl/ssl.h>

#include <chrono>
#include <string>
#include <string_view>

#include "core/ossl.h"

namespace iotonb::net {

using Clock = std::chrono::steady_clock;

class TlsStream {
 public:
  enum class Io { ok, closed, timed_out, stopped, failed };

  // Takes ssl (already given its fd). While waiting for data with watch_stop set, a readable
  // stop_fd (an eventfd the server writes when it stops) ends the wait; -1 when there is none.
  TlsStream(SSL* ssl, int fd, int stop_fd = -1) : ssl_(ssl), fd_(fd), stop_fd_(stop_fd) {}

  Io accept(Clock::time_point deadline);
  Io connect(Clock::time_point deadline);
  // Appends what arrives next to buffer.
  Io read_more(std::string& buffer, Clock::time_point deadline, bool watch_stop = false);
  Io write_all(std::string_view data, Clock::time_point deadline);
  // close_notify, without waiting for the peer's.
  void close_tls();
  // After an answer to a request whose rest was not read: closing a socket with unread data
  // makes the kernel reset the connection, and the client may lose the answer with it. So the
  // sending side is shut and what still arrives is read and dropped, for a moment.
  void drain_before_close();

  SSL* ssl() const { return ssl_.get(); }
  int fd() const { return fd_; }

 private:
  // Until fd has `events` (POLLIN, POLLOUT), the deadline passes or, with watch_stop, the
  // server stops.
  Io wait(short events, Clock::time_point deadline, bool watch_stop);
  template <typename Call>
  Io retry(Call call, Clock::time_point deadline, bool watch_stop);

  core::OsslPtr<SSL, SSL_free> ssl_;
  int fd_;
  int stop_fd_;
};

// Milliseconds left until deadline, 0 when it has passed.
int remaining_ms(Clock::time_point deadline);

}  // namespace iotonb::net
