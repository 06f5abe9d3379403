// lib/pki/certificate.h and describe_certificate (lib/pki/inspect.h): issuing, the checks
// issue_certificate makes before signing, and the PEM/DER readers' negative cases.
#include "pki/certificate.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "core/encoding.h"
#include "pki/extensions.h"
#include "pki/inspect.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::must;

std::string time_string(const ASN1_TIME* t) { return test::asn1_text(t); }

// Whether this OpenSSL has the EC_KEY API the SubjectPublicKeyInfo fast path uses.
#ifdef OPENSSL_NO_DEPRECATED_3_0
constexpr bool kLegacyEcKeys = false;
#else
constexpr bool kLegacyEcKeys = true;
#endif

TEST(IssueCertificate, SelfSignedRoot) {
  auto root = test::make_root("C=US,O=Acme,CN=Acme Test Root", test::at("2026-01-01T00:00:00Z"),
                              test::at("2036-01-01T00:00:00Z"));
  X509* cert = root.cert.get();
  EXPECT_EQ(X509_get_version(cert), X509_VERSION_3);
  EXPECT_EQ(name_to_string(X509_get_subject_name(cert)), "C=US,O=Acme,CN=Acme Test Root");
  EXPECT_EQ(name_to_string(X509_get_issuer_name(cert)), "C=US,O=Acme,CN=Acme Test Root");
  EXPECT_EQ(X509_verify(cert, root.key.get()), 1);
  EXPECT_EQ(certificate_serial(cert), (Bytes{0x10, 0x01}));
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notBefore(cert)), V_ASN1_UTCTIME);
  EXPECT_EQ(time_string(X509_get0_notBefore(cert)), "260101000000Z");
  EXPECT_EQ(time_string(X509_get0_notAfter(cert)), "360101000000Z");
  EXPECT_EQ(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert);
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
  ASSERT_NE(ski, nullptr);
  ASSERT_NE(aki, nullptr);
  EXPECT_EQ(test::asn1_bytes(ski), must(key_identifier(root.key.get()), "kid"));
  EXPECT_EQ(test::asn1_bytes(aki), test::asn1_bytes(ski));
  EXPECT_EQ(X509_check_ca(cert), 1);
}

TEST(IssueCertificate, P384SignsWithSha384AndEd25519WithoutDigest) {
  auto p384 = test::make_root("CN=p384", test::at("2026-01-01"), test::at("2027-01-01"), KeyType::p384);
  EXPECT_EQ(X509_get_signature_nid(p384.cert.get()), NID_ecdsa_with_SHA384);
  auto ed = test::make_root("CN=ed", test::at("2026-01-01"), test::at("2027-01-01"), KeyType::ed25519);
  EXPECT_EQ(X509_get_signature_nid(ed.cert.get()), NID_ED25519);
  EXPECT_EQ(X509_verify(ed.cert.get(), ed.key.get()), 1);
}

TEST(IssueCertificate, TimesFrom2050AreGeneralizedTime) {
  auto root = test::make_root("CN=long", test::at("2049-12-31T23:59:59Z"), test::at("2050-01-01T00:00:00Z"));
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notBefore(root.cert.get())), V_ASN1_UTCTIME);
  EXPECT_EQ(time_string(X509_get0_notBefore(root.cert.get())), "491231235959Z");
  EXPECT_EQ(ASN1_STRING_type(X509_get0_notAfter(root.cert.get())), V_ASN1_GENERALIZEDTIME);
  EXPECT_EQ(time_string(X509_get0_notAfter(root.cert.get())), "20500101000000Z");
}

