// lib/pki/csr.h: creating PKCS#10 requests and reading them with the proof of possession
// checked; a request whose signature is damaged is a verification error, anything that is
// not a request an input error.
#include "pki/csr.h"

#include <filesystem>

#include "core/encoding.h"
#include "pki/inspect.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::must;

core::X509ReqPtr make_csr(KeyType type = KeyType::p256, std::vector<std::string> sans = {"DNS:dev1.example",
                                                                                         "IP:192.0.2.7"}) {
  auto subject = must(parse_name("O=Acme,serialNumber=SN-0001"), "subject");
  auto signer = memory_signer(test::new_key(type), "memory:device");
  return must(create_csr({subject.get(), std::move(sans)}, *signer), "create_csr");
}

TEST(CreateCsr, ParsesBackWithSubjectKeyAndSans) {
  auto subject = must(parse_name("O=Acme,serialNumber=SN-0001"), "subject");
  auto key = test::new_key();
  auto signer = memory_signer(test::share(key.get()), "memory:device");
  auto csr = must(create_csr({subject.get(), {"DNS:dev1.example", "IP:192.0.2.7"}}, *signer), "create");
  std::string pem = csr_pem(csr.get());
  EXPECT_EQ(pem.rfind("-----BEGIN CERTIFICATE REQUEST-----\n", 0), 0u);
  auto back = parse_csr(as_bytes(pem));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(name_to_string(X509_REQ_get_subject_name(back->get())), "O=Acme,serialNumber=SN-0001");
  EXPECT_TRUE(same_public_key(X509_REQ_get0_pubkey(back->get()), key.get()));
  EXPECT_EQ(X509_REQ_get_version(back->get()), 0);

  auto d = describe_csr(back->get());
  EXPECT_EQ(d["type"], "certificate-request");
  EXPECT_EQ(d["subject"], "O=Acme,serialNumber=SN-0001");
  EXPECT_EQ(d["public_key"]["algorithm"], "EC P-256");
  EXPECT_EQ(d["signature_valid"], true);
  EXPECT_EQ(d["subject_alt_names"], nlohmann::ordered_json::parse(R"(["DNS:dev1.example","IP:192.0.2.7"])"));
}

TEST(CreateCsr, EveryKeyTypeAndDer) {
  for (KeyType type : {KeyType::p256, KeyType::p384, KeyType::ed25519, KeyType::rsa2048}) {
    auto csr = make_csr(type, {});
    Bytes der = csr_der(csr.get());
    auto back = parse_csr(der);
    ASSERT_TRUE(back.ok()) << key_type_name(type) << ": " << back.error().message;
    EXPECT_EQ(csr_der(back->get()), der);
    EXPECT_EQ(describe_csr(back->get())["subject_alt_names"], nlohmann::ordered_json::array());
  }
}

// Whether this OpenSSL has the EC_KEY API the SubjectPublicKeyInfo fast path uses.
#ifdef OPENSSL_NO_DEPRECATED_3_0
constexpr bool kLegacyEcKeys = false;
#else
constexpr bool kLegacyEcKeys = true;
#endif

Bytes csr_spki(X509_REQ* csr) {
  return test::i2d_bytes([&](unsigned char** der) { return i2d_X509_PUBKEY(X509_REQ_get_X509_PUBKEY(csr), der); });
}

Bytes request_info(X509_REQ* csr) {
  return test::i2d_bytes([&](unsigned char** der) { return i2d_re_X509_REQ_tbs(csr, der); });
}

// For an EC key create_csr hands X509_REQ_set_pubkey a legacy EVP_PKEY, which skips OpenSSL
// 3's encoder (lib/pki/ec_fast_path.h); the request must not change: the same
// CertificationRequestInfo as with the key set as given (and, Ed25519 signatures being
// deterministic, the same request), and a public key that checks the proof of possession.
TEST(CreateCsr, PublicKeyEncodedAsOpenSslEncodesIt) {
  auto subject = must(parse_name("O=Acme,serialNumber=SN-0001"), "subject");
  for (KeyType type : {KeyType::p256, KeyType::p384, KeyType::ed25519, KeyType::rsa2048}) {
    auto generated = test::new_key(type);
    const std::string pem = must(private_key_to_pem(generated.get(), nullptr), "pem");
    core::EvpPkeyPtr keys[] = {test::share(generated.get()), must(parse_private_key(as_bytes(pem), nullptr), "parse")};
    for (const auto& key : keys) {
      const std::string what(key_type_name(type));
      auto signer = memory_signer(test::share(key.get()), "memory:device");
      auto csr = must(create_csr({subject.get(), {"DNS:dev1.example"}}, *signer), "create_csr");
      EXPECT_EQ(csr_spki(csr.get()), must(public_key_to_der(key.get()), "spki")) << what;
      core::X509ReqPtr reference(X509_REQ_dup(csr.get()));
      ASSERT_TRUE(reference && X509_REQ_set_pubkey(reference.get(), key.get()) == 1) << what;
      EXPECT_EQ(request_info(csr.get()), request_info(reference.get())) << what;
      if (type == KeyType::ed25519) {
        ASSERT_GT(X509_REQ_sign(reference.get(), key.get(), nullptr), 0);
        EXPECT_EQ(csr_der(csr.get()), csr_der(reference.get())) << what;
      }
      EVP_PKEY* held = X509_REQ_get0_pubkey(csr.get());
      ASSERT_NE(held, nullptr) << what;
      EXPECT_TRUE(same_public_key(held, generated.get())) << what;
      EXPECT_EQ(X509_REQ_verify(csr.get(), held), 1) << what;
      if (kLegacyEcKeys && EVP_PKEY_get_base_id(key.get()) == EVP_PKEY_EC) {
        EXPECT_EQ(EVP_PKEY_get0_provider(held), nullptr) << what << ": the legacy key, no encoder";
      }
      EXPECT_TRUE(parse_csr(csr_der(csr.get())).ok()) << what;
    }
  }
}

