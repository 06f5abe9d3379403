// FDO vouchers in bulk: manufacture_batch makes a voucher and a 0600 credential per minted
// device folder, transfer_batch extends a folder of vouchers on several threads, keeps each
// file's form, names the files it could not transfer while writing the others, skips files that
// are not vouchers, and refuses outputs that exist unless told to replace them.
#include "factory/ownership_batch.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <set>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/make.h"
#include "artifact/fdo/rendezvous.h"
#include "artifact/fdo/verify.h"
#include "artifact/fdo/voucher.h"
#include "core/encoding.h"
#include "core/files.h"
#include "factory/batch_mint.h"
#include "factory/test_ca.h"
#include "factory/test_files.h"

namespace iotonb::factory {
namespace {

namespace fs = std::filesystem;
namespace fdo = artifact::fdo;
using iotonb::testing::TempDir;

template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r.ok()) throw std::runtime_error(what + ": " + r.error().message);
  return std::move(r).value();
}

class OwnershipBatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto ca = must(iotonb::testing::make_test_ca(), "test CA");
    BatchOptions mint;
    mint.serial_format = "SN-{:04}";
    mint.count = 4;
    mint.out_dir = devices_;
    mint.jobs = 2;
    mint.sync_at_end = false;
    must(mint_batch(mint, ca, {}), "mint");
    manufacturer_ = must(pki::generate_key(pki::KeyType::p256), "manufacturer key");
    owner_ = must(pki::generate_key(pki::KeyType::p256), "owner key");
  }

  ManufactureBatchOptions manufacture_options() const {
    ManufactureBatchOptions o;
    o.devices_dir = devices_;
    o.out_dir = vouchers_;
    o.manufacturer_key = manufacturer_.get();
    o.rv_info = must(fdo::rendezvous_from_urls({"https://rv.example.com"}), "rv");
    o.jobs = 2;
    o.sync_at_end = false;
    return o;
  }

  TransferBatchOptions transfer_options(const pki::Signer& owner, const std::string& in, const std::string& out) const {
    TransferBatchOptions o;
    o.in_dir = in;
    o.out_dir = out;
    o.owner = &owner;
    o.next_owner = must(fdo::make_public_key(owner_.get(), fdo::pk_encoding::x509), "next owner");
    o.jobs = 3;
    o.sync_at_end = false;
    return o;
  }

  std::unique_ptr<pki::Signer> manufacturer_signer() const {
    EVP_PKEY_up_ref(manufacturer_.get());
    return pki::memory_signer(core::EvpPkeyPtr(manufacturer_.get()), "manufacturer");
  }

  fdo::OwnershipVoucher voucher_at(const std::string& path) const {
    auto all = must(fdo::read_vouchers(must(core::read_input(path), path)), path);
    EXPECT_EQ(all.size(), 1u);
    return std::move(all.front());
  }

  TempDir dir_;
  std::string devices_ = dir_ / "devices";
  std::string vouchers_ = dir_ / "vouchers";
  core::EvpPkeyPtr manufacturer_;
  core::EvpPkeyPtr owner_;
};

TEST_F(OwnershipBatchTest, ManufacturesOneVoucherAndCredentialPerDeviceFolder) {
  BatchReport report = must(manufacture_batch(manufacture_options()), "manufacture");
  EXPECT_TRUE(report.ok());
  EXPECT_EQ(report.items, 4u);
  EXPECT_EQ(report.written, 4u);
  std::set<Bytes> guids;
  for (int i = 1; i <= 4; ++i) {
    const std::string serial = "SN-000" + std::to_string(i);
    const std::string dc_path = vouchers_ + "/" + serial + kCredentialSuffix;
    struct stat st {};
    ASSERT_EQ(::stat(dc_path.c_str(), &st), 0) << dc_path;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << dc_path;
    auto dc = must(fdo::decode_credential(must(core::read_input(dc_path), dc_path)), dc_path);
    auto v = voucher_at(vouchers_ + "/" + serial + kVoucherSuffix);
    EXPECT_EQ(v.header.device_info, serial);
    ASSERT_TRUE(v.cert_chain.has_value());
    EXPECT_EQ(v.cert_chain->size(), 2u);  // idevid.crt and the CA from chain.pem
    guids.insert(v.header.guid);
    fdo::VerifyOptions opts;
    opts.credential = &dc;
    opts.manufacturer = manufacturer_.get();
    opts.at = core::now();
    auto checked = fdo::verify(v, opts);
    EXPECT_TRUE(checked.ok()) << serial << ": " << checked.first_failure()->name << ": " << checked.first_failure()->detail;
  }
  EXPECT_EQ(guids.size(), 4u) << "each device gets its own random GUID";

  // Again into the same folder: refused before anything is written, then replaced on request.
  auto again = manufacture_batch(manufacture_options());
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::usage);
  EXPECT_NE(again.error().message.find("exist"), std::string::npos) << again.error().message;
  auto replace = manufacture_options();
  replace.overwrite = true;
  EXPECT_EQ(must(manufacture_batch(replace), "replace").written, 4u);
}

