// Complete onboarding sessions per second with 50 pledges at once (issue 4), next to the raw
// mutual-TLS handshake rate against the same registrar in the same run (CONVENTIONS.md: a
// benchmark prints the bound it is compared with). Not a test: nothing here asserts on time.
//
//   onboarding_bench [--pledges N] [--seconds S] [--device-dir DIR]   (defaults 50, 5, /dev/shm)
//
// Everything runs in this process on loopback, as tests/e2e does: the MASA and the registrar
// services (real TLS, SQLite stores in a temporary folder) and N pledge threads, each running
// service::enroll, the session `iotonb enroll` runs, for one fresh device after another:
// provisional TLS with the IDevID, cacerts, voucher request relayed to the MASA, voucher and
// registrar checks, voucher_status, key generation and simpleenroll, enrollstatus, the
// network profile, all on one connection, and the device state written to disk.
//
// The bound: N threads doing nothing but full TLS handshakes (new connection, no session
// resumption, the IDevID as client certificate) against the same registrar, measured before
// and after the sessions; the figure is their mean. A session makes one such handshake of its
// own (about 1.07 connections per session were counted: the pledge's, and now and then one of
// the registrar's kept-alive connections to the MASA), so 100% would be a session that did
// nothing but its handshake. Target: at least 30%.
//
// The MASA's and the registrar's stores live under the system temporary folder (TMPDIR), on
// disk. The devices' state folders (birth identity in, enrollment written as one commit at the
// end of every session) go to --device-dir, by default /dev/shm: in the field each device
// writes to its own flash, not to the registrar's disk. On this machine's ext4 (no journal),
// creating a file within minutes of many deletions scans the recently deleted inodes one at a
// time, so 50 simulated devices sharing the server's disk would charge the sessions a cost no
// deployment has (runs fell from 23% to 13% one after the other as earlier runs' deletions
// piled up). --device-dir "$TMPDIR" measures that too.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "e2e/onboarding_world.h"

