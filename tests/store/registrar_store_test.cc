// lib/store/registrar_store.h: allow-list, device lifecycle (voucher requested, issued,
// enrolled, re-onboarded, revoked), LDevID history, nonce replay refusal, status audit, and
// records surviving a reopen.
#include "store/registrar_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <unistd.h>

namespace iotonb::store {
namespace {

class RegistrarStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("registrar-store-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    path = (dir / "registrar.db").string();
    auto s = RegistrarStore::open(path);
    ASSERT_TRUE(s.ok()) << s.error().message;
    store = std::move(*s);
  }
  void TearDown() override {
    store.reset();
    std::filesystem::remove_all(dir);
  }
  LdevidRecord ldevid(const std::string& serial, const std::string& n, core::UnixTime at) {
    return {serial, "0a" + n, "ff" + n, "CN=dev,serialNumber=" + serial, at + 86400, at, LdevidStatus::active, at};
  }

  std::filesystem::path dir;
  std::string path;
  std::unique_ptr<RegistrarStore> store;
};

TEST_F(RegistrarStoreTest, AllowList) {
  auto added = store->allow({{"SN-1", "aa", "p1", "Owner", 100}, {"SN-2", "bb", "p1", "Owner", 100}});
  ASSERT_TRUE(added.ok()) << added.error().message;
  EXPECT_EQ(*added, 2u);
  // A second purchase record naming SN-2 again replaces its entry; only SN-3 is new.
  added = store->allow({{"SN-2", "cc", "p2", "Owner", 200}, {"SN-3", "dd", "p2", "Owner", 200}});
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 1u);
  auto e = store->allowed("SN-2");
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->idevid_sha256, "cc");
  EXPECT_EQ((*e)->purchase_id, "p2");
  auto none = store->allowed("SN-9");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  EXPECT_EQ(store->allow_list()->size(), 3u);
  EXPECT_FALSE(store->allow({{"", "aa", "p", "o", 1}}).ok());
}

TEST_F(RegistrarStoreTest, NonceReplayRefused) {
  EXPECT_TRUE(*store->remember_nonce("SN-1", "0102", 10));
  EXPECT_FALSE(*store->remember_nonce("SN-1", "0102", 11));
  EXPECT_TRUE(*store->remember_nonce("SN-2", "0102", 12));  // per serial
  EXPECT_TRUE(*store->remember_nonce("SN-1", "0103", 13));
  EXPECT_TRUE(*store->nonce_seen("SN-1", "0102"));
  EXPECT_FALSE(*store->nonce_seen("SN-1", "0104"));
  ASSERT_TRUE(store->forget_nonce("SN-1", "0102").ok());
  EXPECT_FALSE(*store->nonce_seen("SN-1", "0102"));
  EXPECT_TRUE(*store->remember_nonce("SN-1", "0102", 14));
}

TEST_F(RegistrarStoreTest, LifecycleAndReonboarding) {
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 100).ok());
  auto d = *store->device("SN-1");
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->status, DeviceStatus::voucher_requested);
  EXPECT_EQ(d->first_seen, 100);
  ASSERT_TRUE(store->voucher_issued("SN-1", "logged", 101).ok());
  ASSERT_TRUE(store->enrolled(ldevid("SN-1", "01", 102), 102).ok());
  d = *store->device("SN-1");
  EXPECT_EQ(d->status, DeviceStatus::enrolled);
  EXPECT_EQ(d->voucher_assertion, "logged");
  EXPECT_EQ(d->ldevid_sha256, "ff01");
  EXPECT_EQ(d->onboard_count, 1);
  EXPECT_EQ(d->enrolled_at, 102);

  // Wiped and onboarded again: the first LDevID becomes replaced.
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 200).ok());
  EXPECT_EQ((*store->device("SN-1"))->status, DeviceStatus::voucher_requested);
  ASSERT_TRUE(store->voucher_issued("SN-1", "logged", 201).ok());
  ASSERT_TRUE(store->enrolled(ldevid("SN-1", "02", 202), 202).ok());
  d = *store->device("SN-1");
  EXPECT_EQ(d->onboard_count, 2);
  EXPECT_EQ(d->first_seen, 100);
  EXPECT_EQ(d->ldevid_serial_hex, "0a02");
  auto history = *store->ldevids("SN-1");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].status, LdevidStatus::replaced);
  EXPECT_EQ(history[0].status_at, 202);
  EXPECT_EQ(history[1].status, LdevidStatus::active);
  auto by = *store->ldevid_by_sha256("ff01");
  ASSERT_TRUE(by.has_value());
  EXPECT_EQ(by->status, LdevidStatus::replaced);
  EXPECT_EQ(*store->device_count(), 1u);
}

TEST_F(RegistrarStoreTest, EnrolledNeedsDevice) {
  auto s = store->enrolled(ldevid("SN-X", "01", 1), 1);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("no device with serial SN-X"), std::string::npos);
}

TEST_F(RegistrarStoreTest, DuplicateLdevidSerialRefused) {
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 1).ok());
  ASSERT_TRUE(store->enrolled(ldevid("SN-1", "01", 2), 2).ok());
  auto s = store->enrolled(ldevid("SN-1", "01", 3), 3);
  ASSERT_FALSE(s.ok());
  // Nothing changed: the first one is still active.
  EXPECT_EQ((*store->ldevids("SN-1"))[0].status, LdevidStatus::active);
}