TEST(IssueCertificate, IssuedByIntermediate) {
  auto root = test::make_root();
  auto inter = test::make_intermediate(root);
  EXPECT_EQ(name_to_string(X509_get_issuer_name(inter.cert.get())), "C=US,O=Acme,CN=Acme Test Root");
  EXPECT_EQ(X509_verify(inter.cert.get(), root.key.get()), 1);
  EXPECT_EQ(test::asn1_bytes(X509_get0_authority_key_id(inter.cert.get())),
            test::asn1_bytes(X509_get0_subject_key_id(root.cert.get())));
  EXPECT_NE(test::asn1_bytes(X509_get0_subject_key_id(inter.cert.get())),
            test::asn1_bytes(X509_get0_subject_key_id(root.cert.get())));
}

// A subject key as each of the library's readers hands it over, with the private half when
// the reader has one.
std::vector<std::pair<std::string, core::EvpPkeyPtr>> subject_key_forms(EVP_PKEY* key) {
  std::vector<std::pair<std::string, core::EvpPkeyPtr>> forms;
  forms.emplace_back("generated", test::share(key));
  const std::string pem = must(private_key_to_pem(key, nullptr), "private_key_to_pem");
  forms.emplace_back("parse_private_key", must(parse_private_key(as_bytes(pem), nullptr), "parse_private_key"));
  forms.emplace_back("parse_public_key", must(parse_public_key(must(public_key_to_der(key), "spki")), "parse_public_key"));
  return forms;
}

Bytes spki_of(const X509* cert) {
  return test::i2d_bytes([&](unsigned char** der) { return i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), der); });
}

Bytes tbs_of(X509* cert) {
  return test::i2d_bytes([&](unsigned char** der) { return i2d_re_X509_tbs(cert, der); });
}

// Whether the certificate holds key's public key, usable: a signature by key verifies under it.
bool holds_key(const X509* cert, EVP_PKEY* key) {
  EVP_PKEY* held = X509_get0_pubkey(cert);
  if (held == nullptr || !same_public_key(held, key)) return false;
  auto signer = memory_signer(test::share(key), "memory:subject");
  const Bytes data = {1, 2, 3};
  auto signature = signer->sign(data);
  if (!signature) return false;
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, default_digest(held), nullptr, held) == 1 &&
         EVP_DigestVerify(ctx.get(), signature->data(), signature->size(), data.data(), data.size()) == 1;
}

// For an EC key issue_certificate hands X509_set_pubkey a legacy EVP_PKEY, which skips
// OpenSSL 3's encoder (lib/pki/ec_fast_path.h); the certificate must not change. Under an
// Ed25519 CA (deterministic signatures) it is compared whole with one made the old way:
// the same certificate with the key X509_set_pubkey'd as given, signed again.
TEST(IssueCertificate, SubjectKeyEncodedAsOpenSslEncodesIt) {
  auto ca = test::make_root("CN=Ed CA", test::at("2026-01-01"), test::at("2036-01-01"), KeyType::ed25519);
  for (KeyType type : {KeyType::p256, KeyType::p384, KeyType::ed25519, KeyType::rsa2048}) {
    auto key = test::new_key(type);
    for (const auto& [form, subject_key] : subject_key_forms(key.get())) {
      const std::string what = std::string(key_type_name(type)) + " " + form;
      CertificateSpec spec;
      spec.subject = must(parse_name("O=Acme,CN=device"), "name");
      spec.public_key = subject_key.get();
      spec.serial = {0x42};
      spec.not_before = test::at("2026-01-01");
      spec.not_after = test::at("2031-01-01");
      auto signer = memory_signer(test::share(ca.key.get()), "memory:ca");
      auto cert = must(issue_certificate(std::move(spec), ca.cert.get(), *signer), what);

      core::X509Ptr reference(X509_dup(cert.get()));
      ASSERT_TRUE(reference && X509_set_pubkey(reference.get(), subject_key.get()) == 1 &&
                  X509_sign(reference.get(), ca.key.get(), nullptr) > 0) << what;
      EXPECT_EQ(certificate_der(cert.get()), certificate_der(reference.get())) << what;
      EXPECT_EQ(spki_of(cert.get()), must(public_key_to_der(key.get()), "spki")) << what;
      EXPECT_EQ(test::asn1_bytes(X509_get0_subject_key_id(cert.get())), must(key_identifier(key.get()), "kid")) << what;
      EXPECT_EQ(X509_verify(cert.get(), ca.key.get()), 1) << what;
      EXPECT_TRUE(holds_key(cert.get(), key.get())) << what;
      if (kLegacyEcKeys && EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC) {
        EXPECT_EQ(EVP_PKEY_get0_provider(X509_get0_pubkey(cert.get())), nullptr) << what << ": the legacy key, no encoder";
      }
      auto back = must(parse_certificate(certificate_der(cert.get())), what);
      EXPECT_TRUE(same_public_key(X509_get0_pubkey(back.get()), key.get())) << what;
    }
  }
}

