// lib/protocol/est/est_codec.h: base64 bodies (RFC 8951 tolerance, strict alphabet), the
// certs-only SignedData (RFC 7030 4.1.3) and CsrAttrs (RFC 7030 4.5.2). Round trips, one
// negative test per rule, and openssl reading what we write (interop).
#include "protocol/est/est_codec.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "core/der.h"
#include "pki/pki_test_util.h"

namespace iotonb::protocol::est {
namespace {

using test::make_cert;
using test::make_intermediate;
using test::make_root;
using test::must;

std::string strip(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '\n' && c != '\r') out += c;
  return out;
}

TEST(EstBase64, RoundTripAndLineLength) {
  Bytes data(200);
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<std::uint8_t>(i * 7);
  std::string body = encode_base64_body(data);
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t nl = body.find('\n', start);
    ASSERT_NE(nl, std::string::npos);
    EXPECT_LE(nl - start, 64u);
    start = nl + 1;
  }
  EXPECT_EQ(must(decode_base64_body(body), "decode"), data);
}

TEST(EstBase64, ToleratesWhitespaceAndCrlf) {
  EXPECT_EQ(must(decode_base64_body(" QUJD\r\nREVG \t\n"), "decode"), Bytes({'A', 'B', 'C', 'D', 'E', 'F'}));
}

TEST(EstBase64, RefusesOutsideAlphabet) {
  auto r = decode_base64_body("QUJD-EVG");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not in the base64 alphabet"), std::string::npos) << r.error().message;
  EXPECT_FALSE(decode_base64_body("QUJD_EVG").ok());
}

TEST(EstBase64, RefusesEmptyAndUnpadded) {
  EXPECT_FALSE(decode_base64_body("").ok());
  EXPECT_FALSE(decode_base64_body(" \r\n").ok());
  auto r = decode_base64_body("QUI");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("multiple of 4"), std::string::npos);
  EXPECT_FALSE(decode_base64_body("QU==QUJD").ok());
}

class EstCertsOnly : public ::testing::Test {
 protected:
  void SetUp() override {
    root = make_root();
    ca = make_intermediate(root, "C=US,O=Acme,CN=Acme Domain CA");
    leaf_key = test::new_key();
    leaf = make_cert("CN=device,serialNumber=SN-1", leaf_key.get(), pki::Profile::client, &ca, test::at("2026-01-02T00:00:00Z"),
                     test::at("2027-01-02T00:00:00Z"), {0x33});
  }
  test::TestCa root, ca;
  core::EvpPkeyPtr leaf_key;
  core::X509Ptr leaf;
};

TEST_F(EstCertsOnly, RoundTripKeepsOrder) {
  std::string body = must(encode_certs_only({leaf.get(), ca.cert.get(), root.cert.get()}), "encode");
  auto certs = must(decode_certs_only(body), "decode");
  ASSERT_EQ(certs.size(), 3u);
  EXPECT_EQ(X509_cmp(certs[0].get(), leaf.get()), 0);
  EXPECT_EQ(X509_cmp(certs[1].get(), ca.cert.get()), 0);
  EXPECT_EQ(X509_cmp(certs[2].get(), root.cert.get()), 0);
  // Line breaks anywhere are fine (RFC 8951).
  std::string flat = strip(body);
  std::string spaced;
  for (std::size_t i = 0; i < flat.size(); ++i) {
    spaced += flat[i];
    if (i % 10 == 9) spaced += "\r\n";
  }
  EXPECT_EQ(must(decode_certs_only(spaced), "decode spaced").size(), 3u);
}

TEST_F(EstCertsOnly, IsDegenerateSignedData) {
  Bytes der = must(encode_certs_only_der({leaf.get()}), "encode");
  const unsigned char* p = der.data();
  core::CmsContentInfoPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  ASSERT_TRUE(cms);
  EXPECT_EQ(OBJ_obj2nid(CMS_get0_type(cms.get())), NID_pkcs7_signed);
  EXPECT_EQ(OBJ_obj2nid(CMS_get0_eContentType(cms.get())), NID_pkcs7_data);
  EXPECT_EQ(sk_CMS_SignerInfo_num(CMS_get0_SignerInfos(cms.get())), 0);
  ASN1_OCTET_STRING** content = CMS_get0_content(cms.get());
  EXPECT_TRUE(content == nullptr || *content == nullptr);
}