TEST_F(OwnershipBatchTest, TransfersAFolderKeepingEachFilesFormAndNamingFailures) {
  must(manufacture_batch(manufacture_options()), "manufacture");
  // One voucher as raw CBOR, one owned by someone else, and a file that is no voucher.
  auto raw = voucher_at(vouchers_ + "/SN-0004.ov");
  ASSERT_TRUE(core::write_output(vouchers_ + "/SN-0004.cbor", fdo::encode_voucher(raw)).ok());
  fs::remove(vouchers_ + "/SN-0004.ov");
  auto stranger = pki::memory_signer(must(pki::generate_key(pki::KeyType::p256), "stranger"), "stranger");
  auto foreign = must(fdo::extend(voucher_at(vouchers_ + "/SN-0003.ov"), *manufacturer_signer(),
                                  must(fdo::make_public_key(stranger->key(), fdo::pk_encoding::x509), "stranger key")),
                      "sold elsewhere");
  ASSERT_TRUE(core::write_output(vouchers_ + "/SN-0003.ov", fdo::voucher_pem(foreign), {0644, true}).ok());
  dir_.write("vouchers/README", "not a voucher\n");

  auto signer = manufacturer_signer();
  const std::string sold = dir_ / "sold";
  BatchReport report = must(transfer_batch(transfer_options(*signer, vouchers_, sold)), "transfer");
  EXPECT_EQ(report.items, 4u);    // three .ov and one .cbor
  EXPECT_EQ(report.skipped, 5u);  // README and four credentials
  EXPECT_EQ(report.written, 3u);
  EXPECT_EQ(report.vouchers, 3u);
  ASSERT_EQ(report.failures.size(), 1u);
  EXPECT_EQ(report.failures[0].name, vouchers_ + "/SN-0003.ov");
  EXPECT_EQ(report.failures[0].error.kind, ErrorKind::verification);
  EXPECT_FALSE(core::path_exists(sold + "/SN-0003.ov"));
  EXPECT_FALSE(core::path_exists(sold + "/README"));
  EXPECT_FALSE(core::path_exists(sold + "/SN-0001.dc"));

  const Bytes cbor = must(core::read_input(sold + "/SN-0004.cbor"), "raw out");
  EXPECT_FALSE(core::looks_like_pem(cbor)) << "raw CBOR in, raw CBOR out";
  for (const char* name : {"SN-0001.ov", "SN-0002.ov", "SN-0004.cbor"}) {
    auto v = voucher_at(sold + "/" + name);
    fdo::VerifyOptions opts;
    opts.owner = owner_.get();
    opts.manufacturer = manufacturer_.get();
    opts.at = core::now();
    auto checked = fdo::verify(v, opts);
    EXPECT_TRUE(checked.ok()) << name << ": " << checked.first_failure()->name;
    EXPECT_EQ(v.entries.size(), 1u);
  }

  // The outputs exist now: refused unless replaced.
  auto again = transfer_batch(transfer_options(*signer, vouchers_, sold));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().kind, ErrorKind::usage);
}

TEST_F(OwnershipBatchTest, AFolderWithoutVouchersIsAnInputError) {
  auto signer = manufacturer_signer();
  auto r = transfer_batch(transfer_options(*signer, devices_ + "/SN-0001", dir_ / "none"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
}

}  // namespace
}  // namespace iotonb::factory
