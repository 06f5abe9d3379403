// The device state folder: the birth identity is read as `idevid mint` writes it, the
// enrollment files change as one set (a commit interrupted before or after its commit point
// leaves the old or the new set), the LDevID key is private, and a wipe keeps only the birth
// identity.
#include "protocol/device_state.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "core/encoding.h"
#include "pki/idevid.h"
#include "pki/pki_test_util.h"

namespace iotonb::protocol {
namespace {

namespace fs = std::filesystem;
using test::must;

void put(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

struct DeviceState : ::testing::Test {
  void SetUp() override {
    dir = fs::temp_directory_path() / ("iotonb-state-" + std::to_string(::getpid()) + "-" +
                                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
    pki::IdevidRequest r;
    r.device_serial = "SN-0042";
    r.cert_serial = {0x42};
    r.not_before = 1767225600;
    idevid = must(pki::issue_idevid(r, device_key.get(), ca.issuing()), "issue_idevid");
    put(dir / kIdevidCertFile, pki::certificate_pem(idevid.get()));
    put(dir / kIdevidKeyFile, must(pki::private_key_to_pem(device_key.get(), nullptr), "key pem"));
    put(dir / kChainFile, pki::certificate_pem(ca.cert.get()));
  }
  void TearDown() override { fs::remove_all(dir); }

  EnrollmentFiles files(const std::string& voucher_file = kVoucherCmsFile) {
    EnrollmentFiles f;
    f.record.registrar = "https://127.0.0.1:8443";
    f.record.serial = "SN-0042";
    f.record.enrolled_at = "2026-11-27T12:00:00Z";
    f.record.voucher_file = voucher_file;
    f.record.voucher_assertion = "logged";
    f.record.key_type = "p256";
    f.record.ldevid_serial = "51";
    f.voucher = Bytes{0x30, 0x01, 0x02};
    f.ldevid_key_pem = must(pki::private_key_to_pem(ldevid_key.get(), nullptr), "ldevid key");
    f.ldevid_cert_pem = pki::certificate_pem(ldevid.get());
    f.domain_ca_pem = pki::certificate_pem(domain.cert.get());
    f.network_profile = R"({"network-id":"factory-floor"})";
    return f;
  }

  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  fs::path dir;
  test::TestCa ca = test::make_root("CN=Vendor IDevID CA");
  core::EvpPkeyPtr device_key = test::new_key();
  core::X509Ptr idevid;
  test::TestCa domain = test::make_root("CN=Owner Domain CA");
  core::EvpPkeyPtr ldevid_key = test::new_key();
  core::X509Ptr ldevid = test::make_cert("serialNumber=SN-0042", ldevid_key.get(), pki::Profile::client, &domain,
                                         1767225600, 1924992000, {0x51});
};

TEST_F(DeviceState, ReadsTheBirthIdentityAsMintWritesIt) {
  auto id = must(load_birth_identity(dir.string()), "load");
  EXPECT_EQ(id.serial, "SN-0042");
  EXPECT_EQ(X509_cmp(id.idevid.get(), idevid.get()), 0);
  EXPECT_TRUE(id.chain.empty());  // chain.pem holds only the (self-signed) root: nothing to send
  EXPECT_TRUE(pki::same_public_key(id.key->key(), device_key.get()));
}

TEST_F(DeviceState, BirthIdentityProblemsNameTheFile) {
  core::EvpPkeyPtr other = test::new_key();
  put(dir / "other.key", must(pki::private_key_to_pem(other.get(), nullptr), "pem"));
  auto r = load_birth_identity(dir.string(), "", (dir / "other.key").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("the key is not the IDevID's"), std::string::npos) << r.error().message;
  put(dir / "plain.crt", pki::certificate_pem(domain.cert.get()));
  r = load_birth_identity(dir.string(), (dir / "plain.crt").string());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("serialNumber"), std::string::npos);
  EXPECT_FALSE(load_birth_identity((dir / "missing").string()).ok());
}

TEST_F(DeviceState, EnrollmentIsWrittenAndReadBack) {
  EXPECT_FALSE(must(read_enrollment(dir.string()), "read").has_value());
  must(write_enrollment(dir.string(), files()), "write");
  EXPECT_EQ(entries(), (std::vector<std::string>{"chain.pem", "domain-ca.pem", "enrollment.json", "idevid.crt", "idevid.key",
                                                  "ldevid.crt", "ldevid.key", "network-profile.json", "voucher.vcj"}));
  struct stat st {};
  ASSERT_EQ(::stat((dir / kLdevidKeyFile).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto s = must(read_enrollment(dir.string()), "read");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->record.registrar, "https://127.0.0.1:8443");
  EXPECT_EQ(s->record.serial, "SN-0042");
  EXPECT_EQ(s->record.voucher_assertion, "logged");
  EXPECT_EQ(X509_cmp(s->ldevid.get(), ldevid.get()), 0);
  EXPECT_TRUE(pki::same_public_key(s->ldevid_key.get(), ldevid_key.get()));
  ASSERT_EQ(s->domain_ca.size(), 1u);
  EXPECT_EQ(s->voucher, (Bytes{0x30, 0x01, 0x02}));
  EXPECT_EQ(s->network_profile, R"({"network-id":"factory-floor"})");
}

TEST_F(DeviceState, ANewEnrollmentReplacesTheWholeSet) {
  must(write_enrollment(dir.string(), files()), "first");
  must(write_enrollment(dir.string(), files(kVoucherCoseFile)), "second");
  auto names = entries();
  EXPECT_EQ(std::count(names.begin(), names.end(), "voucher.vcj"), 0);
  EXPECT_EQ(std::count(names.begin(), names.end(), "voucher.cose"), 1);
  EXPECT_EQ(must(read_enrollment(dir.string()), "read")->record.voucher_file, kVoucherCoseFile);
}

TEST_F(DeviceState, RenewalReplacesKeyCertificateAndRecord) {
  must(write_enrollment(dir.string(), files()), "enroll");
  core::EvpPkeyPtr new_key = test::new_key();
  core::X509Ptr renewed = test::make_cert("serialNumber=SN-0042", new_key.get(), pki::Profile::client, &domain, 1767225600,
                                          1924992000, {0x52});
  EnrollmentRecord rec = files().record;
  rec.renewals = 1;
  rec.renewed_at = "2026-11-28T00:00:00Z";
  rec.ldevid_serial = "52";
  must(write_renewal(dir.string(), must(pki::private_key_to_pem(new_key.get(), nullptr), "pem"),
                     pki::certificate_pem(renewed.get()), rec),
       "renew");
  auto s = must(read_enrollment(dir.string()), "read");
  EXPECT_EQ(X509_cmp(s->ldevid.get(), renewed.get()), 0);
  EXPECT_EQ(s->record.renewals, 1);
  EXPECT_EQ(s->record.renewed_at, "2026-11-28T00:00:00Z");
  EXPECT_EQ(s->network_profile, R"({"network-id":"factory-floor"})");  // untouched
}

TEST_F(DeviceState, InterruptedCommitsRollBackOrForward) {
  must(write_enrollment(dir.string(), files()), "enroll");
  // Before the commit point: a .tmp-* folder is discarded.
  fs::create_directory(dir / ".tmp-dead");
  put(dir / ".tmp-dead" / kLdevidCertFile, "garbage");
  // After it: a .commit-* folder whose files were partly moved is finished.
  core::EvpPkeyPtr new_key = test::new_key();
  core::X509Ptr renewed = test::make_cert("serialNumber=SN-0042", new_key.get(), pki::Profile::client, &domain, 1767225600,
                                          1924992000, {0x53});
  fs::create_directory(dir / ".commit-half");
  put(dir / ".commit-half" / kLdevidCertFile, pki::certificate_pem(renewed.get()));
  put(dir / kLdevidKeyFile, must(pki::private_key_to_pem(new_key.get(), nullptr), "pem"));  // already moved
  EXPECT_FALSE(read_enrollment(dir.string()).ok());  // inconsistent until recovered
  must(recover(dir.string()), "recover");
  auto names = entries();
  EXPECT_EQ(std::count_if(names.begin(), names.end(), [](const std::string& n) { return n[0] == '.'; }), 0);
  auto s = must(read_enrollment(dir.string()), "read");
  EXPECT_EQ(X509_cmp(s->ldevid.get(), renewed.get()), 0);
}

TEST_F(DeviceState, DamagedEnrollmentIsAnInputError) {
  must(write_enrollment(dir.string(), files()), "enroll");
  put(dir / kEnrollmentFile, "{not json");
  auto r = read_enrollment(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_NE(r.error().message.find(kEnrollmentFile), std::string::npos);
  put(dir / kEnrollmentFile, R"({"registrar":"https://x","serial-number":"S","voucher":{"file":"../etc/passwd"}})");
  EXPECT_NE(read_enrollment(dir.string()).error().message.find("voucher.file"), std::string::npos);
}

TEST_F(DeviceState, WipeKeepsOnlyTheBirthIdentity) {
  must(write_enrollment(dir.string(), files()), "enroll");
  fs::create_directory(dir / ".tmp-left");
  auto removed = must(wipe(dir.string(), false), "wipe");
  EXPECT_EQ(removed, (std::vector<std::string>{".tmp-left", "domain-ca.pem", "enrollment.json", "ldevid.crt", "ldevid.key",
                                                "network-profile.json", "voucher.vcj"}));
  EXPECT_EQ(entries(), (std::vector<std::string>{"chain.pem", "idevid.crt", "idevid.key"}));
  EXPECT_TRUE(must(wipe(dir.string(), false), "again").empty());
  EXPECT_TRUE(must(load_birth_identity(dir.string()), "birth identity survives").idevid);
}

TEST_F(DeviceState, WipeRefusesStrangersUnlessForcedAndNonStateFolders) {
  must(write_enrollment(dir.string(), files()), "enroll");
  put(dir / "notes.txt", "mine");
  auto r = wipe(dir.string(), false);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_NE(r.error().message.find("notes.txt"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / kEnrollmentFile));  // nothing removed
  auto forced = must(wipe(dir.string(), true), "forced");
  EXPECT_NE(std::find(forced.begin(), forced.end(), "notes.txt"), forced.end());
  EXPECT_EQ(entries(), (std::vector<std::string>{"chain.pem", "idevid.crt", "idevid.key"}));

  fs::path plain = dir / "plain";
  fs::create_directory(plain);
  put(plain / "data", "x");
  r = wipe(plain.string(), true);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a device state folder"), std::string::npos);
  EXPECT_TRUE(fs::exists(plain / "data"));
}

TEST_F(DeviceState, OneProcessAtATime) {
  auto first = StateLock::acquire(dir.string());
  ASSERT_TRUE(first.ok());
  // flock is per open file description: a second open in this process conflicts too.
  auto second = StateLock::acquire(dir.string());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().message.find("another iotonb process"), std::string::npos);
}

TEST(EnrollmentRecord, JsonRoundTrip) {
  EnrollmentRecord r;
  r.registrar = "https://r";
  r.serial = "S";
  r.voucher_file = kVoucherCoseFile;
  r.renewals = 2;
  r.ldevid_fingerprint = "ab";
  auto back = must(EnrollmentRecord::from_json(nlohmann::json::parse(r.to_json().dump())), "from_json");
  EXPECT_EQ(back.registrar, "https://r");
  EXPECT_EQ(back.renewals, 2);
  EXPECT_EQ(back.voucher_file, kVoucherCoseFile);
  EXPECT_EQ(back.ldevid_fingerprint, "ab");
  EXPECT_FALSE(EnrollmentRecord::from_json(nlohmann::json::array()).ok());
  EXPECT_FALSE(EnrollmentRecord::from_json(nlohmann::json{{"serial-number", "S"}}).ok());
}

}  // namespace
}  // namespace iotonb::protocol
