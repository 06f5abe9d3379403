// lib/pki/extensions.h: the exact DER of every extension iotonb writes, the readers for the
// 802.1AR/BRSKI/MUD extensions (including the variants seen in the field), and the readers
// run over the public BRSKI vectors, compared with what `openssl x509 -text` and
// `openssl asn1parse` show for them:
//   rfc8995/idevid_00-D0-E5-F2-00-02.crt            serialNumber PRINTABLESTRING 00-D0-E5-F2-00-02,
//                                                   1.3.6.1.5.5.7.1.32 = IA5String "highway-test.example.com:9443", no SAN
//   rfc8995/derived/...embedded-in-vr.crt           the same, but serialNumber is a UTF8STRING
//   cbrski-cose/pledge.pem                          serialNumber PRINTABLESTRING JADA123456789,
//                                                   1.3.6.1.5.5.7.1.32 = IA5String "masa.stok.nl", no SAN
#include "pki/extensions.h"

#include <openssl/sha.h>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/oids.h"
#include "pki/pki_test_util.h"

namespace iotonb::pki {
namespace {

namespace der = core::der;
using test::must;

Bytes ext_der(const core::X509ExtPtr& ext) { return test::ext_value(ext.get()); }
bool critical(const core::X509ExtPtr& ext) { return X509_EXTENSION_get_critical(ext.get()) == 1; }
std::string ext_oid(const core::X509ExtPtr& ext) {
  char buf[80];
  OBJ_obj2txt(buf, sizeof buf, X509_EXTENSION_get_object(ext.get()), 1);
  return buf;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
Bytes B(std::initializer_list<int> v) {
  Bytes out;
  for (int x : v) out.push_back(static_cast<std::uint8_t>(x));
  return out;
}
Bytes oid_der(const char* dotted) { return must(der::oid_from_text(dotted), dotted); }

// A bare certificate (self-signed, no profile extensions) carrying exts, for the readers.
core::X509Ptr cert_with(std::vector<core::X509ExtPtr> exts) {
  auto key = test::new_key();
  CertificateSpec spec;
  spec.subject = must(parse_name("CN=reader test"), "name");
  spec.public_key = key.get();
  spec.serial = {0x01};
  spec.not_before = test::at("2026-01-01");
  spec.not_after = test::at("2027-01-01");
  spec.extensions = std::move(exts);
  auto signer = memory_signer(test::share(key.get()), "memory:reader");
  return must(issue_certificate(std::move(spec), nullptr, *signer), "issue");
}

// An extension with a hand-made DER value (for encodings iotonb never writes).
core::X509ExtPtr raw_ext(const char* oid, const Bytes& value, bool crit = false) {
  core::Asn1ObjectPtr obj(OBJ_txt2obj(oid, 1));
  core::Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
  ASN1_OCTET_STRING_set(octets.get(), value.data(), static_cast<int>(value.size()));
  return core::X509ExtPtr(X509_EXTENSION_create_by_OBJ(nullptr, obj.get(), crit ? 1 : 0, octets.get()));
}

template <typename... Ext>
std::vector<core::X509ExtPtr> exts(Ext&&... e) {
  std::vector<core::X509ExtPtr> v;
  (v.push_back(std::forward<Ext>(e)), ...);
  return v;
}

TEST(BasicConstraints, CaWithPathLen) {
  auto ext = must(basic_constraints_ext(true, 2), "bc");
  EXPECT_EQ(ext_oid(ext), "2.5.29.19");
  EXPECT_TRUE(critical(ext));
  EXPECT_EQ(ext_der(ext), B({0x30, 0x06, 0x01, 0x01, 0xff, 0x02, 0x01, 0x02}));
}

TEST(BasicConstraints, CaWithoutPathLen) {
  auto ext = must(basic_constraints_ext(true, -1), "bc");
  EXPECT_EQ(ext_der(ext), B({0x30, 0x03, 0x01, 0x01, 0xff}));
}

TEST(BasicConstraints, EndEntityIsEmptySequence) {
  auto ext = must(basic_constraints_ext(false, -1), "bc");
  EXPECT_TRUE(critical(ext));
  EXPECT_EQ(ext_der(ext), B({0x30, 0x00}));  // cA DEFAULT FALSE is omitted in DER
  // a path length makes no sense on an end entity and is not written
  EXPECT_EQ(ext_der(must(basic_constraints_ext(false, 3), "bc")), B({0x30, 0x00}));
}

TEST(KeyUsage, ExactBitStrings) {
  auto ds = must(key_usage_ext(KU_DIGITAL_SIGNATURE), "ku");
  EXPECT_EQ(ext_oid(ds), "2.5.29.15");
  EXPECT_TRUE(critical(ds));
  EXPECT_EQ(ext_der(ds), B({0x03, 0x02, 0x07, 0x80}));
  EXPECT_EQ(ext_der(must(key_usage_ext(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT), "ku")), B({0x03, 0x02, 0x05, 0xa0}));
  EXPECT_EQ(ext_der(must(key_usage_ext(KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN), "ku")),
            B({0x03, 0x02, 0x01, 0x86}));
  EXPECT_EQ(ext_der(must(key_usage_ext(KU_DECIPHER_ONLY), "ku")), B({0x03, 0x03, 0x07, 0x00, 0x80}));
}

TEST(ExtendedKeyUsage, RegistrarPurposesInOrder) {
  auto ext = must(extended_key_usage_ext({oid::kCmcRa, "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"}), "eku");
  EXPECT_EQ(ext_oid(ext), "2.5.29.37");
  EXPECT_FALSE(critical(ext));
  EXPECT_EQ(ext_der(ext), der::tlv(der::kSequence, cat({oid_der("1.3.6.1.5.5.7.3.28"), oid_der("1.3.6.1.5.5.7.3.1"),
                                                       oid_der("1.3.6.1.5.5.7.3.2")})));
}

TEST(ExtendedKeyUsage, BadOid) { EXPECT_FALSE(extended_key_usage_ext({"not an oid"}).ok()); }

// RFC 5280 4.2.1.2 method 1, computed independently from the SPKI DER.
Bytes expected_key_id(EVP_PKEY* key) {
  Bytes spki = must(public_key_to_der(key), "spki");
  der::Reader outer(spki);
  der::Reader body(must(outer.expect(der::kSequence, "spki"), "spki"));
  must(body.expect(der::kSequence, "algorithm"), "alg");
  ByteView bits = must(body.expect(0x03, "subjectPublicKey"), "bits");
  EXPECT_EQ(bits[0], 0x00) << "unused bits";
  Bytes id(SHA_DIGEST_LENGTH);
  SHA1(bits.data() + 1, bits.size() - 1, id.data());
  return id;
}

TEST(KeyIdentifier, Sha1OfSubjectPublicKey) {
  for (KeyType type : {KeyType::p256, KeyType::ed25519, KeyType::rsa2048}) {
    auto key = test::new_key(type);
    Bytes id = must(key_identifier(key.get()), "key id");
    EXPECT_EQ(id, expected_key_id(key.get())) << key_type_name(type);
    auto ski = must(subject_key_id_ext(key.get()), "ski");
    EXPECT_EQ(ext_oid(ski), "2.5.29.14");
    EXPECT_FALSE(critical(ski));
    EXPECT_EQ(ext_der(ski), der::tlv(der::kOctetString, id));
  }
}

TEST(AuthorityKeyIdentifier, KeyIdentifierOnly) {
  Bytes id(20);
  for (std::size_t i = 0; i < id.size(); ++i) id[i] = static_cast<std::uint8_t>(i);
  auto aki = must(authority_key_id_ext(id), "aki");
  EXPECT_EQ(ext_oid(aki), "2.5.29.35");
  EXPECT_FALSE(critical(aki));
  EXPECT_EQ(ext_der(aki), cat({B({0x30, 0x16, 0x80, 0x14}), id}));
}

TEST(SubjectAltName, EveryTypeInOrder) {
  auto ext = must(subject_alt_name_ext({"DNS:registrar.example.com", "IP:192.0.2.1", "IP:2001:db8::1",
                                        "URI:https://masa.example.com/", "email:ops@example.com"},
                                       std::nullopt),
                  "san");
  EXPECT_EQ(ext_oid(ext), "2.5.29.17");
  EXPECT_FALSE(critical(ext));
  Bytes v6 = B({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
  Bytes expected = der::tlv(
      der::kSequence,
      cat({der::tlv(0x82, as_bytes(std::string_view("registrar.example.com"))), der::tlv(0x87, B({192, 0, 2, 1})),
           der::tlv(0x87, v6), der::tlv(0x86, as_bytes(std::string_view("https://masa.example.com/"))),
           der::tlv(0x81, as_bytes(std::string_view("ops@example.com")))}));
  EXPECT_EQ(ext_der(ext), expected);
}

TEST(SubjectAltName, HardwareModuleNameOtherName) {
  std::string serial = "SN-000042";
  HardwareModuleName hw{"1.3.6.1.4.1.32473.1", Bytes(serial.begin(), serial.end())};
  auto ext = must(subject_alt_name_ext({}, hw), "san");
  // GeneralNames ::= SEQUENCE { [0] IMPLICIT OtherName { type-id OID, [0] EXPLICIT HardwareModuleName } }
  Bytes hwmn = der::tlv(der::kSequence, cat({oid_der("1.3.6.1.4.1.32473.1"), der::tlv(der::kOctetString, hw.hw_serial)}));
  Bytes expected = der::tlv(der::kSequence, der::tlv(0xa0, cat({oid_der("1.3.6.1.5.5.7.8.4"), der::tlv(0xa0, hwmn)})));
  EXPECT_EQ(core::to_hex(ext_der(ext)), core::to_hex(expected));
}

TEST(SubjectAltNameRejects, Entries) {
  const std::pair<const char*, const char*> kCases[] = {
      {"registrar.example.com", "expected TYPE:VALUE"},
      {"FOO:bar", "unknown type FOO"},
      {"dns:lower.example", "unknown type dns"},
      {"IP:300.1.1.1", "not an IP address"},
      {"IP:example.com", "not an IP address"},
      {"DNS:", "empty value"},
  };
  for (auto [entry, fragment] : kCases) {
    auto r = subject_alt_name_ext({entry}, std::nullopt);
    ASSERT_FALSE(r.ok()) << entry;
    EXPECT_EQ(r.error().kind, ErrorKind::usage) << entry;
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find(entry), std::string::npos) << r.error().message;
  }
  auto r = subject_alt_name_ext({}, HardwareModuleName{"not.an.oid", {0x01}});
  EXPECT_FALSE(r.ok());
}

TEST(Ia5StringExt, ExactDer) {
  auto ext = must(ia5_string_ext(oid::kMasaUrl, "masa.example.com:9443"), "masa");
  EXPECT_EQ(ext_oid(ext), "1.3.6.1.5.5.7.1.32");
  EXPECT_FALSE(critical(ext));
  EXPECT_EQ(ext_der(ext), der::tlv(der::kIa5String, as_bytes(std::string_view("masa.example.com:9443"))));
  EXPECT_EQ(ext_der(ext)[0], 0x16);
}

TEST(Ia5StringExtRejects, NonAscii) {
  auto r = ia5_string_ext(oid::kMudUrl, "https://gerät.example/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_NE(r.error().message.find("not IA5"), std::string::npos);
}

TEST(MudSignerExt, ValueIsTheNameDer) {
  auto name = must(parse_name("C=US,O=Acme,CN=Acme MUD signer"), "name");
  auto ext = must(mud_signer_ext(name.get()), "mudsigner");
  EXPECT_EQ(ext_oid(ext), "1.3.6.1.5.5.7.1.30");
  EXPECT_FALSE(critical(ext));
  unsigned char* raw = nullptr;
  int len = i2d_X509_NAME(name.get(), &raw);
  ASSERT_GT(len, 0);
  core::OsslBytesPtr owned(raw);
  EXPECT_EQ(ext_der(ext), Bytes(raw, raw + len));
}

TEST(Readers, ReadBackWhatWasWritten) {
  std::string serial = "SN-000042";
  auto signer_name = must(parse_name("C=US,O=Acme,CN=Acme MUD signer"), "name");
  auto cert = cert_with(exts(must(subject_alt_name_ext({"DNS:dev.example"}, HardwareModuleName{"1.3.6.1.4.1.32473.1",
                                                                                                Bytes(serial.begin(), serial.end())}),
                                  "san"),
                             must(ia5_string_ext(oid::kMasaUrl, "masa.example.com:9443"), "masa"),
                             must(ia5_string_ext(oid::kMudUrl, "https://mud.example.com/widget.json"), "mud"),
                             must(mud_signer_ext(signer_name.get()), "signer")));
  auto hw = read_hardware_module_name(cert.get());
  ASSERT_TRUE(hw.has_value());
  EXPECT_EQ(hw->hw_type, "1.3.6.1.4.1.32473.1");
  EXPECT_EQ(std::string(hw->hw_serial.begin(), hw->hw_serial.end()), "SN-000042");

  auto masa = read_masa_url(cert.get());
  ASSERT_TRUE(masa.has_value());
  EXPECT_EQ(masa->value, "masa.example.com:9443");
  EXPECT_EQ(masa->oid, "1.3.6.1.5.5.7.1.32");
  EXPECT_EQ(masa->string_type, "IA5String");

  auto mud = read_mud_url(cert.get());
  ASSERT_TRUE(mud.has_value());
  EXPECT_EQ(mud->value, "https://mud.example.com/widget.json");
  EXPECT_EQ(mud->oid, "1.3.6.1.5.5.7.1.25");
  EXPECT_EQ(mud->string_type, "IA5String");

  auto signer = read_mud_signer(cert.get());
  ASSERT_TRUE(signer.has_value());
  EXPECT_EQ(*signer, "C=US,O=Acme,CN=Acme MUD signer");
}

TEST(Readers, AbsentExtensions) {
  auto cert = cert_with({});
  EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value());
  EXPECT_FALSE(read_masa_url(cert.get()).has_value());
  EXPECT_FALSE(read_mud_url(cert.get()).has_value());
  EXPECT_FALSE(read_mud_signer(cert.get()).has_value());
  // A SAN without the otherName
  auto dns_only = cert_with(exts(must(subject_alt_name_ext({"DNS:x.example"}, std::nullopt), "san")));
  EXPECT_FALSE(read_hardware_module_name(dns_only.get()).has_value());
}

TEST(Readers, MasaUrlVariantsSeenInTheField) {
  auto s = as_bytes(std::string_view("masa.example.com"));
  auto printable = cert_with(exts(raw_ext(oid::kMasaUrl, der::tlv(der::kPrintableString, s))));
  auto m = read_masa_url(printable.get());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->value, "masa.example.com");
  EXPECT_EQ(m->string_type, "PrintableString");
  EXPECT_EQ(m->oid, "1.3.6.1.5.5.7.1.32");

  auto legacy = cert_with(exts(raw_ext(oid::kMasaUrlLegacy, der::tlv(der::kUtf8String, s))));
  m = read_masa_url(legacy.get());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->value, "masa.example.com");
  EXPECT_EQ(m->string_type, "UTF8String");
  EXPECT_EQ(m->oid, "1.3.6.1.4.1.46930.2");

  // The standard OID wins over the legacy one.
  auto both = cert_with(exts(raw_ext(oid::kMasaUrlLegacy, der::tlv(der::kIa5String, as_bytes(std::string_view("old")))),
                             raw_ext(oid::kMasaUrl, der::tlv(der::kIa5String, as_bytes(std::string_view("new"))))));
  m = read_masa_url(both.get());
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(m->value, "new");
  EXPECT_EQ(m->oid, "1.3.6.1.5.5.7.1.32");
}

TEST(ReadersReject, MalformedStringExtensions) {
  auto s = as_bytes(std::string_view("masa.example.com"));
  // BMPString is not one of the accepted string types
  EXPECT_FALSE(read_masa_url(cert_with(exts(raw_ext(oid::kMasaUrl, der::tlv(0x1e, s)))).get()).has_value());
  // trailing bytes after the string
  Bytes trailing = der::tlv(der::kIa5String, s);
  trailing.push_back(0x00);
  EXPECT_FALSE(read_masa_url(cert_with(exts(raw_ext(oid::kMasaUrl, trailing))).get()).has_value());
  // length past the end
  Bytes truncated = der::tlv(der::kIa5String, s);
  truncated.pop_back();
  EXPECT_FALSE(read_mud_url(cert_with(exts(raw_ext(oid::kMudUrl, truncated))).get()).has_value());
  // empty value
  EXPECT_FALSE(read_mud_url(cert_with(exts(raw_ext(oid::kMudUrl, {}))).get()).has_value());
  // mudSigner that is not a Name
  EXPECT_FALSE(read_mud_signer(cert_with(exts(raw_ext(oid::kMudSigner, der::tlv(der::kIa5String, s)))).get()).has_value());
}

TEST(ReadersReject, BytesTheStringTypeCannotCarry) {
  auto url_ext = [](std::uint8_t tag, std::string_view value) {
    return raw_ext(oid::kMasaUrl, der::tlv(tag, as_bytes(value)));
  };
  // Regression (fuzz_certificate): an IA5String with bytes above 0x7f was returned as is and
  // made `iotonb cert inspect --format json` fail with an internal error (invalid UTF-8).
  EXPECT_FALSE(read_masa_url(cert_with(exts(url_ext(der::kIa5String, "masa.exa\xfd\xff.com"))).get()).has_value());
  EXPECT_FALSE(read_masa_url(cert_with(exts(url_ext(der::kPrintableString, "masa\x80"))).get()).has_value());
  EXPECT_FALSE(read_masa_url(cert_with(exts(url_ext(der::kIa5String, "masa.example.com\n"))).get()).has_value());
  EXPECT_FALSE(read_masa_url(cert_with(exts(url_ext(der::kIa5String, "\x1b[31mmasa"))).get()).has_value());
  EXPECT_FALSE(read_masa_url(cert_with(exts(url_ext(der::kUtf8String, "masa\xc3"))).get()).has_value());
  EXPECT_FALSE(read_mud_url(cert_with(exts(raw_ext(oid::kMudUrl, der::tlv(der::kIa5String, as_bytes(std::string_view("https://x\x7f")))))).get())
                   .has_value());
  // UTF-8 is fine in a UTF8String
  auto utf8 = read_masa_url(cert_with(exts(url_ext(der::kUtf8String, "masa.gerät.example"))).get());
  ASSERT_TRUE(utf8.has_value());
  EXPECT_EQ(utf8->value, "masa.gerät.example");
  EXPECT_EQ(utf8->string_type, "UTF8String");
}

// A SAN with one otherName hardwareModuleName whose value is `value` (the [0] EXPLICIT content).
core::X509ExtPtr san_other_name(const Bytes& value) {
  Bytes san = der::tlv(der::kSequence, der::tlv(0xa0, cat({oid_der("1.3.6.1.5.5.7.8.4"), der::tlv(0xa0, value)})));
  return raw_ext("2.5.29.17", san);
}

TEST(ReadersReject, MalformedHardwareModuleName) {
  Bytes type = oid_der("1.3.6.1.4.1.32473.1");
  Bytes serial = der::tlv(der::kOctetString, B({'S', 'N'}));
  // sanity: the well-formed one is read
  auto good = cert_with(exts(san_other_name(der::tlv(der::kSequence, cat({type, serial})))));
  auto hw = read_hardware_module_name(good.get());
  ASSERT_TRUE(hw.has_value());
  EXPECT_EQ(hw->hw_serial, B({'S', 'N'}));

  const std::pair<const char*, Bytes> kBad[] = {
      {"not a SEQUENCE", der::tlv(der::kUtf8String, B({'S', 'N'}))},
      {"fields swapped", der::tlv(der::kSequence, cat({serial, type}))},
      {"extra field", der::tlv(der::kSequence, cat({type, serial, serial}))},
      {"serial missing", der::tlv(der::kSequence, type)},
      {"serial as UTF8String", der::tlv(der::kSequence, cat({type, der::tlv(der::kUtf8String, B({'S', 'N'}))}))},
      {"empty OID", der::tlv(der::kSequence, cat({B({0x06, 0x00}), serial}))},
  };
  for (const auto& [what, value] : kBad) {
    auto cert = cert_with(exts(san_other_name(value)));
    EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value()) << what;
  }
}

TEST(MasaUrlToUri, AuthorityOnlyGetsWellKnownPath) {
  EXPECT_EQ(masa_url_to_uri("masa.example.com:9443"), "https://masa.example.com:9443/.well-known/brski");
  EXPECT_EQ(masa_url_to_uri("masa.stok.nl"), "https://masa.stok.nl/.well-known/brski");
  EXPECT_EQ(masa_url_to_uri("https://masa.example.com/brski"), "https://masa.example.com/brski");
}

// --- public vectors -------------------------------------------------------------------------

TEST(VectorReaders, Rfc8995IdevidReissued) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto cert = test::vector_cert(dir, "brski/rfc8995/idevid_00-D0-E5-F2-00-02.crt");
  auto masa = read_masa_url(cert.get());
  ASSERT_TRUE(masa.has_value());
  EXPECT_EQ(masa->value, "highway-test.example.com:9443");
  EXPECT_EQ(masa->oid, "1.3.6.1.5.5.7.1.32");
  EXPECT_EQ(masa->string_type, "IA5String");
  EXPECT_EQ(masa_url_to_uri(masa->value), "https://highway-test.example.com:9443/.well-known/brski");
  EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value()) << "openssl shows no subjectAltName";
  EXPECT_FALSE(read_mud_url(cert.get()).has_value());
  EXPECT_FALSE(read_mud_signer(cert.get()).has_value());
  auto serial = test::subject_attribute(cert.get(), NID_serialNumber);
  ASSERT_TRUE(serial.has_value());
  EXPECT_EQ(serial->first, "00-D0-E5-F2-00-02");
  EXPECT_EQ(serial->second, V_ASN1_PRINTABLESTRING);
}

