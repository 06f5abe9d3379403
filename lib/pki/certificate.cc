#include "pki/certificate.h"

#include <openssl/pem.h>

#include <algorithm>

#include "core/der.h"
#include "core/encoding.h"
#include "core/files.h"
#include "pki/ec_fast_path.h"
#include "pki/extensions.h"
#include "pki/key.h"

namespace iotonb::pki {

Result<core::X509Ptr> issue_certificate(CertificateSpec spec, const X509* issuer, const Signer& signer) {
  if (spec.not_after <= spec.not_before) return usage_error("notAfter must be later than notBefore");
  if (issuer == nullptr && !same_public_key(spec.public_key, signer.key()))
    return usage_error("a self-signed certificate must be signed by its own key");
  if (issuer != nullptr && !same_public_key(X509_get0_pubkey(issuer), signer.key()))
    return usage_error(signer.reference() + ": key does not match the issuer certificate");

  // The same SubjectPublicKeyInfo, without OpenSSL 3's encoder for an EC key (ec_fast_path.h).
  const core::EvpPkeyPtr public_key = spki_encodable_key(spec.public_key);
  core::X509Ptr cert(X509_new());
  core::BignumPtr bn(BN_bin2bn(spec.serial.data(), static_cast<int>(spec.serial.size()), nullptr));
  core::Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  core::Asn1TimePtr not_before(ASN1_TIME_set(nullptr, static_cast<time_t>(spec.not_before)));
  core::Asn1TimePtr not_after(ASN1_TIME_set(nullptr, static_cast<time_t>(spec.not_after)));
  if (!cert || !serial || !not_before || !not_after || !X509_set_version(cert.get(), X509_VERSION_3) ||
      !X509_set_serialNumber(cert.get(), serial.get()) || !X509_set1_notBefore(cert.get(), not_before.get()) ||
      !X509_set1_notAfter(cert.get(), not_after.get()) || !X509_set_subject_name(cert.get(), spec.subject.get()) ||
      !X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : spec.subject.get()) ||
      !X509_set_pubkey(cert.get(), public_key.get()))
    return internal_error("cannot build the certificate: " + core::openssl_errors());

  const Bytes subject_id = key_identifier(X509_get_X509_PUBKEY(cert.get()));
  IOTONB_ASSIGN_OR_RETURN(auto ski, subject_key_id_ext(subject_id));
  spec.extensions.push_back(std::move(ski));
  Bytes authority_id = subject_id;
  if (issuer != nullptr) {
    IOTONB_ASSIGN_OR_RETURN(authority_id, issuer_key_identifier(issuer));
  }
  IOTONB_ASSIGN_OR_RETURN(auto aki, authority_key_id_ext(authority_id));
  spec.extensions.push_back(std::move(aki));
  for (auto& ext : spec.extensions)
    if (!X509_add_ext(cert.get(), ext.get(), -1)) return internal_error("cannot add extension: " + core::openssl_errors());

  if (X509_sign(cert.get(), signer.key(), default_digest(signer.key())) <= 0)
    return internal_error(signer.reference() + ": cannot sign the certificate: " + core::openssl_errors());
  return cert;
}

Result<Bytes> issuer_key_identifier(const X509* issuer) {
  if (const ASN1_OCTET_STRING* id = X509_get0_subject_key_id(const_cast<X509*>(issuer)))
    if (ASN1_STRING_length(id) > 0)
      return Bytes(ASN1_STRING_get0_data(id), ASN1_STRING_get0_data(id) + ASN1_STRING_length(id));
  return key_identifier(X509_get0_pubkey(issuer));
}

Result<TbsSigner> TbsSigner::create(const Signer& signer) {
  EVP_PKEY* key = signer.key();
  if (key == nullptr) return usage_error(signer.reference() + ": no key to sign with");
  TbsSigner s(signer, default_digest(key));
  const auto failed = [&](const char* what) {
    return internal_error(signer.reference() + ": " + what + ": " + core::openssl_errors());
  };

  // The probe: the smallest certificate X509_sign accepts, made with the signer's own key.
  core::X509Ptr probe(X509_new());
  core::Asn1TimePtr epoch(ASN1_TIME_set(nullptr, 0));
  if (!probe || !epoch || !X509_set_version(probe.get(), X509_VERSION_3) ||
      !ASN1_INTEGER_set(X509_get_serialNumber(probe.get()), 1) || !X509_set1_notBefore(probe.get(), epoch.get()) ||
      !X509_set1_notAfter(probe.get(), epoch.get()) || !X509_set_pubkey(probe.get(), key) ||
      X509_sign(probe.get(), key, s.md_) <= 0)
    return failed("cannot sign a certificate");
  const X509_ALGOR* algorithm = nullptr;
  X509_get0_signature(nullptr, &algorithm, probe.get());
  unsigned char* algorithm_der = nullptr;
  const int algorithm_len = i2d_X509_ALGOR(algorithm, &algorithm_der);
  if (algorithm_len <= 0) return failed("cannot encode the signature algorithm");
  core::OsslBytesPtr owned_algorithm(algorithm_der);
  s.algorithm_.assign(algorithm_der, algorithm_der + algorithm_len);

  s.max_signature_ = static_cast<std::size_t>(std::max(0, EVP_PKEY_get_size(key)));
  s.initialised_.reset(EVP_MD_CTX_new());
  s.work_.reset(EVP_MD_CTX_new());
  if (!s.initialised_ || !s.work_ || EVP_DigestSignInit(s.initialised_.get(), nullptr, s.md_, nullptr, key) != 1)
    return failed("cannot set up signing");

  // Re-sign the probe's TBSCertificate here and let OpenSSL verify the result.
  unsigned char* tbs = nullptr;
  const int tbs_len = i2d_re_X509_tbs(probe.get(), &tbs);
  if (tbs_len <= 0) return failed("cannot encode the probe certificate");
  core::OsslBytesPtr owned_tbs(tbs);
  IOTONB_ASSIGN_OR_RETURN(Bytes der, s.sign(ByteView(tbs, static_cast<std::size_t>(tbs_len))));
  const unsigned char* p = der.data();
  core::X509Ptr resigned(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!resigned || X509_verify(resigned.get(), X509_get0_pubkey(probe.get())) != 1)
    return failed("a certificate signed without X509_sign does not verify");
  return s;
}

