// Parsed certificates and public keys, shared by DER. OpenSSL 3.0 decodes a public key through
// its provider decoders, which costs more than verifying an ECDSA signature with it; a
// verifier sees the same MASA, registrar and CA certificates in voucher after voucher, and the
// same owner keys in FDO voucher after voucher, so it parses each once. X509 objects are reference-counted and not changed by verification, so
// one parsed certificate can serve every caller and thread.
#pragma once

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::pki {

// One DER certificate (nothing after it), parsed or taken from the cache. Failures are not
// cached. Each cache holds at most a few hundred entries and starts afresh when full.
Result<core::X509Ptr> parse_certificate_der_cached(ByteView der);

// Makes an already-parsed certificate what parse_certificate_der_cached returns for its DER,
// so the same certificate arriving again inside a signed message (a TLS client's IDevID in
// its voucher request) is not decoded a second time.
void remember_certificate(X509* cert);

// One DER SubjectPublicKeyInfo (nothing after it), parsed or taken from the cache, as above.
// EVP_PKEY objects are reference-counted and verification does not change them.
Result<core::EvpPkeyPtr> parse_public_key_der_cached(ByteView spki);

}  // namespace iotonb::pki
