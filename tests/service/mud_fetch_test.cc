// fetch_mud (lib/service/mud_fetch.h) against HTTPS servers on loopback: the happy path, the
// cache (hit within cache-validity, refetch after, re-verified on every use), and each refusal
// the issue names: wrong media type, redirect to http, oversize file and signature, a server
// that trickles its answer, a bad signature, a file naming another mud-url, a server
// certificate for another host; and the mud-signature leaf used before the .p7s convention.
#include "service/mud_fetch.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "net/https_server.h"
#include "pki/pki_test_util.h"

namespace iotonb::service {
namespace {

using test::must;
namespace mud = artifact::mud;

// A valid MUD file naming url, signed at signature_url when that is not empty.
std::string mud_file(const std::string& url, const std::string& signature_url = "", int cache_validity = 48) {
  std::string signature = signature_url.empty() ? "" : "    \"mud-signature\": \"" + signature_url + "\",\n";
  return "{\n"
         "  \"ietf-mud:mud\": {\n"
         "    \"mud-version\": 1,\n"
         "    \"mud-url\": \"" + url + "\",\n" + signature +
         "    \"last-update\": \"2026-11-01T10:00:00+01:00\",\n"
         "    \"cache-validity\": " + std::to_string(cache_validity) + ",\n"
         "    \"is-supported\": true,\n"
         "    \"systeminfo\": \"Test lamp\",\n"
         "    \"from-device-policy\": {\"access-lists\": {\"access-list\": [{\"name\": \"from-lamp\"}]}},\n"
         "    \"to-device-policy\": {\"access-lists\": {\"access-list\": [{\"name\": \"to-lamp\"}]}}\n"
         "  },\n"
         "  \"ietf-access-control-list:acls\": {\n"
         "    \"acl\": [\n"
         "      {\"name\": \"from-lamp\", \"type\": \"ipv4-acl-type\", \"aces\": {\"ace\": [{\"name\": \"update\",\n"
         "        \"matches\": {\"ipv4\": {\"ietf-acldns:dst-dnsname\": \"update.lamps.example.com\", \"protocol\": 6},\n"
         "                    \"tcp\": {\"destination-port\": {\"operator\": \"eq\", \"port\": 443}}},\n"
         "        \"actions\": {\"forwarding\": \"accept\"}}]}},\n"
         "      {\"name\": \"to-lamp\", \"type\": \"ipv4-acl-type\", \"aces\": {\"ace\": [{\"name\": \"update\",\n"
         "        \"matches\": {\"ipv4\": {\"ietf-acldns:src-dnsname\": \"update.lamps.example.com\", \"protocol\": 6},\n"
         "                    \"tcp\": {\"source-port\": {\"operator\": \"eq\", \"port\": 443}}},\n"
         "        \"actions\": {\"forwarding\": \"accept\"}}]}}\n"
         "    ]\n"
         "  }\n"
         "}\n";
}

// What the test server answers per path; set after the server started (URLs need its port).
struct Site {
  std::mutex mutex;
  std::map<std::string, net::Response> pages;
  std::atomic<int> requests{0};

