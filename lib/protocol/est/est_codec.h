// The wire encodings of EST (RFC 7030, updated by RFC 8951): every EST payload travels as
// base64 of DER. Certificates come back as a CMS SignedData "certs-only" message (RFC 7030
// 4.1.3 and 4.2.3, RFC 5751 3.6: a degenerate SignedData with no signers and no content), CSR
// attributes as a CsrAttrs SEQUENCE OF AttrOrOID (RFC 7030 4.5.2). RFC 8951 3: a receiver
// ignores Content-Transfer-Encoding and tolerates line breaks and spaces in the base64, so
// the decoders do; the alphabet itself stays strict (standard base64 with padding).
#pragma once

#include <cstddef>
#include <utility>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::protocol::est {

// Bounds on what a decoder accepts: an EST body larger than this, or a certs-only message
// with more certificates, is refused before it is parsed.
inline constexpr std::size_t kMaxBodySize = 1024 * 1024;
inline constexpr std::size_t kMaxCertificates = 64;
inline constexpr std::size_t kMaxCsrAttributes = 128;

// Standard base64 with padding, in lines of 64 characters each ended by LF (the line length
// PEM uses; RFC 8951 3 has receivers tolerate the breaks).
std::string encode_base64_body(ByteView data);
// The octets of a base64 body: spaces, tabs, CR and LF anywhere are ignored; anything else
// outside the standard alphabet, bad padding, or an empty body is an input error.
Result<Bytes> decode_base64_body(std::string_view body);

// The certs-only message (base64 body) holding certs in order. At least one certificate.
Result<std::string> encode_certs_only(const std::vector<const X509*>& certs);
// DER of the same message (for callers that want binary, e.g. a file).
Result<Bytes> encode_certs_only_der(const std::vector<const X509*>& certs);
// The certificates of a certs-only body (base64, whitespace tolerated), in the order sent.
// Refuses a body that is not CMS SignedData, one with signers or content, one with no
// certificate, and more than kMaxCertificates.
Result<std::vector<core::X509Ptr>> decode_certs_only(std::string_view body);
Result<std::vector<core::X509Ptr>> decode_certs_only_der(ByteView der);

// One AttrOrOID: a bare OID (values empty, is_attribute false) asks the client to use that
// algorithm or include that attribute type; an Attribute carries values, each the DER of one
// AttributeValue (e.g. the DER OID of a curve for id-ecPublicKey).
struct CsrAttribute {
  std::string oid;  // dotted
  bool is_attribute = false;
  std::vector<Bytes> values;

  static CsrAttribute bare(std::string oid) { return {std::move(oid), false, {}}; }
  friend bool operator==(const CsrAttribute&, const CsrAttribute&) = default;
};

// The base64 body of CsrAttrs; an empty list is valid (RFC 7030 4.5.2 allows SIZE 0).
Result<std::string> encode_csrattrs(const std::vector<CsrAttribute>& attributes);
Result<Bytes> encode_csrattrs_der(const std::vector<CsrAttribute>& attributes);
Result<std::vector<CsrAttribute>> decode_csrattrs(std::string_view body);
Result<std::vector<CsrAttribute>> decode_csrattrs_der(ByteView der);

}  // namespace iotonb::protocol::est
