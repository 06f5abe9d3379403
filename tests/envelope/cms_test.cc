#include "envelope/cms.h"

#include <gtest/gtest.h>
#include <openssl/cms.h>

#include <algorithm>

#include "core/der.h"
#include "core/encoding.h"
#include "envelope/interop_util.h"
#include "pki/pki_test_util.h"

namespace iotonb::envelope::cms {
namespace {

using test::have_openssl;
using test::must;
using test::run;
using test::share;
using test::TempDir;

// gmock is not linked; a substring check with the whole text in the failure message.
#define EXPECT_HAS(text, needle) EXPECT_NE(std::string(text).find(needle), std::string::npos) << (text)

constexpr core::UnixTime kVectorTime = 1618358400;  // 2021-04-14T00:00:00Z, vectors README §1
constexpr core::UnixTime kLeafNotBefore = 1767225600;  // 2026-01-01
constexpr core::UnixTime kLeafNotAfter = 1830297600;   // 2028-01-01
constexpr core::UnixTime kAt = 1780272000;             // 2026-06-01
constexpr core::UnixTime kSigningTime = 1780000000;

const std::string kVoucherJson = R"({"ietf-voucher:voucher":{"assertion":"logged","serial-number":"JADA123456789"}})";

// ---------------------------------------------------------------------------------------
// Helpers

struct Party {
  core::EvpPkeyPtr key;
  core::X509Ptr cert;
  std::unique_ptr<pki::Signer> signer;
};

Party make_party(pki::KeyType type, const test::TestCa& issuer, const std::string& cn = "Acme MASA",
                 pki::Profile profile = pki::Profile::masa, core::UnixTime not_before = kLeafNotBefore,
                 core::UnixTime not_after = kLeafNotAfter) {
  Party p;
  p.key = test::new_key(type);
  p.cert = test::make_cert("C=US,O=Acme,CN=" + cn, p.key.get(), profile, &issuer, not_before, not_after, {0x30, 0x03});
  p.signer = pki::memory_signer(share(p.key.get()), "memory:" + cn);
  return p;
}

struct Pki {
  test::TestCa root = test::make_root();
  test::TestCa intermediate = test::make_intermediate(root);
};

Error error_of(const Result<Verified>& r) {
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

VerifyOptions trust_in(const X509* anchor) {
  VerifyOptions o;
  o.trust = {anchor};
  o.at = kAt;
  return o;
}

Bytes sign_with(const Party& p, ByteView content, SignOptions opts = {}) {
  if (!opts.signing_time) opts.signing_time = kSigningTime;
  return must(sign(content, *p.signer, p.cert.get(), opts), "cms::sign");
}

Bytes der_of(CMS_ContentInfo* cms) {
  unsigned char* out = nullptr;
  int len = i2d_CMS_ContentInfo(cms, &out);
  if (len <= 0) throw std::runtime_error("i2d_CMS_ContentInfo");
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

// A SignedData made directly with OpenSSL, for shapes sign() refuses to make.
struct RawSigner {
  const Party* party;
  const EVP_MD* md;
};
Bytes openssl_signed(ByteView content, const std::vector<RawSigner>& signers, unsigned extra_flags = 0,
                     const char* content_type = kIdCtAnimaJsonVoucher) {
  core::CmsContentInfoPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_BINARY));
  core::Asn1ObjectPtr type(OBJ_txt2obj(content_type, 1));
  CMS_set1_eContentType(cms.get(), type.get());
  for (const auto& s : signers)
    if (!CMS_add1_signer(cms.get(), s.party->cert.get(), s.party->key.get(), s.md, CMS_PARTIAL | extra_flags))
      throw std::runtime_error("CMS_add1_signer: " + core::openssl_errors());
  core::BioPtr in = core::memory_bio(content);
  if (CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1) throw std::runtime_error("CMS_final: " + core::openssl_errors());
  return der_of(cms.get());
}

// The NIDs of the first SignerInfo's signed attributes, sorted, and of its signatureAlgorithm.
std::pair<std::vector<int>, int> signer_info_shape(ByteView der) {
  const unsigned char* p = der.data();
  core::CmsContentInfoPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(der.size())));
  if (!cms) throw std::runtime_error("d2i_CMS_ContentInfo");
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(cms.get()), 0);
  std::vector<int> nids;
  for (int i = 0; i < CMS_signed_get_attr_count(si); ++i)
    nids.push_back(OBJ_obj2nid(X509_ATTRIBUTE_get0_object(CMS_signed_get_attr(si, i))));
  std::sort(nids.begin(), nids.end());
  X509_ALGOR* alg = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, nullptr, &alg);
  const ASN1_OBJECT* oid = nullptr;
  X509_ALGOR_get0(&oid, nullptr, nullptr, alg);
  return {nids, OBJ_obj2nid(oid)};
}

