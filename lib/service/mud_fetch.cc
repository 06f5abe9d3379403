#include "service/mud_fetch.h"

#include <openssl/evp.h>

#include <filesystem>
#include <system_error>

#include "core/encoding.h"
#include "core/files.h"
#include "core/json.h"
#include "core/url.h"
#include "net/https_client.h"
#include "net/https_server.h"
#include "pki/certificate.h"

namespace iotonb::service {
namespace {

namespace mud = artifact::mud;
using nlohmann::json;

constexpr const char* kMudMediaType = "application/mud+json";
constexpr const char* kSignatureMediaType = "application/pkcs7-signature";
// A Location header (RFC 9110 10.2.2) made absolute against the URL it answered.
Result<std::string> resolve_location(const std::string& base, const std::string& location) {
  if (location.empty()) return Error{ErrorKind::network, "redirect without a Location"};
  if (location.rfind("https://", 0) == 0) return location;
  if (location.rfind("//", 0) == 0) return "https:" + location;
  auto colon = location.find(':');
  auto slash = location.find('/');
  if (colon != std::string::npos && (slash == std::string::npos || colon < slash))
    return Error{ErrorKind::network, "refused a redirect to a URL that is not https: " + location};
  IOTONB_ASSIGN_OR_RETURN(core::HttpsUrl b, core::parse_https_url(base));
  if (location.front() == '/') return b.origin() + location;
  std::string dir = b.target.substr(0, b.target.find('?'));
  return b.origin() + dir.substr(0, dir.rfind('/') + 1) + location;
}

struct Fetched {
  std::string body;
  std::string content_type;
};

// One resource: GET with redirects, the status and the size checked. Media types are the
// caller's, since what is acceptable differs per resource.
Result<Fetched> get(const std::string& url, const std::string& accept, std::size_t max_body,
                    const std::vector<const X509*>& tls_trust, const MudFetchOptions& options) {
  std::string current = url;
  for (int redirects = 0;; ++redirects) {
    IOTONB_ASSIGN_OR_RETURN(core::HttpsUrl u, core::parse_https_url(current));
    net::ClientOptions co;
    co.url = u.origin();
    co.trust_mode = net::ServerTrust::anchors;
    co.trust = tls_trust;
    co.check_host_name = true;
    co.max_body = max_body;
    co.connect_timeout_ms = options.connect_timeout_ms;
    co.read_timeout_ms = options.total_timeout_ms;
    co.total_timeout_ms = options.total_timeout_ms;
    co.max_retries = 0;  // a MUD server that fails now is retried at the next onboarding
    IOTONB_ASSIGN_OR_RETURN(auto client, net::HttpsClient::create(co));
    IOTONB_ASSIGN_OR_RETURN(net::ClientResponse response, client->get(u.target, accept));
    const int s = response.status;
    if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
      if (redirects >= options.max_redirects)
        return Error{ErrorKind::network, "GET " + url + ": more than " + std::to_string(options.max_redirects) +
                                             " redirects"};
      auto next = resolve_location(current, response.location);
      if (!next) return next.error().context("GET " + current);
      current = std::move(next).value();
      continue;
    }
    if (s != 200)
      return Error{ErrorKind::network, "GET " + current + ": HTTP " + std::to_string(s) + " (200 expected)"};
    return Fetched{std::move(response.body), std::move(response.content_type)};
  }
}

std::string sha256_hex(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr);
  return core::to_hex(ByteView(digest, length));
}

std::string cache_path(const std::string& dir, const std::string& url) {
  return (std::filesystem::path(dir) / (sha256_hex(url) + ".mud-cache.json")).string();
}

// What makes a file usable, fetched or cached alike: it parses and validates, names the URL
// it came from, and its signature verifies.
Status check_file(const std::string& url, FetchedMud& out, const MudFetchOptions& options) {
  auto file = mud::parse_mud(as_chars(out.file_bytes));
  if (!file) return file.error().context("MUD file at " + url);
  if (file->mud_url != url)
    return verify_error("MUD file at " + url + " names another mud-url (" + file->mud_url +
                        "): RFC 8520 requires the URL it is fetched from");
  mud::MudVerifyOptions vo;
  vo.trust = options.trust;
  vo.untrusted = options.untrusted;
  vo.at = options.at;
  vo.mud_signer = options.mud_signer;
  auto signature = mud::verify_mud_signature(out.file_bytes, out.signature, vo);
  if (!signature) return signature.error().context("MUD file at " + url + ": signature " + out.signature_url);
  out.file = std::move(file).value();
  out.signature_info = std::move(signature).value();
  out.expires_at = out.fetched_at + static_cast<core::UnixTime>(out.file.cache_validity) * 3600;
  return ok_status();
}

