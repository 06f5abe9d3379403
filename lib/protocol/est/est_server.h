// The registrar's EST server (RFC 7030 4, with RFC 8951's encoding rules; RFC 8995 5.9),
// without a transport:
//   - cacerts (4.1): the domain CA (and its chain) as a certs-only message;
//   - csrattrs (4.5): what the CSR should hold (serialNumber in the subject, the key type);
//   - simpleenroll (4.2.1): the client is a pledge that got a voucher through this registrar
//     and presents its IDevID; the CSR must prove possession of its key, use a key other than
//     the IDevID's, and carry the IDevID's serialNumber in its subject;
//   - simplereenroll (4.2.2): the client presents its current LDevID; the CSR subject must be
//     the LDevID's; the old LDevID is recorded as replaced.
// LDevIDs are issued by the domain CA through its Signer: subject from the CSR, a random
// serial, EKU clientAuth, validity as configured (capped by the CA's own).
#pragma once

#include <string>
#include <vector>

#include "core/ossl.h"
#include "core/time.h"
#include "pki/issuing_ca.h"
#include "protocol/answer.h"
#include "protocol/est/est_codec.h"
#include "store/registrar_store.h"

namespace iotonb::protocol::est {

inline constexpr const char* kCacertsPath = "/.well-known/est/cacerts";
inline constexpr const char* kSimpleEnrollPath = "/.well-known/est/simpleenroll";
inline constexpr const char* kSimpleReenrollPath = "/.well-known/est/simplereenroll";
inline constexpr const char* kCsrAttrsPath = "/.well-known/est/csrattrs";
inline constexpr const char* kCertsOnlyMediaType = "application/pkcs7-mime; smime-type=certs-only";

struct EstSettings {
  const pki::IssuingCa* domain_ca = nullptr;    // issues LDevIDs; its chain goes into cacerts
  std::vector<const X509*> manufacturer_trust;  // IDevID anchors (simpleenroll)
  core::UnixTime ldevid_validity = 365 * 24 * 3600;  // seconds
  std::size_t max_csr_size = 64 * 1024;          // base64 body
};

struct EstRequest {
  std::string content_type;
  std::string body;
  std::vector<const X509*> peer_certificates;  // the client's leaf first, then its chain
  core::UnixTime at = 0;                       // 0: now
};

class EstServer {
 public:
  // settings.domain_ca and store must outlive the server.
  EstServer(EstSettings settings, store::RegistrarStore& store);

  Answer cacerts() const;
  Answer csrattrs() const;
  Answer simpleenroll(const EstRequest& request);
  Answer simplereenroll(const EstRequest& request);

  // The trust anchors LDevIDs chain to (the domain CA certificate), for the other endpoints
  // that authorize LDevIDs (network profile, enrollstatus).
  std::vector<const X509*> domain_trust() const;
  // The CSR attributes this registrar asks for: serialNumber (2.5.4.5), and the domain CA's
  // key type (id-ecPublicKey with its curve, or rsaEncryption) and signature algorithm.
  std::vector<CsrAttribute> requested_attributes() const;

 private:
  Answer enroll(const EstRequest& request, bool reenroll);

  EstSettings settings_;
  store::RegistrarStore& store_;
  std::string cacerts_body_;
};

}  // namespace iotonb::protocol::est
