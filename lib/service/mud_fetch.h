// Fetching a MUD file and its signature over HTTPS (RFC 8520 13.2, 17.1), verified before
// anything is returned, with an optional cache that honours the file's cache-validity. The
// registrar calls this when a device's IDevID carries a MUD URL; `iotonb mud fetch` too.
//
// The rules, each failure an error that names the URL:
// - https only, for the file, its signature and every redirect: a redirect to anything but
//   https is refused; at most max_redirects https redirects are followed (301, 302, 303, 307,
//   308), each to a server whose certificate is checked again, host name included.
// - The server's certificate must chain to tls_trust, or to the system store when tls_trust
//   is empty, and name the URL's host (RFC 6125).
// - Media types: the file must be served as application/mud+json (RFC 8520 17.1), or as
//   application/json, which ordinary web servers give every .json file and which changes
//   nothing about what is checked (the signature is the trust, not the header); anything else
//   (text/html from a captive portal, say) is refused. The signature must be
//   application/pkcs7-signature.
// - Sizes: the file at most max_file_size octets (artifact::mud::kMaxMudFileSize), the
//   signature at most max_signature_size; a larger answer is dropped as it arrives.
// - Time: each request is bounded by total_timeout_ms, however slowly the server answers.
// - The file must parse and validate (artifact/mud/file.h), and its mud-url must equal the URL
//   it was fetched from (before redirects): a file served for another device is refused.
// - The signature comes from the file's mud-signature URL; only when that leaf is absent from
//   the URL with a trailing ".json" replaced by ".p7s" (else ".p7s" appended).
// - The signature must verify (artifact/mud/signature.h) against trust at `at`, and match the
//   IDevID's mudSigner when one is given.
//
// Cache (cache_dir set): one file per URL, named by the SHA-256 of the URL, holding the file
// and signature bytes and when they were fetched, written atomically. An entry younger than
// the file's cache-validity (hours) is used without a request, after its signature is
// verified again (cheap, and the trust anchors or mudSigner may have changed since); an older
// or unusable entry is fetched anew. Nothing unverified is ever written to the cache.
//
// fetch_mud keeps no state of its own and may run on several threads at once.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "artifact/mud/file.h"
#include "artifact/mud/model.h"
#include "artifact/mud/signature.h"
#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::service {

inline constexpr const char* kSystemCaFile = "/etc/ssl/certs/ca-certificates.crt";

struct MudFetchOptions {
  std::vector<const X509*> trust;          // anchors for the MUD signer; required
  std::vector<const X509*> untrusted;      // extra intermediates for the signer
  const X509_NAME* mud_signer = nullptr;   // the IDevID's mudSigner, when it names one
  std::vector<const X509*> tls_trust;      // anchors for the HTTPS servers; empty: system_ca_file
  std::string system_ca_file = kSystemCaFile;
  std::string cache_dir;                   // "" for no cache; created when missing
  core::UnixTime at = 0;                   // now (0: the clock): signature checks and cache ages
  int connect_timeout_ms = 5000;
  int total_timeout_ms = 20000;            // per request (file, signature)
  std::size_t max_file_size = artifact::mud::kMaxMudFileSize;
  std::size_t max_signature_size = artifact::mud::kMaxMudSignatureSize;
  int max_redirects = 3;
};

struct FetchedMud {
  Bytes file_bytes;  // exactly as served
  Bytes signature;   // DER
  artifact::mud::MudFile file;
  artifact::mud::MudSignature signature_info;
  bool from_cache = false;
  core::UnixTime fetched_at = 0;  // when the bytes were fetched (from the cache: originally)
  core::UnixTime expires_at = 0;  // fetched_at + cache-validity
  std::string signature_url;
  std::string cache_problem;      // why the cache could not be read or written, "" when fine
};

// Error kinds: usage (a non-https URL, no trust anchors), network (no answer, TLS or host
// name failure, HTTP status other than 200, wrong media type, oversize, redirects, timeout),
// input (the file does not parse or validate), verification (mud-url mismatch, signature).
Result<FetchedMud> fetch_mud(const std::string& url, const MudFetchOptions& options);

// The .p7s convention: "https://x/a.json" → "https://x/a.p7s", "https://x/a" → "https://x/a.p7s".
std::string conventional_signature_url(const std::string& mud_url);

}  // namespace iotonb::service
