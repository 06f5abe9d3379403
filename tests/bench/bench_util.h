// What the benchmarks share (CONVENTIONS.md: a benchmark prints the bound it is compared with,
// measured in the same run): stopping on a failed setup step, operations per second, two
// rates measured in alternating slices, and the raw ECDSA rate that bounds the signature
// benchmarks. Not a test framework: nothing here asserts on time.
#pragma once

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <errno.h>  // program_invocation_short_name

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <utility>

#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::bench {

using Clock = std::chrono::steady_clock;

// The value of r, or the program stops naming what failed.
template <typename T>
T must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, what, r.error().message.c_str());
    std::exit(1);
  }
  return std::move(r).value();
}

// Operations per second of op, run in batches of `batch` for at least `seconds`; a failed
// operation stops the program (a benchmark of something broken measures nothing).
inline double rate(const std::function<bool()>& op, double seconds, int batch = 4) {
  long n = 0;
  const auto start = Clock::now();
  double elapsed = 0;
  do {
    for (int i = 0; i < batch; ++i)
      if (!op()) {
        std::fprintf(stderr, "%s: an operation failed\n", program_invocation_short_name);
        std::exit(1);
      }
    n += batch;
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < seconds);
  return static_cast<double>(n) / elapsed;
}

// The rates of a and b over 2 x seconds, measured in alternating slices of 50 ms, so a change
// in the machine's load during the run moves both figures alike and their ratio stays fair.
inline std::pair<double, double> paired_rates(const std::function<bool()>& a, const std::function<bool()>& b,
                                              double seconds) {
  double sum_a = 0, sum_b = 0;
  int slices = 0;
  for (auto start = Clock::now(); std::chrono::duration<double>(Clock::now() - start).count() < 2 * seconds; ++slices) {
    sum_a += rate(a, 0.05);
    sum_b += rate(b, 0.05);
  }
  return {sum_a / slices, sum_b / slices};
}

// ECDSA with a key at OpenSSL's best, as `openssl speed ecdsap256` measures it: one context
// per direction, reused, over a precomputed SHA-256 digest. The bound every signature
// benchmark is set against.
class RawEcdsa {
 public:
  explicit RawEcdsa(EVP_PKEY* key)
      : sign_ctx_(EVP_PKEY_CTX_new(key, nullptr)), verify_ctx_(EVP_PKEY_CTX_new(key, nullptr)) {
    SHA256(reinterpret_cast<const unsigned char*>("bound"), 5, digest_);
    EVP_PKEY_sign_init(sign_ctx_.get());
    EVP_PKEY_verify_init(verify_ctx_.get());
    EVP_PKEY_sign(sign_ctx_.get(), sig_, &sig_len_, digest_, sizeof digest_);
  }
  bool sign() {
    std::size_t len = sizeof scratch_;  // sig_ stays the signature verify() checks
    return EVP_PKEY_sign(sign_ctx_.get(), scratch_, &len, digest_, sizeof digest_) == 1;
  }
  bool verify() { return EVP_PKEY_verify(verify_ctx_.get(), sig_, sig_len_, digest_, sizeof digest_) == 1; }

 private:
  core::EvpPkeyCtxPtr sign_ctx_, verify_ctx_;
  unsigned char digest_[SHA256_DIGEST_LENGTH];
  unsigned char sig_[128];
  std::size_t sig_len_ = sizeof sig_;
  unsigned char scratch_[128];
};

// "WHAT  N /s  P% of BOUND (target >= T%)"
inline void report(const char* what, double value, double bound, const char* bound_name, double target) {
  std::printf("%-34s %9.0f /s   %5.1f%% of %s (target >= %.0f%%)\n", what, value, 100.0 * value / bound, bound_name,
              target);
}

}  // namespace iotonb::bench