// ---------------------------------------------------------------------------------------
// RFC 8995 Appendix C vectors (README §1)

struct Vector {
  std::string dir;
  Bytes cms(const std::string& name) const {
    return must(core::from_base64(test::read_text(dir + "/brski/rfc8995/" + name + "_00-D0-E5-F2-00-02.b64")), name);
  }
  Bytes content(const std::string& name) const {
    return test::read_bytes(dir + "/brski/rfc8995/derived/" + name + "_00-D0-E5-F2-00-02.content.json");
  }
  core::X509Ptr cert(const std::string& name) const { return test::vector_cert(dir, "brski/rfc8995/" + name); }
};

TEST(CmsVectors, PledgeVoucherRequestVerifiesWithVendorCa) {
  IOTONB_REQUIRE_VECTORS(dir);
  Vector v{dir};
  auto vendor = v.cert("vendor.crt");
  VerifyOptions o;
  o.trust = {vendor.get()};
  o.at = kVectorTime;
  o.accepted_content_types = {kIdData, kIdCtAnimaJsonVoucher};
  auto r = verify(v.cms("vr"), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, v.content("vr"));
  EXPECT_EQ(r->content_type, kIdData);
  EXPECT_EQ(r->chain.size(), 2u);
  EXPECT_HAS(pki::name_to_string(X509_get_subject_name(r->signer.get())), "00-D0-E5-F2-00-02");
  ASSERT_TRUE(r->signing_time);
  EXPECT_EQ(*r->signing_time, test::at("2021-04-13T21:43:23Z"));
}

TEST(CmsVectors, RegistrarVoucherRequestWithCmcRaOnlyVerifiesWithOwnerCa) {
  IOTONB_REQUIRE_VECTORS(dir);
  Vector v{dir};
  auto owner = v.cert("ownerca_secp384r1.crt");
  VerifyOptions o;
  o.trust = {owner.get()};
  o.at = kVectorTime;
  auto r = verify(v.cms("parboiled_vr"), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, v.content("parboiled_vr"));
  auto jrc = v.cert("jrc_prime256v1.crt");
  EXPECT_EQ(X509_cmp(r->signer.get(), jrc.get()), 0);
}

TEST(CmsVectors, VoucherVerifiesWithVendorCaAndNotWithOwnerCa) {
  IOTONB_REQUIRE_VECTORS(dir);
  Vector v{dir};
  auto vendor = v.cert("vendor.crt");
  auto owner = v.cert("ownerca_secp384r1.crt");
  VerifyOptions o;
  o.trust = {vendor.get()};
  o.at = kVectorTime;
  auto r = verify(v.cms("voucher"), o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->content, v.content("voucher"));

  o.trust = {owner.get()};
  Error e = error_of(verify(v.cms("voucher"), o));
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_HAS(e.message, "signer certificate: unable to get local issuer certificate");
}

TEST(CmsVectors, EachFailsAtTheCurrentTimeAndJustBeforeTheWindow) {
  IOTONB_REQUIRE_VECTORS(dir);
  Vector v{dir};
  auto vendor = v.cert("vendor.crt");
  auto owner = v.cert("ownerca_secp384r1.crt");
  const std::vector<std::pair<std::string, const X509*>> cases = {
      {"vr", vendor.get()}, {"parboiled_vr", owner.get()}, {"voucher", vendor.get()}};
  for (const auto& [name, anchor] : cases) {
    VerifyOptions o;
    o.trust = {anchor};
    o.at = core::now();
    Error e = error_of(verify(v.cms(name), o));
    EXPECT_HAS(e.message, "certificate has expired") << name;
    o.at = 0;  // means now as well
    EXPECT_HAS(error_of(verify(v.cms(name), o)).message, "certificate has expired") << name;
  }
  VerifyOptions o;
  o.trust = {vendor.get()};
  o.at = test::at("2021-04-13T21:40:00Z");  // the MASA certificate starts at 21:40:16
  EXPECT_HAS(error_of(verify(v.cms("voucher"), o)).message, "not yet valid");
}

