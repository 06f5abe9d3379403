// A file descriptor closed on every path out, for the factory's folder writers (device
// folders, ownership voucher batches), which keep an output folder open and write relative to
// it. Internal to lib/factory.
#pragma once

#include <unistd.h>

namespace iotonb::factory {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  void reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int release() {
    int fd = fd_;
    fd_ = -1;
    return fd;
  }

 private:
  int fd_;
};

}  // namespace iotonb::factory
