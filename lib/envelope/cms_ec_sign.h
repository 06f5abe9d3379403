// SignedData for EC keys, assembled as DER here rather than through OpenSSL's CMS code. Why:
// OpenSSL 3.0 spends about seven times the ECDSA signature itself on building, signing and
// encoding a CMS structure (~0.26 ms against ~0.03 ms on this class of machine), and an
// onboarding session signs three (pledge, registrar and MASA voucher requests and the voucher).
// The output is what OpenSSL writes for the same input, field for field (RFC 5652 5.1-5.4 in
// DER: SET OF members sorted, SignedData version 3 unless the content is id-data, SignerInfo
// version 1 with issuerAndSerialNumber, digest algorithms without parameters, signed
// attributes contentType, signingTime and messageDigest); tests/envelope/cms_test.cc compares
// the two. Internal to lib/envelope/cms.cc.
#pragma once

#include <string>
#include <vector>

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"
#include "pki/signer.h"

namespace iotonb::envelope::cms::detail {

struct EcSignedDataInput {
  ByteView content;
  Bytes content_type_oid;                // DER of the eContentType OID (tag and length included)
  bool detached = false;
  const X509* signer_cert = nullptr;     // its key is signer.key(), checked by the caller
  std::vector<const X509*> certificates;  // to embed, in any order; may be empty
  core::UnixTime signing_time = 0;
};

// The DER ContentInfo; md is SHA-256, SHA-384 or SHA-512 (the caller's choice for the curve).
Result<Bytes> ec_signed_data(const EcSignedDataInput& in, const pki::Signer& signer, const EVP_MD* md);

}  // namespace iotonb::envelope::cms::detail