TEST(CmsVectors, ParseReportsWhatIsInside) {
  IOTONB_REQUIRE_VECTORS(dir);
  Vector v{dir};
  auto sd = must(parse(v.cms("parboiled_vr")), "parse");
  EXPECT_EQ(sd.content_type, kIdData);
  ASSERT_TRUE(sd.content);
  EXPECT_EQ(*sd.content, v.content("parboiled_vr"));
  EXPECT_EQ(sd.certificates.size(), 2u);
  EXPECT_EQ(sd.signer_count, 1u);
  EXPECT_EQ(sd.digest_algorithm, "sha256");
  EXPECT_EQ(sd.version, 1);
  EXPECT_EQ(sd.signer_version, 1);
  EXPECT_HAS(sd.signer_id, "issuer DC=ca,DC=sandelman,CN=fountain-test.example.com Unstrung Fountain Root CA");
  EXPECT_TRUE(sd.signing_time);

  // The .b64 file as it is (base64 at 68 columns) and PEM with either label parse the same.
  std::string b64 = test::read_text(dir + "/brski/rfc8995/vr_00-D0-E5-F2-00-02.b64");
  auto from_text = must(parse(as_bytes(b64)), "parse base64");
  auto from_pem = must(parse(as_bytes(core::to_pem("CMS", v.cms("vr")))), "parse PEM CMS");
  auto from_pkcs7 = must(parse(as_bytes(core::to_pem("PKCS7", v.cms("vr")))), "parse PEM PKCS7");
  EXPECT_EQ(*from_text.content, v.content("vr"));
  EXPECT_EQ(*from_pem.content, v.content("vr"));
  EXPECT_EQ(*from_pkcs7.content, v.content("vr"));
  EXPECT_HAS(from_text.signer_id, "serial 0d83afd9, issuer CN=highway-test.example.com CA");
}

// ---------------------------------------------------------------------------------------
// Round trips

struct KeyCase {
  pki::KeyType type;
  const char* digest;
};

class CmsRoundTrip : public ::testing::TestWithParam<KeyCase> {};

TEST_P(CmsRoundTrip, SignsAndVerifiesThroughAnIntermediate) {
  Pki pki;
  Party masa = make_party(GetParam().type, pki.intermediate);
  for (const char* type : {kIdCtAnimaJsonVoucher, kIdData}) {
    SignOptions so;
    so.content_type = type;
    so.chain = {pki.intermediate.cert.get()};
    Bytes der = sign_with(masa, as_bytes(kVoucherJson), so);

    auto sd = must(parse(der), "parse");
    EXPECT_EQ(sd.content_type, type);
    EXPECT_EQ(sd.digest_algorithm, GetParam().digest);
    EXPECT_EQ(sd.certificates.size(), 2u);
    ASSERT_TRUE(sd.signing_time);
    EXPECT_EQ(*sd.signing_time, kSigningTime);
    // RFC 5652 5.1: version 3 when eContentType is not id-data, else 1; 5.3: SignerInfo
    // version 1 with issuerAndSerialNumber.
    EXPECT_EQ(sd.version, std::string(type) == kIdData ? 1 : 3);
    EXPECT_EQ(sd.signer_version, 1);
    EXPECT_HAS(sd.signer_id, "issuer C=US,O=Acme,CN=Acme IDevID CA");
    // Exactly contentType, messageDigest and signingTime; no SMIMECapabilities.
    auto [attributes, signature_alg] = signer_info_shape(der);
    std::vector<int> expected = {NID_pkcs9_contentType, NID_pkcs9_messageDigest, NID_pkcs9_signingTime};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(attributes, expected);
    if (GetParam().type == pki::KeyType::ed25519) {
      EXPECT_EQ(signature_alg, NID_ED25519);  // RFC 8419 3.1
    }

    VerifyOptions o = trust_in(pki.root.cert.get());
    o.accepted_content_types = {type};
    auto r = verify(der, o);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(as_chars(r->content), kVoucherJson);
    EXPECT_EQ(r->content_type, type);
    EXPECT_EQ(r->chain.size(), 3u);
    EXPECT_EQ(X509_cmp(r->signer.get(), masa.cert.get()), 0);
    EXPECT_EQ(r->signing_time, kSigningTime);
  }
}