namespace {

using namespace iotonb;
using Clock = std::chrono::steady_clock;

// CPU seconds this process has used (all threads: pledges, registrar, MASA), so each phase's
// cost per operation can be compared without the noise a throughput figure carries.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// Handshakes per second by `threads` clients, each connecting, completing a mutual-TLS
// handshake and closing, for `seconds`.
struct Rate {
  double per_second = 0;
  double cpu_ms_each = 0;  // process CPU per completed operation
};

Rate handshake_rate(int port, const test::Device& device, int threads, double seconds) {
  core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_session_cache_mode(ctx.get(), SSL_SESS_CACHE_OFF);
  SSL_CTX_use_certificate(ctx.get(), device.idevid.get());
  SSL_CTX_use_PrivateKey(ctx.get(), device.key.get());
  std::atomic<long> done{0};
  std::atomic<bool> failed{false};
  auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (Clock::now() < deadline) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        if (ok) {
          core::OsslPtr<SSL, SSL_free> ssl(SSL_new(ctx.get()));
          SSL_set_fd(ssl.get(), fd);
          ok = SSL_connect(ssl.get()) == 1;
          // In TLS 1.3 the client's certificate and Finished reach the server after
          // SSL_connect returns; closing and reading to the end makes the server process
          // them (and its session tickets) before the handshake counts.
          if (ok) {
            SSL_shutdown(ssl.get());
            char buffer[256];
            while (SSL_read(ssl.get(), buffer, sizeof buffer) > 0) {
            }
          }
        }
        ::close(fd);
        if (ok) ++done;
        else failed = true;
      }
    });
  }
  auto start = Clock::now();
  const double cpu_start = cpu_seconds();
  for (auto& w : workers) w.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) std::fprintf(stderr, "onboarding_bench: some handshakes failed\n");
  const double count = static_cast<double>(std::max(1L, done.load()));
  return {static_cast<double>(done.load()) / elapsed, 1000 * (cpu_seconds() - cpu_start) / count};
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int pledges = 50;
  double seconds = 5;
  std::string device_dir = std::filesystem::is_directory("/dev/shm") ? "/dev/shm" : "";
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--pledges") && i + 1 < argc) pledges = std::atoi(argv[++i]);
    else if (!std::strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = std::atof(argv[++i]);
    else if (!std::strcmp(argv[i], "--device-dir") && i + 1 < argc) device_dir = argv[++i];
    else {
      std::fprintf(stderr, "usage: onboarding_bench [--pledges N] [--seconds S] [--device-dir DIR]\n");
      return 2;
    }
  }
  try {
    test::OnboardingWorld world("bench", device_dir);
    std::printf("stores in %s, device state folders in %s\n", std::filesystem::temp_directory_path().c_str(),
                device_dir.empty() ? std::filesystem::temp_directory_path().c_str() : device_dir.c_str());
    world.start_masa();
    world.start_registrar("", "limits: {threads: " + std::to_string(std::max(64, 2 * pledges + 8)) + "}\n");

    // Enough devices that the pledges do not run out within the time given.
    const std::size_t devices = static_cast<std::size_t>(std::max(200.0, seconds * 800));
    std::vector<const test::Device*> sold;
    for (std::size_t i = 0; i < devices; ++i) {
      char serial[32];
      std::snprintf(serial, sizeof serial, "BENCH-%06zu", i);
      sold.push_back(&world.add_device(serial));
    }
    world.sell(sold);
    int port = world.registrar->port();

    const Rate before = handshake_rate(port, *sold.front(), pledges, std::min(3.0, seconds));

    std::atomic<std::size_t> next{0};
    std::atomic<long> failures{0};
    std::vector<std::vector<double>> latencies(static_cast<std::size_t>(pledges));
    std::mutex steps_mutex;
    std::map<std::string, double> step_ms;  // summed over all sessions, per step
    auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    std::vector<std::thread> threads;
    auto start = Clock::now();
    const double cpu_start = cpu_seconds();
    for (int t = 0; t < pledges; ++t) {
      threads.emplace_back([&, t] {
        while (Clock::now() < deadline) {
          std::size_t i = next++;
          if (i >= sold.size()) return;
          auto began = Clock::now();
          auto r = service::enroll(world.enroll_options(*sold[i]));
          if (!r) {
            if (failures++ == 0) std::fprintf(stderr, "onboarding_bench: %s\n", r.error().message.c_str());
            continue;
          }
          latencies[static_cast<std::size_t>(t)].push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - began).count());
          std::lock_guard lock(steps_mutex);
          for (const auto& step : r->steps) step_ms[step.step] += step.ms;
        }
      });
    }
    for (auto& t : threads) t.join();
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const double session_cpu = cpu_seconds() - cpu_start;

    const Rate after = handshake_rate(port, *sold.front(), pledges, std::min(3.0, seconds));

    std::vector<double> all;
    for (const auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
    double sessions = static_cast<double>(all.size()) / elapsed;
    double handshakes = (before.per_second + after.per_second) / 2;
    std::printf("mutual-TLS handshakes, %d clients     %8.0f /s   (bound: %.0f before, %.0f after the sessions)\n",
                pledges, handshakes, before.per_second, after.per_second);
    std::printf("onboarding sessions, %d pledges       %8.1f /s   %5.1f%% of the handshake rate (target >= 30%%)\n",
                pledges, sessions, 100.0 * sessions / handshakes);
    std::printf("  session latency p50 %.1f ms, p99 %.1f ms; %zu sessions in %.1f s, %ld failed\n",
                percentile(all, 0.50), percentile(all, 0.99), all.size(), elapsed, failures.load());
    const double session_cpu_ms = 1000 * session_cpu / static_cast<double>(std::max<std::size_t>(1, all.size()));
    const double handshake_cpu_ms = (before.cpu_ms_each + after.cpu_ms_each) / 2;
    std::printf("  CPU (all threads) per session %.2f ms, per handshake %.2f ms: a session costs %.2f handshakes (%.1f%%)\n",
                session_cpu_ms, handshake_cpu_ms, session_cpu_ms / handshake_cpu_ms, 100.0 * handshake_cpu_ms / session_cpu_ms);
    std::printf("  records at the registrar: %zu\n", test::must(world.registrar->store().device_count(), "count"));
    std::printf("  mean per session:");
    for (const auto& [step, ms] : step_ms) std::printf(" %s %.1f ms,", step.c_str(), ms / static_cast<double>(all.size()));
    std::printf("\n");
    return failures ? 1 : 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "onboarding_bench: %s\n", e.what());
    return 1;
  }
}
