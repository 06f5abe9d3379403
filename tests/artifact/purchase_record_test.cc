// Purchase records (lib/artifact/purchase_record.h): sign and verify round trip, and each
// rule the reader enforces (signature, trust, duplicate serial, hex fingerprint, members).
#include "artifact/purchase_record.h"

#include <gtest/gtest.h>

#include "core/encoding.h"
#include "envelope/cms.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact {
namespace {

using test::must;

constexpr core::UnixTime kNow = 1795780800;  // 2026-11-27T12:00:00Z
const std::string kHash(64, 'a');

struct PurchaseRecordTest : ::testing::Test {
  void SetUp() override {
    root = test::make_root("CN=Maker Root");
    maker_key = test::new_key();
    maker = test::make_cert("CN=Maker Sales", maker_key.get(), pki::Profile::masa, &root, 1767225600, 1924992000, {0x31});
    signer = pki::memory_signer(test::share(maker_key.get()), "memory:maker");
    owner_ca = test::make_root("CN=Owner Domain CA");
    record.id = "p-1";
    record.manufacturer = "Maker";
    record.owner = "Owner Inc.";
    record.domain_ca_der = pki::certificate_der(owner_ca.cert.get());
    record.devices = {{"SN-1", kHash}, {"SN-2", std::string(64, 'b')}};
    record.created_on = kNow;
  }

  Bytes sign(const PurchaseRecord& r) { return must(sign_purchase_record(r, *signer, maker.get(), {}), "sign"); }

  // A record whose JSON is exactly json, signed by the maker.
  Bytes sign_json(const std::string& json) {
    envelope::cms::SignOptions o;
    o.content_type = envelope::cms::kIdData;
    return must(envelope::cms::sign(as_bytes(json), *signer, maker.get(), o), "cms sign");
  }

  std::string verify_error(ByteView file) {
    auto r = verify_purchase_record(file, {root.cert.get()}, kNow);
    return r ? "" : r.error().message;
  }

  test::TestCa root, owner_ca;
  core::EvpPkeyPtr maker_key;
  core::X509Ptr maker;
  std::unique_ptr<pki::Signer> signer;
  PurchaseRecord record;
};

TEST_F(PurchaseRecordTest, RoundTrips) {
  Bytes file = sign(record);
  auto r = verify_purchase_record(file, {root.cert.get()}, kNow);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->id, "p-1");
  EXPECT_EQ(r->manufacturer, "Maker");
  EXPECT_EQ(r->owner, "Owner Inc.");
  EXPECT_EQ(r->domain_ca_der, record.domain_ca_der);
  ASSERT_EQ(r->devices.size(), 2u);
  EXPECT_EQ(r->devices[1].serial, "SN-2");
  EXPECT_EQ(r->devices[1].idevid_sha256, std::string(64, 'b'));
  EXPECT_EQ(r->created_on, kNow);
  // PEM is read too.
  std::string pem = core::to_pem("CMS", file);
  EXPECT_TRUE(verify_purchase_record(as_bytes(pem), {root.cert.get()}, kNow));
}

TEST_F(PurchaseRecordTest, TamperedSignatureFails) {
  Bytes file = sign(record);
  file[file.size() - 5] ^= 0x01;  // inside the signature value
  auto r = verify_purchase_record(file, {root.cert.get()}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::verification) << r.error().message;
}

TEST_F(PurchaseRecordTest, TamperedContentFails) {
  Bytes file = sign(record);
  std::string s(file.begin(), file.end());
  auto at = s.find("Owner Inc.");
  ASSERT_NE(at, std::string::npos);
  file[at] = 'X';
  auto r = verify_purchase_record(file, {root.cert.get()}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::verification) << r.error().message;
}

