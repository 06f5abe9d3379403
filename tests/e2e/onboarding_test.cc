// End-to-end onboarding on loopback (issue 4's "done when"): the MASA and the registrar run
// as services with real TLS and real SQLite stores, the pledge is service::enroll as
// `iotonb enroll` runs it. The happy path with renewal, wipe and re-onboarding; each refusal
// with its HTTP status and the message the pledge shows; vouchers a rogue registrar forges
// (tampered, expired, another nonce, another domain) refused by the pledge; a stalled client;
// retries on 503; and 200 pledges at once.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "artifact/voucher_verify.h"
#include "e2e/onboarding_world.h"
#include "net/https_client.h"
#include "net/https_server.h"
#include "pki/csr.h"
#include "pki/verify.h"
#include "protocol/brski/pledge.h"
#include "protocol/device_state.h"

namespace iotonb::test {
namespace {

using service::EnrollTrace;

constexpr const char* kRequestVoucher = "/.well-known/brski/requestvoucher";
constexpr const char* kSimpleEnroll = "/.well-known/est/simpleenroll";
constexpr const char* kCms = "application/voucher-cms+json";

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class Onboarding : public ::testing::Test {
 protected:
  OnboardingWorld world{::testing::UnitTest::GetInstance()->current_test_info()->name()};

  void SetUp() override {
    world.start_masa();
    world.start_registrar();
  }

  // A client to the registrar presenting the device's IDevID, trusting the domain CA.
  std::unique_ptr<net::HttpsClient> device_client(const Device& d, int max_body_retries = 0) {
    net::ClientOptions o;
    o.url = world.registrar->url();
    o.trust = {world.domain.cert.get()};
    o.client_certificate = d.idevid.get();
    o.client_key = d.key.get();
    o.max_retries = max_body_retries;
    return must(net::HttpsClient::create(o), "client");
  }

  // The device's signed pledge voucher request for this registrar.
  protocol::brski::PledgeVoucherRequest pledge_request(const Device& d) {
    auto signer = pki::memory_signer(share(d.key.get()), "memory:" + d.serial);
    protocol::brski::PledgeIdentity id{d.idevid.get(), {}, signer.get()};
    return must(protocol::brski::make_voucher_request(id, world.registrar->tls_certificate(), {}), "pledge request");
  }
};

TEST_F(Onboarding, EnrollRenewWipeAndEnrollAgain) {
  Device& d = world.add_device("EXD-000001");
  world.sell({&d});

  auto first = must(service::enroll(world.enroll_options(d)), "enroll");
  EXPECT_EQ(first.serial, "EXD-000001");
  EXPECT_EQ(first.voucher_assertion, "logged");
  EXPECT_EQ(first.network_profile["network-id"], "example-iot");
  EXPECT_EQ(first.network_profile["segment"], "thermostats");
  // The device state: LDevID key private to the device, certificate chaining to the domain CA.
  struct stat st {};
  ASSERT_EQ(::stat((d.state_dir + "/ldevid.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto ldevid = must(pki::read_certificate(d.state_dir + "/ldevid.crt"), "ldevid");
  EXPECT_TRUE(pki::verify_chain(ldevid.get(), {{world.domain.cert.get()}, {}, core::now()}).ok());
  EXPECT_TRUE(std::filesystem::exists(d.state_dir + "/voucher.vcj"));
  EXPECT_TRUE(std::filesystem::exists(d.state_dir + "/network-profile.json"));
  EXPECT_TRUE(std::filesystem::exists(d.state_dir + "/domain-ca.pem"));

  // The registrar's record and the MASA's audit log.
  auto record = must(world.registrar->store().device("EXD-000001"), "device");
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->status, store::DeviceStatus::enrolled);
  EXPECT_EQ(record->ldevid_sha256, first.ldevid.fingerprint);
  EXPECT_EQ(record->voucher_assertion, "logged");
  EXPECT_EQ(record->onboard_count, 1);
  EXPECT_EQ(must(world.masa->store().audit_log("EXD-000001"), "audit").total, 1u);

  // Renewal replaces the LDevID; the registrar marks the old one replaced.
  auto renewed = must(service::renew(world.enroll_options(d)), "renew");
  EXPECT_NE(renewed.ldevid.serial, first.ldevid.serial);
  EXPECT_EQ(renewed.previous_ldevid_serial, first.ldevid.serial);
  EXPECT_TRUE(first.warnings.empty()) << first.warnings.front();
  EXPECT_TRUE(renewed.warnings.empty()) << renewed.warnings.front();

  // Wiped, the device keeps only its birth identity, and onboards again from scratch.
  must(protocol::wipe(d.state_dir, true), "wipe");
  EXPECT_FALSE(std::filesystem::exists(d.state_dir + "/ldevid.crt"));
  EXPECT_TRUE(std::filesystem::exists(d.state_dir + "/idevid.crt"));
  auto again = must(service::enroll(world.enroll_options(d)), "enroll again");
  EXPECT_NE(again.ldevid.serial, renewed.ldevid.serial);
  record = must(world.registrar->store().device("EXD-000001"), "device");
  EXPECT_EQ(record->onboard_count, 2);
  EXPECT_EQ(record->ldevid_sha256, again.ldevid.fingerprint);
  auto history = must(world.registrar->store().ldevids("EXD-000001"), "ldevids");
  ASSERT_EQ(history.size(), 3u);
  int active = 0;
  for (const auto& l : history) {
    if (l.status == store::LdevidStatus::active) {
      ++active;
      EXPECT_EQ(l.sha256, again.ldevid.fingerprint);
    } else {
      EXPECT_EQ(l.status, store::LdevidStatus::replaced);
    }
  }
  EXPECT_EQ(active, 1);
  EXPECT_EQ(must(world.masa->store().audit_log("EXD-000001"), "audit").total, 2u);
}

TEST_F(Onboarding, CoseVouchersWork) {
  Device& d = world.add_device("EXD-000002");
  world.sell({&d});
  auto o = world.enroll_options(d);
  o.form = artifact::VoucherForm::cose;
  auto r = must(service::enroll(o), "enroll");
  EXPECT_EQ(r.voucher_form, "cose");
  EXPECT_TRUE(std::filesystem::exists(d.state_dir + "/voucher.cose"));
}

// --- refusals, each with its status and a message the pledge shows --------------------------

void expect_refused(const Result<service::EnrollResult>& r, const EnrollTrace& trace, int status,
                    const std::string& text) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(trace.http_status, status) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, text)) << r.error().message;
}

TEST_F(Onboarding, DeviceNotOnTheAllowListIs403) {
  Device& d = world.add_device("EXD-000010");
  world.sell({&d}, /*at_masa=*/true, /*at_registrar=*/false);
  EnrollTrace trace;
  auto r = service::enroll(world.enroll_options(d), &trace);
  expect_refused(r, trace, 403, "allow");
  EXPECT_EQ(r.error().kind, ErrorKind::not_authorized);
  EXPECT_FALSE(std::filesystem::exists(d.state_dir + "/ldevid.crt"));
}

TEST_F(Onboarding, SerialUnknownToTheMasa) {
  Device& d = world.add_device("EXD-000011");
  world.sell({&d}, /*at_masa=*/false, /*at_registrar=*/true);
  EnrollTrace trace;
  auto r = service::enroll(world.enroll_options(d), &trace);
  expect_refused(r, trace, 404, "MASA");
}

TEST_F(Onboarding, SerialOwnedByAnotherDomainAtTheMasa) {
  Device& d = world.add_device("EXD-000012");
  TestCa elsewhere = make_root("C=US,O=Someone Else,CN=Other Domain CA");
  world.sell({&d}, /*at_masa=*/true, /*at_registrar=*/false, &elsewhere);  // the MASA: sold to them
  world.sell({&d}, /*at_masa=*/false, /*at_registrar=*/true);             // the owner believes it is theirs
  EnrollTrace trace;
  auto r = service::enroll(world.enroll_options(d), &trace);
  expect_refused(r, trace, 403, "MASA");
}

TEST_F(Onboarding, PledgeTrustingAnotherMasaCaRefusesTheVoucher) {
  Device& d = world.add_device("EXD-000013");
  world.sell({&d});
  TestCa other = make_root("C=US,O=Other Maker,CN=Other Root");
  auto o = world.enroll_options(d);
  o.masa_trust = {other.cert.get()};
  EnrollTrace trace;
  auto r = service::enroll(o, &trace);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_TRUE(contains(r.error().message, "not signed by a trusted MASA")) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(d.state_dir + "/ldevid.crt"));
  // The pledge told the registrar why (RFC 8995 5.7 voucher_status false).
  auto reports = must(world.registrar->store().reports("EXD-000013"), "reports");
  ASSERT_FALSE(reports.empty());
  EXPECT_FALSE(reports.back().status);
}

