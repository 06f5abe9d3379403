// Helpers shared by the lib/pki unit tests: in-memory CAs built through the library's own
// issuing path, and access to the public vectors (IOTONB_VECTORS_DIR).
#pragma once

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/files.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/certificate.h"
#include "pki/issuing_ca.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/profile.h"
#include "pki/signer.h"

namespace iotonb::test {

// The value of a Result, or a test failure (thrown, so it also works in helpers).
template <typename T>
T must(Result<T> r, const std::string& what) {
  if (!r.ok()) throw std::runtime_error(what + ": " + r.error().message);
  return std::move(r).value();
}
inline void must(Status s, const std::string& what) {
  if (!s.ok()) throw std::runtime_error(what + ": " + s.error().message);
}

// What an OpenSSL i2d call writes: encode(&out) allocates out and returns its length, as
// i2d_X509_PUBKEY(pub, &out) does. Empty when it fails.
template <typename Encode>
Bytes i2d_bytes(Encode encode) {
  unsigned char* der = nullptr;
  const int len = encode(&der);
  core::OsslBytesPtr owned(der);
  return len > 0 ? Bytes(der, der + len) : Bytes{};
}

inline core::UnixTime at(std::string_view text) { return must(core::parse_time(text), std::string(text)); }

inline core::EvpPkeyPtr new_key(pki::KeyType type = pki::KeyType::p256) {
  return must(pki::generate_key(type), "generate_key");
}

inline core::EvpPkeyPtr share(EVP_PKEY* key) {
  EVP_PKEY_up_ref(key);
  return core::EvpPkeyPtr(key);
}

struct TestCa {
  core::X509Ptr cert;
  core::EvpPkeyPtr key;

  // An IssuingCa over this CA (the signer holds its own reference to the key).
  pki::IssuingCa issuing() const {
    pki::IssuingCa ca;
    X509_up_ref(cert.get());
    ca.cert.reset(cert.get());
    ca.signer = pki::memory_signer(share(key.get()), "memory:test-ca");
    return ca;
  }
};

// A certificate of profile for key, issued by issuer (null: self-signed with key).
inline core::X509Ptr make_cert(const std::string& subject, EVP_PKEY* key, pki::Profile profile, const TestCa* issuer,
                               core::UnixTime not_before, core::UnixTime not_after, Bytes serial = {0x01, 0x02},
                               pki::ProfileOptions options = {}) {
  pki::CertificateSpec spec;
  spec.subject = must(pki::parse_name(subject), "parse_name " + subject);
  spec.public_key = key;
  spec.serial = std::move(serial);
  spec.not_before = not_before;
  spec.not_after = not_after;
  spec.extensions = must(pki::profile_extensions(profile, key, options), "profile_extensions");
  auto signer = pki::memory_signer(share(issuer ? issuer->key.get() : key), "memory:" + subject);
  return must(pki::issue_certificate(std::move(spec), issuer ? issuer->cert.get() : nullptr, *signer),
              "issue_certificate " + subject);
}

inline TestCa make_root(const std::string& subject = "C=US,O=Acme,CN=Acme Test Root",
                        core::UnixTime not_before = 1767225600 /* 2026-01-01 */,
                        core::UnixTime not_after = 2082758400 /* 2036-01-01 */, pki::KeyType type = pki::KeyType::p256) {
  TestCa ca;
  ca.key = new_key(type);
  ca.cert = make_cert(subject, ca.key.get(), pki::Profile::root, nullptr, not_before, not_after, {0x10, 0x01});
  return ca;
}

inline TestCa make_intermediate(const TestCa& parent, const std::string& subject = "C=US,O=Acme,CN=Acme IDevID CA",
                                core::UnixTime not_before = 1767225600, core::UnixTime not_after = 1924992000 /* 2031-01-01 */,
                                pki::KeyType type = pki::KeyType::p256) {
  TestCa ca;
  ca.key = new_key(type);
  ca.cert = make_cert(subject, ca.key.get(), pki::Profile::intermediate, &parent, not_before, not_after, {0x20, 0x02});
  return ca;
}

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline Bytes read_bytes(const std::string& path) {
  std::string s = read_text(path);
  return Bytes(s.begin(), s.end());
}

// The public vectors folder (IOTONB_VECTORS_DIR, else the folder configured at build time),
// or nullopt when it is not there.
inline std::optional<std::string> vectors_dir() {
  const char* dir = std::getenv("IOTONB_VECTORS_DIR");
#ifdef IOTONB_TEST_VECTORS_DIR
  if (dir == nullptr || *dir == '\0') dir = IOTONB_TEST_VECTORS_DIR;
#endif
  if (dir == nullptr || *dir == '\0' || !std::filesystem::is_directory(dir)) return std::nullopt;
  return std::string(dir);
}

// Skips the current test when the vectors are missing; use in the test body.
#define IOTONB_REQUIRE_VECTORS(var)                                                        \
  auto var##_opt = ::iotonb::test::vectors_dir();                                          \
  if (!var##_opt) GTEST_SKIP() << "IOTONB_VECTORS_DIR is not set or not a directory";     \
  const std::string var = *var##_opt

inline core::X509Ptr vector_cert(const std::string& dir, const std::string& relative) {
  return must(pki::read_certificate(dir + "/" + relative), relative);
}

// Subject attribute value and its ASN.1 string type (V_ASN1_*), or nullopt.
inline std::optional<std::pair<std::string, int>> subject_attribute(const X509* cert, int nid) {
  const X509_NAME* name = X509_get_subject_name(cert);
  int idx = X509_NAME_get_index_by_NID(name, nid, -1);
  if (idx < 0) return std::nullopt;
  const ASN1_STRING* s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::make_pair(std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                    static_cast<std::size_t>(ASN1_STRING_length(s))),
                        ASN1_STRING_type(s));
}

// The extension with nid (or null) and its DER value.
inline const X509_EXTENSION* find_ext(const X509* cert, int nid) {
  int idx = X509_get_ext_by_NID(cert, nid, -1);
  return idx < 0 ? nullptr : X509_get_ext(cert, idx);
}
inline const X509_EXTENSION* find_ext(const X509* cert, const char* oid) {
  core::Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
  int idx = X509_get_ext_by_OBJ(cert, obj.get(), -1);
  return idx < 0 ? nullptr : X509_get_ext(cert, idx);
}
inline Bytes ext_value(const X509_EXTENSION* ext) {
  const ASN1_OCTET_STRING* v = X509_EXTENSION_get_data(const_cast<X509_EXTENSION*>(ext));
  return Bytes(ASN1_STRING_get0_data(v), ASN1_STRING_get0_data(v) + ASN1_STRING_length(v));
}

inline Bytes asn1_bytes(const ASN1_STRING* s) {
  return Bytes(ASN1_STRING_get0_data(s), ASN1_STRING_get0_data(s) + ASN1_STRING_length(s));
}

inline std::string asn1_text(const ASN1_STRING* s) {
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s)));
}

}  // namespace iotonb::test