// A self-signed EC root: the same TBSCertificate as the old way (ECDSA signatures differ
// every time), and it verifies under the key it holds.
TEST(IssueCertificate, SelfSignedEcRootEncodedAsOpenSslEncodesIt) {
  for (KeyType type : {KeyType::p256, KeyType::p384}) {
    auto key = test::new_key(type);
    for (const auto& [form, root_key] : subject_key_forms(key.get())) {
      if (form == "parse_public_key") continue;  // cannot sign
      const std::string what = std::string(key_type_name(type)) + " " + form;
      auto cert = test::make_cert("CN=EC root", root_key.get(), Profile::root, nullptr, test::at("2026-01-01"),
                                  test::at("2036-01-01"));
      core::X509Ptr reference(X509_dup(cert.get()));
      ASSERT_TRUE(reference && X509_set_pubkey(reference.get(), root_key.get()) == 1) << what;
      EXPECT_EQ(tbs_of(cert.get()), tbs_of(reference.get())) << what;
      EXPECT_EQ(X509_verify(cert.get(), X509_get0_pubkey(cert.get())), 1) << what;
      EXPECT_TRUE(holds_key(cert.get(), key.get())) << what;
    }
  }
}

TEST(IssueCertificateRejects, NotAfterNotLaterThanNotBefore) {
  auto key = test::new_key();
  auto signer = memory_signer(test::share(key.get()), "memory:k");
  for (core::UnixTime not_after : {test::at("2026-01-01"), test::at("2025-12-31")}) {
    CertificateSpec spec;
    spec.subject = must(parse_name("CN=x"), "name");
    spec.public_key = key.get();
    spec.serial = {1};
    spec.not_before = test::at("2026-01-01");
    spec.not_after = not_after;
    auto r = issue_certificate(std::move(spec), nullptr, *signer);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().kind, ErrorKind::usage);
    EXPECT_EQ(r.error().message, "notAfter must be later than notBefore");
  }
}

TEST(IssueCertificateRejects, SelfSignedWithAnotherKey) {
  auto key = test::new_key();
  auto other = memory_signer(test::new_key(), "memory:other");
  CertificateSpec spec;
  spec.subject = must(parse_name("CN=x"), "name");
  spec.public_key = key.get();
  spec.serial = {1};
  spec.not_before = test::at("2026-01-01");
  spec.not_after = test::at("2027-01-01");
  auto r = issue_certificate(std::move(spec), nullptr, *other);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_EQ(r.error().message, "a self-signed certificate must be signed by its own key");
}

TEST(IssueCertificateRejects, SignerNotTheIssuersKey) {
  auto root = test::make_root();
  auto key = test::new_key();
  auto wrong = memory_signer(test::new_key(), "file:wrong.key");
  CertificateSpec spec;
  spec.subject = must(parse_name("CN=x"), "name");
  spec.public_key = key.get();
  spec.serial = {1};
  spec.not_before = test::at("2026-01-01");
  spec.not_after = test::at("2027-01-01");
  auto r = issue_certificate(std::move(spec), root.cert.get(), *wrong);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_EQ(r.error().message, "file:wrong.key: key does not match the issuer certificate");
}