TEST_F(Onboarding, ReplayedPledgeRequestIsRefused) {
  Device& d = world.add_device("EXD-000014");
  world.sell({&d});
  auto request = pledge_request(d);
  std::string body(request.body.begin(), request.body.end());
  auto client = device_client(d);
  auto first = must(client->post(kRequestVoucher, request.media_type, body, request.media_type), "first");
  EXPECT_EQ(first.status, 200) << first.body;
  auto replay = must(client->post(kRequestVoucher, request.media_type, body, request.media_type), "replay");
  EXPECT_EQ(replay.status, 403);
  EXPECT_TRUE(contains(replay.body, "replay")) << replay.body;
}

TEST_F(Onboarding, BadBodiesMediaTypesAndSizes) {
  Device& d = world.add_device("EXD-000015");
  world.sell({&d});
  auto client = device_client(d);
  auto garbage = must(client->post(kRequestVoucher, kCms, "not a voucher request", kCms), "garbage");
  EXPECT_EQ(garbage.status, 400) << garbage.body;
  EXPECT_FALSE(garbage.body.empty());
  auto media = must(client->post(kRequestVoucher, "application/json", "{}", kCms), "media type");
  EXPECT_EQ(media.status, 415) << media.body;
  auto huge = must(client->post(kRequestVoucher, kCms, std::string(1 << 20, 'x'), kCms), "huge");
  EXPECT_EQ(huge.status, 413) << huge.body;
  auto csr_media = must(client->post(kSimpleEnroll, "text/plain", "x", ""), "csr media");
  EXPECT_EQ(csr_media.status, 415) << csr_media.body;
  // Without a client certificate there is no pledge to judge.
  net::ClientOptions anonymous;
  anonymous.url = world.registrar->url();
  anonymous.trust = {world.domain.cert.get()};
  auto request = pledge_request(d);
  auto no_cert = must(must(net::HttpsClient::create(anonymous), "client")
                          ->post(kRequestVoucher, kCms, std::string(request.body.begin(), request.body.end()), kCms),
                      "no cert");
  EXPECT_TRUE(no_cert.status == 401 || no_cert.status == 403) << no_cert.status << " " << no_cert.body;
}