TEST(CreateCsrRejects, BadSan) {
  auto subject = must(parse_name("CN=x"), "subject");
  auto signer = memory_signer(test::new_key(), "memory:device");
  auto r = create_csr({subject.get(), {"bogus"}}, *signer);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

void expect_bad_signature(const Bytes& der, const std::string& what) {
  auto r = parse_csr(der);
  ASSERT_FALSE(r.ok()) << what << ": accepted";
  EXPECT_EQ(r.error().kind, ErrorKind::verification) << what << ": " << r.error().message;
  EXPECT_EQ(r.error().message, "CSR signature does not verify: proof of possession failed") << what;
  // the same through PEM
  auto pem = parse_csr(as_bytes(core::to_pem("CERTIFICATE REQUEST", der)));
  ASSERT_FALSE(pem.ok());
  EXPECT_EQ(pem.error().kind, ErrorKind::verification) << what;
}

TEST(ParseCsrRejects, CorruptedSignatureByte) {
  for (KeyType type : {KeyType::p256, KeyType::ed25519, KeyType::rsa2048}) {
    Bytes der = csr_der(make_csr(type).get());
    der.back() ^= 0x01;  // the last octet belongs to the signature value
    expect_bad_signature(der, std::string(key_type_name(type)) + " signature");
  }
}

TEST(ParseCsrRejects, TamperedSubject) {
  Bytes der = csr_der(make_csr().get());
  std::string text(der.begin(), der.end());
  auto pos = text.find("SN-0001");
  ASSERT_NE(pos, std::string::npos);
  der[pos + 6] = '2';  // SN-0002: still valid DER, no longer what was signed
  expect_bad_signature(der, "subject");
}

void expect_not_a_csr(ByteView data, const std::string& what) {
  auto r = parse_csr(data);
  ASSERT_FALSE(r.ok()) << what << ": accepted";
  EXPECT_EQ(r.error().kind, ErrorKind::input) << what;
  EXPECT_EQ(r.error().message, "not a PKCS#10 certificate request") << what;
}

TEST(ParseCsrRejects, NotARequest) {
  expect_not_a_csr(as_bytes(std::string_view("garbage")), "text");
  expect_not_a_csr({}, "empty");
  Bytes der = csr_der(make_csr().get());
  Bytes truncated(der.begin(), der.end() - 5);
  expect_not_a_csr(truncated, "truncated DER");
  Bytes trailing = der;
  trailing.push_back(0);
  expect_not_a_csr(trailing, "DER with trailing bytes");
  auto root = test::make_root();
  expect_not_a_csr(as_bytes(certificate_pem(root.cert.get())), "a certificate PEM");
  expect_not_a_csr(certificate_der(root.cert.get()), "a certificate DER");
  expect_not_a_csr(as_bytes(core::to_pem("CERTIFICATE REQUEST", truncated)), "truncated DER in PEM");
}

TEST(ParseCsrRejects, BrokenPem) {
  auto r = parse_csr(as_bytes(std::string_view("-----BEGIN CERTIFICATE REQUEST-----\nMIIB\n")));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::input);
  EXPECT_EQ(r.error().message, "PEM CERTIFICATE REQUEST: no END line");
}

TEST(ParseCsr, NewCertificateRequestLabel) {
  Bytes der = csr_der(make_csr().get());
  auto r = parse_csr(as_bytes(core::to_pem("NEW CERTIFICATE REQUEST", der)));
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(ReadCsr, ErrorsNameThePath) {
  std::string dir = std::filesystem::temp_directory_path() / "iotonb-csr-test-XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  Bytes der = csr_der(make_csr().get());
  der.back() ^= 0x01;
  std::string path = dir + "/device.csr";
  ASSERT_TRUE(core::write_output(path, core::to_pem("CERTIFICATE REQUEST", der)).ok());
  auto r = read_csr(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_EQ(r.error().message, path + ": CSR signature does not verify: proof of possession failed");
  r = read_csr(dir + "/missing.csr");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace iotonb::pki