TEST_P(CmsRoundTrip, DetachedContent) {
  Pki pki;
  Party signer = make_party(GetParam().type, pki.intermediate, "Acme MUD signer");
  const std::string mud = R"({"ietf-mud:mud":{"mud-version":1}})";
  SignOptions so;
  so.content_type = kIdData;
  so.detached = true;
  so.chain = {pki.intermediate.cert.get()};
  Bytes der = sign_with(signer, as_bytes(mud), so);
  EXPECT_FALSE(must(parse(der), "parse").content);
  EXPECT_EQ(std::search(der.begin(), der.end(), mud.begin(), mud.end()), der.end());

  VerifyOptions o = trust_in(pki.root.cert.get());
  o.detached_content = as_bytes(mud);
  auto r = verify(der, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(as_chars(r->content), mud);

  std::string other = mud;
  other[5] ^= 1;
  o.detached_content = as_bytes(other);
  EXPECT_HAS(error_of(verify(der, o)).message, "signature does not verify");
  o.detached_content.reset();
  EXPECT_EQ(error_of(verify(der, o)).kind, ErrorKind::usage);
}

TEST_P(CmsRoundTrip, IndependentPythonCheck) {
  if (!test::have_python_crypto()) GTEST_SKIP() << "python3 with asn1crypto and cryptography is not available";
  Pki pki;
  Party masa = make_party(GetParam().type, pki.intermediate);
  TempDir tmp;
  std::string file = tmp.write("v.der", sign_with(masa, as_bytes(kVoucherJson)));
  EXPECT_EQ(run("/usr/bin/python3 " + test::interop_script("check_cms.py") + " " + file + " >/dev/null"), 0);

  SignOptions so;
  so.detached = true;
  std::string detached = tmp.write("d.der", sign_with(masa, as_bytes(kVoucherJson), so));
  std::string content = tmp.write("content.json", kVoucherJson);
  EXPECT_EQ(run("/usr/bin/python3 " + test::interop_script("check_cms.py") + " " + detached + " " + content + " >/dev/null"), 0);
  std::string wrong = tmp.write("wrong.json", kVoucherJson + " ");
  EXPECT_NE(run("/usr/bin/python3 " + test::interop_script("check_cms.py") + " " + detached + " " + wrong + " 2>/dev/null"), 0);
}

INSTANTIATE_TEST_SUITE_P(Keys, CmsRoundTrip,
                         ::testing::Values(KeyCase{pki::KeyType::p256, "sha256"}, KeyCase{pki::KeyType::p384, "sha384"},
                                           KeyCase{pki::KeyType::ed25519, "sha512"},
                                           KeyCase{pki::KeyType::rsa2048, "sha256"}),
                         [](const auto& p) { return std::string(pki::key_type_name(p.param.type)); });

TEST(Cms, SignerCertificateItselfAsTrustAnchor) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  Bytes der = sign_with(masa, as_bytes(kVoucherJson));
  auto r = verify(der, trust_in(masa.cert.get()));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->chain.size(), 1u);
}

TEST(Cms, IntermediatesFromTheCallerOrMissing) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  Bytes der = sign_with(masa, as_bytes(kVoucherJson));  // no chain embedded
  EXPECT_EQ(must(parse(der), "parse").certificates.size(), 1u);
  VerifyOptions o = trust_in(pki.root.cert.get());
  EXPECT_HAS(error_of(verify(der, o)).message, "signer certificate: unable to get local issuer certificate");
  o.untrusted = {pki.intermediate.cert.get()};
  auto r = verify(der, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->chain.size(), 3u);
}

TEST(Cms, SignerNotEmbeddedIsLookedUpInCandidates) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p384, pki.intermediate);
  SignOptions so;
  so.embed_signer_certificate = false;
  so.chain = {pki.intermediate.cert.get()};
  Bytes der = sign_with(masa, as_bytes(kVoucherJson), so);
  EXPECT_EQ(must(parse(der), "parse").certificates.size(), 1u);
  VerifyOptions o = trust_in(pki.root.cert.get());
  Error e = error_of(verify(der, o));
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_EQ(e.message, "signer certificate not found");
  o.signer_candidates = {masa.cert.get()};
  auto r = verify(der, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
}

TEST(Cms, SignatureOnlyWithoutChainCheck) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  Bytes der = sign_with(masa, as_bytes(kVoucherJson));
  VerifyOptions o;
  o.check_chain = false;
  auto r = verify(der, o);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->chain.empty());
  o.check_chain = true;
  EXPECT_EQ(error_of(verify(der, o)).kind, ErrorKind::usage);  // no trust anchor given
}

TEST(Cms, EmptyContentAndDefaultSigningTime) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  core::UnixTime before = core::now();
  Bytes der = must(sign({}, *masa.signer, masa.cert.get(), {}), "sign");
  auto sd = must(parse(der), "parse");
  ASSERT_TRUE(sd.content);
  EXPECT_TRUE(sd.content->empty());
  ASSERT_TRUE(sd.signing_time);
  EXPECT_GE(*sd.signing_time, before);
  EXPECT_LE(*sd.signing_time, core::now());
  VerifyOptions o = trust_in(masa.cert.get());
  EXPECT_TRUE(verify(der, o).ok());
}

