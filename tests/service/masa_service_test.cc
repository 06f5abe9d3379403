// The MASA service (lib/service/masa_service.h, masa_config.h) on loopback with real TLS: a
// masa.yaml written here, a registrar request over HTTPS with the registrar's certificate as
// TLS client certificate, the voucher and audit log that come back, 415 for a wrong media
// type; and the configuration reader's refusals, each naming the key.
#include "service/masa_service.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "artifact/voucher_inputs.h"
#include "artifact/voucher_verify.h"
#include "core/encoding.h"
#include "core/json.h"
#include "net/https_client.h"
#include "pki/idevid.h"
#include "pki/pki_test_util.h"

namespace iotonb::service {
namespace {

using artifact::Voucher;
using artifact::VoucherKind;
using test::must;

class MasaServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir = std::filesystem::temp_directory_path() /
          ("iotonb-masa-service-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  void TearDown() override { std::filesystem::remove_all(dir); }

  std::string write(const std::string& name, const std::string& text) {
    std::ofstream((dir / name).string(), std::ios::binary) << text;
    return (dir / name).string();
  }
  void write_identity(const std::string& stem, const X509* cert, EVP_PKEY* key) {
    write(stem + ".crt", pki::certificate_pem(cert));
    write(stem + ".key", must(pki::private_key_to_pem(key, nullptr), "key pem"));
  }
  std::string config_text(const std::string& extra = "") {
    return "listen: {address: 127.0.0.1, port: 0}\n"
           "tls: {cert: tls.crt, key: tls.key}\n"
           "voucher-signer: {cert: masa.crt, key: masa.key}\n"
           "manufacturer-trust: [maker.crt]\n"
           "store: masa.sqlite\n" +
           extra;
  }
  std::string load_error(const std::string& text) {
    auto c = load_masa_config(write("bad.yaml", text));
    return c ? "" : c.error().message;
  }

  std::filesystem::path dir;
};

TEST_F(MasaServiceTest, IssuesAVoucherOverHttps) {
  test::TestCa maker = test::make_root("CN=Maker Root");
  test::TestCa domain = test::make_root("CN=Owner Domain CA");
  auto masa_key = test::new_key();
  auto masa_cert = test::make_cert("CN=MASA", masa_key.get(), pki::Profile::masa, &maker, 1767225600, 1924992000, {0x61});
  auto tls_key = test::new_key();
  pki::ProfileOptions sans;
  sans.sans = {"IP:127.0.0.1"};
  auto tls_cert = test::make_cert("CN=localhost", tls_key.get(), pki::Profile::server, &maker, 1767225600, 1924992000,
                                  {0x62}, sans);
  write_identity("masa", masa_cert.get(), masa_key.get());
  write_identity("tls", tls_cert.get(), tls_key.get());
  write("maker.crt", pki::certificate_pem(maker.cert.get()));
  auto config = must(load_masa_config(write("masa.yaml", config_text("voucher: {nonceless-validity: 1d}\n"))), "config");
  EXPECT_EQ(config.store, (dir / "masa.sqlite").string());
  EXPECT_EQ(config.nonceless_validity, 86400);

  // A device sold to the domain, and the domain's registrar.
  auto device_key = test::new_key();
  pki::IdevidRequest req;
  req.device_serial = "SN-7";
  req.cert_serial = {0x07};
  req.not_before = 1767225600;
  auto ca = maker.issuing();
  auto idevid = must(pki::issue_idevid(req, device_key.get(), ca), "idevid");
  auto registrar_key = test::new_key();
  auto registrar = test::make_cert("CN=Registrar", registrar_key.get(), pki::Profile::registrar, &domain, 1767225600,
                                   1924992000, {0x71});

  auto service = must(MasaService::create(config), "create");
  store::OwnershipRecord owned{"SN-7", core::to_hex(pki::certificate_fingerprint(idevid.get(), EVP_sha256())),
                               pki::certificate_der(domain.cert.get()), "Owner", "p-7", core::now()};
  must(service->store().claim({owned}), "claim");
  must(service->start(), "start");
  EXPECT_EQ(service->url(), "https://127.0.0.1:" + std::to_string(service->port()));

  Voucher pledge(VoucherKind::request);
  pledge.set_text("serial-number", "SN-7");
  pledge.set_bytes("nonce", Bytes(16, 0x11));
  pledge.set_text("created-on", core::format_rfc3339(core::now() - 5));
  pledge.set_text("assertion", "proximity");
  auto device_signer = pki::memory_signer(test::share(device_key.get()), "memory:device");
  artifact::VoucherSignOptions po;
  po.certificate = idevid.get();
  Bytes pledge_bytes = must(artifact::sign_voucher(pledge, *device_signer, po), "pledge request");
  Voucher outer(VoucherKind::request);
  outer.set_text("serial-number", "SN-7");
  outer.set_bytes("nonce", Bytes(16, 0x11));
  outer.set_text("created-on", core::format_rfc3339(core::now() - 1));
  outer.set_bytes("prior-signed-voucher-request", pledge_bytes);
  auto registrar_signer = pki::memory_signer(test::share(registrar_key.get()), "memory:registrar");
  artifact::VoucherSignOptions ro;
  ro.certificate = registrar.get();
  Bytes request = must(artifact::sign_voucher(outer, *registrar_signer, ro), "registrar request");

  net::ClientOptions co;
  co.url = service->url();
  co.trust = {maker.cert.get()};
  co.client_certificate = registrar.get();
  co.client_key = registrar_key.get();
  auto client = must(net::HttpsClient::create(co), "client");
  const std::string body(request.begin(), request.end());
  auto answer = must(client->post(kRequestVoucherPath, "application/voucher-cms+json", body, "application/voucher-cms+json"),
                     "post");
  ASSERT_EQ(answer.status, 200) << answer.body;
  EXPECT_EQ(answer.content_type, "application/voucher-cms+json");
  artifact::VoucherVerifyOptions vo;
  vo.trust = {maker.cert.get()};
  vo.at = core::now();
  vo.serial = "SN-7";
  vo.domain_cert = registrar.get();
  auto verified = must(artifact::verify_voucher(as_bytes(answer.body), vo), "verify");
  EXPECT_TRUE(verified.ok()) << verified.first_failure()->name << ": " << verified.first_failure()->detail;

  auto log = must(client->post(kRequestAuditLogPath, "application/voucher-cms+json", body, "application/json"), "audit");
  ASSERT_EQ(log.status, 200) << log.body;
  auto doc = must(core::parse_json(log.body), "audit json");
  EXPECT_EQ(doc["events"].size(), 1u);

  auto wrong = must(client->post(kRequestVoucherPath, "application/json", body, "*/*"), "post");
  EXPECT_EQ(wrong.status, 415);
  auto garbage = must(client->post(kRequestVoucherPath, "application/voucher-cms+json", "x", "*/*"), "post");
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(garbage.content_type.rfind("text/plain", 0), 0u) << garbage.content_type;
  service->stop();
}

TEST_F(MasaServiceTest, ConfigRefusalsNameTheKey) {
  EXPECT_EQ(load_error(config_text()), "");
  EXPECT_NE(load_error(config_text("colour: blue\n")).find("colour: unknown key"), std::string::npos);
  EXPECT_NE(load_error("tls: {cert: a, key: b}\n").find("voucher-signer is missing"), std::string::npos);
  EXPECT_NE(load_error(config_text("voucher: {forms: [xml]}\n")).find("\"xml\" is not one of"), std::string::npos);
  EXPECT_NE(load_error(config_text("voucher: {nonceless-validity: soon}\n")).find("nonceless-validity"), std::string::npos);
  EXPECT_NE(load_error(config_text("limits: {threads: 0}\n")).find("limits.threads"), std::string::npos);
  EXPECT_NE(load_error("listen: {port: 70000}\n").find("listen.port"), std::string::npos);
  EXPECT_NE(load_error("tls: {cert: a}\n").find("key is missing"), std::string::npos);
  EXPECT_NE(load_error("[1, 2]\n").find("top level"), std::string::npos);
  EXPECT_NE(load_error("tls: {cert: [a\n").find("bad.yaml"), std::string::npos);
  auto missing = load_masa_config((dir / "none.yaml").string());
  EXPECT_FALSE(missing);
}

TEST_F(MasaServiceTest, CreateRefusesAKeyThatIsNotTheCertificates) {
  test::TestCa maker = test::make_root("CN=Maker Root");
  auto key = test::new_key();
  auto other = test::new_key();
  auto cert = test::make_cert("CN=MASA", key.get(), pki::Profile::masa, &maker, 1767225600, 1924992000);
  write("masa.crt", pki::certificate_pem(cert.get()));
  write("masa.key", must(pki::private_key_to_pem(other.get(), nullptr), "pem"));
  write_identity("tls", cert.get(), key.get());
  write("maker.crt", pki::certificate_pem(maker.cert.get()));
  auto config = must(load_masa_config(write("masa.yaml", config_text())), "config");
  auto service = MasaService::create(config);
  ASSERT_FALSE(service);
  EXPECT_NE(service.error().message.find("voucher-signer"), std::string::npos) << service.error().message;
}

}  // namespace
}  // namespace iotonb::service
