#include "net/tls_stream.h"

#include <openssl/err.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace iotonb::net {

int remaining_ms(Clock::time_point deadline) {
  // Rounded up: a wait that ends on time has reached the deadline, not a fraction before it.
  auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, 1 << 30));
}

TlsStream::Io TlsStream::wait(short events, Clock::time_point deadline, bool watch_stop) {
  watch_stop = watch_stop && stop_fd_ >= 0;
  while (true) {
    pollfd fds[2] = {{fd_, events, 0}, {stop_fd_, POLLIN, 0}};
    int ready = ::poll(fds, watch_stop ? 2 : 1, remaining_ms(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Io::failed;
    if (ready == 0) return Io::timed_out;
    if (watch_stop && (fds[1].revents & POLLIN) != 0) return Io::stopped;
    return Io::ok;
  }
}

template <typename Call>
TlsStream::Io TlsStream::retry(Call call, Clock::time_point deadline, bool watch_stop) {
  while (true) {
    ERR_clear_error();
    int rc = call();
    if (rc > 0) return Io::ok;
    short events = 0;
    switch (SSL_get_error(ssl_.get(), rc)) {
      case SSL_ERROR_WANT_READ: events = POLLIN; break;
      case SSL_ERROR_WANT_WRITE: events = POLLOUT; break;
      case SSL_ERROR_ZERO_RETURN: return Io::closed;
      case SSL_ERROR_SYSCALL: return rc == 0 || errno == ECONNRESET || errno == EPIPE ? Io::closed : Io::failed;
      default: return Io::failed;
    }
    if (Io io = wait(events, deadline, watch_stop); io != Io::ok) return io;
  }
}

TlsStream::Io TlsStream::accept(Clock::time_point deadline) {
  return retry([&] { return SSL_accept(ssl_.get()); }, deadline, false);
}

TlsStream::Io TlsStream::connect(Clock::time_point deadline) {
  return retry([&] { return SSL_connect(ssl_.get()); }, deadline, false);
}

TlsStream::Io TlsStream::read_more(std::string& buffer, Clock::time_point deadline, bool watch_stop) {
  // Nothing buffered in OpenSSL: most reads here wait for the peer's next message, so wait
  // first rather than let SSL_read find the socket empty (a system call and an error path).
  if (SSL_has_pending(ssl_.get()) == 0) {
    if (Io io = wait(POLLIN, deadline, watch_stop); io != Io::ok) return io;
  }
  char chunk[16 * 1024];
  int n = 0;
  Io io = retry([&] { return n = SSL_read(ssl_.get(), chunk, sizeof chunk); }, deadline, watch_stop);
  if (io == Io::ok) buffer.append(chunk, static_cast<std::size_t>(n));
  return io;
}

TlsStream::Io TlsStream::write_all(std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    int n = 0;
    const int size = static_cast<int>(std::min<std::size_t>(data.size(), 1 << 20));
    Io io = retry([&] { return n = SSL_write(ssl_.get(), data.data(), size); }, deadline, false);
    if (io != Io::ok) return io;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Io::ok;
}

void TlsStream::close_tls() {
  ERR_clear_error();
  SSL_shutdown(ssl_.get());
}

void TlsStream::drain_before_close() {
  ::shutdown(fd_, SHUT_WR);
  const auto until = Clock::now() + std::chrono::milliseconds(200);
  char scratch[16 * 1024];
  for (std::size_t drained = 0; drained < (1u << 20);) {
    pollfd fds{fd_, POLLIN, 0};
    if (::poll(&fds, 1, remaining_ms(until)) <= 0) return;
    ssize_t n = ::recv(fd_, scratch, sizeof scratch, 0);
    if (n <= 0) return;
    drained += static_cast<std::size_t>(n);
  }
}

}  // namespace iotonb::net