TEST(Cms, SignRefusesAMismatchedKeyOrBadContentType) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  Party other = make_party(pki::KeyType::p256, pki.intermediate, "Other");
  auto r = sign(as_bytes(kVoucherJson), *other.signer, masa.cert.get(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_HAS(r.error().message, "does not match the signer certificate");
  SignOptions so;
  so.content_type = "voucher";
  EXPECT_EQ(sign(as_bytes(kVoucherJson), *masa.signer, masa.cert.get(), so).error().kind, ErrorKind::usage);
  EXPECT_EQ(sign(as_bytes(kVoucherJson), *masa.signer, nullptr, {}).error().kind, ErrorKind::usage);
}

// ---------------------------------------------------------------------------------------
// Negative verification cases, one per rule

class CmsNegative : public ::testing::Test {
 protected:
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  SignOptions chained() const {
    SignOptions so;
    so.chain = {pki.intermediate.cert.get()};
    return so;
  }
};

TEST_F(CmsNegative, TamperedContent) {
  for (auto type : {pki::KeyType::p256, pki::KeyType::ed25519}) {
    Party p = make_party(type, pki.intermediate);
    Bytes der = sign_with(p, as_bytes(kVoucherJson), chained());
    auto at = std::search(der.begin(), der.end(), kVoucherJson.begin(), kVoucherJson.end());
    ASSERT_NE(at, der.end());
    at[10] ^= 0x01;
    Error e = error_of(verify(der, trust_in(pki.root.cert.get())));
    EXPECT_EQ(e.kind, ErrorKind::verification);
    EXPECT_HAS(e.message, "signature does not verify");
    EXPECT_HAS(e.message, "messageDigest");
  }
}

TEST_F(CmsNegative, TamperedSignature) {
  for (auto type : {pki::KeyType::p256, pki::KeyType::ed25519}) {
    Party p = make_party(type, pki.intermediate);
    Bytes der = sign_with(p, as_bytes(kVoucherJson), chained());
    der[der.size() - 5] ^= 0x01;  // the signature is the last field
    Error e = error_of(verify(der, trust_in(pki.root.cert.get())));
    EXPECT_HAS(e.message, "signature does not verify") << pki::key_type_name(type);
  }
}

TEST_F(CmsNegative, WrongTrustAnchor) {
  Bytes der = sign_with(masa, as_bytes(kVoucherJson), chained());
  test::TestCa stranger = test::make_root("C=US,O=Other,CN=Other Root");
  Error e = error_of(verify(der, trust_in(stranger.cert.get())));
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_HAS(e.message, "signer certificate: ");
}

TEST_F(CmsNegative, ExpiredAndNotYetValidSigner) {
  Bytes der = sign_with(masa, as_bytes(kVoucherJson), chained());
  VerifyOptions o = trust_in(pki.root.cert.get());
  o.at = kLeafNotAfter + 1;
  EXPECT_HAS(error_of(verify(der, o)).message, "signer certificate: certificate has expired");
  o.at = kLeafNotBefore - 1;
  EXPECT_HAS(error_of(verify(der, o)).message, "not yet valid");
}

TEST_F(CmsNegative, ContentTypeNotAccepted) {
  SignOptions so = chained();
  so.content_type = "1.2.3";
  Bytes der = sign_with(masa, as_bytes(kVoucherJson), so);
  VerifyOptions o = trust_in(pki.root.cert.get());
  o.accepted_content_types = {kIdData, kIdCtAnimaJsonVoucher};
  Error e = error_of(verify(der, o));
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_EQ(e.message, "eContentType 1.2.3 is not accepted");
}

TEST_F(CmsNegative, TwoSignersAndNoSigner) {
  Party second = make_party(pki::KeyType::p256, pki.intermediate, "Second");
  Bytes der = openssl_signed(as_bytes(kVoucherJson), {{&masa, EVP_sha256()}, {&second, EVP_sha256()}});
  EXPECT_EQ(must(parse(der), "parse").signer_count, 2u);
  Error e = error_of(verify(der, trust_in(pki.root.cert.get())));
  EXPECT_EQ(e.kind, ErrorKind::verification);
  EXPECT_HAS(e.message, "2 SignerInfos; exactly one");

  // A certs-only SignedData (RFC 5652 5.2 degenerate case) has nothing to verify.
  core::CmsContentInfoPtr certs_only(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL));
  CMS_add1_cert(certs_only.get(), masa.cert.get());
  CMS_set_detached(certs_only.get(), 1);
  EXPECT_EQ(error_of(verify(der_of(certs_only.get()), trust_in(pki.root.cert.get()))).message,
            "SignedData has no SignerInfo");
}

