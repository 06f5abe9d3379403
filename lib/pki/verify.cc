#include "pki/verify.h"

#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/time.h"
#include "pki/certificate.h"
#include "pki/name.h"

namespace iotonb::pki {

namespace {

// RFC 5280 6 path validation, by OpenSSL.
Result<std::vector<core::X509Ptr>> validate_path(const X509* cert, const ChainCheck& check) {
  core::X509StorePtr store(X509_STORE_new());
  for (const X509* anchor : check.trust) X509_STORE_add_cert(store.get(), const_cast<X509*>(anchor));
  core::X509StackPtr untrusted(sk_X509_new_null());
  for (const X509* c : check.untrusted) {
    X509_up_ref(const_cast<X509*>(c));
    sk_X509_push(untrusted.get(), const_cast<X509*>(c));
  }
  core::X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!X509_STORE_CTX_init(ctx.get(), store.get(), const_cast<X509*>(cert), untrusted.get()))
    return internal_error("cannot set up verification: " + core::openssl_errors());
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(check.at));
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    std::string message = X509_verify_cert_error_string(err);
    if (X509* at_fault = X509_STORE_CTX_get_current_cert(ctx.get()))
      message += " (certificate " + name_to_string(X509_get_subject_name(at_fault)) + ")";
    message += " at " + core::format_rfc3339(check.at);
    core::openssl_errors();
    return verify_error(message);
  }
  std::vector<core::X509Ptr> path;
  STACK_OF(X509)* chain = X509_STORE_CTX_get0_chain(ctx.get());
  for (int i = 0; i < sk_X509_num(chain); ++i) {
    X509* c = sk_X509_value(chain, i);
    X509_up_ref(c);
    path.emplace_back(c);
  }
  return path;
}

// Seconds since the epoch of an ASN1_TIME (OpenSSL's own conversion, so it reads both
// UTCTime and GeneralizedTime as path validation does).
std::optional<core::UnixTime> unix_time(const ASN1_TIME* t) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return static_cast<core::UnixTime>(timegm(&tm));
}

// Paths that validated, so a service judging many artifacts signed by the same few
// certificates (a MASA's voucher requests, a pledge's vouchers) validates each path once
// rather than paying one signature check per link every time. The key is the SHA-256 of every
// input certificate (the one to verify, the anchors, the intermediates offered), so a hit is
// the same question; the only other input is the time, and the answer depends on it only
// through the validity periods, so an entry answers for the times inside all of them.
// Failures are not kept.
class VerifiedPathCache {
 public:
  std::optional<std::vector<core::X509Ptr>> find(const std::string& key, core::UnixTime at) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end() || at < it->second.not_before || at > it->second.not_after) return std::nullopt;
    return copy(it->second.path);
  }

  void add(std::string key, const std::vector<core::X509Ptr>& path) {
    Entry entry;
    for (const auto& c : path) {
      auto not_before = unix_time(X509_get0_notBefore(c.get()));
      auto not_after = unix_time(X509_get0_notAfter(c.get()));
      if (!not_before || !not_after) return;  // what cannot be bounded is not kept
      entry.not_before = std::max(entry.not_before, *not_before);
      entry.not_after = std::min(entry.not_after, *not_after);
    }
    entry.path = copy(path);
    std::lock_guard lock(mutex_);
    if (entries_.size() >= kCapacity) entries_.clear();  // rare: a service sees few signers
    entries_.insert_or_assign(std::move(key), std::move(entry));
  }

 private:
  static std::vector<core::X509Ptr> copy(const std::vector<core::X509Ptr>& path) {
    std::vector<core::X509Ptr> out;
    for (const auto& c : path) {
      X509_up_ref(c.get());
      out.emplace_back(c.get());
    }
    return out;
  }

  static constexpr std::size_t kCapacity = 1024;
  struct Entry {
    std::vector<core::X509Ptr> path;
    core::UnixTime not_before = std::numeric_limits<core::UnixTime>::min();
    core::UnixTime not_after = std::numeric_limits<core::UnixTime>::max();
  };
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

VerifiedPathCache& verified_paths() {
  static VerifiedPathCache cache;
  return cache;
}

// The digests of the certificate, then of the anchors, then of the intermediates; each group
// sorted, so the order they were given in does not matter.
std::string path_key(const X509* cert, const ChainCheck& check) {
  auto digest = [](const X509* c) {
    Bytes d = certificate_fingerprint(c, EVP_sha256());
    return std::string(d.begin(), d.end());
  };
  auto group = [&](const std::vector<const X509*>& certs) {
    std::vector<std::string> digests;
    for (const X509* c : certs) digests.push_back(digest(c));
    std::sort(digests.begin(), digests.end());
    std::string out = std::to_string(digests.size()) + ":";
    for (const auto& d : digests) out += d;
    return out;
  };
  return digest(cert) + group(check.trust) + group(check.untrusted);
}

}  // namespace

Result<std::vector<core::X509Ptr>> verify_chain(const X509* cert, const ChainCheck& check) {
  if (check.trust.empty()) return usage_error("no trust anchor given");
  std::string key = path_key(cert, check);
  if (auto path = verified_paths().find(key, check.at)) return std::move(*path);
  auto path = validate_path(cert, check);
  if (path) verified_paths().add(std::move(key), *path);
  return path;
}

bool has_extended_key_usage(const X509* cert, const char* oid) {
  core::OsslPtr<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free> eku(
      static_cast<EXTENDED_KEY_USAGE*>(X509_get_ext_d2i(cert, NID_ext_key_usage, nullptr, nullptr)));
  if (!eku) return false;
  for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
    char text[80];
    if (OBJ_obj2txt(text, sizeof text, sk_ASN1_OBJECT_value(eku.get(), i), 1) > 0 && std::string_view(text) == oid)
      return true;
  }
  return false;
}

}  // namespace iotonb::pki