TEST(ParseCertificates, PemBundleInOrder) {
  auto root = test::make_root();
  auto inter = test::make_intermediate(root);
  std::string bundle = "leading text\n" + certificate_pem(inter.cert.get()) + certificate_pem(root.cert.get());
  auto certs = parse_certificates(as_bytes(bundle));
  ASSERT_TRUE(certs.ok()) << certs.error().message;
  ASSERT_EQ(certs->size(), 2u);
  EXPECT_EQ(certificate_der((*certs)[0].get()), certificate_der(inter.cert.get()));
  EXPECT_EQ(certificate_der((*certs)[1].get()), certificate_der(root.cert.get()));
}

TEST(ParseCertificates, SkipsOtherPemBlocks) {
  auto root = test::make_root();
  std::string text = must(private_key_to_pem(root.key.get(), nullptr), "key") + certificate_pem(root.cert.get());
  auto cert = parse_certificate(as_bytes(text));
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  EXPECT_EQ(certificate_der(cert->get()), certificate_der(root.cert.get()));
}

TEST(ParseCertificates, DerRoundTrip) {
  auto root = test::make_root();
  Bytes der = certificate_der(root.cert.get());
  auto cert = parse_certificate(der);
  ASSERT_TRUE(cert.ok()) << cert.error().message;
  EXPECT_EQ(certificate_der(cert->get()), der);
  EXPECT_EQ(certificate_pem(cert->get()), core::to_pem("CERTIFICATE", der));
}

void expect_input_error(ByteView data, const std::string& message) {
  auto r = parse_certificates(data);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message.rfind(message, 0), 0u) << r.error().message;
}

TEST(ParseCertificatesRejects, DerWithTrailingBytes) {
  Bytes der = certificate_der(test::make_root().cert.get());
  der.push_back(0x00);
  expect_input_error(der, "not a certificate (expected PEM or DER)");
}

TEST(ParseCertificatesRejects, TruncatedDer) {
  Bytes der = certificate_der(test::make_root().cert.get());
  der.resize(der.size() - 10);
  expect_input_error(der, "not a certificate (expected PEM or DER)");
}

TEST(ParseCertificatesRejects, GarbageAndEmpty) {
  expect_input_error(as_bytes(std::string_view("hello world")), "not a certificate");
  expect_input_error({}, "not a certificate");
}

TEST(ParseCertificatesRejects, PemWithoutCertificateBlock) {
  auto key = test::new_key();
  expect_input_error(as_bytes(must(private_key_to_pem(key.get(), nullptr), "pem")), "no CERTIFICATE block");
}

TEST(ParseCertificatesRejects, PemBlockThatIsNotACertificate) {
  auto root = test::make_root();
  Bytes der = certificate_der(root.cert.get());
  der.resize(der.size() / 2);
  std::string text = certificate_pem(root.cert.get()) + core::to_pem("CERTIFICATE", der);
  expect_input_error(as_bytes(text), "certificate 2 is not valid DER");
}

TEST(ParseCertificatesRejects, PemBadBase64AndMissingEnd) {
  expect_input_error(as_bytes(std::string_view("-----BEGIN CERTIFICATE-----\nMII*\n-----END CERTIFICATE-----\n")),
                     "PEM CERTIFICATE: invalid base64");
  expect_input_error(as_bytes(std::string_view("-----BEGIN CERTIFICATE-----\nMIIB\n")), "PEM CERTIFICATE: no END line");
}

TEST(ParseCertificateRejects, MoreThanOne) {
  auto root = test::make_root();
  std::string two = certificate_pem(root.cert.get()) + certificate_pem(root.cert.get());
  auto r = parse_certificate(as_bytes(two));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, "expected one certificate, found 2");
}

