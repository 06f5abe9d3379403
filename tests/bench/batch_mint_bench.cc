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
//    (getrusage ru_maxrss) right after it, which is what `--count 1000000` is for; and the
//    CPU time it took per device, which a busy shared machine distorts far less.
// 2. The bound: P-256 key generation and an ECDSA P-256/SHA-256 signature over an IDevID's
//    TBSCertificate, at OpenSSL's best, on the same number of threads, in memory, no I/O.
//    "Best" is the faster of OpenSSL's two ways in: the EC_KEY/ECDSA functions (deprecated
//    in 3.0, but the shortest path into the same P-256 code; one EC_KEY per thread,
//    overwritten by each new key) and EVP with every context made once per thread and
//    reused (EVP_PKEY_generate, EVP_PKEY_sign of the digest). The
//    X509_sign figure the bound used to be (a keygen context reused, but X509_sign
//    re-encoding the certificate and setting up its signing context each time) is printed
//    for comparison. And, for the breakdown, the batch's own per-device work (key,
//    pki::IdevidIssuer, PEM, fingerprint) without files, ledger or hand-overs.
// 3. Files alone: the same folders (mkdir, three files, rename) and syncfs through the
//    batch's own folder writer, with no cryptography: the ceiling the disk sets, which the
//    batch cannot pass however cheap its keys and signatures become.
// Target: >= 10,000 devices/s and >= 25% of the bound.
//
// Files cost the kernel more than the cryptography costs: four inodes and a rename per
// device. Compare file systems with that in mind, and on ext4 without a journal (as on the
// development VMs) wait some minutes after deleting many files on the same file system,
// the previous run's clean-up included: ext4 then skips over recently deleted inodes one
// by one when it allocates new ones (fs/ext4/ialloc.c, recently_deleted()), which can cost
// more per device than everything else together.
//
// The EC_KEY half of the bound needs the deprecated declarations.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/ec.h>
#include <openssl/sha.h>
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/encoding.h"
#include "core/ossl.h"
#include "core/files.h"
#include "factory/batch_mint.h"
#include "factory/device_folder.h"
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

// CPU seconds this process has used, user and system: a figure that, unlike devices/s, other
// people's builds on the same cores barely move.
struct CpuTime {
  double user = 0;
  double system = 0;
};
CpuTime cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return {seconds(usage.ru_utime), seconds(usage.ru_stime)};
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

// The TBSCertificate every bound iteration signs: a real IDevID's, as the batch makes it.
Bytes template_tbs(const pki::IssuingCa& ca) {
  pki::IdevidRequest request;
  request.device_serial = "SN-0000001";
  request.hw_type = "1.3.6.1.4.1.99999.1";
  request.masa_url = "masa.example.com:9443";
  request.cert_serial = pki::derived_serial("bench", "template");
  auto key = pki::generate_key(pki::KeyType::p256);
  auto cert = key ? pki::issue_idevid(request, key->get(), ca) : Result<core::X509Ptr>(key.error());
  if (!cert) return {};
  unsigned char* der = nullptr;
  const int len = i2d_re_X509_tbs(cert->get(), &der);
  core::OsslBytesPtr owned(der);
  return len > 0 ? Bytes(der, der + len) : Bytes{};
}

// Key generation and signing through the EC_KEY/ECDSA functions: no EVP layer at all, and
// one EC_KEY per thread that each new key overwrites (EC_KEY_new takes a global lock).
double bound_ec_key(const pki::IssuingCa& ca, ByteView tbs, std::size_t count, unsigned jobs) {
  const EC_KEY* ca_key = EVP_PKEY_get0_EC_KEY(ca.signer->key());
  struct State {
    core::OsslPtr<EC_KEY, EC_KEY_free> key{EC_KEY_new_by_curve_name(NID_X9_62_prime256v1)};
  };
  return per_second<State>(count, jobs, [&](State& s) {
    if (!s.key || EC_KEY_generate_key(s.key.get()) != 1) return false;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(tbs.data(), tbs.size(), digest);
    core::EcdsaSigPtr sig(ECDSA_do_sign(digest, sizeof digest, const_cast<EC_KEY*>(ca_key)));
    return sig != nullptr;
  });
}

