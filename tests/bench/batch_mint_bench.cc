// Batch minting throughput next to its bound (CONVENTIONS.md: a benchmark prints the figure
// it is compared with, measured in the same run). Not a test: nothing here asserts on time.
//
//   batch_mint_bench [--count N] [--jobs J] [--dir PARENT] [--csv] [--no-bound] [--no-sync] [--keep]
//
// --csv mints from a generated N-row CSV manifest instead of a serial format, so the
// streamed manifest reader and its duplicate check are part of the figures.
//
// 1. mint_batch: N P-256 IDevIDs (count mode) into a fresh folder under PARENT (default
//    $TMPDIR or /tmp), all cores, ledger and syncfs included: devices/s, and the peak RSS
//    (getrusage ru_maxrss) right after it, which is what `--count 1000000` is for.
// 2. The bound: P-256 key generation and certificate signing (X509_sign) at OpenSSL's best,
//    on the same number of threads, in memory, no I/O; and, for the breakdown, the batch's
//    own per-device work (key, pki::issue_idevid, PEM) without files or ledger.
// Target: >= 10,000 devices/s and >= 25% of the bound.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/ossl.h"
#include "factory/batch_mint.h"
#include "factory/device_keygen.h"
#include "factory/test_ca.h"
#include "pki/serial.h"

namespace {

using namespace iotonb;
using Clock = std::chrono::steady_clock;

struct Args {
  std::size_t count = 20000;
  unsigned jobs = 0;
  std::string dir;
  bool bound = true;
  bool sync = true;
  bool keep = false;
  bool csv = false;
};

bool parse_args(int argc, char** argv, Args& args) {
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--count") {
      const char* v = value();
      if (v == nullptr) return false;
      args.count = std::strtoull(v, nullptr, 10);
    } else if (a == "--jobs") {
      const char* v = value();
      if (v == nullptr) return false;
      args.jobs = static_cast<unsigned>(std::strtoul(v, nullptr, 10));
    } else if (a == "--dir") {
      const char* v = value();
      if (v == nullptr) return false;
      args.dir = v;
    } else if (a == "--no-bound") {
      args.bound = false;
    } else if (a == "--no-sync") {
      args.sync = false;
    } else if (a == "--csv") {
      args.csv = true;
    } else if (a == "--keep") {
      args.keep = true;
    } else {
      return false;
    }
  }
  return args.count > 0;
}

long peak_rss_kib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;  // KiB on Linux
}

// Runs body(thread_state) count times over `jobs` threads; devices per second.
template <typename State, typename Body>
double per_second(std::size_t count, unsigned jobs, Body body) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  auto run = [&] {
    State state;
    while (next.fetch_add(1) < count)
      if (!body(state)) return failed.store(true);
  };
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < jobs; ++t) threads.emplace_back(run);
  for (auto& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (failed) std::fprintf(stderr, "a measurement failed: %s\n", core::openssl_errors().c_str());
  return static_cast<double>(count) / seconds;
}

// The bound: the cryptography a device cannot do without, at OpenSSL's best. A P-256 key
// from a per-thread keygen context, and X509_sign of an IDevID (a template certificate with
// a fresh serial each time) with the CA key. No certificate building, no encoding, no I/O.
double measure_bound(const pki::IssuingCa& ca, std::size_t count, unsigned jobs) {
  pki::IdevidRequest request;
  request.device_serial = "SN-0000001";
  request.hw_type = "1.3.6.1.4.1.99999.1";
  request.masa_url = "masa.example.com:9443";
  request.cert_serial = pki::derived_serial("bench", "template");
  auto template_key = pki::generate_key(pki::KeyType::p256);
  auto templ = pki::issue_idevid(request, template_key->get(), ca);
  if (!templ) return 0;
  struct State {
    core::EvpPkeyCtxPtr keygen{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
    core::OsslPtr<EVP_MD, EVP_MD_free> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
    core::X509Ptr cert;
    bool ready = false;
  };
  X509* shared_template = templ->get();
  return per_second<State>(count, jobs, [&](State& s) {
    if (!s.ready) {
      s.cert.reset(X509_dup(shared_template));
      s.ready = EVP_PKEY_keygen_init(s.keygen.get()) == 1 && EVP_PKEY_CTX_set_group_name(s.keygen.get(), "P-256") == 1;
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_generate(s.keygen.get(), &raw) != 1) return false;
    core::EvpPkeyPtr key(raw);
    auto serial = pki::random_serial();
    core::BignumPtr bn(BN_bin2bn(serial->data(), static_cast<int>(serial->size()), nullptr));
    BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(s.cert.get()));
    return X509_sign(s.cert.get(), ca.signer->key(), s.md.get()) > 0;
  });
}

