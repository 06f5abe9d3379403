// Verifying a signed voucher or voucher request as a pledge, registrar or MASA must before
// acting on it (RFC 8366 5.6; RFC 8995 5.5, 5.6.1): the envelope signature, the signer's
// chain to an explicit trust anchor at an explicit time, the voucher's own validity window,
// and the match of serial number, nonce and pinned domain certificate. Every check is
// reported, so `voucher verify --format json` can list them all and the exit status can name
// the first that failed.
//
// Trust may be a CA, the signer's own certificate, or a bare public key (a COSE voucher that
// carries only a kid). A registrar voucher request (one with prior-signed-voucher-request)
// must be signed by a certificate with id-kp-cmcRA (RFC 8995 5.5); its prior-signed pledge
// request is opened and checked too.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "artifact/check.h"
#include "artifact/signed_voucher.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::artifact {

struct VoucherVerifyOptions {
  std::vector<const X509*> trust;           // anchors: CAs or the signer's own certificate
  std::vector<const EVP_PKEY*> trust_keys;  // pinned signer public keys
  std::vector<const X509*> untrusted;       // intermediates besides those the envelope carries
  core::UnixTime at = 0;                    // verification time
  std::optional<std::string> serial;        // expected serial-number
  std::optional<std::string> nonce;         // the nonce as sent: hex, base64, base64url or text
  const X509* domain_cert = nullptr;        // the certificate the voucher must pin
  std::vector<const X509*> domain_chain;    // its intermediates, for a pinned CA
  // Whether a registrar request's prior-signed pledge request has its signature checked
  // here. A caller that verifies the pledge request itself (the MASA, against its
  // manufacturer trust) turns this off so the signature is not checked twice; the nonce and
  // serial comparisons between the two requests still happen.
  bool check_prior_signature = true;
};

struct VoucherVerification {
  SignedVoucher opened;
  std::vector<Check> checks;
  core::X509Ptr signer;  // the signer's certificate, when one was found
  bool ok() const;
  const Check* first_failure() const;
};

// An error only when the input cannot be read as a voucher at all; failed checks are in the
// result.
Result<VoucherVerification> verify_voucher(ByteView input, const VoucherVerifyOptions& opts);

// Whether a nonce as sent (text in one of the encodings peers use) equals the voucher's bytes.
bool nonce_matches(const std::string& sent, const LeafValue& received);

}  // namespace iotonb::artifact