// The strict-DER reader hands out the parse cache's certificates: a pledge reading the same
// /cacerts again decodes nothing (the same objects come back).
TEST_F(EstCertsOnly, SameMessageGivesTheSameParsedCertificates) {
  Bytes der = must(encode_certs_only_der({ca.cert.get(), root.cert.get()}), "encode");
  auto first = must(decode_certs_only_der(der), "decode");
  auto again = must(decode_certs_only_der(der), "decode again");
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(first[0].get(), again[0].get());
  EXPECT_EQ(first[1].get(), again[1].get());
  EXPECT_EQ(X509_cmp(first[0].get(), ca.cert.get()), 0);
}

// BER (the ContentInfo and SignedData with indefinite lengths), which the strict reader leaves
// alone, still goes through OpenSSL's reader; CRLs beside the certificates are skipped.
TEST_F(EstCertsOnly, ReadsBerAndSkipsCrls) {
  Bytes cert = pki::certificate_der(leaf.get());
  Bytes oid_data = must(core::der::oid_from_text("1.2.840.113549.1.7.1"), "oid");
  Bytes oid_signed = must(core::der::oid_from_text("1.2.840.113549.1.7.2"), "oid");
  auto signed_data_body = [&](bool with_crls) {
    Bytes sd;
    for (Bytes part : {Bytes{0x02, 0x01, 0x01}, core::der::tlv(0x31, {}), core::der::tlv(0x30, oid_data),
                       core::der::tlv(0xa0, cert)})
      sd.insert(sd.end(), part.begin(), part.end());
    if (with_crls) sd.insert(sd.end(), {0xa1, 0x00});
    sd.insert(sd.end(), {0x31, 0x00});
    return sd;
  };
  // BER: 0x30 0x80 ... 0x00 0x00 around ContentInfo, [0] and SignedData.
  Bytes ber = {0x30, 0x80};
  ber.insert(ber.end(), oid_signed.begin(), oid_signed.end());
  ber.insert(ber.end(), {0xa0, 0x80, 0x30, 0x80});
  Bytes body = signed_data_body(false);
  ber.insert(ber.end(), body.begin(), body.end());
  ber.insert(ber.end(), {0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  auto from_ber = must(decode_certs_only_der(ber), "BER");
  ASSERT_EQ(from_ber.size(), 1u);
  EXPECT_EQ(X509_cmp(from_ber[0].get(), leaf.get()), 0);

  Bytes ci = oid_signed;
  Bytes explicit0 = core::der::tlv(0xa0, core::der::tlv(0x30, signed_data_body(true)));
  ci.insert(ci.end(), explicit0.begin(), explicit0.end());
  auto with_crls = must(decode_certs_only_der(core::der::tlv(0x30, ci)), "with CRLs");
  ASSERT_EQ(with_crls.size(), 1u);
  EXPECT_EQ(X509_cmp(with_crls[0].get(), leaf.get()), 0);
}

TEST_F(EstCertsOnly, RefusesEmptyList) { EXPECT_FALSE(encode_certs_only({}).ok()); }

TEST_F(EstCertsOnly, RefusesNotCms) {
  auto r = decode_certs_only(encode_base64_body(pki::certificate_der(leaf.get())));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("not a DER CMS"), std::string::npos) << r.error().message;
}

TEST_F(EstCertsOnly, RefusesTrailingData) {
  Bytes der = must(encode_certs_only_der({leaf.get()}), "encode");
  der.push_back(0);
  auto r = decode_certs_only_der(der);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("trailing"), std::string::npos);
}

TEST_F(EstCertsOnly, RefusesNoCertificates) {
  // A degenerate SignedData with no certificates: SignedData of version 1, no digest
  // algorithms, id-data, nothing else.
  // Built by hand through the DER helpers (our encoder refuses to make one).
  Bytes oid_data = must(core::der::oid_from_text("1.2.840.113549.1.7.1"), "oid");
  Bytes oid_signed = must(core::der::oid_from_text("1.2.840.113549.1.7.2"), "oid");
  Bytes sd;
  for (Bytes part : {Bytes{0x02, 0x01, 0x01}, core::der::tlv(0x31, {}), core::der::tlv(0x30, oid_data), core::der::tlv(0x31, {})})
    sd.insert(sd.end(), part.begin(), part.end());
  Bytes explicit0 = core::der::tlv(0xa0, core::der::tlv(0x30, sd));
  Bytes ci = oid_signed;
  ci.insert(ci.end(), explicit0.begin(), explicit0.end());
  auto r = decode_certs_only_der(core::der::tlv(0x30, ci));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no certificate"), std::string::npos) << r.error().message;
}