  void put(const std::string& path, const std::string& content_type, std::string body, int status = 200,
           const std::string& location = "") {
    net::Response r;
    r.status = status;
    r.content_type = content_type;
    r.body = std::move(body);
    if (!location.empty()) r.headers.emplace_back("Location", location);
    std::lock_guard lock(mutex);
    pages[path] = std::move(r);
  }
  net::Response answer(const net::Request& request) {
    ++requests;
    std::lock_guard lock(mutex);
    auto it = pages.find(request.path);
    return it == pages.end() ? net::error_response(404, "no such page") : it->second;
  }
};

const std::vector<std::string> kPaths = {"/lamp.json",        "/lamp.p7s",     "/other/sig.p7s", "/moved.json",
                                         "/moved-target.json", "/moved.p7s",   "/to-http.json",  "/big.json",
                                         "/big.p7s",          "/loop.json"};

class MudFetchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    web_root = test::make_root("CN=Web Root");
    mud_root = test::make_root("C=US,O=Lamps Inc,CN=Lamps MUD Root");
    signer_key = test::new_key();
    signer_cert = test::make_cert("C=US,O=Lamps Inc,CN=Lamps MUD Signer", signer_key.get(), pki::Profile::masa,
                                  &mud_root, 1767225600, 1924992000, {0x41});
    server = start_server("IP:127.0.0.1", site);
    base = "https://127.0.0.1:" + std::to_string(server->port());
    url = base + "/lamp.json";
    dir = std::filesystem::temp_directory_path() /
          ("iotonb-mud-fetch-" + std::to_string(::getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    now = test::at("2027-03-01T12:00:00Z");
  }
  void TearDown() override {
    for (auto& s : servers) s->stop();
    std::filesystem::remove_all(dir);
  }

  net::HttpsServer* start_server(const std::string& san, Site& pages) {
    tls_keys.push_back(test::new_key());
    pki::ProfileOptions po;
    po.sans = {san};
    tls_certs.push_back(test::make_cert("CN=mud server", tls_keys.back().get(), pki::Profile::server, &web_root,
                                        1767225600, 1924992000, {0x42}, po));
    net::TlsCredentials tls;
    tls.certificate = tls_certs.back().get();
    tls.key = tls_keys.back().get();
    net::ServerOptions so;
    so.threads = 4;
    auto s = must(net::HttpsServer::create(tls, so), "server");
    for (const auto& p : kPaths) s->route("GET", p, [&pages](const net::Request& r) { return pages.answer(r); });
    must(s->start(), "start");
    servers.push_back(std::move(s));
    return servers.back().get();
  }

  std::string sign(const std::string& text) {
    auto ps = pki::memory_signer(test::share(signer_key.get()), "memory:mud-signer");
    mud::MudSignOptions o;
    o.signing_time = now - 3600;
    Bytes sig = must(mud::sign_mud(as_bytes(text), *ps, signer_cert.get(), o), "sign");
    return std::string(sig.begin(), sig.end());
  }

  // A signed file at path (with its .p7s beside it), naming file_url as its mud-url.
  void publish(const std::string& path, const std::string& file_url, int cache_validity = 48) {
    std::string text = mud_file(file_url, "", cache_validity);
    site.put(path, "application/mud+json", text);
    site.put(path.substr(0, path.size() - 5) + ".p7s", "application/pkcs7-signature", sign(text));
  }

  MudFetchOptions options() {
    MudFetchOptions o;
    o.trust = {mud_root.cert.get()};
    o.tls_trust = {web_root.cert.get()};
    o.at = now;
    o.total_timeout_ms = 3000;
    o.connect_timeout_ms = 2000;
    return o;
  }

  Error failure(const std::string& what, const MudFetchOptions& o) {
    auto r = fetch_mud(what, o);
    if (r) {
      ADD_FAILURE() << "fetch of " << what << " succeeded";
      return {};
    }
    return r.error();
  }

  test::TestCa web_root, mud_root;
  core::EvpPkeyPtr signer_key;
  core::X509Ptr signer_cert;
  std::vector<core::EvpPkeyPtr> tls_keys;
  std::vector<core::X509Ptr> tls_certs;
  std::vector<std::unique_ptr<net::HttpsServer>> servers;
  Site site;
  net::HttpsServer* server = nullptr;
  std::string base, url;
  std::filesystem::path dir;
  core::UnixTime now = 0;
};

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(MudFetchUrls, SignatureUrlConvention) {
  EXPECT_EQ(conventional_signature_url("https://x.example/a/lamp.json"), "https://x.example/a/lamp.p7s");
  EXPECT_EQ(conventional_signature_url("https://x.example/Luminaire_150"), "https://x.example/Luminaire_150.p7s");
  EXPECT_EQ(conventional_signature_url("https://x.example/a.json.bak"), "https://x.example/a.json.bak.p7s");
}

TEST_F(MudFetchTest, FetchesAndVerifies) {
  publish("/lamp.json", url);
  auto r = fetch_mud(url, options());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->from_cache);
  EXPECT_EQ(r->signature_url, base + "/lamp.p7s");
  EXPECT_EQ(r->file.mud_url, url);
  EXPECT_EQ(std::string(r->file_bytes.begin(), r->file_bytes.end()), mud_file(url));
  EXPECT_EQ(r->signature_info.signer_subject, "C=US,O=Lamps Inc,CN=Lamps MUD Signer");
  EXPECT_EQ(r->fetched_at, now);
  EXPECT_EQ(r->expires_at, now + 48 * 3600);
  EXPECT_EQ(site.requests.load(), 2);

  // application/json, which web servers give .json files, is taken too.
  site.put("/lamp.json", "application/json; charset=utf-8", mud_file(url));
  EXPECT_TRUE(fetch_mud(url, options()));