TEST_F(CmsNegative, WeakDigestRejected) {
  Bytes der = openssl_signed(as_bytes(kVoucherJson), {{&masa, EVP_sha1()}});
  EXPECT_HAS(error_of(verify(der, trust_in(masa.cert.get()))).message, "digestAlgorithm sha1 is not accepted");
}

TEST_F(CmsNegative, SignedAttributesRequiredForVoucherContent) {
  Bytes der = openssl_signed(as_bytes(kVoucherJson), {{&masa, EVP_sha256()}}, CMS_NOATTR);
  EXPECT_HAS(error_of(verify(der, trust_in(masa.cert.get()))).message, "no signed attributes");
  // id-data without signed attributes is allowed by RFC 5652 5.3 (and OpenSSL checks it).
  Bytes plain = openssl_signed(as_bytes(kVoucherJson), {{&masa, EVP_sha256()}}, CMS_NOATTR, kIdData);
  auto r = verify(plain, trust_in(masa.cert.get()));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_FALSE(r->signing_time);
}

TEST_F(CmsNegative, ContentTypeAttributeMustMatchEContentType) {
  core::CmsContentInfoPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, CMS_PARTIAL | CMS_BINARY));
  core::Asn1ObjectPtr voucher(OBJ_txt2obj(kIdCtAnimaJsonVoucher, 1));
  core::Asn1ObjectPtr data(OBJ_txt2obj(kIdData, 1));
  CMS_set1_eContentType(cms.get(), voucher.get());
  ASSERT_TRUE(CMS_add1_signer(cms.get(), masa.cert.get(), masa.key.get(), EVP_sha256(), CMS_PARTIAL));
  core::BioPtr in = core::memory_bio(as_bytes(kVoucherJson));
  ASSERT_EQ(CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY), 1);
  CMS_set1_eContentType(cms.get(), data.get());  // after signing: the attribute still says voucher
  Error e = error_of(verify(der_of(cms.get()), trust_in(masa.cert.get())));
  EXPECT_HAS(e.message, "contentType attribute 1.2.840.113549.1.9.16.1.40 does not match eContentType");
}

TEST_F(CmsNegative, DetachedContentGivenForEmbeddedContent) {
  Bytes der = sign_with(masa, as_bytes(kVoucherJson));
  VerifyOptions o = trust_in(masa.cert.get());
  o.detached_content = as_bytes(kVoucherJson);
  EXPECT_EQ(error_of(verify(der, o)).kind, ErrorKind::usage);
}

TEST_F(CmsNegative, MalformedInputIsAnInputError) {
  Bytes der = sign_with(masa, as_bytes(kVoucherJson), chained());
  std::vector<std::pair<std::string, Bytes>> cases;
  cases.emplace_back("empty", Bytes{});
  cases.emplace_back("garbage", Bytes{0x30, 0x03, 0x02, 0x01});
  cases.emplace_back("text", Bytes{'h', 'e', 'l', 'l', 'o', '!'});
  cases.emplace_back("truncated", Bytes(der.begin(), der.begin() + static_cast<long>(der.size() / 2)));
  cases.emplace_back("one octet short", Bytes(der.begin(), der.end() - 1));
  Bytes trailing = der;
  trailing.push_back(0x00);
  cases.emplace_back("trailing", trailing);
  cases.emplace_back("oversized", Bytes(kMaxInput + 1, 0x30));
  std::string wrong_label = core::to_pem("CERTIFICATE", der);
  cases.emplace_back("wrong PEM label", Bytes(wrong_label.begin(), wrong_label.end()));
  core::BioPtr data_in = core::memory_bio(as_bytes(kVoucherJson));
  core::CmsContentInfoPtr data_ci(CMS_data_create(data_in.get(), CMS_BINARY));
  cases.emplace_back("not SignedData", der_of(data_ci.get()));
  for (const auto& [name, input] : cases) {
    auto p = parse(input);
    ASSERT_FALSE(p.ok()) << name;
    EXPECT_EQ(p.error().kind, ErrorKind::input) << name;
    auto v = verify(input, trust_in(masa.cert.get()));
    ASSERT_FALSE(v.ok()) << name;
    EXPECT_EQ(v.error().kind, ErrorKind::input) << name << ": " << v.error().message;
  }
  EXPECT_HAS(parse(trailing).error().message, "1 trailing octets after the ContentInfo");
  EXPECT_HAS(parse(Bytes(kMaxInput + 1, 0x30)).error().message, "limit");
  EXPECT_HAS(parse(der_of(data_ci.get())).error().message, "not SignedData");
  EXPECT_HAS(parse(cases[3].second).error().message, "malformed ContentInfo");
}