TEST_F(EstCertsOnly, RefusesContentOfAnyType) {
  // A degenerate SignedData with one certificate, built by hand: eContentType `type`, with
  // or without an eContent. Certs-only carries none (RFC 5751 3.6), whatever its type says.
  auto message = [&](const char* type, bool with_content) {
    Bytes encap = must(core::der::oid_from_text(type), "oid");
    if (with_content) {
      Bytes econtent = core::der::tlv(0xa0, core::der::tlv(0x04, Bytes{'h', 'i'}));
      encap.insert(encap.end(), econtent.begin(), econtent.end());
    }
    Bytes sd;
    for (Bytes part : {Bytes{0x02, 0x01, 0x01}, core::der::tlv(0x31, {}), core::der::tlv(0x30, encap),
                       core::der::tlv(0xa0, pki::certificate_der(leaf.get())), core::der::tlv(0x31, {})})
      sd.insert(sd.end(), part.begin(), part.end());
    Bytes ci = must(core::der::oid_from_text("1.2.840.113549.1.7.2"), "oid");
    Bytes explicit0 = core::der::tlv(0xa0, core::der::tlv(0x30, sd));
    ci.insert(ci.end(), explicit0.begin(), explicit0.end());
    return core::der::tlv(0x30, ci);
  };
  for (const char* type : {"1.2.840.113549.1.7.1", "1.2.840.113549.1.9.16.1.40"}) {
    EXPECT_EQ(must(decode_certs_only_der(message(type, false)), type).size(), 1u);
    auto r = decode_certs_only_der(message(type, true));
    ASSERT_FALSE(r.ok()) << type;
    EXPECT_NE(r.error().message.find("carries content"), std::string::npos) << r.error().message;
  }
}

TEST_F(EstCertsOnly, RefusesSignedDataWithSigners) {
  // A real signed message (CMS_sign) is not certs-only.
  Bytes content = {'h', 'i'};
  auto bio = core::memory_bio(content);
  core::CmsContentInfoPtr cms(CMS_sign(ca.cert.get(), ca.key.get(), nullptr, bio.get(), CMS_BINARY));
  ASSERT_TRUE(cms);
  unsigned char* out = nullptr;
  int n = i2d_CMS_ContentInfo(cms.get(), &out);
  ASSERT_GT(n, 0);
  core::OsslBytesPtr owned(out);
  auto r = decode_certs_only_der(ByteView(out, static_cast<std::size_t>(n)));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("signers"), std::string::npos) << r.error().message;
}

TEST_F(EstCertsOnly, RefusesTooManyCertificates) {
  std::vector<const X509*> many(kMaxCertificates + 1, leaf.get());
  Bytes der = must(encode_certs_only_der(many), "encode");
  auto r = decode_certs_only_der(der);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("more than"), std::string::npos) << r.error().message;
}

TEST_F(EstCertsOnly, RefusesTruncated) {
  Bytes der = must(encode_certs_only_der({leaf.get()}), "encode");
  der.resize(der.size() / 2);
  EXPECT_FALSE(decode_certs_only_der(der).ok());
  EXPECT_FALSE(decode_certs_only_der({}).ok());
}

// Interop: openssl reads the body as base64 of a PKCS#7 certs-only message.
TEST_F(EstCertsOnly, OpensslPrintsCertificates) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl not installed";
  auto dir = std::filesystem::temp_directory_path() / ("est-codec-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string body = must(encode_certs_only({leaf.get(), ca.cert.get()}), "encode");
  { std::ofstream(dir / "body.b64") << body; }
  std::string cmd = "openssl base64 -d -in " + (dir / "body.b64").string() +
                    " | openssl pkcs7 -inform DER -print_certs -noout > " + (dir / "out.txt").string() + " 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << test::read_text((dir / "out.txt").string());
  std::string out = test::read_text((dir / "out.txt").string());
  EXPECT_NE(out.find("CN = device"), std::string::npos) << out;
  EXPECT_NE(out.find("Acme Domain CA"), std::string::npos) << out;
  // And what openssl writes (crl2pkcs7 -nocrl) we read.
  { std::ofstream(dir / "chain.pem") << pki::certificate_pem(leaf.get()) << pki::certificate_pem(ca.cert.get()); }
  cmd = "openssl crl2pkcs7 -nocrl -certfile " + (dir / "chain.pem").string() + " -outform DER | openssl base64 > " +
        (dir / "theirs.b64").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  auto theirs = must(decode_certs_only(test::read_text((dir / "theirs.b64").string())), "decode openssl's");
  ASSERT_EQ(theirs.size(), 2u);
  EXPECT_EQ(X509_cmp(theirs[0].get(), leaf.get()), 0);
  std::filesystem::remove_all(dir);
}

