#include "factory/batch_mint.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "core/encoding.h"
#include "core/files.h"
#include "factory/test_ca.h"
#include "factory/test_files.h"
#include "pki/csr.h"
#include "pki/extensions.h"
#include "pki/verify.h"
#include "store/issuance_ledger.h"
#include "store/sqlite.h"

namespace iotonb::factory {
namespace {

namespace fs = std::filesystem;
using iotonb::testing::TempDir;

class BatchMintTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = iotonb::testing::make_test_ca();
    ASSERT_TRUE(ca.ok()) << ca.error().message;
    ca_ = std::move(ca).value();
    out_ = dir_ / "out";
  }

  BatchOptions counted(std::size_t count) const {
    BatchOptions options;
    options.serial_format = "SN-{:04}";
    options.count = count;
    options.out_dir = out_;
    options.jobs = 4;
    options.sync_at_end = false;
    options.defaults.hw_type = "1.3.6.1.4.1.99999.1";
    options.defaults.masa_url = "masa.example.com:9443";
    return options;
  }

  std::size_t ledger_rows() const {
    auto ledger = store::IssuanceLedger::open(out_ + "/ledger.sqlite");
    EXPECT_TRUE(ledger.ok());
    return ledger.ok() ? *ledger->size() : 0;
  }

  std::size_t device_folders() const {
    std::size_t n = 0;
    for (const auto& entry : fs::directory_iterator(out_))
      if (entry.is_directory()) ++n;
    return n;
  }

  TempDir dir_;
  pki::IssuingCa ca_;
  std::string out_;
};

core::X509Ptr read_cert(const std::string& path) {
  auto cert = pki::read_certificate(path);
  EXPECT_TRUE(cert.ok()) << path << ": " << (cert.ok() ? "" : cert.error().message);
  return cert.ok() ? std::move(cert).value() : nullptr;
}

TEST_F(BatchMintTest, MintsASmallBatch) {
  std::vector<DeviceResult> devices;
  std::size_t last_done = 0, last_total = 0;
  BatchCallbacks callbacks;
  callbacks.on_device = [&](const DeviceResult& d) { devices.push_back(d); };
  callbacks.on_progress = [&](std::size_t done, std::size_t total) { last_done = done, last_total = total; };
  auto summary = mint_batch(counted(50), ca_, callbacks);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  EXPECT_EQ(summary->total, 50u);
  EXPECT_EQ(summary->minted, 50u);
  EXPECT_EQ(summary->already_issued, 0u);
  EXPECT_EQ(devices.size(), 50u);
  EXPECT_EQ(last_done, 50u);
  EXPECT_EQ(last_total, 50u);
  EXPECT_EQ(device_folders(), 50u);
  EXPECT_EQ(ledger_rows(), 50u);

  auto ledger = store::IssuanceLedger::open(out_ + "/ledger.sqlite");
  ASSERT_TRUE(ledger.ok());
  const std::string ca_pem = pki::certificate_pem(ca_.cert.get());
  std::set<std::string> serials;
  pki::ChainCheck check;
  check.trust = {ca_.cert.get()};
  check.at = core::now();
  for (const auto& d : devices) {
    EXPECT_EQ(d.dir, out_ + "/" + d.serial);
    struct stat st {};
    ASSERT_EQ(::stat(d.key_path.c_str(), &st), 0) << d.key_path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << d.key_path;
    auto cert = read_cert(d.cert_path);
    ASSERT_TRUE(cert);
    auto path = pki::verify_chain(cert.get(), check);
    EXPECT_TRUE(path.ok()) << d.serial << ": " << (path.ok() ? "" : path.error().message);
    auto hw = pki::read_hardware_module_name(cert.get());
    ASSERT_TRUE(hw.has_value());
    EXPECT_EQ(std::string(hw->hw_serial.begin(), hw->hw_serial.end()), d.serial);
    auto key_pem = core::read_input(d.key_path);
    ASSERT_TRUE(key_pem.ok());
    EXPECT_NE(as_chars(*key_pem).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    auto key = pki::parse_private_key(*key_pem, nullptr);
    ASSERT_TRUE(key.ok());
    EXPECT_TRUE(pki::same_public_key(key->get(), X509_get0_pubkey(cert.get())));
    auto chain = core::read_input(d.chain_path);
    ASSERT_TRUE(chain.ok());
    EXPECT_EQ(std::string(as_chars(*chain)), ca_pem);
    EXPECT_EQ(d.cert_serial_hex, core::to_hex(pki::certificate_serial(cert.get())));
    EXPECT_EQ(d.fingerprint_sha256, core::to_hex(pki::certificate_fingerprint(cert.get(), EVP_sha256())));
    serials.insert(d.cert_serial_hex);
    auto row = ledger->find_device(d.serial);
    ASSERT_TRUE(row.ok() && row->has_value()) << d.serial;
    EXPECT_EQ((*row)->cert_serial_hex, d.cert_serial_hex);
    EXPECT_EQ((*row)->fingerprint_sha256, d.fingerprint_sha256);
  }
  EXPECT_EQ(serials.size(), 50u);

  // The same batch again mints nothing.
  devices.clear();
  auto again = mint_batch(counted(50), ca_, callbacks);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->minted, 0u);
  EXPECT_EQ(again->already_issued, 50u);
  EXPECT_TRUE(devices.empty());
  EXPECT_EQ(ledger_rows(), 50u);
}

