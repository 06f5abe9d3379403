#include "artifact/fdo/verify.h"

#include <openssl/x509.h>

#include "envelope/cose.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/parse_cache.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Value;

void add(std::vector<Check>& checks, std::string name, CheckResult result, std::string detail) {
  checks.push_back({std::move(name), result, std::move(detail)});
}

void add(std::vector<Check>& checks, std::string name, const Status& status, std::string pass_detail) {
  if (status.ok())
    add(checks, std::move(name), CheckResult::pass, std::move(pass_detail));
  else
    add(checks, std::move(name), CheckResult::fail, status.error().message);
}

Status check_hash(const Hash& expected, std::initializer_list<ByteView> parts, const std::string& what) {
  auto matches = digest_matches(expected, parts);
  if (!matches) return matches.error();
  if (!*matches) return verify_error(what + " (" + hash_name(expected.type) + ") does not match");
  return ok_status();
}

Status check_header_hmac(const OwnershipVoucher& v, ByteView secret) {
  auto matches = hmac_matches(v.hmac, secret, v.header_bytes);
  if (!matches) return matches.error();
  if (!*matches) return verify_error("OVHeaderHMac (" + hash_name(v.hmac.type) + ") does not match the device secret");
  return ok_status();
}

Status check_credential(const OwnershipVoucher& v, const DeviceCredential& dc) {
  if (dc.guid != v.header.guid) return verify_error("the credential's GUID is not the voucher's");
  if (dc.device_info != v.header.device_info)
    return verify_error("the credential's DeviceInfo \"" + dc.device_info + "\" is not the voucher's \"" +
                        v.header.device_info + "\"");
  if (!(dc.rv_info == v.header.rv_info)) return verify_error("the credential's RVInfo is not the voucher's");
  Bytes key = core::cbor::encode(to_cbor(v.header.manufacturer_key));
  return check_hash(dc.public_key_hash, {key}, "the credential's DCPubKeyHash over the voucher's OVPubKey");
}

Status check_chain_hash(const OwnershipVoucher& v) {
  const auto& chain = *v.cert_chain;
  const Hash& expected = *v.header.cert_chain_hash;
  Bytes all;
  for (const Bytes& c : chain) all.insert(all.end(), c.begin(), c.end());
  IOTONB_ASSIGN_OR_RETURN(bool matches, digest_matches(expected, {all}));
  if (matches) return ok_status();
  core::cbor::Array certs;
  for (const Bytes& c : chain) certs.push_back(Value::bytes(c));
  IOTONB_ASSIGN_OR_RETURN(bool legacy, digest_matches(expected, {core::cbor::encode(Value::array(std::move(certs)))}));
  if (legacy)
    return verify_error("device certificate chain hash (" + hash_name(expected.type) +
                        ") is over the CBOR array of certificates (FDO 1.0 and older fdo-rs), not over the "
                        "concatenated DER that FDO 1.1 hashes");
  return verify_error("device certificate chain hash (" + hash_name(expected.type) + ") does not match the chain");
}

Status check_device_chain(const std::vector<Bytes>& chain, core::UnixTime at) {
  std::vector<core::X509Ptr> certs;
  for (std::size_t i = 0; i < chain.size(); ++i) {
    auto cert = pki::parse_certificate_der_cached(chain[i]);
    if (!cert) return verify_error("certificate " + std::to_string(i) + ": " + cert.error().message);
    certs.push_back(std::move(*cert));
  }
  const time_t when = static_cast<time_t>(at);
  for (std::size_t i = 0; i < certs.size(); ++i) {
    X509* cert = certs[i].get();
    const std::string name = "certificate " + std::to_string(i) + " (" + pki::name_to_string(X509_get_subject_name(cert)) + ")";
    if (X509_cmp_time(X509_get0_notBefore(cert), const_cast<time_t*>(&when)) > 0) return verify_error(name + " is not yet valid");
    if (X509_cmp_time(X509_get0_notAfter(cert), const_cast<time_t*>(&when)) < 0) return verify_error(name + " has expired");
    // The last certificate's own signature proves nothing (OpenSSL does not check a trust
    // anchor's self-signature either); the device's trust in it comes from elsewhere.
    if (i + 1 == certs.size()) break;
    EVP_PKEY* key = X509_get0_pubkey(certs[i + 1].get());
    if (!key || X509_verify(cert, key) != 1) return verify_error(name + " is not signed by certificate " + std::to_string(i + 1));
  }
  return ok_status();
}

// FDO 1.1 3.3.2 ties the signature scheme to the signer's pkType: PKCS#1 v1.5 (RS256/RS384) to
// RSA2048RESTR and RSAPKCS, PSS (PS256/PS384) to RSAPSS, ECDSA to the SECP pkTypes (whose curve
// verify_sign1 holds the key to).
Status check_scheme(const envelope::cose::Sign1& entry, std::int64_t signer_type) {
  using envelope::SignatureAlgorithm;
  IOTONB_ASSIGN_OR_RETURN(SignatureAlgorithm alg, envelope::cose::algorithm(entry));
  const bool pkcs1 = alg == SignatureAlgorithm::rs256 || alg == SignatureAlgorithm::rs384;
  const bool pss = alg == SignatureAlgorithm::ps256 || alg == SignatureAlgorithm::ps384;
  const bool fits = signer_type == pk_type::rsapss                                          ? pss
                    : signer_type == pk_type::rsa2048restr || signer_type == pk_type::rsapkcs ? pkcs1
                                                                                              : !pkcs1 && !pss;
  if (!fits)
    return verify_error(std::string(envelope::jose_name(alg)) + " does not go with the signer's pkType " +
                        pk_type_name(signer_type));
  return ok_status();
}