// CSRs that must not become an LDevID: another device's serialNumber, the IDevID's own key,
// a signature that does not verify. The device first gets its voucher, as a pledge would.
TEST_F(Onboarding, CsrWhoseSubjectOrKeyDoesNotMatchIs400) {
  Device& d = world.add_device("EXD-000016");
  world.sell({&d});
  auto request = pledge_request(d);
  auto client = device_client(d);
  ASSERT_EQ(must(client->post(kRequestVoucher, request.media_type, std::string(request.body.begin(), request.body.end()),
                              request.media_type),
                 "voucher")
                .status,
            200);
  auto post_csr = [&](X509_REQ* csr) {
    return must(client->post(kSimpleEnroll, "application/pkcs10", core::to_base64(pki::csr_der(csr)), ""), "simpleenroll");
  };
  auto other = must(protocol::brski::make_ldevid_request("EXD-999999", pki::KeyType::p256), "csr");
  auto wrong_subject = post_csr(other.csr.get());
  EXPECT_EQ(wrong_subject.status, 400);
  EXPECT_TRUE(contains(wrong_subject.body, "serialNumber")) << wrong_subject.body;

  pki::CsrRequest same_key;
  auto same_key_subject = must(pki::parse_name("serialNumber=EXD-000016"), "name");
  same_key.subject = same_key_subject.get();
  auto idevid_signer = pki::memory_signer(share(d.key.get()), "memory:idevid");
  auto reused = must(pki::create_csr(same_key, *idevid_signer), "csr with the IDevID key");
  auto reused_answer = post_csr(reused.get());
  EXPECT_EQ(reused_answer.status, 400);
  EXPECT_TRUE(contains(reused_answer.body, "key")) << reused_answer.body;

  auto good = must(protocol::brski::make_ldevid_request("EXD-000016", pki::KeyType::p256), "csr");
  Bytes broken = good.csr_der;
  broken.back() ^= 0x01;  // the last octet of the signature
  auto broken_answer = must(client->post(kSimpleEnroll, "application/pkcs10", core::to_base64(broken), ""), "broken");
  EXPECT_EQ(broken_answer.status, 400);
  EXPECT_TRUE(contains(broken_answer.body, "signature")) << broken_answer.body;

  // The well-formed CSR of the same device is issued (base64 with line breaks, RFC 8951).
  std::string wrapped = core::to_base64(good.csr_der);
  for (std::size_t i = 64; i < wrapped.size(); i += 65) wrapped.insert(i, "\n");
  EXPECT_EQ(must(client->post(kSimpleEnroll, "application/pkcs10", wrapped, ""), "good").status, 200);
}

