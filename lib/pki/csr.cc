#include "pki/csr.h"

#include <openssl/pem.h>

#include "core/encoding.h"
#include "core/files.h"
#include "pki/ec_fast_path.h"
#include "pki/extensions.h"
#include "pki/key.h"

namespace iotonb::pki {

Result<core::X509ReqPtr> create_csr(const CsrRequest& request, const Signer& signer) {
  // The same SubjectPublicKeyInfo, without OpenSSL 3's encoder for an EC key (ec_fast_path.h).
  const core::EvpPkeyPtr public_key = spki_encodable_key(signer.key());
  core::X509ReqPtr csr(X509_REQ_new());
  if (!csr || !X509_REQ_set_version(csr.get(), 0) ||
      !X509_REQ_set_subject_name(csr.get(), request.subject) || !X509_REQ_set_pubkey(csr.get(), public_key.get()))
    return internal_error("cannot build the CSR: " + core::openssl_errors());
  if (!request.sans.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto san, subject_alt_name_ext(request.sans, std::nullopt));
    core::X509ExtStackPtr exts(sk_X509_EXTENSION_new_null());
    sk_X509_EXTENSION_push(exts.get(), san.release());
    if (!X509_REQ_add_extensions(csr.get(), exts.get())) return internal_error("cannot add CSR extensions");
  }
  if (X509_REQ_sign(csr.get(), signer.key(), default_digest(signer.key())) <= 0)
    return internal_error(signer.reference() + ": cannot sign the CSR: " + core::openssl_errors());
  return csr;
}

Result<core::X509ReqPtr> parse_csr(ByteView data) {
  // P-256 and P-384 requests skip the decoder d2i_X509_REQ runs for the public key, the
  // most expensive part of an EST enrollment on the registrar after the signatures.
  auto read_der = [](ByteView der, bool whole) {
    core::X509ReqPtr csr = parse_ec_csr_der(der);
    if (csr) return csr;
    const unsigned char* p = der.data();
    csr.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(der.size())));
    if (csr && whole && p != der.data() + der.size()) csr.reset();
    return csr;
  };
  core::X509ReqPtr csr;
  if (core::looks_like_pem(data)) {
    IOTONB_ASSIGN_OR_RETURN(auto blocks, core::parse_pem(as_chars(data)));
    for (const auto& b : blocks) {
      if (b.label != "CERTIFICATE REQUEST" && b.label != "NEW CERTIFICATE REQUEST") continue;
      csr = read_der(b.der, false);
      break;
    }
  } else {
    csr = read_der(data, true);
  }
  if (!csr) {
    core::openssl_errors();
    return input_error("not a PKCS#10 certificate request");
  }
  EVP_PKEY* key = X509_REQ_get0_pubkey(csr.get());
  if (key == nullptr) return input_error("CSR: unreadable public key");
  if (X509_REQ_verify(csr.get(), key) != 1) {
    core::openssl_errors();
    return verify_error("CSR signature does not verify: proof of possession failed");
  }
  return csr;
}

Result<core::X509ReqPtr> read_csr(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path));
  auto csr = parse_csr(data);
  if (!csr) return csr.error().context(core::input_name(path));
  return csr;
}

Bytes csr_der(X509_REQ* csr) {
  unsigned char* der = nullptr;
  int len = i2d_X509_REQ(csr, &der);
  if (len <= 0) return {};
  core::OsslBytesPtr owned(der);
  return Bytes(der, der + len);
}

std::string csr_pem(X509_REQ* csr) { return core::to_pem("CERTIFICATE REQUEST", csr_der(csr)); }

}  // namespace iotonb::pki
