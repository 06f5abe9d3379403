// MUD signatures (lib/artifact/mud/signature.h): the public Luminaire vector at its signing
// time and each way it must fail, round trips with every key type and both content types,
// signatures OpenSSL makes without signed attributes or with embedded content, keyUsage and
// the IDevID's mudSigner.
#include "artifact/mud/signature.h"

#include <gtest/gtest.h>
#include <openssl/cms.h>
#include <openssl/x509v3.h>

#include "envelope/cms.h"
#include "pki/extensions.h"
#include "pki/pki_test_util.h"

namespace iotonb::artifact::mud {
namespace {

using test::must;

constexpr core::UnixTime kLuminaireSigningTime = 1537222806;  // 2018-09-17T22:20:06Z

Bytes text_bytes(std::string_view s) { return Bytes(s.begin(), s.end()); }

const Bytes kFile = text_bytes(
    "{\n  \"ietf-mud:mud\": {\n    \"mud-version\": 1,\n    \"mud-url\": \"https://lamps.example.com/lamp.json\"\n  }\n}\n");

struct Signer {
  core::EvpPkeyPtr key;
  core::X509Ptr cert;
};

class MudSignatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root = test::make_root("C=US,O=Lamps Inc,CN=Lamps MUD Root");
    signer = make_signer("C=US,O=Lamps Inc,CN=Lamps MUD Signer", pki::KeyType::p256);
    now = test::at("2027-06-01T00:00:00Z");
  }

  Signer make_signer(const std::string& subject, pki::KeyType type) {
    Signer s;
    s.key = test::new_key(type);
    s.cert = test::make_cert(subject, s.key.get(), pki::Profile::masa, &root, 1767225600, 1924992000, {0x33, 0x01});
    return s;
  }

  Bytes sign(const Signer& s, ByteView file, bool mudtype = false) {
    auto ps = pki::memory_signer(test::share(s.key.get()), "memory:mud-signer");
    MudSignOptions o;
    o.mudtype_content = mudtype;
    o.signing_time = now - 60;
    return must(sign_mud(file, *ps, s.cert.get(), o), "sign_mud");
  }

  MudVerifyOptions options(const X509* anchor) const {
    MudVerifyOptions o;
    o.trust = {anchor};
    o.at = now;
    return o;
  }

  // What OpenSSL's own CMS_sign makes (as `openssl cms -sign -binary` does), with the given
  // extra flags: CMS_NOATTR for no signed attributes, no CMS_DETACHED for embedded content.
  Bytes openssl_sign(ByteView content, unsigned flags) {
    core::BioPtr in(BIO_new_mem_buf(content.data(), static_cast<int>(content.size())));
    core::CmsContentInfoPtr cms(CMS_sign(signer.cert.get(), signer.key.get(), nullptr, in.get(), CMS_BINARY | flags));
    if (!cms) throw std::runtime_error("CMS_sign: " + core::openssl_errors());
    unsigned char* out = nullptr;
    int len = i2d_CMS_ContentInfo(cms.get(), &out);
    core::OsslBytesPtr owned(out);
    return Bytes(out, out + len);
  }

  std::string failure(ByteView file, ByteView signature, const MudVerifyOptions& o) {
    auto r = verify_mud_signature(file, signature, o);
    if (r) return "";
    EXPECT_EQ(r.error().kind, ErrorKind::verification) << r.error().message;
    return r.error().message;
  }

  test::TestCa root;
  Signer signer;
  core::UnixTime now = 0;
};

// --- the public vector --------------------------------------------------------------------------

struct Luminaire {
  Bytes file, signature;
  core::X509Ptr ca;
};

Luminaire luminaire(const std::string& dir) {
  return {test::read_bytes(dir + "/mud/Luminaire_150.json"), test::read_bytes(dir + "/mud/Luminaire_150.p7s"),
          test::vector_cert(dir, "mud/luminaire-cacert.pem")};
}

TEST(MudSignatureVector, LuminaireVerifiesAtItsSigningTime) {
  IOTONB_REQUIRE_VECTORS(dir);
  Luminaire v = luminaire(dir);
  MudVerifyOptions o;
  o.trust = {v.ca.get()};
  o.at = kLuminaireSigningTime;
  auto r = verify_mud_signature(v.file, v.signature, o);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->signer_subject, "O=Demo Luminaire Manufacturer,CN=luminaire.example.com");
  EXPECT_EQ(r->content_type, envelope::cms::kIdData);
  EXPECT_EQ(r->signing_time, kLuminaireSigningTime);
  EXPECT_TRUE(r->signed_attributes);
  EXPECT_EQ(r->chain.size(), 2u);
  EXPECT_EQ(v.file.back(), '\n');
}