// A client that sends half a request and stalls is dropped after the read timeout; the
// registrar keeps onboarding other devices meanwhile.
TEST_F(Onboarding, StalledClientTimesOutAndOthersAreServed) {
  world.registrar->stop();
  world.start_registrar("", "limits: {read-timeout-ms: 1000}\n");
  Device& d = world.add_device("EXD-000017");
  world.sell({&d});

  core::OsslPtr<SSL_CTX, SSL_CTX_free> ctx(SSL_CTX_new(TLS_client_method()));
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(world.registrar->port()));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  core::OsslPtr<SSL, SSL_free> ssl(SSL_new(ctx.get()));
  SSL_set_fd(ssl.get(), fd);
  ASSERT_EQ(SSL_connect(ssl.get()), 1);
  std::string head = std::string("POST ") + kRequestVoucher + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + kCms +
                     "\r\nContent-Length: 1000\r\n\r\nhalf a bo";
  ASSERT_GT(SSL_write(ssl.get(), head.data(), static_cast<int>(head.size())), 0);

  auto started = std::chrono::steady_clock::now();
  auto r = must(service::enroll(world.enroll_options(d)), "enroll while another client stalls");
  EXPECT_EQ(r.serial, "EXD-000017");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));

  // The stalled connection is closed by the server: reading gets no HTTP answer.
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buffer[512];
  int n = SSL_read(ssl.get(), buffer, sizeof buffer);
  std::string answer = n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : "";
  EXPECT_TRUE(n <= 0 || contains(answer, " 408 ") || contains(answer, " 400 ")) << answer;
  ::close(fd);
}

// --- a rogue registrar: the real registrar's handlers behind a front that can change what
// --- goes back to the pledge -----------------------------------------------------------------

class RogueRegistrar {
 public:
  // intercept(request, call, real) returns the answer; `real` runs the real registrar's handler.
  using Intercept = std::function<net::Response(const net::Request&, int, const std::function<net::Response()>&)>;

  RogueRegistrar(OnboardingWorld& world, const X509* tls_cert, EVP_PKEY* tls_key, Intercept intercept)
      : intercept_(std::move(intercept)) {
    server_ = must(net::HttpsServer::create({tls_cert, {}, tls_key}, {}), "rogue server");
    auto& r = *world.registrar;
    add("POST", kRequestVoucher, [&r](const net::Request& q) { return r.request_voucher(q); });
    add("POST", "/.well-known/brski/voucher_status", [&r](const net::Request& q) { return r.voucher_status(q); });
    add("POST", "/.well-known/brski/enrollstatus", [&r](const net::Request& q) { return r.enroll_status(q); });
    add("GET", "/.well-known/est/cacerts", [&r](const net::Request& q) { return r.cacerts(q); });
    add("POST", kSimpleEnroll, [&r](const net::Request& q) { return r.simpleenroll(q); });
    add("GET", "/.well-known/iotonb/network-profile", [&r](const net::Request& q) { return r.network_profile(q); });
    must(server_->start(), "rogue start");
  }
  ~RogueRegistrar() { server_->stop(); }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }

 private:
  void add(const std::string& method, const std::string& path, std::function<net::Response(const net::Request&)> real) {
    server_->route(method, path, [this, path, real](const net::Request& q) {
      int call = 0;
      {
        std::lock_guard lock(mutex_);
        call = ++calls_[path];
      }
      return intercept_(q, call, [&] { return real(q); });
    });
  }
  Intercept intercept_;
  std::mutex mutex_;
  std::map<std::string, int> calls_;  // per path, guarded by mutex_
  std::unique_ptr<net::HttpsServer> server_;
};