TEST_F(PurchaseRecordTest, WrongTrustFails) {
  Bytes file = sign(record);
  auto r = verify_purchase_record(file, {owner_ca.cert.get()}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_FALSE(verify_purchase_record(file, {}, kNow));
  // Outside the signer's validity.
  EXPECT_FALSE(verify_purchase_record(file, {root.cert.get()}, 2000000000));
}

TEST_F(PurchaseRecordTest, SignRefusesInvalidRecords) {
  auto dup = record;
  dup.devices.push_back({"SN-1", kHash});
  auto r = sign_purchase_record(dup, *signer, maker.get(), {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("devices[2].serial: \"SN-1\" is listed twice"), std::string::npos) << r.error().message;

  auto hex = record;
  hex.devices[0].idevid_sha256 = std::string(63, 'a') + "G";
  r = sign_purchase_record(hex, *signer, maker.get(), {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("devices[0].idevid-sha256"), std::string::npos) << r.error().message;

  auto empty = record;
  empty.owner.clear();
  EXPECT_NE(sign_purchase_record(empty, *signer, maker.get(), {}).error().message.find("owner: is empty"), std::string::npos);
  empty = record;
  empty.devices.clear();
  EXPECT_FALSE(sign_purchase_record(empty, *signer, maker.get(), {}));
  empty = record;
  empty.domain_ca_der = {0x30, 0x00};
  EXPECT_NE(sign_purchase_record(empty, *signer, maker.get(), {}).error().message.find("domain-ca"), std::string::npos);
}

TEST_F(PurchaseRecordTest, ReaderRefusesDuplicateSerial) {
  std::string ca = core::to_base64(record.domain_ca_der);
  std::string json = R"({"id":"x","manufacturer":"m","owner":"o","domain-ca":")" + ca +
                     R"(","devices":[{"serial":"A","idevid-sha256":")" + kHash + R"("},{"serial":"A","idevid-sha256":")" +
                     kHash + R"("}],"created-on":"2026-11-27T12:00:00Z"})";
  EXPECT_NE(verify_error(sign_json(json)).find("devices[1].serial: \"A\" is listed twice"), std::string::npos);
}

TEST_F(PurchaseRecordTest, ReaderRefusesBadHexAndMissingMembers) {
  std::string ca = core::to_base64(record.domain_ca_der);
  auto doc = [&](const std::string& devices, const std::string& extra = "") {
    return R"({"id":"x","manufacturer":"m","owner":"o","domain-ca":")" + ca + R"(","devices":)" + devices +
           R"(,"created-on":"2026-11-27T12:00:00Z")" + extra + "}";
  };
  std::string upper(64, 'A');
  EXPECT_NE(verify_error(sign_json(doc(R"([{"serial":"A","idevid-sha256":")" + upper + R"("}])"))).find("idevid-sha256"),
            std::string::npos);
  EXPECT_NE(verify_error(sign_json(doc(R"([{"serial":"A"}])"))).find("devices[0].idevid-sha256: is missing"),
            std::string::npos);
  EXPECT_NE(verify_error(sign_json(doc("[]"))).find("devices: lists no device"), std::string::npos);
  EXPECT_NE(verify_error(sign_json(doc("{}"))).find("devices: is not an array"), std::string::npos);
  EXPECT_NE(verify_error(sign_json(doc(R"([{"serial":"A","idevid-sha256":")" + kHash + R"("}])", R"(,"extra":1)")))
                .find("extra: is not a purchase record member"),
            std::string::npos);
  std::string no_owner = R"({"id":"x","manufacturer":"m","domain-ca":")" + ca + R"(","devices":[{"serial":"A","idevid-sha256":")" +
                         kHash + R"("}],"created-on":"2026-11-27T12:00:00Z"})";
  EXPECT_NE(verify_error(sign_json(no_owner)).find("owner: is missing"), std::string::npos);
  EXPECT_NE(verify_error(sign_json(R"({"id":"x","id":"y"})")).find("duplicate"), std::string::npos);
  EXPECT_NE(verify_error(sign_json("not json")).find("JSON"), std::string::npos);
  std::string bad_ca = R"({"id":"x","manufacturer":"m","owner":"o","domain-ca":"!!","devices":[],"created-on":"2026-11-27"})";
  EXPECT_NE(verify_error(sign_json(bad_ca)).find("domain-ca: is not base64"), std::string::npos);
}

TEST_F(PurchaseRecordTest, GarbageIsAnInputError) {
  Bytes junk = {0x30, 0x03, 0x02, 0x01, 0x00};
  auto r = verify_purchase_record(junk, {root.cert.get()}, kNow);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::input);
}

}  // namespace
}  // namespace iotonb::artifact