TEST(MudSignatureVector, LuminaireFailsWhenOneByteChanges) {
  IOTONB_REQUIRE_VECTORS(dir);
  Luminaire v = luminaire(dir);
  MudVerifyOptions o;
  o.trust = {v.ca.get()};
  o.at = kLuminaireSigningTime;
  for (std::size_t at : {std::size_t{0}, v.file.size() / 2, v.file.size() - 2}) {
    Bytes changed = v.file;
    changed[at] ^= 0x01;
    auto r = verify_mud_signature(changed, v.signature, o);
    ASSERT_FALSE(r) << "byte " << at;
    EXPECT_EQ(r.error().kind, ErrorKind::verification);
    EXPECT_NE(r.error().message.find("signature does not verify"), std::string::npos) << r.error().message;
  }
}

TEST(MudSignatureVector, LuminaireFailsWithoutItsTrailingNewline) {
  IOTONB_REQUIRE_VECTORS(dir);
  Luminaire v = luminaire(dir);
  MudVerifyOptions o;
  o.trust = {v.ca.get()};
  o.at = kLuminaireSigningTime;
  Bytes trimmed(v.file.begin(), v.file.end() - 1);
  EXPECT_FALSE(verify_mud_signature(trimmed, v.signature, o));
  Bytes crlf = v.file;  // what a text-mode check (openssl without -binary) would hash
  crlf.insert(crlf.end() - 1, '\r');
  EXPECT_FALSE(verify_mud_signature(crlf, v.signature, o));
}

TEST(MudSignatureVector, LuminaireFailsNowBecauseItsCaExpired) {
  IOTONB_REQUIRE_VECTORS(dir);
  Luminaire v = luminaire(dir);
  MudVerifyOptions o;
  o.trust = {v.ca.get()};  // at = 0: now
  auto r = verify_mud_signature(v.file, v.signature, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_NE(r.error().message.find("expired"), std::string::npos) << r.error().message;
}

TEST(MudSignatureVector, LuminaireFailsAgainstAnotherCa) {
  IOTONB_REQUIRE_VECTORS(dir);
  Luminaire v = luminaire(dir);
  test::TestCa other = test::make_root("O=Demo Luminaire Manufacturer", 1514764800, 1577836800);
  MudVerifyOptions o;
  o.trust = {other.cert.get()};
  o.at = kLuminaireSigningTime;
  auto r = verify_mud_signature(v.file, v.signature, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::verification);
  EXPECT_NE(r.error().message.find("signer certificate"), std::string::npos) << r.error().message;
}

// --- round trips --------------------------------------------------------------------------------

TEST_F(MudSignatureTest, RoundTripsWithEveryKeyTypeAndBothContentTypes) {
  for (pki::KeyType type : {pki::KeyType::p256, pki::KeyType::p384, pki::KeyType::ed25519}) {
    Signer s = make_signer("C=US,O=Lamps Inc,CN=Lamps MUD Signer", type);
    for (bool mudtype : {false, true}) {
      SCOPED_TRACE(std::string(pki::key_type_name(type)) + (mudtype ? " mudtype" : " data"));
      Bytes sig = sign(s, kFile, mudtype);
      auto parsed = must(envelope::cms::parse(sig), "parse");
      EXPECT_FALSE(parsed.content) << "must be detached";
      auto r = verify_mud_signature(kFile, sig, options(root.cert.get()));
      ASSERT_TRUE(r) << r.error().message;
      EXPECT_EQ(r->content_type, mudtype ? kIdCtMudtype : envelope::cms::kIdData);
      EXPECT_EQ(r->signing_time, now - 60);
      EXPECT_EQ(r->signer_subject, "C=US,O=Lamps Inc,CN=Lamps MUD Signer");
      Bytes changed = kFile;
      changed.push_back('\n');
      EXPECT_FALSE(verify_mud_signature(changed, sig, options(root.cert.get())));
    }
  }
}

TEST_F(MudSignatureTest, AcceptsOpensslSignaturesWithAndWithoutSignedAttributes) {
  for (unsigned flags : {0u, unsigned{CMS_NOATTR}}) {
    SCOPED_TRACE(flags ? "-noattr" : "with attributes");
    Bytes sig = openssl_sign(kFile, CMS_DETACHED | flags);
    auto r = verify_mud_signature(kFile, sig, options(root.cert.get()));
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->signed_attributes, flags == 0);
    EXPECT_EQ(r->signing_time.has_value(), flags == 0);
    Bytes changed = kFile;
    changed[3] = 'X';
    EXPECT_NE(failure(changed, sig, options(root.cert.get())), "");
  }
}