TEST(VectorReaders, Rfc8995IdevidEmbeddedInVoucherRequest) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto cert = test::vector_cert(dir, "brski/rfc8995/derived/idevid_00-D0-E5-F2-00-02.embedded-in-vr.crt");
  auto masa = read_masa_url(cert.get());
  ASSERT_TRUE(masa.has_value());
  EXPECT_EQ(masa->value, "highway-test.example.com:9443");
  EXPECT_EQ(masa->string_type, "IA5String");
  EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value());
  auto serial = test::subject_attribute(cert.get(), NID_serialNumber);
  ASSERT_TRUE(serial.has_value());
  EXPECT_EQ(serial->first, "00-D0-E5-F2-00-02");
  EXPECT_EQ(serial->second, V_ASN1_UTF8STRING) << "this copy predates the PrintableString fix";
}

TEST(VectorReaders, ConstrainedBrskiPledge) {
  IOTONB_REQUIRE_VECTORS(dir);
  auto cert = test::vector_cert(dir, "brski/cbrski-cose/pledge.pem");
  auto masa = read_masa_url(cert.get());
  ASSERT_TRUE(masa.has_value());
  EXPECT_EQ(masa->value, "masa.stok.nl");
  EXPECT_EQ(masa->oid, "1.3.6.1.5.5.7.1.32");
  EXPECT_EQ(masa->string_type, "IA5String");
  EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value());
  auto serial = test::subject_attribute(cert.get(), NID_serialNumber);
  ASSERT_TRUE(serial.has_value());
  EXPECT_EQ(serial->first, "JADA123456789");
  EXPECT_EQ(serial->second, V_ASN1_PRINTABLESTRING);
}

TEST(VectorReaders, NonIdevidCertificatesHaveNoDeviceExtensions) {
  IOTONB_REQUIRE_VECTORS(dir);
  for (const char* f : {"brski/rfc8995/vendor.crt", "brski/rfc8995/masa.crt", "brski/rfc8995/jrc_prime256v1.crt",
                        "brski/rfc8995/ownerca_secp384r1.crt"}) {
    auto cert = test::vector_cert(dir, f);
    EXPECT_FALSE(read_masa_url(cert.get()).has_value()) << f;
    EXPECT_FALSE(read_hardware_module_name(cert.get()).has_value()) << f;
    EXPECT_FALSE(test::subject_attribute(cert.get(), NID_serialNumber).has_value()) << f;
  }
}

}  // namespace
}  // namespace iotonb::pki