// The batch's own per-device work without files, ledger or threads handing over: key
// (factory's generator), pki::issue_idevid, certificate and key PEM.
double measure_in_memory(const pki::IssuingCa& ca, std::size_t count, unsigned jobs) {
  struct State {
    factory::DeviceKeyGenerator keygen{pki::KeyType::p256};
    std::size_t n = 0;
  };
  return per_second<State>(count, jobs, [&](State& s) {
    pki::IdevidRequest request;
    request.device_serial = "SN-" + std::to_string(++s.n);
    request.hw_type = "1.3.6.1.4.1.99999.1";
    request.masa_url = "masa.example.com:9443";
    auto key = s.keygen.generate();
    auto serial = pki::random_serial();
    if (!key || !serial) return false;
    request.cert_serial = std::move(*serial);
    auto cert = pki::issue_idevid(request, key->get(), ca);
    if (!cert) return false;
    auto pem = pki::private_key_to_pem(key->get(), nullptr);
    return pem.ok() && !pki::certificate_pem(cert->get()).empty();
  });
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!parse_args(argc, argv, args)) {
    std::fprintf(stderr, "usage: batch_mint_bench [--count N] [--jobs J] [--dir PARENT] [--csv] [--no-bound] [--no-sync] [--keep]\n");
    return 2;
  }
  const unsigned jobs = args.jobs != 0 ? args.jobs : std::max(1u, std::thread::hardware_concurrency());
  if (args.dir.empty()) args.dir = std::getenv("TMPDIR") != nullptr ? std::getenv("TMPDIR") : "/tmp";
  std::string work = args.dir + "/iotonb-bench-XXXXXX";
  if (::mkdtemp(work.data()) == nullptr) {
    std::perror(work.c_str());
    return 1;
  }
  auto ca = testing::make_test_ca();
  if (!ca) {
    std::fprintf(stderr, "%s\n", ca.error().message.c_str());
    return 1;
  }

  factory::BatchOptions options;
  if (args.csv) {
    options.manifest_path = work + "/devices.csv";
    std::FILE* f = std::fopen(options.manifest_path.c_str(), "w");
    if (f == nullptr) {
      std::perror(options.manifest_path.c_str());
      return 1;
    }
    std::fprintf(f, "serial,hw_type\n");
    for (std::size_t i = 1; i <= args.count; ++i) std::fprintf(f, "SN-%07zu,1.3.6.1.4.1.99999.2\n", i);
    std::fclose(f);
  } else {
    options.serial_format = "SN-{:07}";
    options.count = args.count;
  }
  options.out_dir = work + "/out";
  options.jobs = jobs;
  options.sync_at_end = args.sync;
  options.defaults.hw_type = "1.3.6.1.4.1.99999.1";
  options.defaults.masa_url = "masa.example.com:9443";
  const auto start = Clock::now();
  auto summary = factory::mint_batch(options, *ca, {});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const long rss = peak_rss_kib();
  if (!summary) {
    std::fprintf(stderr, "mint_batch: %s\n", summary.error().message.c_str());
    return 1;
  }
  const double rate = static_cast<double>(summary->minted) / seconds;
  std::printf("batch:  %zu P-256 IDevIDs to %s on %u threads in %.2f s: %.0f devices/s%s\n", summary->minted,
              options.out_dir.c_str(), jobs, seconds, rate, args.sync ? " (syncfs at the end included)" : "");
  std::printf("peak RSS after the batch: %.1f MiB\n", static_cast<double>(rss) / 1024.0);
  if (args.bound) {
    const std::size_t n = std::min<std::size_t>(args.count, 20000);
    const double bound = measure_bound(*ca, n, jobs);
    const double in_memory = measure_in_memory(*ca, n, jobs);
    std::printf("bound:  P-256 key generation + X509_sign, no I/O, %u threads: %.0f devices/s\n", jobs, bound);
    std::printf("        (the batch's key + pki::issue_idevid + PEM, no I/O: %.0f devices/s)\n", in_memory);
    std::printf("ratio:  batch = %.0f%% of the bound\n", 100.0 * rate / bound);
  }
  if (!args.keep) {
    std::error_code ec;
    std::filesystem::remove_all(work, ec);
  } else {
    std::printf("kept %s\n", work.c_str());
  }
  return 0;
}
