// lib/pki/name.h: distinguished names from the command line, their RFC 5280 string types,
// and the device serial rules (PrintableString, 1..64 characters).
#include "pki/name.h"

#include <gtest/gtest.h>

#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

using test::must;

struct Entry {
  std::string type;
  std::string value;
  int asn1_type;
};

std::vector<Entry> entries(const X509_NAME* name) {
  std::vector<Entry> out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    const ASN1_STRING* s = X509_NAME_ENTRY_get_data(e);
    out.push_back({OBJ_nid2sn(OBJ_obj2nid(X509_NAME_ENTRY_get_object(e))), test::asn1_text(s), ASN1_STRING_type(s)});
  }
  return out;
}

TEST(ParseName, CommaForm) {
  auto name = must(parse_name("C=US,O=Acme,CN=Acme Root CA"), "parse");
  EXPECT_EQ(name_to_string(name.get()), "C=US,O=Acme,CN=Acme Root CA");
  auto e = entries(name.get());
  ASSERT_EQ(e.size(), 3u);
  EXPECT_EQ(e[0].type, "C");
  EXPECT_EQ(e[0].value, "US");
  EXPECT_EQ(e[1].type, "O");
  EXPECT_EQ(e[2].type, "CN");
  EXPECT_EQ(e[2].value, "Acme Root CA");
}

TEST(ParseName, SlashFormKeepsOrder) {
  auto name = must(parse_name("/C=US/O=Acme/CN=Root"), "parse");
  EXPECT_EQ(name_to_string(name.get()), "C=US,O=Acme,CN=Root");
  auto reversed = must(parse_name("CN=Root,O=Acme,C=US"), "parse");
  EXPECT_EQ(name_to_string(reversed.get()), "CN=Root,O=Acme,C=US");
}

TEST(ParseName, BareStringIsCommonName) {
  auto name = must(parse_name("Widget 3000"), "parse");
  auto e = entries(name.get());
  ASSERT_EQ(e.size(), 1u);
  EXPECT_EQ(e[0].type, "CN");
  EXPECT_EQ(e[0].value, "Widget 3000");
}

TEST(ParseName, TrimsSpacesAroundTypesAndValues) {
  auto name = must(parse_name(" C = US , CN = Root "), "parse");
  EXPECT_EQ(name_to_string(name.get()), "C=US,CN=Root");
}

TEST(ParseName, BackslashEscapesTheSeparator) {
  auto name = must(parse_name("O=Acme\\, Inc,CN=x"), "parse");
  auto e = entries(name.get());
  ASSERT_EQ(e.size(), 2u);
  EXPECT_EQ(e[0].value, "Acme, Inc");
  EXPECT_EQ(name_to_string(name.get()), "O=Acme\\, Inc,CN=x");
  auto slash = must(parse_name("/O=A\\/B/CN=y"), "parse");
  EXPECT_EQ(entries(slash.get())[0].value, "A/B");
}

TEST(ParseName, StringTypesFollowRfc5280) {
  auto name = must(parse_name("C=DE,O=Acme,CN=Gerät,serialNumber=SN-0001"), "parse");
  auto e = entries(name.get());
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].asn1_type, V_ASN1_PRINTABLESTRING) << "C";
  EXPECT_EQ(e[1].asn1_type, V_ASN1_UTF8STRING) << "O";
  EXPECT_EQ(e[2].asn1_type, V_ASN1_UTF8STRING) << "CN";
  EXPECT_EQ(e[2].value, "Gerät");
  EXPECT_EQ(e[3].type, "serialNumber");
  EXPECT_EQ(e[3].value, "SN-0001");
  EXPECT_EQ(e[3].asn1_type, V_ASN1_PRINTABLESTRING) << "serialNumber";
}

TEST(ParseName, LongNamesAndDottedTypes) {
  auto name = must(parse_name("commonName=a,organizationName=b,2.5.4.11=c"), "parse");
  EXPECT_EQ(name_to_string(name.get()), "CN=a,O=b,OU=c");
}