std::string describe(const PublicKey& key) { return pk_type_name(key.type) + " in " + pk_encoding_name(key.encoding); }

Status same_key(const PublicKey& key, const EVP_PKEY* expected, const std::string& what) {
  IOTONB_ASSIGN_OR_RETURN(auto evp, to_evp(key));
  if (!pki::same_public_key(evp.get(), expected)) return verify_error(what + " is not the expected key");
  return ok_status();
}

}  // namespace

std::vector<Check> verify_entries(const OwnershipVoucher& v) {
  std::vector<Check> checks;
  // Walk the entries with the key that must have signed each; after a broken key the rest
  // cannot be checked and say so.
  auto header_key = to_evp(v.header.manufacturer_key);
  core::EvpPkeyPtr signer;
  std::string signer_name = "OVPubKey";
  std::string broken;
  if (header_key)
    signer = std::move(*header_key);
  else
    broken = "OVPubKey is unusable: " + header_key.error().message;
  const int header_bits = signer ? EVP_PKEY_get_bits(signer.get()) : 0;
  for (std::size_t i = 0; i < v.entries.size(); ++i) {
    const Entry& e = v.entries[i];
    const std::string prefix = "entry[" + std::to_string(i) + "].";
    if (!broken.empty()) {
      add(checks, prefix + "signature", CheckResult::fail, broken);
    } else {
      Status signature = check_scheme(e.message, v.header.manufacturer_key.type);
      if (signature.ok()) signature = envelope::cose::verify_sign1(e.message, signer.get());
      add(checks, prefix + "signature", signature, "signed by " + signer_name);
    }
    Status previous = i == 0 ? check_hash(e.previous, {v.header_bytes, v.hmac_encoded}, "OVEHashPrevEntry over the header and its HMAC")
                             : check_hash(e.previous, {v.entries[i - 1].encoded}, "OVEHashPrevEntry over entry " + std::to_string(i - 1));
    add(checks, prefix + "previous-hash", previous, hash_name(e.previous.type));
    add(checks, prefix + "header-info-hash",
        check_hash(e.header_info, {v.header.guid, as_bytes(v.header.device_info)}, "OVEHashHdrInfo over GUID and DeviceInfo"),
        hash_name(e.header_info.type));
    auto next = to_evp(e.owner_key);
    Status key_type = [&]() -> Status {
      if (!next) return verify_error(next.error().message);
      if (e.owner_key.type != v.header.manufacturer_key.type)
        return verify_error("OVEPubKey is " + pk_type_name(e.owner_key.type) + ", OVPubKey " +
                            pk_type_name(v.header.manufacturer_key.type));
      if (header_bits && EVP_PKEY_get_bits(next->get()) != header_bits)
        return verify_error("OVEPubKey has " + std::to_string(EVP_PKEY_get_bits(next->get())) + " bits, OVPubKey " +
                            std::to_string(header_bits));
      return ok_status();
    }();
    add(checks, prefix + "key-type", key_type, describe(e.owner_key));
    if (next && key_type.ok()) {
      signer = std::move(*next);
      signer_name = "entry " + std::to_string(i) + "'s key";
    } else if (broken.empty()) {
      broken = "entry " + std::to_string(i) + "'s key is unusable";
    }
  }
  if (v.entries.empty()) add(checks, "entries", CheckResult::skip, "no entries: the manufacturer still owns the voucher");
  return checks;

}

Verification verify(const OwnershipVoucher& v, const VerifyOptions& opts) {
  Verification out;
  auto& checks = out.checks;

  const SecretBytes* secret = opts.credential ? &opts.credential->hmac_secret : opts.hmac_secret;
  if (secret)
    add(checks, "header-hmac", check_header_hmac(v, ByteView(secret->data(), secret->size())), hash_name(v.hmac.type));
  else
    add(checks, "header-hmac", CheckResult::skip, "no device secret given");

  if (opts.credential)
    add(checks, "credential", check_credential(v, *opts.credential), "GUID, DeviceInfo, RVInfo and OVPubKey hash match");
  else
    add(checks, "credential", CheckResult::skip, "no device credential given");

  if (v.cert_chain && v.header.cert_chain_hash)
    add(checks, "device-chain-hash", check_chain_hash(v), hash_name(v.header.cert_chain_hash->type));
  else if (v.cert_chain || v.header.cert_chain_hash)
    add(checks, "device-chain-hash", CheckResult::fail,
        v.cert_chain ? "the voucher carries a device chain but the header has no OVDevCertChainHash"
                     : "the header has an OVDevCertChainHash but the voucher carries no device chain");
  else
    add(checks, "device-chain-hash", CheckResult::skip, "no device certificate chain");

  if (v.cert_chain)
    add(checks, "device-chain", check_device_chain(*v.cert_chain, opts.at),
        std::to_string(v.cert_chain->size()) + " certificates, each signed by the next");
  else
    add(checks, "device-chain", CheckResult::skip, "no device certificate chain");

  auto entries = verify_entries(v);
  checks.insert(checks.end(), std::make_move_iterator(entries.begin()), std::make_move_iterator(entries.end()));

  if (opts.manufacturer)
    add(checks, "manufacturer", same_key(v.header.manufacturer_key, opts.manufacturer, "OVPubKey"), "OVPubKey is the expected key");
  else
    add(checks, "manufacturer", CheckResult::skip, "no expected manufacturer given");
  if (opts.owner)
    add(checks, "owner", same_key(v.owner_key(), opts.owner, v.entries.empty() ? "OVPubKey" : "the last entry's key"),
        "the current owner is the expected key");
  else
    add(checks, "owner", CheckResult::skip, "no expected owner given");
  return out;
}

}  // namespace iotonb::artifact::fdo
