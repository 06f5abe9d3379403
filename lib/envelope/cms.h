// CMS SignedData (RFC 5652 5) as BRSKI vouchers and voucher requests use it (RFC 8366 5.4,
// RFC 8995 3.2, 5.2, 5.5), and later detached MUD signatures (RFC 8520 13.2) and SZTP: one
// SignerInfo with signed attributes (contentType, messageDigest, signingTime; RFC 5652 5.3,
// 11.1-11.3), transport-free, on OpenSSL 3's CMS API. Ed25519 follows RFC 8419 (SHA-512
// digest, pure EdDSA over the signed attributes), which OpenSSL 3.0 does not do itself.
//
// Verification splits in two on purpose: the signature is checked with OpenSSL's default
// S/MIME certificate checks turned off, then the signer's path through pki::verify_chain at
// the caller's time with no purpose check, because a BRSKI registrar's voucher-request
// certificate carries only id-kp-cmcRA (RFC 8995 2.5.3), which OpenSSL's "smime_sign"
// purpose rejects. Callers enforce the extended key usages their protocol needs.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/signer.h"

namespace iotonb::envelope::cms {

inline constexpr const char* kIdData = "1.2.840.113549.1.7.1";
inline constexpr const char* kIdCtAnimaJsonVoucher = "1.2.840.113549.1.9.16.1.40";

// Largest CMS object parse and verify accept, in whatever encoding it arrives.
inline constexpr std::size_t kMaxInput = 1 << 20;

struct SignOptions {
  std::string content_type = kIdCtAnimaJsonVoucher;  // eContentType OID
  std::vector<const X509*> chain;                    // extra certificates to embed (intermediates)
  bool embed_signer_certificate = true;
  bool detached = false;                             // eContent absent (MUD signatures)
  std::optional<core::UnixTime> signing_time;        // signingTime attribute; default now
};

// SignedData over content with signed attributes (contentType, messageDigest, signingTime),
// digest SHA-256 (SHA-384 for P-384, SHA-512 for P-521 and Ed25519), signed with
// signer.key(); returns the DER ContentInfo. signer_cert must carry signer's public key;
// content over kMaxInput is refused, since the result could not be read back.
Result<Bytes> sign(ByteView content, const pki::Signer& signer, const X509* signer_cert, const SignOptions& opts);

// The fields of the SignedData a DER ContentInfo holds (RFC 5652 3, 5.1: the content of the
// SignedData SEQUENCE), or nullopt for anything else: another content type, BER, trailing
// octets. For readers that take plain DER apart themselves and leave the rest to OpenSSL.
std::optional<ByteView> signed_data_fields(ByteView der);

// What a reader can learn without verifying.
struct SignedData {
  std::string content_type;                 // dotted OID
  std::optional<Bytes> content;             // nullopt when detached
  std::vector<core::X509Ptr> certificates;  // embedded
  std::optional<core::UnixTime> signing_time;
  std::string digest_algorithm;             // "sha256"; dotted OID when OpenSSL has no name
  // The first SignerInfo's sid: "serial <hex>, issuer <RFC 4514 name>" or
  // "subjectKeyIdentifier <hex>".
  std::string signer_id;
  std::size_t signer_count = 0;
  int version = 0;                          // SignedData version (RFC 5652 5.1)
  int signer_version = 0;                   // first SignerInfo's version (RFC 5652 5.3)
  // The decoded object, so verify(const SignedData&) need not decode it again: decoding
  // costs about as much as verifying (OpenSSL 3.0 decodes each embedded certificate's key).
  std::shared_ptr<CMS_ContentInfo> decoded;
};

// DER, PEM ("CMS" or "PKCS7" label) or base64 of DER, at most kMaxInput octets. Malformed
// input is an input error naming what is wrong; a ContentInfo must not be followed by
// anything.
// describe = false leaves out what only a description needs (digest and signer names,
// signing time, versions), for a caller about to verify.
Result<SignedData> parse(ByteView data, bool describe = true);

struct VerifyOptions {
  std::vector<const X509*> trust;              // anchors; may be the signer's own certificate
  std::vector<const X509*> untrusted;          // extra intermediates
  std::vector<const X509*> signer_candidates;  // where to look for the signer besides the embedded certificates
  core::UnixTime at = 0;                       // verification time; 0 means now
  std::vector<std::string> accepted_content_types;  // dotted OIDs; empty = any
  std::optional<ByteView> detached_content;
  bool check_chain = true;  // false: signature only (the caller checks trust itself)
};

struct Verified {
  Bytes content;
  core::X509Ptr signer;
  std::vector<core::X509Ptr> chain;  // signer → anchor; empty when check_chain is false
  std::string content_type;
  std::optional<core::UnixTime> signing_time;
};

// Exactly one SignerInfo, with signed attributes that follow RFC 5652 5.3 and 11 and a
// digest of the SHA-2 family. Errors name the check: "signature does not verify", "signer
// certificate not found", "signer certificate: <chain reason>", "eContentType 1.2.3 is not
// accepted".
Result<Verified> verify(ByteView data, const VerifyOptions& opts);
// The same for what parse() returned (its decoded object is used up: verify it once).
Result<Verified> verify(const SignedData& parsed, const VerifyOptions& opts);

}  // namespace iotonb::envelope::cms