TEST(EstCsrAttrs, RoundTrip) {
  Bytes curve = must(core::der::oid_from_text("1.3.132.0.34"), "oid");
  std::vector<CsrAttribute> attrs = {CsrAttribute::bare("1.2.840.113549.1.9.7"),
                                     CsrAttribute{"1.2.840.10045.2.1", true, {curve}},
                                     CsrAttribute::bare("2.5.4.5"), CsrAttribute::bare("1.2.840.10045.4.3.3")};
  std::string body = must(encode_csrattrs(attrs), "encode");
  EXPECT_EQ(must(decode_csrattrs(body), "decode"), attrs);
}

TEST(EstCsrAttrs, Rfc7030Example) {
  // RFC 7030 4.5.2's example response.
  const char* body =
      "MEEGCSqGSIb3DQEJBzASBgcqhkjOPQIBMQcGBSuBBAAiMBYGCSqGSIb3DQEJDjEJ\n"
      "BgcrBgEBAQEWBggqhkjOPQQDAw==\n";
  auto attrs = must(decode_csrattrs(body), "decode");
  ASSERT_EQ(attrs.size(), 4u);
  EXPECT_EQ(attrs[0], CsrAttribute::bare("1.2.840.113549.1.9.7"));
  EXPECT_EQ(attrs[1].oid, "1.2.840.10045.2.1");
  ASSERT_EQ(attrs[1].values.size(), 1u);
  EXPECT_EQ(attrs[1].values[0], must(core::der::oid_from_text("1.3.132.0.34"), "oid"));
  EXPECT_EQ(attrs[2].oid, "1.2.840.113549.1.9.14");
  EXPECT_EQ(attrs[3], CsrAttribute::bare("1.2.840.10045.4.3.3"));
  EXPECT_EQ(must(encode_csrattrs(attrs), "encode"), encode_base64_body(must(decode_base64_body(body), "b64")));
}

TEST(EstCsrAttrs, EmptyIsValid) {
  std::string body = must(encode_csrattrs({}), "encode");
  EXPECT_TRUE(must(decode_csrattrs(body), "decode").empty());
}

TEST(EstCsrAttrs, RefusesNotSequence) {
  auto r = decode_csrattrs_der(Bytes{0x31, 0x00});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("CsrAttrs SEQUENCE"), std::string::npos);
}

TEST(EstCsrAttrs, RefusesWrongEntryTag) {
  auto r = decode_csrattrs_der(Bytes{0x30, 0x02, 0x05, 0x00});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("neither an OID nor an Attribute"), std::string::npos);
}

TEST(EstCsrAttrs, RefusesAttributeWithoutValues) {
  // SEQUENCE { SEQUENCE { OID 2.5.4.5, SET {} } }
  Bytes attr = must(core::der::oid_from_text("2.5.4.5"), "oid");
  Bytes set = core::der::tlv(0x31, {});
  attr.insert(attr.end(), set.begin(), set.end());
  auto r = decode_csrattrs_der(core::der::tlv(0x30, core::der::tlv(0x30, attr)));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("no value"), std::string::npos);
}

TEST(EstCsrAttrs, RefusesTrailingData) {
  EXPECT_FALSE(decode_csrattrs_der(Bytes{0x30, 0x00, 0x00}).ok());
  EXPECT_FALSE(decode_csrattrs_der(Bytes{0x30, 0x05, 0x06, 0x03, 0x55, 0x04}).ok());
}

TEST(EstCsrAttrs, EncodeRefusesBadInput) {
  EXPECT_FALSE(encode_csrattrs({CsrAttribute::bare("not-an-oid")}).ok());
  EXPECT_FALSE(encode_csrattrs({CsrAttribute{"2.5.4.5", true, {}}}).ok());
  EXPECT_FALSE(encode_csrattrs({CsrAttribute{"2.5.4.5", true, {Bytes{0x06}}}}).ok());
}

}  // namespace
}  // namespace iotonb::protocol::est