TEST_F(RegistrarStoreTest, RevokeAndQuarantine) {
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 1).ok());
  ASSERT_TRUE(store->enrolled(ldevid("SN-1", "01", 2), 2).ok());
  ASSERT_TRUE(store->set_status("SN-1", DeviceStatus::revoked, "stolen", 3).ok());
  auto d = *store->device("SN-1");
  EXPECT_EQ(d->status, DeviceStatus::revoked);
  EXPECT_EQ(d->status_reason, "stolen");
  EXPECT_EQ((*store->ldevids("SN-1"))[0].status, LdevidStatus::revoked);
  // A revoked device asking again keeps its status.
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 4).ok());
  ASSERT_TRUE(store->voucher_issued("SN-1", "logged", 5).ok());
  EXPECT_EQ((*store->device("SN-1"))->status, DeviceStatus::revoked);
  auto reports = *store->reports("SN-1");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].kind, "operator");
  EXPECT_EQ(reports[0].body, "enrolled -> revoked");

  ASSERT_TRUE(store->voucher_requested("SN-2", "bb", 1).ok());
  ASSERT_TRUE(store->set_status("SN-2", DeviceStatus::quarantined, "", 2).ok());
  EXPECT_EQ((*store->device("SN-2"))->status, DeviceStatus::quarantined);
  EXPECT_FALSE(store->set_status("SN-9", DeviceStatus::revoked, "", 2).ok());
}

TEST_F(RegistrarStoreTest, ReportsAndReopen) {
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 1).ok());
  ASSERT_TRUE(store->add_report({"SN-1", "voucher_status", 5, true, "", R"({"version":"1","status":true})"}).ok());
  ASSERT_TRUE(store->add_report({"SN-1", "enrollstatus", 6, false, "bad", R"({"version":"1","status":false})"}).ok());
  store.reset();
  auto reopened = RegistrarStore::open(path);
  ASSERT_TRUE(reopened.ok()) << reopened.error().message;
  auto reports = *(*reopened)->reports("SN-1");
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_EQ(reports[0].kind, "voucher_status");
  EXPECT_TRUE(reports[0].status);
  EXPECT_EQ(reports[1].reason, "bad");
  EXPECT_FALSE(reports[1].status);
  EXPECT_TRUE((*(*reopened)->device("SN-1")).has_value());
}

TEST_F(RegistrarStoreTest, ConcurrentWriters) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 20; ++i) {
        std::string serial = "SN-" + std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(store->voucher_requested(serial, "aa", 1).ok());
        EXPECT_TRUE(*store->remember_nonce(serial, "00", 1));
        EXPECT_TRUE(store->voucher_issued(serial, "logged", 2).ok());
        EXPECT_TRUE(store->enrolled(ldevid(serial, serial, 3), 3).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(*store->device_count(), 160u);
}

// Statements are prepared once and reused: every read must end its statement (found, not
// found, listed to the end, failed), or the connection would keep an old snapshot and miss
// what another connection (the operator's CLI next to the service) wrote since.
TEST_F(RegistrarStoreTest, ReusedStatementsSeeOtherConnectionsWrites) {
  ASSERT_TRUE(store->voucher_requested("SN-1", "aa", 1).ok());
  auto other = RegistrarStore::open(path);
  ASSERT_TRUE(other.ok()) << other.error().message;
  for (int round = 0; round < 3; ++round) {
    const std::string serial = "SN-NEW-" + std::to_string(round);
    EXPECT_TRUE((*store->device("SN-1")).has_value());        // a row found
    EXPECT_FALSE((*store->device(serial)).has_value());       // no row
    EXPECT_FALSE((*store->allowed(serial)).has_value());
    EXPECT_FALSE(*store->nonce_seen(serial, "00"));
    EXPECT_EQ(store->devices()->size(), static_cast<std::size_t>(round + 1));  // listed to the end
    ASSERT_TRUE((*other)->voucher_requested(serial, "bb", 2).ok());
    ASSERT_TRUE((*other)->allow({{serial, "bb", "p", "o", 2}}).ok());
    ASSERT_TRUE(*(*other)->remember_nonce(serial, "00", 2));
    EXPECT_TRUE((*store->device(serial)).has_value());
    EXPECT_TRUE((*store->allowed(serial)).has_value());
    EXPECT_TRUE(*store->nonce_seen(serial, "00"));
    EXPECT_FALSE(*store->remember_nonce(serial, "00", 3));  // a replay, on the reused insert
    EXPECT_EQ(*store->device_count(), static_cast<std::size_t>(round + 2));
  }
}

TEST(DeviceStatusNames, RoundTrip) {
  for (auto s : {DeviceStatus::voucher_requested, DeviceStatus::voucher_issued, DeviceStatus::enrolled, DeviceStatus::revoked,
                 DeviceStatus::quarantined})
    EXPECT_EQ(*parse_device_status(device_status_name(s)), s);
  EXPECT_FALSE(parse_device_status("lost").ok());
}

}  // namespace
}  // namespace iotonb::store
