// lib/pki/idevid.h: an IDevID issued with every optional field, read back field by field
// with the readers in extensions.h and checked against the 802.1AR profile in
// STANDARDS.md; plus validate_idevid_request's negative cases.
#include "pki/idevid.h"

#include <algorithm>

#include "core/encoding.h"
#include "pki/extensions.h"
#include "pki/inspect.h"
#include "pki/oids.h"
#include "pki/serial.h"
#include "pki/verify.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::must;

constexpr const char* kHwType = "1.3.6.1.4.1.32473.1";

class IdevidTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = new test::TestCa(test::make_root());
    ca_ = new test::TestCa(test::make_intermediate(*root_));
  }
  static void TearDownTestSuite() {
    delete ca_;
    delete root_;
  }

  // A request with every optional field set.
  IdevidRequest full_request() {
    subject_base_ = must(parse_name("O=Acme,CN=Widget 3000"), "subject");
    mud_signer_ = must(parse_name("C=US,O=Acme,CN=Acme MUD signer"), "mud signer");
    IdevidRequest r;
    r.device_serial = "SN-000042";
    r.hw_type = kHwType;
    r.masa_url = "masa.example.com:9443";
    r.mud_url = "https://mud.example.com/widget3000.json";
    r.mud_signer = mud_signer_.get();
    r.subject_base = subject_base_.get();
    r.cert_serial = must(core::from_hex("4a1b2c3d4e5f60718293a4b5c6d7e8f9"), "serial");
    r.not_before = test::at("2026-11-27T10:00:00Z");
    return r;
  }

  core::X509Ptr issue(const IdevidRequest& r, EVP_PKEY* device_key) {
    auto ca = ca_->issuing();
    return must(issue_idevid(r, device_key, ca), "issue_idevid");
  }

  static test::TestCa* root_;
  static test::TestCa* ca_;
  core::X509NamePtr subject_base_;
  core::X509NamePtr mud_signer_;
};

test::TestCa* IdevidTest::root_ = nullptr;
test::TestCa* IdevidTest::ca_ = nullptr;

TEST(IdevidConstant, NoWellDefinedExpiration) {
  EXPECT_EQ(kNoWellDefinedExpiration, must(core::parse_time("99991231235959Z"), "time"));
  IdevidRequest r;
  EXPECT_EQ(r.not_after, kNoWellDefinedExpiration);
}

TEST_F(IdevidTest, EveryFieldReadsBack) {
  auto request = full_request();
  ASSERT_TRUE(validate_idevid_request(request).ok());
  auto key = test::new_key();
  auto cert = issue(request, key.get());

  // Subject: the base attributes, then serialNumber as a PrintableString.
  EXPECT_EQ(name_to_string(X509_get_subject_name(cert.get())), "O=Acme,CN=Widget 3000,serialNumber=SN-000042");
  auto serial_attr = test::subject_attribute(cert.get(), NID_serialNumber);
  ASSERT_TRUE(serial_attr.has_value());
  EXPECT_EQ(serial_attr->first, "SN-000042");
  EXPECT_EQ(serial_attr->second, V_ASN1_PRINTABLESTRING);
  EXPECT_EQ(name_to_string(X509_get_issuer_name(cert.get())), "C=US,O=Acme,CN=Acme IDevID CA");

  auto hw = read_hardware_module_name(cert.get());
  ASSERT_TRUE(hw.has_value());
  EXPECT_EQ(hw->hw_type, kHwType);
  EXPECT_EQ(std::string(hw->hw_serial.begin(), hw->hw_serial.end()), "SN-000042");

  auto masa = read_masa_url(cert.get());
  ASSERT_TRUE(masa.has_value());
  EXPECT_EQ(masa->value, "masa.example.com:9443");
  EXPECT_EQ(masa->oid, oid::kMasaUrl);
  EXPECT_EQ(masa->string_type, "IA5String");
  const X509_EXTENSION* masa_ext = test::find_ext(cert.get(), oid::kMasaUrl);
  ASSERT_NE(masa_ext, nullptr);
  EXPECT_EQ(X509_EXTENSION_get_critical(masa_ext), 0);

  auto mud = read_mud_url(cert.get());
  ASSERT_TRUE(mud.has_value());
  EXPECT_EQ(mud->value, "https://mud.example.com/widget3000.json");
  EXPECT_EQ(mud->oid, oid::kMudUrl);
  EXPECT_EQ(mud->string_type, "IA5String");

  auto signer = read_mud_signer(cert.get());
  ASSERT_TRUE(signer.has_value());
  EXPECT_EQ(*signer, "C=US,O=Acme,CN=Acme MUD signer");

  EXPECT_TRUE(same_public_key(X509_get0_pubkey(cert.get()), key.get()));
  EXPECT_EQ(X509_verify(cert.get(), ca_->key.get()), 1);
}