// A voucher the MASA's own key signs, with leaves the test chooses: what a compromised or
// buggy path could hand the pledge. The pledge must judge the content, not only the signature.
net::Response forged_voucher(OnboardingWorld& world, const net::Request& q, const std::function<void(artifact::Voucher&)>& change) {
  auto opened = must(artifact::open_voucher(ByteView(reinterpret_cast<const unsigned char*>(q.body.data()), q.body.size())),
                     "pledge request");
  artifact::Voucher v(artifact::VoucherKind::voucher);
  v.set_text("assertion", "logged");
  v.set_text("serial-number", *opened.voucher->serial_number());
  v.set_bytes("nonce", *opened.voucher->binary("nonce"));
  v.set_text("created-on", core::format_rfc3339(core::now() - 10));
  v.set_bytes("pinned-domain-cert", pki::certificate_der(world.domain.cert.get()));
  change(v);
  auto signer = pki::memory_signer(share(world.masa_signer_key.get()), "memory:masa");
  artifact::VoucherSignOptions so;
  so.certificate = world.masa_signer.get();
  Bytes signed_voucher = must(artifact::sign_voucher(v, *signer, so), "forged voucher");
  return {200, kCms, std::string(signed_voucher.begin(), signed_voucher.end()), {}};
}

struct ForgeryCase {
  const char* name;
  std::function<void(OnboardingWorld&, artifact::Voucher&)> change;
  const char* expected;  // in the pledge's error message
};