  // Non-https URLs and a missing signer trust are usage errors, before any request.
  EXPECT_EQ(failure("http://127.0.0.1/lamp.json", options()).kind, ErrorKind::usage);
  MudFetchOptions no_trust = options();
  no_trust.trust.clear();
  EXPECT_EQ(failure(url, no_trust).kind, ErrorKind::usage);
}

TEST_F(MudFetchTest, CacheIsUsedWithinCacheValidityAndRefreshedAfter) {
  publish("/lamp.json", url, 2);
  MudFetchOptions o = options();
  o.cache_dir = (dir / "cache").string();
  auto first = fetch_mud(url, o);
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_FALSE(first->from_cache);
  EXPECT_TRUE(first->cache_problem.empty()) << first->cache_problem;
  EXPECT_EQ(site.requests.load(), 2);

  o.at = now + 2 * 3600 - 1;  // still valid
  auto second = fetch_mud(url, o);
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_TRUE(second->from_cache);
  EXPECT_EQ(second->fetched_at, now);
  EXPECT_EQ(second->file_bytes, first->file_bytes);
  EXPECT_EQ(site.requests.load(), 2) << "no request within cache-validity";

  // A cached file is verified again: with other anchors it is not used, and the refetch fails.
  test::TestCa other = test::make_root("CN=Other MUD Root");
  MudFetchOptions distrust = o;
  distrust.trust = {other.cert.get()};
  EXPECT_EQ(failure(url, distrust).kind, ErrorKind::verification);
  EXPECT_EQ(site.requests.load(), 4);

  o.at = now + 2 * 3600;  // expired: fetched again
  auto third = fetch_mud(url, o);
  ASSERT_TRUE(third) << third.error().message;
  EXPECT_FALSE(third->from_cache);
  EXPECT_EQ(third->fetched_at, now + 2 * 3600);
  EXPECT_EQ(site.requests.load(), 6);

  // A damaged entry is a miss with a note, not an error.
  for (const auto& e : std::filesystem::directory_iterator(o.cache_dir))
    std::ofstream(e.path(), std::ios::trunc) << "{\"version\": 1, \"url\": \"" << url << "\", \"file\": 1}";
  auto fourth = fetch_mud(url, o);
  ASSERT_TRUE(fourth) << fourth.error().message;
  EXPECT_FALSE(fourth->from_cache);
  EXPECT_TRUE(contains(fourth->cache_problem, "malformed")) << fourth->cache_problem;
}

TEST_F(MudFetchTest, RefusesWrongMediaTypes) {
  publish("/lamp.json", url);
  site.put("/lamp.json", "text/html", mud_file(url));
  Error e = failure(url, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "served as \"text/html\"")) << e.message;

  publish("/lamp.json", url);
  site.put("/lamp.p7s", "application/octet-stream", sign(mud_file(url)));
  e = failure(url, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "application/pkcs7-signature")) << e.message;
}

TEST_F(MudFetchTest, FollowsHttpsRedirectsAndRefusesOthers) {
  const std::string moved = base + "/moved.json";
  site.put("/moved.json", "text/plain", "", 301, base + "/moved-target.json");
  site.put("/moved-target.json", "application/mud+json", mud_file(moved));
  site.put("/moved.p7s", "application/pkcs7-signature", sign(mud_file(moved)));
  auto r = fetch_mud(moved, options());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->file.mud_url, moved);

  const std::string to_http = base + "/to-http.json";
  site.put("/to-http.json", "text/plain", "", 302, "http://127.0.0.1:" + std::to_string(server->port()) + "/lamp.json");
  Error e = failure(to_http, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "not https")) << e.message;

  site.put("/loop.json", "text/plain", "", 307, "/loop.json");
  e = failure(base + "/loop.json", options());
  EXPECT_TRUE(contains(e.message, "more than 3 redirects")) << e.message;
}

TEST_F(MudFetchTest, RefusesOversizeFileAndSignature) {
  const std::string big = base + "/big.json";
  std::string text = mud_file(big);
  text.insert(text.size() - 2, std::string(mud::kMaxMudFileSize, ' '));
  site.put("/big.json", "application/mud+json", text);
  Error e = failure(big, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "larger than the limit")) << e.message;

  site.put("/big.json", "application/mud+json", mud_file(big));
  site.put("/big.p7s", "application/pkcs7-signature", std::string(mud::kMaxMudSignatureSize + 1, '\x30'));
  e = failure(big, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "larger than the limit")) << e.message;
}

