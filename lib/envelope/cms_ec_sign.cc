#include "envelope/cms_ec_sign.h"

#include <openssl/evp.h>
#include <openssl/objects.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/der.h"
#include "pki/certificate.h"

namespace iotonb::envelope::cms::detail {
namespace {

namespace der = core::der;

constexpr std::uint8_t kIdData[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01};
constexpr std::uint8_t kIdSignedData[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
constexpr std::uint8_t kContentTypeAttr[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03};
constexpr std::uint8_t kMessageDigestAttr[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04};
constexpr std::uint8_t kSigningTimeAttr[] = {0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05};

struct Algorithms {
  Bytes digest;     // AlgorithmIdentifier of the digest, parameters absent (RFC 5754 2)
  Bytes signature;  // ecdsa-with-SHAxxx, parameters absent (RFC 5758 3.2)
};

Result<Algorithms> algorithms_for(const EVP_MD* md) {
  // id-sha256/384/512 (2.16.840.1.101.3.4.2.x) and ecdsa-with-SHA256/384/512 (1.2.840.10045.4.3.x)
  std::uint8_t arc = 0;
  switch (EVP_MD_get_type(md)) {
    case NID_sha256: arc = 2; break;
    case NID_sha384: arc = 3; break;
    case NID_sha512: arc = 4; break;
    default: return internal_error("CMS: no ECDSA signature algorithm for this digest");
  }
  const Bytes digest_oid = {0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, static_cast<std::uint8_t>(arc - 1)};
  const Bytes signature_oid = {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, arc};
  return Algorithms{der::tlv(der::kSequence, digest_oid), der::tlv(der::kSequence, signature_oid)};
}

Bytes concat(std::initializer_list<ByteView> parts) {
  Bytes out;
  std::size_t size = 0;
  for (ByteView p : parts) size += p.size();
  out.reserve(size);
  for (ByteView p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// DER SET OF: the members' encodings in ascending order, compared as octet strings with the
// shorter one padded with zero octets at its end (X.690 11.6).
Bytes set_of(std::vector<Bytes> members, std::uint8_t tag) {
  std::sort(members.begin(), members.end(), [](const Bytes& a, const Bytes& b) {
    const std::size_t n = std::max(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t x = i < a.size() ? a[i] : 0, y = i < b.size() ? b[i] : 0;
      if (x != y) return x < y;
    }
    return false;
  });
  Bytes body;
  for (const Bytes& m : members) body.insert(body.end(), m.begin(), m.end());
  return der::tlv(tag, body);
}

Bytes attribute(ByteView type, ByteView value) {
  return der::tlv(der::kSequence, concat({type, der::tlv(0x31, value)}));
}

// RFC 5652 11.3: UTCTime for 1950 through 2049, GeneralizedTime otherwise.
Result<Bytes> signing_time(core::UnixTime t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (gmtime_r(&tt, &tm) == nullptr) return usage_error("signing time out of range");
  const int year = tm.tm_year + 1900;
  char text[32];
  const bool utc = year >= 1950 && year < 2050;
  const int n = utc ? std::snprintf(text, sizeof text, "%02d%02d%02d%02d%02d%02dZ", year % 100, tm.tm_mon + 1, tm.tm_mday,
                                    tm.tm_hour, tm.tm_min, tm.tm_sec)
                    : std::snprintf(text, sizeof text, "%04d%02d%02d%02d%02d%02dZ", year, tm.tm_mon + 1, tm.tm_mday,
                                    tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof text || year < 0 || year > 9999)
    return usage_error("signing time out of range");
  return der::tlv(utc ? 0x17 : 0x18, ByteView(reinterpret_cast<const std::uint8_t*>(text), static_cast<std::size_t>(n)));
}

Result<Bytes> issuer_and_serial(const X509* cert) {
  unsigned char* issuer = nullptr;
  const int issuer_len = i2d_X509_NAME(X509_get_issuer_name(cert), &issuer);
  core::OsslBytesPtr owned_issuer(issuer);
  unsigned char* serial = nullptr;
  const int serial_len = i2d_ASN1_INTEGER(X509_get0_serialNumber(cert), &serial);
  core::OsslBytesPtr owned_serial(serial);
  if (issuer_len <= 0 || serial_len <= 0) return internal_error("CMS: cannot encode the signer's issuer and serial number");
  return der::tlv(der::kSequence, concat({ByteView(issuer, static_cast<std::size_t>(issuer_len)),
                                          ByteView(serial, static_cast<std::size_t>(serial_len))}));
}

}  // namespace

Result<Bytes> ec_signed_data(const EcSignedDataInput& in, const pki::Signer& signer, const EVP_MD* md) {
  IOTONB_ASSIGN_OR_RETURN(Algorithms alg, algorithms_for(md));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(in.content.data(), in.content.size(), digest, &digest_len, md, nullptr) != 1)
    return internal_error("CMS: cannot digest the content: " + core::openssl_errors());
  IOTONB_ASSIGN_OR_RETURN(Bytes when, signing_time(in.signing_time));

  // RFC 5652 5.4: the signature covers the signed attributes' DER with the SET OF tag.
  const Bytes attributes = set_of({attribute(kContentTypeAttr, in.content_type_oid), attribute(kSigningTimeAttr, when),
                                   attribute(kMessageDigestAttr, der::tlv(der::kOctetString, ByteView(digest, digest_len)))},
                                  0x31);
  IOTONB_ASSIGN_OR_RETURN(Bytes signature, signer.sign(attributes, md));

  IOTONB_ASSIGN_OR_RETURN(Bytes sid, issuer_and_serial(in.signer_cert));
  Bytes signed_attrs = attributes;
  signed_attrs[0] = 0xa0;  // [0] IMPLICIT in the SignerInfo
  const Bytes signer_info = der::tlv(
      der::kSequence, concat({Bytes{0x02, 0x01, 0x01}, sid, alg.digest, signed_attrs, alg.signature,
                              der::tlv(der::kOctetString, signature)}));

  const bool is_data = std::equal(in.content_type_oid.begin(), in.content_type_oid.end(), std::begin(kIdData),
                                  std::end(kIdData));
  Bytes encap = in.content_type_oid;
  if (!in.detached) {
    const Bytes econtent = der::tlv(0xa0, der::tlv(der::kOctetString, in.content));
    encap.insert(encap.end(), econtent.begin(), econtent.end());
  }
  std::vector<Bytes> certificates;
  for (const X509* c : in.certificates) certificates.push_back(pki::certificate_der(c));
  Bytes signed_data = concat({Bytes{0x02, 0x01, static_cast<std::uint8_t>(is_data ? 1 : 3)}, der::tlv(0x31, alg.digest),
                              der::tlv(der::kSequence, encap)});
  if (!certificates.empty()) {
    const Bytes embedded = set_of(std::move(certificates), 0xa0);
    signed_data.insert(signed_data.end(), embedded.begin(), embedded.end());
  }
  const Bytes infos = der::tlv(0x31, signer_info);
  signed_data.insert(signed_data.end(), infos.begin(), infos.end());
  return der::tlv(der::kSequence,
                  concat({kIdSignedData, der::tlv(0xa0, der::tlv(der::kSequence, signed_data))}));
}

}  // namespace iotonb::envelope::cms::detail