void expect_usage_error(std::string_view text, const std::string& fragment) {
  auto r = parse_name(text);
  ASSERT_FALSE(r.ok()) << "accepted \"" << text << "\"";
  EXPECT_EQ(r.error().kind, ErrorKind::usage) << text;
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(ParseNameRejects, UnknownAttribute) {
  expect_usage_error("FOO=bar", "unknown attribute type \"FOO\"");
  expect_usage_error("C=US,XYZ=1", "unknown attribute type \"XYZ\"");
}

TEST(ParseNameRejects, SerialNumberNotPrintableString) {
  expect_usage_error("serialNumber=SN_0001", "serialNumber \"SN_0001\" is not a PrintableString");
  expect_usage_error("serialNumber=SN@1", "is not a PrintableString");
  expect_usage_error("serialNumber=Gerät", "is not a PrintableString");
  expect_usage_error("CN=x,serialNumber=a*b", "is not a PrintableString");
}

TEST(ParseNameRejects, CountryNotTwoLetters) {
  expect_usage_error("C=USA,CN=x", "C must be a two-letter country code");
  expect_usage_error("C=U", "two-letter");
  expect_usage_error("C=U_", "not a PrintableString");
}

TEST(ParseNameRejects, Empty) {
  expect_usage_error("", "empty");
  expect_usage_error("CN=", "attribute CN is empty");
  expect_usage_error("CN=x,O=", "attribute O is empty");
}

TEST(ParseNameRejects, PartWithoutEquals) {
  expect_usage_error("CN=x,Acme", "\"Acme\" has no '='");
  expect_usage_error("/CN=x/", "has no '='");
}

TEST(PrintableString, Alphabet) {
  EXPECT_TRUE(is_printable_string("ABCxyz019 '()+,-./:=?"));
  EXPECT_TRUE(is_printable_string(""));
  for (const char* bad : {"a_b", "a@b", "a*b", "a;b", "a\"b", "a!b", "a#b", "a&b", "a<b", "a\tb", "\xc3\xa9"})
    EXPECT_FALSE(is_printable_string(bad)) << bad;
}

TEST(DeviceSerial, Rules) {
  EXPECT_TRUE(check_device_serial("00-D0-E5-F2-00-02").ok());
  EXPECT_TRUE(check_device_serial(std::string(64, 'A')).ok());
  auto s = check_device_serial("");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::input);
  EXPECT_EQ(s.error().message, "device serial is empty");
  s = check_device_serial(std::string(65, 'A'));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("longer than 64 characters"), std::string::npos);
  s = check_device_serial("SN_0001");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::input);
  EXPECT_NE(s.error().message.find("\"SN_0001\" is not a PrintableString"), std::string::npos) << s.error().message;
}

TEST(NameToString, VectorSubjects) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto idevid = test::vector_cert(dir, "brski/rfc8995/idevid_00-D0-E5-F2-00-02.crt");
  EXPECT_EQ(name_to_string(X509_get_subject_name(idevid.get())), "serialNumber=00-D0-E5-F2-00-02");
  EXPECT_EQ(name_to_string(X509_get_issuer_name(idevid.get())), "CN=highway-test.example.com CA");
  auto owner = test::vector_cert(dir, "brski/rfc8995/ownerca_secp384r1.crt");
  EXPECT_EQ(name_to_string(X509_get_subject_name(owner.get())),
            "DC=ca,DC=sandelman,CN=fountain-test.example.com Unstrung Fountain Root CA");
  auto pledge = test::vector_cert(dir, "brski/cbrski-cose/pledge.pem");
  EXPECT_EQ(name_to_string(X509_get_subject_name(pledge.get())), "CN=Stok IoT sensor Y-42,serialNumber=JADA123456789");
}

}  // namespace
}  // namespace iotonb::pki