TEST_F(BatchMintTest, ResumesAfterACrashBetweenRenameAndLedgerCommit) {
  auto first = mint_batch(counted(20), ca_, {});
  ASSERT_TRUE(first.ok()) << first.error().message;
  std::map<std::string, std::string> fingerprints;
  {
    auto ledger = store::IssuanceLedger::open(out_ + "/ledger.sqlite");
    for (int i = 1; i <= 20; ++i) {
      char serial[16];
      std::snprintf(serial, sizeof serial, "SN-%04d", i);
      fingerprints[serial] = (*ledger->find_device(serial))->fingerprint_sha256;
    }
  }
  // Lose the last 8 rows (an uncommitted group) and leave a half-written temporary folder.
  {
    auto db = store::Database::open(out_ + "/ledger.sqlite");
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db->exec("DELETE FROM issued WHERE rowid IN (SELECT rowid FROM issued ORDER BY rowid DESC LIMIT 8)").ok());
  }
  fs::create_directory(out_ + "/.tmp-SN-0021-abcdef");
  std::ofstream(out_ + "/.tmp-SN-0021-abcdef/idevid.crt") << "-----BEGIN CERT";
  ASSERT_EQ(ledger_rows(), 12u);

  std::size_t on_device_calls = 0;
  BatchCallbacks callbacks;
  callbacks.on_device = [&](const DeviceResult&) { ++on_device_calls; };
  auto resumed = mint_batch(counted(25), ca_, callbacks);
  ASSERT_TRUE(resumed.ok()) << resumed.error().message;
  EXPECT_EQ(resumed->total, 25u);
  EXPECT_EQ(resumed->already_issued, 20u);  // 12 in the ledger + 8 recovered from their folders
  EXPECT_EQ(resumed->minted, 5u);
  EXPECT_EQ(on_device_calls, 5u);
  EXPECT_EQ(ledger_rows(), 25u);
  EXPECT_EQ(device_folders(), 25u);
  EXPECT_FALSE(fs::exists(out_ + "/.tmp-SN-0021-abcdef"));
  auto ledger = store::IssuanceLedger::open(out_ + "/ledger.sqlite");
  for (const auto& [serial, fingerprint] : fingerprints)  // recovered, not re-minted
    EXPECT_EQ((*ledger->find_device(serial))->fingerprint_sha256, fingerprint) << serial;
}

TEST_F(BatchMintTest, RefusesToRecoverAFolderFromAnotherCa) {
  ASSERT_TRUE(mint_batch(counted(3), ca_, {}).ok());
  fs::remove(out_ + "/ledger.sqlite");
  fs::remove(out_ + "/ledger.sqlite-wal");
  fs::remove(out_ + "/ledger.sqlite-shm");
  auto other = iotonb::testing::make_test_ca("another root");
  ASSERT_TRUE(other.ok());
  auto result = mint_batch(counted(3), *other, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::input);
  EXPECT_NE(result.error().message.find("not issued by this batch's CA"), std::string::npos) << result.error().message;
}

TEST_F(BatchMintTest, SeededSerialsAreDeterministic) {
  BatchOptions a = counted(10);
  a.cert_serial_seed = "line-3-2026";
  BatchOptions b = a;
  b.out_dir = dir_ / "out-b";
  BatchOptions c = a;
  c.out_dir = dir_ / "out-c";
  c.cert_serial_seed = "another seed";
  std::map<std::string, std::string> serials_a, serials_b, serials_c;
  auto collect = [](std::map<std::string, std::string>& into) {
    BatchCallbacks cb;
    cb.on_device = [&into](const DeviceResult& d) { into[d.serial] = d.cert_serial_hex; };
    return cb;
  };
  ASSERT_TRUE(mint_batch(a, ca_, collect(serials_a)).ok());
  ASSERT_TRUE(mint_batch(b, ca_, collect(serials_b)).ok());
  ASSERT_TRUE(mint_batch(c, ca_, collect(serials_c)).ok());
  ASSERT_EQ(serials_a.size(), 10u);
  EXPECT_EQ(serials_a, serials_b);
  for (const auto& [serial, hex] : serials_a) {
    EXPECT_EQ(hex, core::to_hex(pki::derived_serial("line-3-2026", serial)));
    EXPECT_NE(hex, serials_c[serial]);
  }
}