// The same through EVP, every context made once per thread and reused.
double bound_evp(const pki::IssuingCa& ca, ByteView tbs, std::size_t count, unsigned jobs) {
  struct State {
    core::EvpPkeyCtxPtr keygen{EVP_PKEY_CTX_new_from_name(nullptr, "EC", nullptr)};
    core::EvpPkeyCtxPtr sign;
    core::OsslPtr<EVP_MD, EVP_MD_free> md{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
    bool ready = false;
  };
  return per_second<State>(count, jobs, [&](State& s) {
    if (!s.ready) {
      s.sign.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, ca.signer->key(), nullptr));
      s.ready = s.keygen && s.sign && s.md && EVP_PKEY_keygen_init(s.keygen.get()) == 1 &&
                EVP_PKEY_CTX_set_group_name(s.keygen.get(), "P-256") == 1 && EVP_PKEY_sign_init(s.sign.get()) == 1 &&
                EVP_PKEY_CTX_set_signature_md(s.sign.get(), s.md.get()) == 1;
      if (!s.ready) return false;
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_generate(s.keygen.get(), &raw) != 1) return false;
    core::EvpPkeyPtr key(raw);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    unsigned char sig[80];
    std::size_t sig_len = sizeof sig;
    SHA256(tbs.data(), tbs.size(), digest);
    return EVP_PKEY_sign(s.sign.get(), sig, &sig_len, digest, sizeof digest) == 1;
  });
}

// What the bound used to be: X509_sign of a template certificate with a fresh serial.
double x509_sign_rate(const pki::IssuingCa& ca, std::size_t count, unsigned jobs) {
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
// (factory's generator), certificate (pki::IdevidIssuer), certificate PEM, fingerprint.
double measure_in_memory(const pki::IssuingCa& ca, std::size_t count, unsigned jobs) {
  pki::IdevidRequest batch;
  batch.hw_type = "1.3.6.1.4.1.99999.1";
  batch.masa_url = "masa.example.com:9443";
  batch.not_before = core::now();
  struct State {
    factory::DeviceKeyGenerator keygen{pki::KeyType::p256};
    std::optional<pki::IdevidIssuer> issuer;
    std::size_t n = 0;
  };
  return per_second<State>(count, jobs, [&](State& s) {
    if (!s.issuer) {
      auto issuer = pki::IdevidIssuer::create(batch, ca);
      if (!issuer) return false;
      s.issuer.emplace(std::move(issuer).value());
    }
    pki::IdevidRequest request = batch;
    request.device_serial = "SN-" + std::to_string(++s.n);
    auto key = s.keygen.generate();
    auto serial = pki::random_serial();
    if (!key || !serial) return false;
    request.cert_serial = std::move(*serial);
    auto der = s.issuer->issue(request, key->public_key_der);
    if (!der) return false;
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der->data(), der->size(), digest);
    return !core::to_pem("CERTIFICATE", *der).empty() && !key->private_key_pem.empty();
  });
}