// ---------------------------------------------------------------------------------------
// EC keys: SignedData assembled by iotonb (cms_ec_sign.h) is what OpenSSL's CMS code writes

// OpenSSL's own SignedData for the same input, made the way CMS_sign would.
Bytes openssl_signed_data(const Party& p, ByteView content, const SignOptions& so) {
  core::Asn1ObjectPtr type(OBJ_txt2obj(so.content_type.c_str(), 1));
  core::CmsContentInfoPtr cms(CMS_ContentInfo_new());
  if (!type || !cms || CMS_SignedData_init(cms.get()) != 1 || CMS_set1_eContentType(cms.get(), type.get()) != 1)
    throw std::runtime_error("SignedData");
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), p.cert.get(), p.key.get(), pki::default_digest(p.key.get()),
                                       CMS_PARTIAL | CMS_BINARY | CMS_NOSMIMECAP);
  for (const X509* c : so.chain) CMS_add1_cert(cms.get(), const_cast<X509*>(c));
  core::Asn1TimePtr when(ASN1_TIME_set(nullptr, static_cast<time_t>(*so.signing_time)));
  CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, when->type, when.get(), -1);
  CMS_set_detached(cms.get(), so.detached ? 1 : 0);
  auto in = core::memory_bio(content);
  if (CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY) != 1) throw std::runtime_error("CMS_final");
  unsigned char* out = nullptr;
  int len = i2d_CMS_ContentInfo(cms.get(), &out);
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

// Every element of the SignedData, and of its SignerInfo all but the signature value (ECDSA
// signatures differ from one signing to the next), each whole.
std::vector<Bytes> fields_but_signature(ByteView der) {
  namespace d = core::der;
  auto inside = [](ByteView v, std::uint8_t tag) {
    d::Reader r(v);
    return must(r.expect(tag, "element"), "DER");
  };
  ByteView ci = inside(der, d::kSequence);
  d::Reader content_info(ci);
  std::vector<Bytes> out;
  auto type = must(content_info.next(), "contentType");
  out.emplace_back(type.encoded.begin(), type.encoded.end());
  ByteView signed_data = inside(must(content_info.next(), "[0]").content, d::kSequence);
  d::Reader sd(signed_data);
  while (!sd.empty()) {
    auto e = must(sd.next(), "SignedData field");
    if (e.tag != 0x31 || !sd.empty()) {
      out.emplace_back(e.encoded.begin(), e.encoded.end());
      continue;
    }
    d::Reader si(inside(e.content, d::kSequence));  // the one SignerInfo
    while (!si.empty()) {
      auto f = must(si.next(), "SignerInfo field");
      if (!si.empty()) out.emplace_back(f.encoded.begin(), f.encoded.end());
    }
  }
  return out;
}

TEST(CmsEcSignedData, MatchesOpensslFieldForField) {
  Pki pki;
  for (auto type : {pki::KeyType::p256, pki::KeyType::p384}) {
    Party masa = make_party(type, pki.intermediate);
    for (const char* content_type : {kIdCtAnimaJsonVoucher, kIdData}) {
      for (bool detached : {false, true}) {
        for (bool with_chain : {false, true}) {
          SignOptions so;
          so.content_type = content_type;
          so.detached = detached;
          so.signing_time = kSigningTime;
          if (with_chain) so.chain = {pki.intermediate.cert.get(), pki.root.cert.get()};
          Bytes ours = sign_with(masa, as_bytes(kVoucherJson), so);
          Bytes theirs = openssl_signed_data(masa, as_bytes(kVoucherJson), so);
          std::string what = std::string(pki::key_type_name(type)) + " " + content_type + (detached ? " detached" : "") +
                             (with_chain ? " chain" : "");
          EXPECT_EQ(fields_but_signature(ours), fields_but_signature(theirs)) << what;
          // DER as OpenSSL re-encodes it: nothing in ours is out of order or non-minimal.
          const unsigned char* p = ours.data();
          core::CmsContentInfoPtr back(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(ours.size())));
          ASSERT_TRUE(back) << what;
          unsigned char* again = nullptr;
          int len = i2d_CMS_ContentInfo(back.get(), &again);
          core::OsslBytesPtr owned(again);
          EXPECT_EQ(Bytes(again, again + len), ours) << what;
        }
      }
    }
  }
}

