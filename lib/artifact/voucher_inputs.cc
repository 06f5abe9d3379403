#include "artifact/voucher_inputs.h"

#include <openssl/rand.h>
#include <openssl/sha.h>
#include <openssl/x509v3.h>

#include <cctype>

#include "core/encoding.h"

namespace iotonb::artifact {

std::optional<std::string> idevid_serial_number(const X509* idevid) {
  const X509_NAME* name = X509_get_subject_name(idevid);
  int idx = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (idx < 0) return std::nullopt;
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

Result<Bytes> idevid_issuer(const X509* idevid) {
  int idx = X509_get_ext_by_NID(idevid, NID_authority_key_identifier, -1);
  if (idx < 0) return input_error("the IDevID has no authorityKeyIdentifier extension (RFC 5280 4.2.1.1)");
  const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(X509_get_ext(idevid, idx));
  unsigned char* out = nullptr;
  int len = i2d_ASN1_OCTET_STRING(value, &out);
  if (len <= 0) return internal_error("cannot encode the authorityKeyIdentifier");
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

Bytes subject_public_key_info(const X509* cert) {
  unsigned char* out = nullptr;
  int len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &out);
  if (len <= 0) return {};
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

Result<Bytes> subject_public_key_info(const EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int len = i2d_PUBKEY(key, &out);
  if (len <= 0) return internal_error("cannot encode the public key: " + core::openssl_errors());
  core::OsslBytesPtr owned(out);
  return Bytes(out, out + len);
}

Bytes sha256(ByteView data) {
  Bytes out(SHA256_DIGEST_LENGTH);
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Result<Bytes> random_nonce() {
  Bytes nonce(16);
  if (RAND_bytes(nonce.data(), static_cast<int>(nonce.size())) != 1)
    return internal_error("no random bytes for the nonce: " + core::openssl_errors());
  return nonce;
}

Result<Bytes> parse_nonce(const std::string& text) {
  bool hex = !text.empty() && text.size() % 2 == 0;
  for (char c : text) hex = hex && std::isxdigit(static_cast<unsigned char>(c));
  auto bytes = hex ? core::from_hex(text) : core::from_base64(text);
  if (!bytes) return input_error("nonce \"" + text + "\" is neither hex nor base64");
  if (bytes->size() < 8 || bytes->size() > 32)
    return input_error("nonce is " + std::to_string(bytes->size()) + " octets, it must be 8 to 32");
  return bytes;
}

}  // namespace iotonb::artifact