TEST_F(MudFetchTest, RefusesBadSignatureAndForeignMudUrl) {
  publish("/lamp.json", url);
  site.put("/lamp.p7s", "application/pkcs7-signature", sign(mud_file(url) + " "));
  Error e = failure(url, options());
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_TRUE(contains(e.message, "signature does not verify")) << e.message;

  // Correctly signed, but for another URL: a file served for another device.
  std::string foreign = mud_file("https://lamps.example.com/other.json");
  site.put("/lamp.json", "application/mud+json", foreign);
  site.put("/lamp.p7s", "application/pkcs7-signature", sign(foreign));
  e = failure(url, options());
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_TRUE(contains(e.message, "names another mud-url")) << e.message;

  // Not a MUD file at all.
  site.put("/lamp.json", "application/mud+json", "{\"hello\": 1}\n");
  EXPECT_EQ(failure(url, options()).kind, ErrorKind::input);
}

TEST_F(MudFetchTest, UsesTheMudSignatureLeafBeforeTheConvention) {
  const std::string leaf = base + "/other/sig.p7s";
  std::string text = mud_file(url, leaf);
  site.put("/lamp.json", "application/mud+json", text);
  site.put("/other/sig.p7s", "application/pkcs7-signature", sign(text));
  site.put("/lamp.p7s", "application/pkcs7-signature", sign("something else"));
  auto r = fetch_mud(url, options());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->signature_url, leaf);

  // And the leaf is not second-guessed: a bad signature there fails even with a good .p7s.
  site.put("/other/sig.p7s", "application/pkcs7-signature", sign("something else"));
  site.put("/lamp.p7s", "application/pkcs7-signature", sign(text));
  EXPECT_EQ(failure(url, options()).kind, ErrorKind::verification);
}

TEST_F(MudFetchTest, RefusesAServerCertificateForAnotherHost) {
  Site other_site;
  net::HttpsServer* other = start_server("DNS:mud.example.com", other_site);
  const std::string other_url = "https://127.0.0.1:" + std::to_string(other->port()) + "/lamp.json";
  std::string text = mud_file(other_url);
  other_site.put("/lamp.json", "application/mud+json", text);
  other_site.put("/lamp.p7s", "application/pkcs7-signature", sign(text));
  Error e = failure(other_url, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "IP address mismatch")) << e.message;

  // By name: localhost reaches the server whose certificate names only IP 127.0.0.1.
  const std::string by_name = "https://localhost:" + std::to_string(server->port()) + "/lamp.json";
  publish("/lamp.json", by_name);
  e = failure(by_name, options());
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "hostname mismatch")) << e.message;

  // And a server whose chain is not in the TLS anchors.
  publish("/lamp.json", url);
  MudFetchOptions o = options();
  o.tls_trust = {mud_root.cert.get()};
  e = failure(url, o);
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "not trusted")) << e.message;
}

// A server that sends its headers and then one byte of body every 50 ms: each read succeeds
// within the read timeout, so only the bound on the whole request stops it.
TEST_F(MudFetchTest, ASlowServerTimesOutInBoundedTime) {
  auto key = test::new_key();
  pki::ProfileOptions po;
  po.sans = {"IP:127.0.0.1"};
  auto cert = test::make_cert("CN=slow", key.get(), pki::Profile::server, &web_root, 1767225600, 1924992000, {0x43}, po);
  httplib::SSLServer slow(cert.get(), key.get());
  std::atomic<bool> stopping{false};
  slow.Get("/lamp.json", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("application/mud+json", [&](std::size_t, httplib::DataSink& sink) {
      for (int i = 0; i < 200 && !stopping; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (!sink.write(" ", 1)) return false;
      }
      sink.done();
      return true;
    });
  });
  int port = slow.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { slow.listen_after_bind(); });
  const std::string slow_url = "https://127.0.0.1:" + std::to_string(port) + "/lamp.json";

  MudFetchOptions o = options();
  o.total_timeout_ms = 600;
  auto started = std::chrono::steady_clock::now();
  Error e = failure(slow_url, o);
  auto elapsed = std::chrono::steady_clock::now() - started;
  stopping = true;
  slow.stop();
  serving.join();
  EXPECT_EQ(e.kind, ErrorKind::network);
  EXPECT_TRUE(contains(e.message, "within 600 ms")) << e.message;
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

}  // namespace
}  // namespace iotonb::service