TEST_F(IdevidTest, NotAfterIsGeneralizedTime99991231235959Z) {
  auto cert = issue(full_request(), test::new_key().get());
  const ASN1_TIME* not_after = X509_get0_notAfter(cert.get());
  EXPECT_EQ(ASN1_STRING_type(not_after), V_ASN1_GENERALIZEDTIME);
  EXPECT_EQ(test::asn1_text(not_after), "99991231235959Z");
  const ASN1_TIME* not_before = X509_get0_notBefore(cert.get());
  EXPECT_EQ(ASN1_STRING_type(not_before), V_ASN1_UTCTIME);
  EXPECT_EQ(test::asn1_text(not_before), "261127100000Z");
}

TEST_F(IdevidTest, ExplicitNotAfter) {
  auto request = full_request();
  request.not_after = test::at("2046-11-27T10:00:00Z");
  auto cert = issue(request, test::new_key().get());
  EXPECT_EQ(test::asn1_text(X509_get0_notAfter(cert.get())), "461127100000Z");
}

TEST_F(IdevidTest, SerialIsPositiveAndAtMost20Octets) {
  auto request = full_request();
  auto cert = issue(request, test::new_key().get());
  EXPECT_EQ(certificate_serial(cert.get()), request.cert_serial);
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER) << "V_ASN1_NEG_INTEGER would be negative";
  EXPECT_LE(ASN1_STRING_length(serial), 20);

  // A random serial (what the CLI uses by default) gives the same guarantees.
  request.cert_serial = must(random_serial(), "random");
  cert = issue(request, test::new_key().get());
  serial = X509_get0_serialNumber(cert.get());
  EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
  EXPECT_GE(ASN1_STRING_length(serial), 8);  // >= 64 bits
  EXPECT_LE(ASN1_STRING_length(serial), 20);
  // The DER INTEGER encoding itself, including a sign octet, must not pass 20 octets.
  unsigned char* der = nullptr;
  int len = i2d_ASN1_INTEGER(serial, &der);
  core::OsslBytesPtr owned(der);
  ASSERT_GT(len, 2);
  EXPECT_LE(der[1], 20);
  EXPECT_EQ(der[2] & 0x80, 0);
}

TEST_F(IdevidTest, KeyUsageCriticalDigitalSignatureOnlyForEc) {
  for (KeyType type : {KeyType::p256, KeyType::p384, KeyType::ed25519}) {
    auto cert = issue(full_request(), test::new_key(type).get());
    const X509_EXTENSION* ku = test::find_ext(cert.get(), NID_key_usage);
    ASSERT_NE(ku, nullptr);
    EXPECT_EQ(X509_EXTENSION_get_critical(ku), 1);
    EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE)) << key_type_name(type);
  }
}

