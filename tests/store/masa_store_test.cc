// The MASA store (lib/store/masa_store.h): claims in one transaction, resale moves
// ownership, lookups, and the audit log per serial with its limit.
#include "store/masa_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

namespace iotonb::store {
namespace {

struct MasaStoreTest : ::testing::Test {
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("iotonb-masa-store-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    path = (dir / "masa.sqlite").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  static OwnershipRecord rec(const std::string& serial, const std::string& owner, Bytes ca) {
    return {serial, std::string(64, 'a'), std::move(ca), owner, "purchase-" + owner, 1795780800};
  }

  std::filesystem::path dir;
  std::string path;
};

TEST_F(MasaStoreTest, ClaimAndFind) {
  auto store = MasaStore::open(path);
  ASSERT_TRUE(store) << store.error().message;
  auto s = (*store)->claim({rec("SN-1", "alice", {1, 2, 3}), rec("SN-2", "alice", {1, 2, 3})});
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->added, 2u);
  auto found = (*store)->find("SN-1");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->owner, "alice");
  EXPECT_EQ((*found)->domain_ca_der, (Bytes{1, 2, 3}));
  EXPECT_EQ((*found)->purchase_id, "purchase-alice");
  EXPECT_EQ((*found)->claimed_at, 1795780800);
  auto missing = (*store)->find("SN-9");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
  EXPECT_EQ(*(*store)->ownership_count(), 2u);
}

TEST_F(MasaStoreTest, ResaleMovesOwnershipAndReloadIsUnchanged) {
  auto store = MasaStore::open(path);
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->claim({rec("SN-1", "alice", {1})}));
  auto again = (*store)->claim({rec("SN-1", "alice", {1})});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->unchanged, 1u);
  auto moved = (*store)->claim({rec("SN-1", "bob", {2}), rec("SN-3", "bob", {2})});
  ASSERT_TRUE(moved);
  EXPECT_EQ(moved->moved, 1u);
  EXPECT_EQ(moved->added, 1u);
  EXPECT_EQ((*(*store)->find("SN-1"))->owner, "bob");
  EXPECT_EQ((*(*store)->find("SN-1"))->domain_ca_der, Bytes{2});
}

TEST_F(MasaStoreTest, PersistsAcrossOpens) {
  {
    auto store = MasaStore::open(path);
    ASSERT_TRUE(store);
    ASSERT_TRUE((*store)->claim({rec("SN-1", "alice", {7})}));
    ASSERT_TRUE((*store)->append_audit({"SN-1", 1795780800, "ZG9tYWlu", "bm9uY2U=", "logged"}));
  }
  auto store = MasaStore::open(path);
  ASSERT_TRUE(store);
  EXPECT_TRUE(*(*store)->find("SN-1"));
  EXPECT_EQ((*store)->audit_log("SN-1")->total, 1u);
}

TEST_F(MasaStoreTest, AuditLogPerSerialWithLimit) {
  auto store = MasaStore::open(path);
  ASSERT_TRUE(store);
  for (int i = 0; i < 5; ++i)
    ASSERT_TRUE((*store)->append_audit({"SN-1", 1795780800 + i, "ZG9tYWlu", i == 4 ? "" : "bm9uY2U=", "logged"}));
  ASSERT_TRUE((*store)->append_audit({"SN-2", 1795780800, "b3RoZXI=", "", "logged"}));
  auto log = (*store)->audit_log("SN-1", 3);
  ASSERT_TRUE(log) << log.error().message;
  EXPECT_EQ(log->total, 5u);
  ASSERT_EQ(log->entries.size(), 3u);
  EXPECT_EQ(log->entries[0].date, 1795780802);  // the latest three, oldest first
  EXPECT_EQ(log->entries[2].date, 1795780804);
  EXPECT_EQ(log->entries[2].nonce, "");
  EXPECT_EQ(log->entries[0].domain_id, "ZG9tYWlu");
  EXPECT_EQ((*store)->audit_log("SN-3")->total, 0u);
}

TEST_F(MasaStoreTest, ConcurrentAppendsAllLand) {
  auto store = MasaStore::open(path);
  ASSERT_TRUE(store);
  MasaStore& s = **store;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&s, t] {
      for (int i = 0; i < 25; ++i) {
        (void)s.append_audit({"SN-" + std::to_string(t), 1795780800 + i, "ZA==", "", "logged"});
        (void)s.find("SN-" + std::to_string(t));
      }
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(s.audit_log("SN-" + std::to_string(t))->total, 25u);
}

TEST_F(MasaStoreTest, UnreadablePathFails) {
  auto store = MasaStore::open((dir / "no/such/dir/masa.sqlite").string());
  EXPECT_FALSE(store);
}

}  // namespace
}  // namespace iotonb::store