TEST_F(Onboarding, PledgeRefusesForgedOrAlteredVouchers) {
  TestCa other_domain = make_root("C=US,O=Mallory,CN=Mallory Domain CA");
  std::vector<ForgeryCase> cases = {
      {"expired", [](OnboardingWorld&, artifact::Voucher& v) {
         v.set_text("created-on", core::format_rfc3339(core::now() - 7200));
         v.set_text("expires-on", core::format_rfc3339(core::now() - 3600));
       }, "expired"},
      {"nonce", [](OnboardingWorld&, artifact::Voucher& v) { v.set_bytes("nonce", Bytes(16, 0x42)); }, "nonce"},
      {"serial", [](OnboardingWorld&, artifact::Voucher& v) { v.set_text("serial-number", "EXD-424242"); }, "serial"},
      {"pinned another domain", [&](OnboardingWorld&, artifact::Voucher& v) {
         v.set_bytes("pinned-domain-cert", pki::certificate_der(other_domain.cert.get()));
       }, "pinned"},
  };
  int n = 0;
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    Device& d = world.add_device("EXD-00002" + std::to_string(n++));
    world.sell({&d});
    RogueRegistrar rogue(world, world.registrar_cert.get(), world.registrar_key.get(),
                         [&](const net::Request& q, int, const std::function<net::Response()>& real) {
                           if (q.path != kRequestVoucher) return real();
                           return forged_voucher(world, q, [&](artifact::Voucher& v) { c.change(world, v); });
                         });
    EnrollTrace trace;
    auto r = service::enroll(world.enroll_options(d, rogue.url()), &trace);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::verification) << r.error().message;
    EXPECT_TRUE(contains(r.error().message, c.expected)) << r.error().message;
    EXPECT_FALSE(std::filesystem::exists(d.state_dir + "/ldevid.crt"));
  }

  // A voucher altered in transit: one octet of the real voucher's signature flipped.
  Device& d = world.add_device("EXD-000029");
  world.sell({&d});
  RogueRegistrar tamper(world, world.registrar_cert.get(), world.registrar_key.get(),
                        [](const net::Request& q, int, const std::function<net::Response()>& real) {
                          net::Response r = real();
                          if (q.path == kRequestVoucher && r.status == 200) r.body.back() ^= 0x01;
                          return r;
                        });
  auto r = service::enroll(world.enroll_options(d, tamper.url()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_TRUE(contains(r.error().message, "signature")) << r.error().message;
}

// A registrar whose TLS certificate is not the one the voucher pins: the real voucher (pinning
// the owner's domain CA) reaches the pledge through a front with a certificate from another
// CA. The pledge must drop the connection before it sends a CSR.
TEST_F(Onboarding, RegistrarCertificateNotMatchingThePinnedDomainIsAbandoned) {
  Device& d = world.add_device("EXD-000030");
  world.sell({&d});
  TestCa mallory = make_root("C=US,O=Mallory,CN=Mallory Root");
  auto key = new_key();
  pki::ProfileOptions sans;
  sans.sans = {"IP:127.0.0.1"};
  auto cert = make_cert("CN=registrar.mallory", key.get(), pki::Profile::registrar, &mallory, kWorldFrom, kWorldTo, {0x77}, sans);
  std::atomic<int> enroll_calls{0};
  // The front cannot relay the pledge's request (it names the front's certificate as
  // proximity-registrar-cert, which the real registrar refuses), so it answers with a voucher
  // for the pledge's nonce, signed by the MASA, pinning the real owner's CA: everything right
  // but the TLS certificate it arrives on.
  RogueRegistrar front(world, cert.get(), key.get(),
                       [&](const net::Request& q, int, const std::function<net::Response()>& real) {
                         if (q.path == kSimpleEnroll) ++enroll_calls;
                         if (q.path != kRequestVoucher) return real();
                         return forged_voucher(world, q, [](artifact::Voucher&) {});
                       });
  EnrollTrace trace;
  auto r = service::enroll(world.enroll_options(d, front.url()), &trace);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_TRUE(contains(r.error().message, "pinned")) << r.error().message;
  EXPECT_EQ(enroll_calls.load(), 0);
}

TEST_F(Onboarding, PledgeRetriesOn503WithBackoff) {
  Device& d = world.add_device("EXD-000031");
  world.sell({&d});
  RogueRegistrar busy(world, world.registrar_cert.get(), world.registrar_key.get(),
                      [](const net::Request& q, int call, const std::function<net::Response()>& real) {
                        if (q.path == kRequestVoucher && call <= 2) {
                          net::Response r = net::error_response(503, "busy, try again");
                          r.headers.emplace_back("Retry-After", "0");
                          return r;
                        }
                        return real();
                      });
  EnrollTrace trace;
  auto r = must(service::enroll(world.enroll_options(d, busy.url()), &trace), "enroll through a busy registrar");
  bool retried = false;
  for (const auto& s : r.steps) {
    if (s.step == "requestvoucher") retried = s.attempts == 3;
  }
  EXPECT_TRUE(retried);
}

// 200 pledges at once: every one onboarded, exactly 200 records.
TEST_F(Onboarding, TwoHundredPledgesAtOnce) {
  constexpr int kPledges = 200;
  std::vector<const Device*> sold;
  for (int i = 0; i < kPledges; ++i) {
    char serial[16];
    std::snprintf(serial, sizeof serial, "LOAD-%04d", i);
    sold.push_back(&world.add_device(serial));
  }
  world.sell(sold);
  std::atomic<int> ok{0};
  std::vector<std::string> failures(kPledges);
  std::vector<std::thread> pledges;
  for (int i = 0; i < kPledges; ++i) {
    pledges.emplace_back([&, i] {
      auto o = world.enroll_options(*sold[static_cast<std::size_t>(i)]);
      o.transport.max_retries = 8;
      auto r = service::enroll(o);
      if (r) ++ok;
      else failures[static_cast<std::size_t>(i)] = r.error().message;
    });
  }
  for (auto& t : pledges) t.join();
  for (const auto& f : failures) EXPECT_EQ(f, "");
  EXPECT_EQ(ok.load(), kPledges);
  EXPECT_EQ(must(world.registrar->store().device_count(), "count"), static_cast<std::size_t>(kPledges));
  std::size_t enrolled = 0;
  for (const auto& rec : must(world.registrar->store().devices(), "devices")) {
    enrolled += rec.status == store::DeviceStatus::enrolled && rec.onboard_count == 1;
  }
  EXPECT_EQ(enrolled, static_cast<std::size_t>(kPledges));
}

// The RFC 8995 Appendix C pledge voucher request, judged by the registrar logic, is in
// tests/protocol/registrar_test.cc; curl and openssl interop is tests/e2e/est_curl_test.sh.

}  // namespace
}  // namespace iotonb::test