TEST(CmsEcSignedData, SigningTimeAfter2049IsGeneralizedTime) {
  Pki pki;
  Party masa = make_party(pki::KeyType::p256, pki.intermediate);
  SignOptions so;
  so.signing_time = 2524608000;  // 2050-01-01T00:00:00Z
  EXPECT_EQ(fields_but_signature(sign_with(masa, as_bytes(kVoucherJson), so)),
            fields_but_signature(openssl_signed_data(masa, as_bytes(kVoucherJson), so)));
  SignedData parsed = must(parse(sign_with(masa, as_bytes(kVoucherJson), so)), "parse");
  EXPECT_EQ(parsed.signing_time, std::optional<core::UnixTime>(2524608000));
}

// ---------------------------------------------------------------------------------------
// Interop with openssl cms, both ways

TEST(CmsInterop, OpensslVerifiesWhatWeSign) {
  if (!have_openssl()) GTEST_SKIP() << "openssl is not installed";
  Pki pki;
  TempDir tmp;
  std::string ca = tmp.write("root.pem", pki::certificate_pem(pki.root.cert.get()));
  for (auto type : {pki::KeyType::p256, pki::KeyType::p384, pki::KeyType::rsa2048}) {
    // A registrar certificate (cmcRA EKU): OpenSSL needs -purpose any, as README §1 says.
    Party registrar = make_party(type, pki.intermediate, "Registrar", pki::Profile::registrar);
    for (const char* content_type : {kIdCtAnimaJsonVoucher, kIdData}) {
      SignOptions so;
      so.content_type = content_type;
      so.chain = {pki.intermediate.cert.get()};
      std::string in = tmp.write("ours.der", sign_with(registrar, as_bytes(kVoucherJson), so));
      std::string out = tmp.path("out.json");
      std::string cmd = "openssl cms -verify -inform DER -binary -purpose any -CAfile " + ca + " -attime " +
                        std::to_string(kAt) + " -in " + in + " -out " + out + " 2>" + tmp.path("err.txt");
      ASSERT_EQ(run(cmd), 0) << pki::key_type_name(type) << " " << content_type << ": "
                             << test::read_text(tmp.path("err.txt"));
      EXPECT_EQ(test::read_text(out), kVoucherJson);
    }
  }
  // Detached, as MUD signatures are (RFC 8520 13.2).
  Party signer = make_party(pki::KeyType::p256, pki.intermediate, "MUD signer");
  SignOptions so;
  so.content_type = kIdData;
  so.detached = true;
  so.chain = {pki.intermediate.cert.get()};
  std::string sig = tmp.write("mud.p7s", sign_with(signer, as_bytes(kVoucherJson), so));
  std::string content = tmp.write("mud.json", kVoucherJson);
  EXPECT_EQ(run("openssl cms -verify -inform DER -binary -purpose any -CAfile " + ca + " -attime " + std::to_string(kAt) +
                " -in " + sig + " -content " + content + " -out /dev/null 2>/dev/null"),
            0);
}

TEST(CmsInterop, WeVerifyWhatOpensslSigns) {
  if (!have_openssl()) GTEST_SKIP() << "openssl is not installed";
  Pki pki;
  TempDir tmp;
  for (auto type : {pki::KeyType::p256, pki::KeyType::p384}) {
    Party masa = make_party(type, pki.intermediate);
    std::string cert = tmp.write("signer.pem", pki::certificate_pem(masa.cert.get()));
    std::string key = tmp.write("signer.key", must(pki::private_key_to_pem(masa.key.get(), nullptr), "key pem"));
    std::string chain = tmp.write("chain.pem", pki::certificate_pem(pki.intermediate.cert.get()));
    std::string content = tmp.write("content.json", kVoucherJson);
    std::string out = tmp.path("theirs.der");
    std::string cmd = "openssl cms -sign -binary -nodetach -outform DER -md sha256 -signer " + cert + " -inkey " + key +
                      " -certfile " + chain + " -in " + content + " -out " + out + " 2>" + tmp.path("err.txt");
    ASSERT_EQ(run(cmd), 0) << test::read_text(tmp.path("err.txt"));
    auto r = verify(test::read_bytes(out), trust_in(pki.root.cert.get()));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(as_chars(r->content), kVoucherJson);
    EXPECT_EQ(r->content_type, kIdData);
    EXPECT_EQ(r->chain.size(), 3u);
    EXPECT_EQ(must(parse(test::read_bytes(out)), "parse").digest_algorithm, "sha256");
  }
}

}  // namespace
}  // namespace iotonb::envelope::cms