TEST_F(IdevidTest, RsaDeviceKeyAddsKeyEncipherment) {
  auto cert = issue(full_request(), test::new_key(KeyType::rsa2048).get());
  const X509_EXTENSION* ku = test::find_ext(cert.get(), NID_key_usage);
  ASSERT_NE(ku, nullptr);
  EXPECT_EQ(X509_EXTENSION_get_critical(ku), 1);
  EXPECT_EQ(X509_get_key_usage(cert.get()), static_cast<std::uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
}

TEST_F(IdevidTest, BasicConstraintsCaFalse) {
  auto cert = issue(full_request(), test::new_key().get());
  const X509_EXTENSION* bc = test::find_ext(cert.get(), NID_basic_constraints);
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(test::ext_value(bc), (Bytes{0x30, 0x00}));
  EXPECT_EQ(X509_check_ca(cert.get()), 0);
}

TEST_F(IdevidTest, SkiAndAkiPresentAndAkiIsTheCasSki) {
  auto key = test::new_key();
  auto cert = issue(full_request(), key.get());
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(cert.get());
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert.get());
  ASSERT_NE(ski, nullptr);
  ASSERT_NE(aki, nullptr);
  EXPECT_EQ(test::asn1_bytes(ski), must(key_identifier(key.get()), "kid"));
  const ASN1_OCTET_STRING* ca_ski = X509_get0_subject_key_id(ca_->cert.get());
  ASSERT_NE(ca_ski, nullptr);
  EXPECT_EQ(test::asn1_bytes(aki), test::asn1_bytes(ca_ski));
  EXPECT_NE(test::asn1_bytes(aki), test::asn1_bytes(ski));
}

TEST_F(IdevidTest, NoEkuAndOnlyTheExpectedExtensions) {
  auto cert = issue(full_request(), test::new_key().get());
  std::vector<std::string> oids;
  for (int i = 0; i < X509_get_ext_count(cert.get()); ++i) {
    char buf[80];
    OBJ_obj2txt(buf, sizeof buf, X509_EXTENSION_get_object(X509_get_ext(cert.get(), i)), 1);
    oids.emplace_back(buf);
  }
  std::sort(oids.begin(), oids.end());
  std::vector<std::string> expected = {"1.3.6.1.5.5.7.1.25", "1.3.6.1.5.5.7.1.30", "1.3.6.1.5.5.7.1.32", "2.5.29.14",
                                       "2.5.29.15",          "2.5.29.17",          "2.5.29.19",          "2.5.29.35"};
  EXPECT_EQ(oids, expected);
}

TEST_F(IdevidTest, MinimalRequestHasNoOptionalExtensions) {
  IdevidRequest r;
  r.device_serial = "00-D0-E5-F2-00-02";
  r.cert_serial = {0x01};
  r.not_before = test::at("2026-11-27");
  ASSERT_TRUE(validate_idevid_request(r).ok());
  auto cert = issue(r, test::new_key().get());
  EXPECT_EQ(name_to_string(X509_get_subject_name(cert.get())), "serialNumber=00-D0-E5-F2-00-02");
  EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value());
  EXPECT_EQ(test::find_ext(cert.get(), NID_subject_alt_name), nullptr);
  EXPECT_FALSE(read_masa_url(cert.get()).has_value());
  EXPECT_FALSE(read_mud_url(cert.get()).has_value());
  EXPECT_FALSE(read_mud_signer(cert.get()).has_value());
  EXPECT_NE(X509_get0_subject_key_id(cert.get()), nullptr);
  EXPECT_NE(X509_get0_authority_key_id(cert.get()), nullptr);
}

TEST_F(IdevidTest, ChainsToTheRoot) {
  auto cert = issue(full_request(), test::new_key().get());
  ChainCheck check;
  check.trust = {root_->cert.get()};
  check.untrusted = {ca_->cert.get()};
  check.at = test::at("2027-06-01");
  auto path = verify_chain(cert.get(), check);
  ASSERT_TRUE(path.ok()) << path.error().message;
  EXPECT_EQ(path->size(), 3u);
  // still valid long after the CA's own notAfter? No: the CA expires in 2031 and the chain with it.
  check.at = test::at("2032-01-01");
  EXPECT_FALSE(verify_chain(cert.get(), check).ok());
}