// A cache entry still within its validity that verifies now; nullopt (with the reason in
// problem, "" for a plain miss) otherwise.
std::optional<FetchedMud> from_cache(const std::string& url, core::UnixTime now, const MudFetchOptions& options,
                                     std::string& problem) {
  const std::string path = cache_path(options.cache_dir, url);
  if (!core::path_exists(path)) return std::nullopt;
  auto fail = [&](const std::string& why) {
    problem = "cache entry " + path + ": " + why;
    return std::nullopt;
  };
  const std::size_t limit = 2 * (options.max_file_size + options.max_signature_size) + 4096;  // base64 and metadata
  auto text = core::read_input(path, limit);
  if (!text) return fail(text.error().message);
  auto entry = core::parse_json(as_chars(*text), {limit, 4});
  if (!entry) return fail(entry.error().message);
  try {
    if (!entry->is_object() || entry->value("version", 0) != 1 || entry->value("url", "") != url)
      return fail("not an entry for this URL");
    FetchedMud out;
    out.from_cache = true;
    out.fetched_at = entry->at("fetched_at").get<core::UnixTime>();
    out.signature_url = entry->at("signature_url").get<std::string>();
    auto file = core::from_base64(entry->at("file").get<std::string>());
    auto signature = core::from_base64(entry->at("signature").get<std::string>());
    if (!file || !signature) return fail("unreadable base64");
    out.file_bytes = std::move(file).value();
    out.signature = std::move(signature).value();
    if (out.file_bytes.size() > options.max_file_size || out.signature.size() > options.max_signature_size)
      return fail("larger than the limits");
    if (Status s = check_file(url, out, options); !s) return fail(s.error().message);
    // A clock set back before the fetch makes the age unknowable: fetch again.
    if (now < out.fetched_at || now >= out.expires_at) return std::nullopt;
    return out;
  } catch (const json::exception& e) {
    return fail(std::string("malformed: ") + e.what());
  }
}

std::string store_in_cache(const std::string& url, const FetchedMud& fetched, const MudFetchOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.cache_dir, ec);
  if (ec) return "cannot create the cache folder " + options.cache_dir + ": " + ec.message();
  json entry{{"version", 1},
             {"url", url},
             {"fetched_at", fetched.fetched_at},
             {"expires_at", core::format_rfc3339(fetched.expires_at)},
             {"signature_url", fetched.signature_url},
             {"file", core::to_base64(fetched.file_bytes)},
             {"signature", core::to_base64(fetched.signature)}};
  const std::string path = cache_path(options.cache_dir, url);
  core::WriteOptions wo;
  wo.overwrite = true;
  if (Status s = core::write_output(path, entry.dump() + "\n", wo); !s) return s.error().message;
  return "";
}

}  // namespace

std::string conventional_signature_url(const std::string& mud_url) {
  constexpr std::string_view json_suffix = ".json";
  if (mud_url.size() > json_suffix.size() &&
      mud_url.compare(mud_url.size() - json_suffix.size(), json_suffix.size(), json_suffix) == 0)
    return mud_url.substr(0, mud_url.size() - json_suffix.size()) + ".p7s";
  return mud_url + ".p7s";
}

Result<FetchedMud> fetch_mud(const std::string& url, const MudFetchOptions& options) {
  IOTONB_RETURN_IF_ERROR(core::parse_https_url(url));
  if (options.trust.empty()) return usage_error("MUD fetch needs trust anchors for the MUD signer");
  const core::UnixTime now = options.at != 0 ? options.at : core::now();
  MudFetchOptions effective = options;
  effective.at = now;

  std::string cache_problem;
  if (!options.cache_dir.empty()) {
    if (auto cached = from_cache(url, now, effective, cache_problem)) return std::move(cached).value();
  }

  std::vector<core::X509Ptr> system_anchors;
  std::vector<const X509*> tls_trust = options.tls_trust;
  if (tls_trust.empty()) {
    auto certs = pki::read_certificates(options.system_ca_file);
    if (!certs) return certs.error().context("the system's trust anchors");
    system_anchors = std::move(certs).value();
    for (const auto& c : system_anchors) tls_trust.push_back(c.get());
  }

  FetchedMud out;
  out.cache_problem = std::move(cache_problem);
  out.fetched_at = now;
  IOTONB_ASSIGN_OR_RETURN(Fetched file, get(url, kMudMediaType, options.max_file_size, tls_trust, options));
  if (!net::media_type_is(file.content_type, kMudMediaType) && !net::media_type_is(file.content_type, "application/json"))
    return Error{ErrorKind::network, "GET " + url + ": served as \"" + file.content_type + "\", not " + kMudMediaType};
  out.file_bytes = Bytes(file.body.begin(), file.body.end());

  // The signature URL is needed before the check, so the file is read first; it is used for
  // nothing else until its signature verified.
  auto parsed = mud::parse_mud(file.body);
  if (!parsed) return parsed.error().context("MUD file at " + url);
  out.signature_url = parsed->mud_signature ? *parsed->mud_signature : conventional_signature_url(url);
  IOTONB_ASSIGN_OR_RETURN(Fetched signature,
                          get(out.signature_url, kSignatureMediaType, options.max_signature_size, tls_trust, options));
  if (!net::media_type_is(signature.content_type, kSignatureMediaType))
    return Error{ErrorKind::network, "GET " + out.signature_url + ": served as \"" + signature.content_type +
                                         "\", not " + kSignatureMediaType};
  out.signature = Bytes(signature.body.begin(), signature.body.end());

  IOTONB_RETURN_IF_ERROR(check_file(url, out, effective));
  if (!options.cache_dir.empty()) {
    std::string problem = store_in_cache(url, out, options);
    if (!problem.empty()) out.cache_problem += (out.cache_problem.empty() ? "" : "; ") + problem;
  }
  return out;
}

}  // namespace iotonb::service