// The file system's share alone: the batch's own folder writer (device_folder.h) making
// `count` folders of the first minted device's three files over `jobs` threads, then the
// same syncfs, with no cryptography, ledger or pipeline. The batch cannot beat this on the
// same disk, whatever its cryptography costs. Returns devices/s and the CPU per device.
struct FilesAlone {
  double rate = 0;
  CpuTime per_device;
};
std::optional<FilesAlone> files_alone(const std::string& minted_dir, const std::string& out_dir, std::size_t count,
                                      unsigned jobs, bool sync) {
  auto read = [](const std::string& path) -> std::optional<std::string> {
    auto data = core::read_input(path);
    if (!data) return std::nullopt;
    return std::string(data->begin(), data->end());
  };
  const auto cert = read(minted_dir + "/" + factory::kCertFile);
  const auto key = read(minted_dir + "/" + factory::kKeyFile);
  const auto chain = read(minted_dir + "/" + factory::kChainFile);
  std::error_code ec;
  if (!cert || !key || !chain || !std::filesystem::create_directory(out_dir, ec)) return std::nullopt;
  struct State {
    std::optional<factory::DeviceFolderWriter> writer;
  };
  std::atomic<std::size_t> serial{0};
  std::atomic<bool> failed{false};
  const CpuTime before = cpu_time();
  const auto start = Clock::now();
  per_second<State>(count, jobs, [&](State& s) {
    if (!s.writer) {
      auto writer = factory::DeviceFolderWriter::open(out_dir);
      if (!writer) return false;
      s.writer.emplace(std::move(writer).value());
    }
    char name[32];
    std::snprintf(name, sizeof name, "SN-%07zu", serial.fetch_add(1) + 1);
    if (!s.writer->write(name, *cert, *key, *chain)) failed.store(true);
    return !failed.load();
  });
  if (failed.load() || (sync && !factory::sync_output(out_dir))) return std::nullopt;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const CpuTime after = cpu_time();
  const double n = static_cast<double>(count);
  return FilesAlone{n / seconds, {(after.user - before.user) * 1e6 / n, (after.system - before.system) * 1e6 / n}};
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
  // Removed on every way out (a failed million-device batch leaves gigabytes), unless --keep.
  struct WorkFolder {
    const std::string& path;
    bool keep;
    ~WorkFolder() {
      std::error_code ec;
      if (!keep) std::filesystem::remove_all(path, ec);
    }
  } work_folder{work, args.keep};
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
  const CpuTime cpu_before = cpu_time();
  const auto start = Clock::now();
  auto summary = factory::mint_batch(options, *ca, {});
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const CpuTime cpu_after = cpu_time();
  const long rss = peak_rss_kib();
  if (!summary) {
    std::fprintf(stderr, "mint_batch: %s\n", summary.error().message.c_str());
    return 1;
  }
  const double rate = static_cast<double>(summary->minted) / seconds;
  std::printf("batch:  %zu P-256 IDevIDs to %s on %u threads in %.2f s: %.0f devices/s%s\n", summary->minted,
              options.out_dir.c_str(), jobs, seconds, rate, args.sync ? " (syncfs at the end included)" : "");
  if (summary->minted > 0) {
    const double per_device = 1e6 / static_cast<double>(summary->minted);
    std::printf("        CPU per device: %.0f us user + %.0f us system\n", (cpu_after.user - cpu_before.user) * per_device,
                (cpu_after.system - cpu_before.system) * per_device);
  }
  std::printf("peak RSS after the batch: %.1f MiB\n", static_cast<double>(rss) / 1024.0);
  if (summary->minted > 0) {
    const std::size_t n = std::min<std::size_t>(args.count, 20000);
    const auto files = files_alone(options.out_dir + "/SN-0000001", work + "/files-alone", n, jobs, args.sync);
    if (!files) {
      std::fprintf(stderr, "files alone: could not write %s/files-alone\n", work.c_str());
      return 1;
    }
    std::printf("files:  the same %zu folders written by the batch's folder writer, no cryptography, %u threads%s: "
                "%.0f devices/s\n", n, jobs, args.sync ? ", syncfs included" : "", files->rate);
    std::printf("        CPU per device: %.0f us user + %.0f us system; the batch runs at %.0f%% of this\n",
                files->per_device.user, files->per_device.system, 100.0 * rate / files->rate);
  }
  if (args.bound) {
    const std::size_t n = std::min<std::size_t>(args.count, 20000);
    const Bytes tbs = template_tbs(*ca);
    const double ec_key = bound_ec_key(*ca, tbs, n, jobs);
    const double evp = bound_evp(*ca, tbs, n, jobs);
    const double x509 = x509_sign_rate(*ca, n, jobs);
    const double in_memory = measure_in_memory(*ca, n, jobs);
    const double bound = std::max(ec_key, evp);
    std::printf("bound:  P-256 key generation + ECDSA signature of a %zu-octet TBSCertificate, no I/O, %u threads: "
                "%.0f devices/s\n", tbs.size(), jobs, bound);
    std::printf("        (EC_KEY_generate_key + ECDSA_do_sign %.0f/s; EVP_PKEY_generate + EVP_PKEY_sign, contexts "
                "reused, %.0f/s; the old bound, EVP_PKEY_generate + X509_sign, %.0f/s)\n", ec_key, evp, x509);
    std::printf("        (the batch's key + pki::IdevidIssuer + PEM + fingerprint, no I/O: %.0f devices/s)\n", in_memory);
    std::printf("ratio:  batch = %.0f%% of the bound\n", 100.0 * rate / bound);
  }
  if (args.keep) std::printf("kept %s\n", work.c_str());
  return 0;
}