TEST_F(BatchMintTest, CertificateSerialCollisionIsAnError) {
  // Someone else already holds the serial SN-0002 would get from this seed.
  fs::create_directories(out_);
  {
    auto ledger = store::IssuanceLedger::open(out_ + "/ledger.sqlite");
    ASSERT_TRUE(ledger.ok());
    ASSERT_TRUE(ledger->record({"OTHER-7", core::to_hex(pki::derived_serial("seed", "SN-0002")), "00", "x", 0}).ok());
  }
  BatchOptions options = counted(3);
  options.cert_serial_seed = "seed";
  options.jobs = 1;
  auto result = mint_batch(options, ca_, {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("already issued to device OTHER-7"), std::string::npos) << result.error().message;
  EXPECT_FALSE(fs::exists(out_ + "/SN-0002"));  // no unrecorded certificate left behind
  auto ledger = store::IssuanceLedger::open(out_ + "/ledger.sqlite");
  EXPECT_FALSE(*ledger->has_device("SN-0002"));
}

TEST_F(BatchMintTest, DevicesWithCsrsGetNoKeyFile) {
  auto key = pki::generate_key(pki::KeyType::p384);
  ASSERT_TRUE(key.ok());
  auto signer = pki::memory_signer(std::move(key).value(), "memory:device");
  auto subject = pki::parse_name("CN=ignored");
  pki::CsrRequest request;
  request.subject = subject->get();
  auto csr = pki::create_csr(request, *signer);
  ASSERT_TRUE(csr.ok());
  fs::create_directories(dir_ / "csrs");
  dir_.write("csrs/dev-b.csr", pki::csr_pem(csr->get()));
  const std::string manifest = dir_.write("devices.csv", "serial,csr,mud_url\nDEV-A,,\nDEV-B,csrs/dev-b.csr,https://mud.example.com/b.json\n");

  BatchOptions options;
  options.manifest_path = manifest;
  options.out_dir = out_;
  options.sync_at_end = true;
  std::map<std::string, DeviceResult> devices;
  BatchCallbacks callbacks;
  callbacks.on_device = [&](const DeviceResult& d) { devices[d.serial] = d; };
  auto summary = mint_batch(options, ca_, callbacks);
  ASSERT_TRUE(summary.ok()) << summary.error().message;
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_FALSE(devices["DEV-A"].key_path.empty());
  EXPECT_TRUE(devices["DEV-B"].key_path.empty());
  EXPECT_FALSE(fs::exists(out_ + "/DEV-B/idevid.key"));
  auto cert = read_cert(devices["DEV-B"].cert_path);
  ASSERT_TRUE(cert);
  EXPECT_TRUE(pki::same_public_key(X509_get0_pubkey(cert.get()), signer->key()));
  auto mud = pki::read_mud_url(cert.get());
  ASSERT_TRUE(mud.has_value());
  EXPECT_EQ(mud->value, "https://mud.example.com/b.json");
}

TEST_F(BatchMintTest, InvalidSourceWritesNothing) {
  const std::string manifest = dir_.write("devices.csv", "serial\nSN-1\nSN-2\nSN-1\n");
  BatchOptions options;
  options.manifest_path = manifest;
  options.out_dir = out_;
  auto result = mint_batch(options, ca_, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::input);
  EXPECT_EQ(result.error().message, manifest + ":4: serial SN-1 duplicates line 2");
  EXPECT_FALSE(fs::exists(out_));

  BatchOptions unsafe;
  unsafe.single_serial = "../escape";
  unsafe.out_dir = out_;
  result = mint_batch(unsafe, ca_, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::input);
  EXPECT_EQ(result.error().message, "--serial: serial \"../escape\" contains '/' and cannot name its device folder");
  EXPECT_FALSE(fs::exists(out_));
  unsafe.single_serial = "..";
  result = mint_batch(unsafe, ca_, {});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("starts with '.'"), std::string::npos) << result.error().message;
  EXPECT_FALSE(fs::exists(out_));

  BatchOptions reserved;
  reserved.single_serial = "ledger.sqlite";
  reserved.out_dir = out_;
  EXPECT_FALSE(mint_batch(reserved, ca_, {}).ok());
}

TEST_F(BatchMintTest, UsageErrors) {
  BatchOptions none;
  none.out_dir = out_;
  EXPECT_EQ(mint_batch(none, ca_, {}).error().kind, ErrorKind::usage);
  BatchOptions no_out = counted(1);
  no_out.out_dir.clear();
  EXPECT_EQ(mint_batch(no_out, ca_, {}).error().kind, ErrorKind::usage);
  EXPECT_EQ(mint_batch(counted(1), pki::IssuingCa{}, {}).error().kind, ErrorKind::usage);
}

TEST_F(BatchMintTest, OneBatchPerOutputFolder) {
  fs::create_directories(out_);
  int fd = ::open((out_ + "/.lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX), 0);  // flock locks are per open file: this blocks the batch
  auto result = mint_batch(counted(2), ca_, {});
  ::close(fd);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::io);
  EXPECT_NE(result.error().message.find("another batch"), std::string::npos);
}

TEST_F(BatchMintTest, CallbackExceptionsAreErrors) {
  BatchCallbacks callbacks;
  callbacks.on_device = [](const DeviceResult&) { throw std::runtime_error("label printer on fire"); };
  auto result = mint_batch(counted(5), ca_, callbacks);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("label printer on fire"), std::string::npos);
  // The devices that were minted are recorded; the next run completes the batch.
  auto again = mint_batch(counted(5), ca_, {});
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(again->minted + again->already_issued, 5u);
  EXPECT_EQ(ledger_rows(), 5u);
}

}  // namespace
}  // namespace iotonb::factory