TEST_F(MudSignatureTest, EmbeddedContentMustBeTheFile) {
  Bytes attached = openssl_sign(kFile, 0);
  EXPECT_TRUE(verify_mud_signature(kFile, attached, options(root.cert.get())));
  Bytes other = kFile;
  other[5] = 'Y';
  Bytes attached_other = openssl_sign(other, 0);  // valid, but over other bytes
  EXPECT_NE(failure(kFile, attached_other, options(root.cert.get())).find("embeds content that differs"),
            std::string::npos);
}

TEST_F(MudSignatureTest, RefusesOtherContentTypesAndMudtypeWithoutAttributes) {
  auto ps = pki::memory_signer(test::share(signer.key.get()), "memory:mud-signer");
  envelope::cms::SignOptions so;
  so.detached = true;
  so.content_type = envelope::cms::kIdCtAnimaJsonVoucher;
  Bytes voucher_type = must(envelope::cms::sign(kFile, *ps, signer.cert.get(), so), "sign");
  EXPECT_NE(failure(kFile, voucher_type, options(root.cert.get())).find("eContentType"), std::string::npos);

  // RFC 5652 5.3: a content type other than id-data needs signed attributes.
  core::BioPtr in(BIO_new_mem_buf(kFile.data(), static_cast<int>(kFile.size())));
  core::CmsContentInfoPtr cms(
      CMS_sign(signer.cert.get(), signer.key.get(), nullptr, nullptr, CMS_BINARY | CMS_DETACHED | CMS_NOATTR | CMS_PARTIAL));
  ASSERT_TRUE(cms);
  core::Asn1ObjectPtr mudtype(OBJ_txt2obj(kIdCtMudtype, 1));
  ASSERT_EQ(CMS_set1_eContentType(cms.get(), mudtype.get()), 1);
  ASSERT_EQ(CMS_final(cms.get(), in.get(), nullptr, CMS_BINARY | CMS_DETACHED | CMS_NOATTR), 1);
  unsigned char* out = nullptr;
  int len = i2d_CMS_ContentInfo(cms.get(), &out);
  core::OsslBytesPtr owned(out);
  EXPECT_NE(failure(kFile, Bytes(out, out + len), options(root.cert.get())).find("no signed attributes"),
            std::string::npos);
}

TEST_F(MudSignatureTest, ChainAndTime) {
  Bytes sig = sign(signer, kFile);
  test::TestCa other = test::make_root("C=US,O=Lamps Inc,CN=Lamps MUD Root");  // same name, other key
  EXPECT_NE(failure(kFile, sig, options(other.cert.get())), "");
  MudVerifyOptions late = options(root.cert.get());
  late.at = test::at("2031-06-01T00:00:00Z");  // the signer expired at 2031-01-01
  EXPECT_NE(failure(kFile, sig, late).find("expired"), std::string::npos);
  MudVerifyOptions none;
  EXPECT_EQ(verify_mud_signature(kFile, sig, none).error().kind, ErrorKind::usage);
}

TEST_F(MudSignatureTest, MalformedSignaturesAreFailedChecks) {
  Bytes sig = sign(signer, kFile);
  EXPECT_NE(failure(kFile, Bytes{}, options(root.cert.get())), "");
  EXPECT_NE(failure(kFile, text_bytes("-----BEGIN CMS-----\n"), options(root.cert.get())).find("DER"), std::string::npos);
  Bytes truncated(sig.begin(), sig.end() - 10);
  EXPECT_NE(failure(kFile, truncated, options(root.cert.get())).find("not a valid CMS"), std::string::npos);
  Bytes trailing = sig;
  trailing.push_back(0);
  EXPECT_NE(failure(kFile, trailing, options(root.cert.get())), "");
  Bytes huge(kMaxMudSignatureSize + 1, 0x30);
  EXPECT_NE(failure(kFile, huge, options(root.cert.get())).find("limit"), std::string::npos);
}