Result<Bytes> TbsSigner::sign(ByteView tbs_der) {
  namespace der = core::der;
  EVP_MD_CTX* ctx = work_.get();
  // Copying an initialised context skips the provider lookup; a key whose provider cannot
  // copy one (some hardware keys) is initialised afresh every time instead.
  if (!copyable_ || EVP_MD_CTX_copy_ex(ctx, initialised_.get()) != 1) {
    if (copyable_) core::openssl_errors();
    copyable_ = false;
    if (EVP_MD_CTX_reset(ctx) != 1 || EVP_DigestSignInit(ctx, nullptr, md_, nullptr, signer_->key()) != 1)
      return internal_error(signer_->reference() + ": cannot set up signing: " + core::openssl_errors());
  }
  std::size_t len = max_signature_;
  if (len == 0 && EVP_DigestSign(ctx, nullptr, &len, tbs_der.data(), tbs_der.size()) != 1) len = 0;
  // BIT STRING content: no unused bits, then the signature.
  Bytes bits(len + 1, 0);
  if (len == 0 || EVP_DigestSign(ctx, bits.data() + 1, &len, tbs_der.data(), tbs_der.size()) != 1)
    return internal_error(signer_->reference() + ": cannot sign the certificate: " + core::openssl_errors());
  bits.resize(len + 1);
  const Bytes signature = der::tlv(0x03, bits);
  Bytes body;
  body.reserve(tbs_der.size() + algorithm_.size() + signature.size());
  body.insert(body.end(), tbs_der.begin(), tbs_der.end());
  body.insert(body.end(), algorithm_.begin(), algorithm_.end());
  body.insert(body.end(), signature.begin(), signature.end());
  return der::tlv(der::kSequence, body);
}

Result<std::vector<core::X509Ptr>> parse_certificates(ByteView data) {
  std::vector<core::X509Ptr> certs;
  if (core::looks_like_pem(data)) {
    IOTONB_ASSIGN_OR_RETURN(auto blocks, core::parse_pem(as_chars(data)));
    for (const auto& block : blocks) {
      if (block.label != "CERTIFICATE" && block.label != "TRUSTED CERTIFICATE" && block.label != "X509 CERTIFICATE")
        continue;
      const unsigned char* p = block.der.data();
      core::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(block.der.size())));
      if (!cert || p != block.der.data() + block.der.size())
        return input_error("certificate " + std::to_string(certs.size() + 1) + " is not valid DER: " + core::openssl_errors());
      certs.push_back(std::move(cert));
    }
    if (certs.empty()) return input_error("no CERTIFICATE block");
    return certs;
  }
  const unsigned char* p = data.data();
  core::X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(data.size())));
  if (!cert || p != data.data() + data.size()) {
    core::openssl_errors();
    return input_error("not a certificate (expected PEM or DER)");
  }
  certs.push_back(std::move(cert));
  return certs;
}

Result<core::X509Ptr> parse_certificate(ByteView data) {
  IOTONB_ASSIGN_OR_RETURN(auto certs, parse_certificates(data));
  if (certs.size() != 1) return input_error("expected one certificate, found " + std::to_string(certs.size()));
  return std::move(certs.front());
}

Result<std::vector<core::X509Ptr>> read_certificates(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path));
  auto certs = parse_certificates(data);
  if (!certs) return certs.error().context(core::input_name(path));
  return certs;
}

Result<core::X509Ptr> read_certificate(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path));
  auto cert = parse_certificate(data);
  if (!cert) return cert.error().context(core::input_name(path));
  return cert;
}

Bytes certificate_der(const X509* cert) {
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  if (len <= 0) return {};
  core::OsslBytesPtr owned(der);
  return Bytes(der, der + len);
}

std::string certificate_pem(const X509* cert) { return core::to_pem("CERTIFICATE", certificate_der(cert)); }

Bytes certificate_fingerprint(const X509* cert, const EVP_MD* md) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  X509_digest(cert, core::fetched_digest(md), digest, &len);
  return Bytes(digest, digest + len);
}

Bytes certificate_serial(const X509* cert) {
  core::BignumPtr bn(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
  Bytes out(static_cast<std::size_t>(BN_num_bytes(bn.get())));
  BN_bn2bin(bn.get(), out.data());
  return out;
}

}  // namespace iotonb::pki
