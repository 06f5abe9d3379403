// Signed vouchers and voucher requests in their three envelopes, as one API: CMS SignedData
// around JSON (RFC 8366 5.4, media type application/voucher-cms+json), JWS general JSON
// serialization around JSON (RFC 8366bis, draft-ietf-anima-jws-voucher: application/voucher-jws+json)
// and COSE_Sign1 around SID-keyed CBOR (RFC 8366bis, cBRSKI: application/voucher+cose).
//
// open_voucher() recognises the form of whatever arrives (binary DER or CBOR, PEM, base64 as
// RFC 8995's examples are stored, hex as cBRSKI's are, JWS JSON or compact, or an unsigned
// JSON or CBOR voucher) and reads it without trusting it; verification is voucher_verify.h.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "artifact/voucher.h"
#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "envelope/cms.h"
#include "envelope/cose.h"
#include "envelope/jose.h"
#include "pki/signer.h"

namespace iotonb::artifact {

enum class VoucherForm { json, cbor, cms, jws, cose };  // json and cbor are unsigned
std::string_view form_name(VoucherForm form);
std::string_view media_type(VoucherForm form);

struct SignedVoucher {
  VoucherForm form = VoucherForm::json;
  Bytes envelope;  // the envelope decoded from its transfer encoding (DER, JWS text, CBOR)
  Bytes payload;   // the JSON or CBOR voucher inside
  std::optional<Voucher> voucher;  // the payload parsed (unchecked), when it parses
  std::optional<Error> payload_error;  // why it does not parse or validate
  // Certificates the envelope carries, DER, as they came: parsed only when needed
  // (carried_certificates), because decoding an X.509 public key costs OpenSSL 3 more than
  // verifying a signature does.
  std::vector<Bytes> certificate_ders;
  // The parsed envelope, for verification.
  std::variant<std::monostate, envelope::cms::SignedData, envelope::jose::Jws, envelope::cose::Sign1> parsed;
};

// At most this many octets are read, in any encoding.
inline constexpr std::size_t kMaxVoucherInput = 1 << 20;

Result<SignedVoucher> open_voucher(ByteView input);
// The same, leaving out envelope details only a description shows (CMS signer and digest
// names, signing time), which verify_voucher does not need.
Result<SignedVoucher> open_voucher_for_verification(ByteView input);

// The carried certificates, parsed; an input error names the one that is not a certificate.
Result<std::vector<core::X509Ptr>> carried_certificates(const SignedVoucher& sv);

struct VoucherSignOptions {
  VoucherForm form = VoucherForm::cms;
  const X509* certificate = nullptr;     // the signer's; required for CMS
  std::vector<const X509*> chain;        // intermediates to carry with it
  bool cms_id_data = false;              // eContentType id-data instead of id-ct-animaJSONVoucher
  std::optional<core::UnixTime> signing_time;
  envelope::cose::KeyHint cose_hint = envelope::cose::KeyHint::x5chain;
  Bytes kid;                             // for KeyHint::kid; default: the certificate's SKI
};

// Validates v, encodes it for the form (JSON for CMS and JWS, CBOR for COSE) and signs it.
Result<Bytes> sign_voucher(const Voucher& v, const pki::Signer& signer, const VoucherSignOptions& opts);

}  // namespace iotonb::artifact