TEST_F(MudSignatureTest, KeyUsageMustAllowDigitalSignature) {
  // A certificate whose keyUsage is keyEncipherment only.
  auto key = test::new_key();
  pki::CertificateSpec spec;
  spec.subject = must(pki::parse_name("CN=Encipher Only"), "name");
  spec.public_key = key.get();
  spec.serial = {0x44};
  spec.not_before = 1767225600;
  spec.not_after = 1924992000;
  spec.extensions.push_back(must(pki::key_usage_ext(KU_KEY_ENCIPHERMENT), "ku"));
  auto ca_signer = pki::memory_signer(test::share(root.key.get()), "memory:root");
  auto cert = must(pki::issue_certificate(std::move(spec), root.cert.get(), *ca_signer), "issue");
  auto ps = pki::memory_signer(test::share(key.get()), "memory:encipher");

  auto refused = sign_mud(kFile, *ps, cert.get(), {});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("digitalSignature"), std::string::npos);

  envelope::cms::SignOptions so;  // made anyway, below the MUD layer
  so.detached = true;
  so.content_type = envelope::cms::kIdData;
  Bytes sig = must(envelope::cms::sign(kFile, *ps, cert.get(), so), "cms sign");
  EXPECT_NE(failure(kFile, sig, options(root.cert.get())).find("keyUsage lacks digitalSignature"), std::string::npos);
}

TEST_F(MudSignatureTest, SignerMustBeTheIdevidsMudSigner) {
  Bytes sig = sign(signer, kFile);
  auto idevid_with = [&](const std::string& mud_signer) {
    auto key = test::new_key();
    pki::CertificateSpec spec;
    spec.subject = must(pki::parse_name("serialNumber=LAMP-0001"), "name");
    spec.public_key = key.get();
    spec.serial = {0x55};
    spec.not_before = 1767225600;
    spec.not_after = 1924992000;
    if (!mud_signer.empty()) {
      auto name = must(pki::parse_name(mud_signer), "mudSigner name");
      spec.extensions.push_back(must(pki::mud_signer_ext(name.get()), "mudSigner ext"));
    }
    auto ca_signer = pki::memory_signer(test::share(root.key.get()), "memory:root");
    return must(pki::issue_certificate(std::move(spec), root.cert.get(), *ca_signer), "issue idevid");
  };

  auto none = must(read_mud_signer_name(idevid_with("").get()), "read");
  EXPECT_FALSE(none.has_value());

  auto same = must(read_mud_signer_name(idevid_with("C=US,O=Lamps Inc,CN=Lamps MUD Signer").get()), "read");
  ASSERT_TRUE(same.has_value());
  MudVerifyOptions o = options(root.cert.get());
  o.mud_signer = same->get();
  EXPECT_TRUE(verify_mud_signature(kFile, sig, o));

  // RFC 5280 7.1: names compare case-insensitively after whitespace folding.
  auto folded = must(read_mud_signer_name(idevid_with("C=US,O=lamps  inc,CN=LAMPS MUD SIGNER").get()), "read");
  o.mud_signer = folded->get();
  EXPECT_TRUE(verify_mud_signature(kFile, sig, o));

  auto other = must(read_mud_signer_name(idevid_with("C=US,O=Lamps Inc,CN=Someone Else").get()), "read");
  o.mud_signer = other->get();
  EXPECT_NE(failure(kFile, sig, o).find("is not the mudSigner"), std::string::npos);
}

TEST_F(MudSignatureTest, MalformedMudSignerExtensionIsAnError) {
  auto key = test::new_key();
  pki::CertificateSpec spec;
  spec.subject = must(pki::parse_name("serialNumber=LAMP-0002"), "name");
  spec.public_key = key.get();
  spec.serial = {0x56};
  spec.not_before = 1767225600;
  spec.not_after = 1924992000;
  spec.extensions.push_back(must(pki::ia5_string_ext("1.3.6.1.5.5.7.1.30", "not a name"), "bad ext"));
  auto ca_signer = pki::memory_signer(test::share(root.key.get()), "memory:root");
  auto idevid = must(pki::issue_certificate(std::move(spec), root.cert.get(), *ca_signer), "issue");
  auto r = read_mud_signer_name(idevid.get());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::input);
}

}  // namespace
}  // namespace iotonb::artifact::mud
