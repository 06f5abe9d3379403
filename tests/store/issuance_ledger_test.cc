#include "store/issuance_ledger.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "store/sqlite.h"

namespace iotonb::store {
namespace {

namespace fs = std::filesystem;

class LedgerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/iotonb-ledger-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/ledger.sqlite";
  }
  void TearDown() override { fs::remove_all(dir_); }

  static IssuanceRecord rec(const std::string& serial, const std::string& cert_serial) {
    return {serial, cert_serial, std::string(64, 'a'), "/out/" + serial, 1764237600};
  }

  std::string dir_;
  std::string path_;
};

TEST_F(LedgerTest, RecordsAndFindsDevices) {
  auto ledger = IssuanceLedger::open(path_);
  ASSERT_TRUE(ledger.ok()) << ledger.error().message;
  EXPECT_EQ(*ledger->size(), 0u);
  ASSERT_TRUE(ledger->record(rec("SN-1", "4001")).ok());
  ASSERT_TRUE(ledger->record(rec("SN-2", "4002")).ok());
  EXPECT_TRUE(*ledger->has_device("SN-1"));
  EXPECT_FALSE(*ledger->has_device("SN-3"));
  auto found = ledger->find_cert_serial("4002");
  ASSERT_TRUE(found.ok());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->device_serial, "SN-2");
  EXPECT_EQ((*found)->device_dir, "/out/SN-2");
  EXPECT_EQ((*found)->issued_at, 1764237600);
  EXPECT_EQ(*ledger->size(), 2u);
}

TEST_F(LedgerTest, CommitsInGroupsAndOnDestruction) {
  {
    auto ledger = IssuanceLedger::open(path_, {.commit_every = 3});
    ASSERT_TRUE(ledger.ok());
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(ledger->record(rec("SN-" + std::to_string(i), "40" + std::to_string(i))).ok());
    // A second connection sees only committed groups: the first three.
    auto other = IssuanceLedger::open(path_);
    ASSERT_TRUE(other.ok()) << other.error().message;
    EXPECT_EQ(*other->size(), 3u);
    EXPECT_EQ(*ledger->size(), 4u);
  }
  auto reopened = IssuanceLedger::open(path_);
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*reopened->size(), 4u);  // the destructor committed the fourth
}

TEST_F(LedgerTest, RefusesADuplicateCertificateSerial) {
  auto ledger = IssuanceLedger::open(path_);
  ASSERT_TRUE(ledger.ok());
  ASSERT_TRUE(ledger->record(rec("SN-1", "40aa")).ok());
  Status dup = ledger->record(rec("SN-2", "40aa"));
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().kind, ErrorKind::internal);
  EXPECT_NE(dup.error().message.find("40aa"), std::string::npos) << dup.error().message;
  EXPECT_NE(dup.error().message.find("SN-1"), std::string::npos) << dup.error().message;
  EXPECT_FALSE(*ledger->has_device("SN-2"));
  EXPECT_EQ(*ledger->size(), 1u);
}

TEST_F(LedgerTest, RefusesADuplicateDevice) {
  auto ledger = IssuanceLedger::open(path_);
  ASSERT_TRUE(ledger.ok());
  ASSERT_TRUE(ledger->record(rec("SN-1", "4001")).ok());
  Status dup = ledger->record(rec("SN-1", "4002"));
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.error().message.find("already recorded"), std::string::npos) << dup.error().message;
}

TEST_F(LedgerTest, UsesWalWithNormalSync) {
  { ASSERT_TRUE(IssuanceLedger::open(path_).ok()); }
  auto db = Database::open(path_);
  ASSERT_TRUE(db.ok());
  auto mode = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->step());
  EXPECT_EQ(mode->column_text(0), "wal");
}

TEST_F(LedgerTest, UnopenablePathIsAnIoError) {
  auto ledger = IssuanceLedger::open(dir_ + "/missing/folder/ledger.sqlite");
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().kind, ErrorKind::io);
  EXPECT_NE(ledger.error().message.find("missing/folder"), std::string::npos);
}

TEST_F(LedgerTest, NotADatabaseIsAnInputError) {
  { std::FILE* f = std::fopen(path_.c_str(), "w"); std::fputs("this is not sqlite, just text long enough to have a header......................................................", f); std::fclose(f); }
  auto ledger = IssuanceLedger::open(path_);
  ASSERT_FALSE(ledger.ok());
  EXPECT_EQ(ledger.error().kind, ErrorKind::input) << ledger.error().message;
}

TEST(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = Database::open(":memory:");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(db->exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db->exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(tx->commit().ok());
  }
  auto sum = db->prepare("SELECT coalesce(sum(x), 0) FROM t");
  ASSERT_TRUE(sum.ok());
  ASSERT_TRUE(*sum->step());
  EXPECT_EQ(sum->column_int(0), 2);
  auto bad = db->prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("nope"), std::string::npos);
}

}  // namespace
}  // namespace iotonb::store