TEST_F(IdevidTest, DescribeShowsTheIdevidFields) {
  auto cert = issue(full_request(), test::new_key().get());
  auto d = describe_certificate(cert.get());
  EXPECT_EQ(d["not_after"], "9999-12-31T23:59:59Z");
  EXPECT_EQ(d["serial"], "4a1b2c3d4e5f60718293a4b5c6d7e8f9");
  EXPECT_EQ(d["ca"], false);
  EXPECT_EQ(d["key_usage"], nlohmann::ordered_json::parse(R"(["digitalSignature"])"));
  EXPECT_EQ(d["subject_alt_names"], nlohmann::ordered_json::parse(R"(["otherName:1.3.6.1.5.5.7.8.4"])"));
  const auto& idevid = d["idevid"];
  EXPECT_EQ(idevid["serial_number"], "SN-000042");
  EXPECT_EQ(idevid["hardware_module_name"]["hw_type"], kHwType);
  EXPECT_EQ(idevid["hardware_module_name"]["hw_serial_num"], "SN-000042");
  EXPECT_EQ(idevid["hardware_module_name"]["hw_serial_num_hex"], core::to_hex(as_bytes(std::string_view("SN-000042"))));
  EXPECT_EQ(idevid["masa_url"]["value"], "masa.example.com:9443");
  EXPECT_EQ(idevid["masa_url"]["uri"], "https://masa.example.com:9443/.well-known/brski");
  EXPECT_EQ(idevid["mud_url"]["value"], "https://mud.example.com/widget3000.json");
  EXPECT_EQ(idevid["mud_signer"], "C=US,O=Acme,CN=Acme MUD signer");
}

TEST_F(IdevidTest, IssueRefusesAMismatchedCaKey) {
  pki::IssuingCa ca;
  X509_up_ref(ca_->cert.get());
  ca.cert.reset(ca_->cert.get());
  ca.signer = memory_signer(test::new_key(), "file:wrong.key");
  auto r = issue_idevid(full_request(), test::new_key().get(), ca);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
}

void expect_invalid(const IdevidRequest& r, const std::string& fragment) {
  Status s = validate_idevid_request(r);
  ASSERT_FALSE(s.ok()) << "accepted a request expecting \"" << fragment << "\"";
  EXPECT_EQ(s.error().kind, ErrorKind::input);
  EXPECT_NE(s.error().message.find(fragment), std::string::npos) << s.error().message;
}

IdevidRequest valid_request() {
  IdevidRequest r;
  r.device_serial = "SN-1";
  r.hw_type = kHwType;
  r.masa_url = "masa.example.com";
  r.mud_url = "https://mud.example.com/x.json";
  return r;
}

TEST(ValidateIdevidRequest, Valid) { EXPECT_TRUE(validate_idevid_request(valid_request()).ok()); }

TEST(ValidateIdevidRequestRejects, Serial) {
  auto r = valid_request();
  r.device_serial = "";
  expect_invalid(r, "device serial is empty");
  r.device_serial = "SN_1";
  expect_invalid(r, "not a PrintableString");
  r.device_serial = "SN\xc3\xa9";
  expect_invalid(r, "not a PrintableString");
  r.device_serial = std::string(65, '1');
  expect_invalid(r, "longer than 64 characters");
}

TEST(ValidateIdevidRequestRejects, HwType) {
  auto r = valid_request();
  for (const char* bad : {"not.an.oid", "1", "1.3.6.1.", "4.1.2"}) {
    r.hw_type = bad;
    expect_invalid(r, "hw-type: ");
  }
}

TEST(ValidateIdevidRequestRejects, Urls) {
  auto r = valid_request();
  r.masa_url = "masa.example.com/with space";
  expect_invalid(r, "MASA URL");
  r.masa_url = "masa.gerät.example";
  expect_invalid(r, "MASA URL");
  r.masa_url = "masa.example.com\n";
  expect_invalid(r, "MASA URL");
  r.masa_url = std::string(2049, 'a');
  expect_invalid(r, "longer than 2048 characters");
  r = valid_request();
  r.mud_url = "http://mud.example.com/x.json";
  expect_invalid(r, "MUD URL must be https://");
  r.mud_url = "https://mud.example.com/a b.json";
  expect_invalid(r, "MUD URL");
}

}  // namespace
}  // namespace iotonb::pki
