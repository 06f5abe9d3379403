// Readable descriptions of certificates, CSRs and keys for `iotonb cert inspect` and
// `iotonb inspect`: one JSON object per artifact with stable, documented keys (man
// iotonb-cert), with the 802.1AR/BRSKI/MUD extensions decoded.
#pragma once

#include <vector>

#include <nlohmann/json.hpp>

#include "core/bytes.h"
#include "core/ossl.h"

namespace iotonb::pki {

nlohmann::ordered_json describe_certificate(const X509* cert);
nlohmann::ordered_json describe_csr(X509_REQ* csr);
nlohmann::ordered_json describe_public_key(const EVP_PKEY* key);
// A certificate chain an artifact carries (DER, through the parse cache), in brief: one
// {subject, issuer, sha256} per certificate, or {problem} for one that does not parse.
nlohmann::ordered_json describe_certificate_chain(const std::vector<Bytes>& ders);

}  // namespace iotonb::pki
