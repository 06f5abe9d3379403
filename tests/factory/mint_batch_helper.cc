// Drives factory::mint_batch from the command line for kill_resume_test.sh, so the library
// can be SIGKILLed mid-batch and re-run in a fresh process:
//   mint_batch_helper make-ca CA_DIR
//   mint_batch_helper mint CA_DIR OUT_DIR COUNT [JOBS]     (serials SN-{:06}, 1..COUNT)
//   mint_batch_helper ledger-count LEDGER
//   mint_batch_helper verify CA_DIR OUT_DIR COUNT          (exit 1 and a reason on failure)
#include <openssl/x509.h>

#include <filesystem>
#include <iostream>
#include <set>
#include <string>

#include "core/encoding.h"
#include "core/files.h"
#include "factory/batch_mint.h"
#include "factory/test_ca.h"
#include "pki/issuing_ca.h"
#include "store/issuance_ledger.h"

namespace {

namespace fs = std::filesystem;
using namespace iotonb;

int fail(const std::string& message) {
  std::cerr << "mint_batch_helper: " << message << "\n";
  return 1;
}

int make_ca(const std::string& dir) {
  fs::create_directories(dir);
  auto ca = testing::make_test_ca();
  if (!ca) return fail(ca.error().message);
  if (auto s = testing::save_test_ca(*ca, dir); !s) return fail(s.error().message);
  return 0;
}

Result<pki::IssuingCa> open_ca(const std::string& dir) {
  return pki::open_issuing_ca(dir + "/ca.crt", dir + "/ca.key", nullptr, "");
}

int mint(const std::string& ca_dir, const std::string& out_dir, std::size_t count, unsigned jobs) {
  auto ca = open_ca(ca_dir);
  if (!ca) return fail(ca.error().message);
  factory::BatchOptions options;
  options.serial_format = "SN-{:06}";
  options.count = count;
  options.out_dir = out_dir;
  options.jobs = jobs;
  options.defaults.hw_type = "1.3.6.1.4.1.99999.1";
  auto summary = factory::mint_batch(options, *ca, {});
  if (!summary) return fail(summary.error().message);
  std::cout << "total " << summary->total << " minted " << summary->minted << " already_issued "
            << summary->already_issued << "\n";
  return 0;
}

int ledger_count(const std::string& path) {
  if (!fs::exists(path)) {
    std::cout << 0 << "\n";
    return 0;
  }
  auto ledger = store::IssuanceLedger::open(path);
  if (!ledger) return fail(ledger.error().message);
  auto n = ledger->size();
  if (!n) return fail(n.error().message);
  std::cout << *n << "\n";
  return 0;
}

// Every device is checked for completeness (each file parses in full, the certificate is
// signed by the CA, the ledger agrees); the costlier key-matches-certificate check (OpenSSL
// 3.0's key decoder is slow) runs on every 50th device to keep the test quick.
int verify(const std::string& ca_dir, const std::string& out_dir, std::size_t count) {
  auto ca = open_ca(ca_dir);
  if (!ca) return fail(ca.error().message);
  auto ledger = store::IssuanceLedger::open(out_dir + "/ledger.sqlite");
  if (!ledger) return fail(ledger.error().message);
  if (*ledger->size() != count) return fail("ledger has " + std::to_string(*ledger->size()) + " rows");
  const std::string ca_pem = pki::certificate_pem(ca->cert.get());
  EVP_PKEY* ca_key = X509_get0_pubkey(ca->cert.get());
  std::set<std::string> cert_serials;
  std::size_t folders = 0;
  for (const auto& entry : fs::directory_iterator(out_dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(".tmp-", 0) == 0) return fail("left behind: " + name);
    if (!entry.is_directory()) continue;
    ++folders;
    auto cert = pki::read_certificate(entry.path() / "idevid.crt");
    if (!cert) return fail(cert.error().message);
    if (X509_verify(cert->get(), ca_key) != 1) return fail(name + ": certificate not signed by the CA");
    auto key_pem = core::read_input(entry.path() / "idevid.key");
    if (!key_pem) return fail(key_pem.error().message);
    auto blocks = core::parse_pem(as_chars(*key_pem));
    if (!blocks || blocks->size() != 1 || (*blocks)[0].label != "PRIVATE KEY") return fail(name + ": damaged key file");
    const Bytes& der = (*blocks)[0].der;
    const unsigned char* p = der.data();
    core::OsslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free> p8(
        d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size())));
    if (!p8 || p != der.data() + der.size()) return fail(name + ": truncated key");
    if (folders % 50 == 0) {
      auto key = pki::parse_private_key(*key_pem, nullptr);
      if (!key || !pki::same_public_key(key->get(), X509_get0_pubkey(cert->get())))
        return fail(name + ": the key is not the certificate's");
    }
    auto chain = core::read_input(entry.path() / "chain.pem");
    if (!chain || as_chars(*chain) != ca_pem) return fail(name + ": bad chain.pem");
    const std::string hex = core::to_hex(pki::certificate_serial(cert->get()));
    if (!cert_serials.insert(hex).second) return fail(name + ": certificate serial " + hex + " appears twice");
    auto row = ledger->find_device(name);
    if (!row || !*row) return fail(name + ": not in the ledger");
    if ((*row)->cert_serial_hex != hex) return fail(name + ": ledger serial differs from the certificate's");
  }
  if (folders != count) return fail(std::to_string(folders) + " device folders, expected " + std::to_string(count));
  std::cout << "ok: " << folders << " devices, " << cert_serials.size() << " distinct certificate serials\n";
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const std::vector<std::string> args(argv + 1, argv + argc);
    if (args.size() == 2 && args[0] == "make-ca") return make_ca(args[1]);
    if ((args.size() == 4 || args.size() == 5) && args[0] == "mint")
      return mint(args[1], args[2], std::stoul(args[3]), args.size() == 5 ? static_cast<unsigned>(std::stoul(args[4])) : 0);
    if (args.size() == 2 && args[0] == "ledger-count") return ledger_count(args[1]);
    if (args.size() == 4 && args[0] == "verify") return verify(args[1], args[2], std::stoul(args[3]));
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  std::cerr << "usage: mint_batch_helper make-ca DIR | mint CA_DIR OUT_DIR COUNT [JOBS] | ledger-count LEDGER | "
               "verify CA_DIR OUT_DIR COUNT\n";
  return 2;
}
