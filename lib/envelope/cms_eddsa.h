// Ed25519 SignerInfos (RFC 8419 3: digestAlgorithm SHA-512, signatureAlgorithm id-Ed25519
// without parameters, pure EdDSA over the DER signed attributes of RFC 5652 5.4). OpenSSL
// 3.0's CMS code cannot sign or verify these: it drives every key through the streaming
// digest-sign interface, which pure EdDSA does not have. OpenSSL still builds the structure,
// embeds the certificates and checks the content digest; this file does only what it cannot.
// Internal to lib/envelope/cms.cc.
#pragma once

#include "core/bytes.h"
#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace iotonb::envelope::cms::detail {

// Finishes a partial SignedData whose only SignerInfo si was added with SHA-512: fixes the
// version numbers, adds messageDigest and contentType, signs the signed attributes with
// signer and stores content unless detached.
Status eddsa_finish(CMS_ContentInfo* cms, CMS_SignerInfo* si, ByteView content, bool detached,
                    const pki::Signer& signer);

// Checks si's Ed25519 signature over its signed attributes with key (the content digest is
// CMS_verify's job).
Status eddsa_verify(CMS_SignerInfo* si, const EVP_PKEY* key);

}  // namespace iotonb::envelope::cms::detail
