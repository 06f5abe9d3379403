// MUD file signatures (RFC 8520 13.2): a DER CMS SignedData (RFC 5652), detached, over the
// exact octets of the MUD file as served — never a re-serialization, trailing newline
// included. Built on envelope/cms.h.
//
// What a signature must pass, each failure a verification error naming the check (never a
// warning; a file whose signature fails is not used):
// - it is DER CMS SignedData with exactly one SignerInfo and a SHA-2 digest (cms.h);
// - eContentType is id-data or id-ct-mudtype (1.2.840.113549.1.9.16.1.41): RFC 8520 names
//   the latter, every signature in the wild uses the former, so both are accepted;
// - signed attributes may be absent (`openssl cms -sign -noattr`), which RFC 5652 5.3 allows
//   only for id-data; when present they must be well-formed (cms.h);
// - the signature covers the file's exact bytes. The content is normally detached; a
//   signature that embeds its content is accepted only when that content is byte for byte the
//   file, so a signature over other bytes can never vouch for this file;
// - the signer certificate chains to a trust anchor at the verification time;
// - the signer's keyUsage, when the extension is present, includes digitalSignature;
// - when the device's IDevID names a mudSigner (RFC 8520 11), the signer's subject equals it
//   (X509_NAME_cmp: RFC 5280 7.1 comparison of the canonical forms).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/signer.h"

namespace iotonb::artifact::mud {

inline constexpr const char* kIdCtMudtype = "1.2.840.113549.1.9.16.1.41";
// A signature holds one SignerInfo and a few certificates; real ones are under 4 KiB.
inline constexpr std::size_t kMaxMudSignatureSize = 64 * 1024;

struct MudSignOptions {
  std::vector<const X509*> chain;  // intermediates to embed after the signer's certificate
  bool mudtype_content = false;    // eContentType id-ct-mudtype instead of id-data
  std::optional<core::UnixTime> signing_time;  // the signingTime attribute; default now
};

// A detached DER SignedData over file_bytes, with signed attributes (contentType,
// messageDigest, signingTime) and the signer's certificate embedded. A signer certificate
// whose keyUsage lacks digitalSignature is refused (a usage error): verifiers would refuse the
// signature.
Result<Bytes> sign_mud(ByteView file_bytes, const pki::Signer& signer, const X509* signer_cert,
                       const MudSignOptions& options);

struct MudVerifyOptions {
  std::vector<const X509*> trust;      // anchors for the MUD signer; at least one
  std::vector<const X509*> untrusted;  // extra intermediates (the embedded ones are used too)
  core::UnixTime at = 0;               // verification time; 0 means now
  // The mudSigner of the device's IDevID (read_mud_signer_name), or null when it names none.
  const X509_NAME* mud_signer = nullptr;
};

struct MudSignature {
  core::X509Ptr signer;
  std::vector<core::X509Ptr> chain;  // signer → anchor
  std::string content_type;          // dotted OID
  std::optional<core::UnixTime> signing_time;
  std::string signer_subject;        // RFC 4514
  bool signed_attributes = true;     // false for a signature made without them (-noattr)
};

// Verifies signature (DER, at most kMaxMudSignatureSize octets) over file_bytes. Every
// failure, a malformed signature included, is a verification error naming the check.
Result<MudSignature> verify_mud_signature(ByteView file_bytes, ByteView signature, const MudVerifyOptions& options);

// The mudSigner extension (id-pe-mudsigner 1.3.6.1.5.5.7.1.30, RFC 8520 11) of an IDevID:
// nullopt when absent; an input error when present but not a DER Name, so that a damaged
// extension can never turn the subject check off.
Result<std::optional<core::X509NamePtr>> read_mud_signer_name(const X509* idevid);

}  // namespace iotonb::artifact::mud