TEST(ReadCertificates, ErrorsNameThePath) {
  std::string dir = std::filesystem::temp_directory_path() / "iotonb-cert-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  std::string bad = dir + "/bad.pem";
  ASSERT_TRUE(core::write_output(bad, std::string_view("not a cert")).ok());
  auto r = read_certificates(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, bad + ": not a certificate (expected PEM or DER)");
  auto missing = read_certificate(dir + "/missing.pem");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::io);
  EXPECT_EQ(missing.error().message.rfind(dir + "/missing.pem: ", 0), 0u);

  auto root = test::make_root();
  std::string good = dir + "/root.crt";
  ASSERT_TRUE(core::write_output(good, certificate_pem(root.cert.get())).ok());
  auto cert = read_certificate(good);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(certificate_der(cert->get()), certificate_der(root.cert.get()));
  std::filesystem::remove_all(dir);
}

// "-" is stdin, and errors call it that (as core::read_input does), not "-".
TEST(ReadCertificates, DashIsStdinAndErrorsSaySo) {
  std::string dir = std::filesystem::temp_directory_path() / "iotonb-cert-stdin-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  auto read_with_stdin = [&](const std::string& content) {
    std::string path = dir + "/stdin";
    std::filesystem::remove(path);
    EXPECT_TRUE(core::write_output(path, content).ok());
    int saved = ::dup(STDIN_FILENO);
    int fd = ::open(path.c_str(), O_RDONLY);
    ::dup2(fd, STDIN_FILENO);
    ::close(fd);
    auto r = read_certificates("-");
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    return r;
  };
  auto root = test::make_root();
  auto good = read_with_stdin(certificate_pem(root.cert.get()));
  ASSERT_TRUE(good.ok()) << good.error().message;
  EXPECT_EQ(good->size(), 1u);
  auto bad = read_with_stdin("garbage");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "stdin: not a certificate (expected PEM or DER)");
  std::filesystem::remove_all(dir);
}

TEST(Fingerprint, IsDigestOfDer) {
  auto root = test::make_root();
  Bytes der = certificate_der(root.cert.get());
  Bytes expected(SHA256_DIGEST_LENGTH);
  SHA256(der.data(), der.size(), expected.data());
  EXPECT_EQ(certificate_fingerprint(root.cert.get(), EVP_sha256()), expected);
  EXPECT_EQ(certificate_fingerprint(root.cert.get(), EVP_sha1()).size(), 20u);
}

TEST(CertificateSerial, HighBitSerialIsPositive) {
  auto key = test::new_key();
  auto cert = test::make_cert("CN=serial", key.get(), Profile::root, nullptr, test::at("2026-01-01"),
                              test::at("2027-01-01"), Bytes{0x00, 0x80, 0x01});
  EXPECT_EQ(certificate_serial(cert.get()), (Bytes{0x80, 0x01}));
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER) << "negative serial";
}

TEST(DescribeCertificate, RootKeys) {
  auto root = test::make_root("C=US,O=Acme,CN=Acme Test Root", test::at("2026-01-01T00:00:00Z"),
                              test::at("2036-01-01T00:00:00Z"));
  auto d = describe_certificate(root.cert.get());
  EXPECT_EQ(d["type"], "certificate");
  EXPECT_EQ(d["subject"], "C=US,O=Acme,CN=Acme Test Root");
  EXPECT_EQ(d["issuer"], "C=US,O=Acme,CN=Acme Test Root");
  EXPECT_EQ(d["serial"], "1001");
  EXPECT_EQ(d["not_before"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(d["not_after"], "2036-01-01T00:00:00Z");
  EXPECT_EQ(d["signature_algorithm"], "ecdsa-with-SHA256");
  EXPECT_EQ(d["public_key"]["algorithm"], "EC P-256");
  EXPECT_EQ(d["ca"], true);
  EXPECT_FALSE(d.contains("path_len"));
  EXPECT_EQ(d["self_signed"], true);
  EXPECT_EQ(d["key_usage"], nlohmann::ordered_json::parse(R"(["digitalSignature","keyCertSign","cRLSign"])"));
  EXPECT_EQ(d["extended_key_usage"], nlohmann::ordered_json::array());
  EXPECT_EQ(d["subject_alt_names"], nlohmann::ordered_json::array());
  EXPECT_EQ(d["subject_key_id"], core::to_hex(must(key_identifier(root.key.get()), "kid")));
  EXPECT_EQ(d["authority_key_id"], d["subject_key_id"]);
  EXPECT_FALSE(d.contains("idevid"));
  EXPECT_EQ(d["fingerprints"]["sha256"],
            core::to_hex_separated(certificate_fingerprint(root.cert.get(), EVP_sha256()), ':'));
}

TEST(DescribeCertificate, IntermediatePathLen) {
  auto root = test::make_root();
  auto key = test::new_key();
  auto cert = test::make_cert("CN=inter", key.get(), Profile::intermediate, &root, test::at("2026-01-01"),
                              test::at("2027-01-01"), {0x05}, ProfileOptions{0, {}});
  auto d = describe_certificate(cert.get());
  EXPECT_EQ(d["ca"], true);
  EXPECT_EQ(d["path_len"], 0);
  EXPECT_EQ(d["self_signed"], false);
}

// Regression (fuzz_certificate): OpenSSL parses a certificate whose EC point is not on the
// curve but has no key for it; describe_certificate dereferenced the null key and crashed
// `iotonb cert inspect`. The point's 0x04 (uncompressed) prefix is changed to 0x05 here.
Bytes with_damaged_ec_point(const X509* cert) {
  Bytes der = certificate_der(cert);
  const Bytes bit_string_header{0x03, 0x42, 0x00, 0x04};  // P-256 subjectPublicKey
  auto it = std::search(der.begin(), der.end(), bit_string_header.begin(), bit_string_header.end());
  if (it == der.end()) throw std::runtime_error("no P-256 point in the certificate");
  it[3] = 0x05;
  return der;
}

TEST(DescribeCertificate, UnreadablePublicKeyDoesNotCrash) {
  auto root = test::make_root();
  Bytes der = with_damaged_ec_point(root.cert.get());
  auto cert = parse_certificate(der);
  ASSERT_TRUE(cert.ok()) << cert.error().message;  // OpenSSL accepts the certificate itself
  ASSERT_EQ(X509_get0_pubkey(cert->get()), nullptr);
  auto d = describe_certificate(cert->get());
  EXPECT_EQ(d["public_key"]["algorithm"], "unreadable id-ecPublicKey");
  EXPECT_EQ(d["public_key"]["spki_sha256"].get<std::string>().size(), 64u);
  EXPECT_EQ(d["subject"], "C=US,O=Acme,CN=Acme Test Root");
  EXPECT_EQ(d["self_signed"], false);
  (void)d.dump();
  EXPECT_TRUE(core::openssl_errors().empty()) << "OpenSSL errors left on the queue";
}

TEST(DescribeCertificate, UnreadablePublicKeyIsAnInputErrorForParsePublicKey) {
  auto root = test::make_root();
  Bytes der = with_damaged_ec_point(root.cert.get());
  auto key = parse_public_key(der);
  ASSERT_FALSE(key.ok()) << "returned a key (null?) for an unreadable certificate key";
  EXPECT_EQ(key.error().kind, ErrorKind::input);
  EXPECT_EQ(key.error().message, "certificate: unsupported or malformed public key");
}

// Regression (fuzz_certificate): names and IA5Strings with bytes that are not UTF-8 made
// describe_certificate's JSON throw on dump() (iotonb exited 5, "internal error").
TEST(DescribeCertificate, NonUtf8BytesBecomeReplacementCharacters) {
  auto key = test::new_key();
  CertificateSpec spec;
  spec.subject.reset(X509_NAME_new());
  const std::string cn = "bad \xff\xfe name";
  ASSERT_EQ(X509_NAME_add_entry_by_NID(spec.subject.get(), NID_commonName, V_ASN1_T61STRING,
                                       reinterpret_cast<const unsigned char*>(cn.data()), static_cast<int>(cn.size()), -1, 0),
            1);
  spec.public_key = key.get();
  spec.serial = {0x01};
  spec.not_before = test::at("2026-01-01");
  spec.not_after = test::at("2027-01-01");
  // A DNS name is an IA5String, but OpenSSL does not check its bytes.
  core::GeneralNamesPtr names(GENERAL_NAMES_new());
  core::Asn1StringPtr dns(ASN1_IA5STRING_new());
  const std::string host = "dev\xfd.example";
  ASN1_STRING_set(dns.get(), host.data(), static_cast<int>(host.size()));
  GENERAL_NAME* gen = GENERAL_NAME_new();
  GENERAL_NAME_set0_value(gen, GEN_DNS, dns.release());
  sk_GENERAL_NAME_push(names.get(), gen);
  spec.extensions.emplace_back(X509V3_EXT_i2d(NID_subject_alt_name, 0, names.get()));
  auto signer = memory_signer(test::share(key.get()), "memory:k");
  auto cert = must(issue_certificate(std::move(spec), nullptr, *signer), "issue");

  auto d = describe_certificate(cert.get());
  std::string json_text;
  ASSERT_NO_THROW(json_text = d.dump());
  EXPECT_EQ(d["subject_alt_names"], nlohmann::ordered_json::parse(R"(["DNS:dev\ufffd.example"])"));
  EXPECT_TRUE(core::is_utf8(d["subject"].get<std::string>()));
  EXPECT_NE(d["subject"].get<std::string>().find("CN=bad "), std::string::npos) << d["subject"];
}

TEST(DescribeCertificate, VectorIdevid) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto cert = test::vector_cert(dir, "brski/rfc8995/idevid_00-D0-E5-F2-00-02.crt");
  auto d = describe_certificate(cert.get());
  EXPECT_EQ(d["subject"], "serialNumber=00-D0-E5-F2-00-02");
  EXPECT_EQ(d["serial"], "1f18fee7");
  EXPECT_EQ(d["not_before"], "2021-04-27T18:29:30Z");
  EXPECT_EQ(d["not_after"], "2999-12-31T00:00:00Z");
  EXPECT_EQ(d["ca"], false);
  EXPECT_EQ(d["subject_key_id"], "4588cc96" "96006437" "b0ba2365" "64645408" "066c56ad");
  EXPECT_EQ(d["idevid"]["serial_number"], "00-D0-E5-F2-00-02");
  EXPECT_EQ(d["idevid"]["masa_url"]["value"], "highway-test.example.com:9443");
  EXPECT_EQ(d["idevid"]["masa_url"]["string_type"], "IA5String");
  EXPECT_EQ(d["idevid"]["masa_url"]["uri"], "https://highway-test.example.com:9443/.well-known/brski");
  EXPECT_FALSE(d["idevid"].contains("hardware_module_name"));
}

TEST(DescribeCertificate, VectorPledgeNotAfter9999) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto cert = test::vector_cert(dir, "brski/cbrski-cose/pledge.pem");
  auto d = describe_certificate(cert.get());
  EXPECT_EQ(d["not_after"], "9999-12-31T12:50:47Z");
  EXPECT_EQ(d["idevid"]["serial_number"], "JADA123456789");
  EXPECT_EQ(d["idevid"]["masa_url"]["value"], "masa.stok.nl");
  EXPECT_EQ(d["key_usage"],
            nlohmann::ordered_json::parse(R"(["digitalSignature","nonRepudiation","keyEncipherment","dataEncipherment"])"));
}

}  // namespace
}  // namespace iotonb::pki
