#include "protocol/est/est_server.h"

#include <ctime>

#include "core/der.h"
#include "core/encoding.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/profile.h"
#include "pki/serial.h"
#include "protocol/brski/authorization.h"

namespace iotonb::protocol::est {
namespace {

core::UnixTime not_after_of(const X509* cert) {
  std::tm tm{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &tm) != 1) return 0;
  return static_cast<core::UnixTime>(timegm(&tm));
}

std::string serial_number_of(const X509_NAME* name, bool& present) {
  present = false;
  int index = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (index < 0) return "";
  present = true;
  ASN1_STRING* data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  int n = ASN1_STRING_to_UTF8(&utf8, data);
  if (n < 0) return "";
  core::OsslBytesPtr owned(utf8);
  return std::string(reinterpret_cast<const char*>(utf8), static_cast<std::size_t>(n));
}

}  // namespace

EstServer::EstServer(EstSettings settings, store::RegistrarStore& store) : settings_(std::move(settings)), store_(store) {
  if (settings_.domain_ca != nullptr && settings_.domain_ca->cert) {
    std::vector<const X509*> certs = {settings_.domain_ca->cert.get()};
    for (const auto& c : settings_.domain_ca->chain) certs.push_back(c.get());
    if (auto body = encode_certs_only(certs)) cacerts_body_ = std::move(body).value();
  }
}

std::vector<const X509*> EstServer::domain_trust() const {
  if (settings_.domain_ca == nullptr || !settings_.domain_ca->cert) return {};
  return {settings_.domain_ca->cert.get()};
}

std::vector<CsrAttribute> EstServer::requested_attributes() const {
  std::vector<CsrAttribute> out = {CsrAttribute::bare("2.5.4.5")};  // serialNumber in the subject
  // The key the registrar expects devices to make: P-256, signed with ECDSA/SHA-256.
  if (auto curve = core::der::oid_from_text("1.2.840.10045.3.1.7"))
    out.push_back(CsrAttribute{"1.2.840.10045.2.1", true, {std::move(curve).value()}});
  out.push_back(CsrAttribute::bare("1.2.840.10045.4.3.2"));
  return out;
}

Answer EstServer::cacerts() const {
  if (cacerts_body_.empty()) return Answer::refuse(500, "no domain CA configured");
  Answer a = Answer::success(kCertsOnlyMediaType, cacerts_body_);
  a.headers.emplace_back("Content-Transfer-Encoding", "base64");
  return a;
}

Answer EstServer::csrattrs() const {
  auto body = encode_csrattrs(requested_attributes());
  if (!body) return Answer::refuse(500, body.error().message);
  Answer a = Answer::success("application/csrattrs", std::move(body).value());
  a.headers.emplace_back("Content-Transfer-Encoding", "base64");
  return a;
}

Answer EstServer::simpleenroll(const EstRequest& request) { return enroll(request, false); }
Answer EstServer::simplereenroll(const EstRequest& request) { return enroll(request, true); }

Answer EstServer::enroll(const EstRequest& request, bool reenroll) {
  const core::UnixTime at = request.at != 0 ? request.at : core::now();
  if (settings_.domain_ca == nullptr || !settings_.domain_ca->signer) return Answer::refuse(500, "no domain CA configured");
  if (!media_type_is(request.content_type, "application/pkcs10"))
    return Answer::refuse(415, "Content-Type \"" + request.content_type + "\" is not application/pkcs10");

  brski::AuthorizedPeer peer;
  auto refusal = reenroll ? brski::authorize_ldevid(request.peer_certificates, domain_trust(), store_, at, peer)
                          : brski::authorize_idevid(request.peer_certificates, settings_.manufacturer_trust, store_, at, true, peer);
  if (refusal) return *refusal;
  if (!reenroll && peer.device->status == store::DeviceStatus::voucher_requested)
    return Answer::refuse(403, "device " + peer.serial + " has not obtained a voucher through this registrar");

  if (request.body.size() > settings_.max_csr_size) return Answer::refuse(413, "CSR body too large");
  auto der = decode_base64_body(request.body);
  if (!der) return Answer::refuse(400, "CSR body: " + der.error().message);
  auto csr = pki::parse_csr(*der);
  if (!csr) {
    if (csr.error().kind == ErrorKind::verification)
      return Answer::refuse(400, "CSR signature does not verify with its public key (no proof of possession)");
    return Answer::refuse(400, "malformed CSR: " + csr.error().message);
  }
  EVP_PKEY* key = X509_REQ_get0_pubkey(csr->get());
  if (key == nullptr) return Answer::refuse(400, "malformed CSR: no public key");
  const X509_NAME* subject = X509_REQ_get_subject_name(csr->get());
  const X509* presented = peer.certificate.get();

  if (reenroll) {
    if (X509_NAME_cmp(subject, X509_get_subject_name(presented)) != 0) {
      return Answer::refuse(400, "CSR subject \"" + pki::name_to_string(subject) + "\" does not match the LDevID subject \"" +
                                     pki::name_to_string(X509_get_subject_name(presented)) + "\"");
    }
  } else {
    if (pki::same_public_key(key, X509_get0_pubkey(presented)))
      return Answer::refuse(400, "CSR key is the IDevID's key: the LDevID needs a key of its own");
    bool present = false;
    std::string serial = serial_number_of(subject, present);
    if (!present) return Answer::refuse(400, "CSR subject has no serialNumber (expected IDevID serial \"" + peer.serial + "\")");
    if (serial != peer.serial) {
      return Answer::refuse(400, "CSR subject serialNumber \"" + serial + "\" does not match IDevID serial \"" + peer.serial + "\"");
    }
  }

  const pki::IssuingCa& ca = *settings_.domain_ca;
  pki::CertificateSpec spec;
  spec.subject.reset(X509_NAME_dup(subject));
  if (!spec.subject) return Answer::refuse(500, "cannot copy the CSR subject");
  spec.public_key = key;
  auto serial = pki::random_serial();
  if (!serial) return Answer::refuse(500, serial.error().message);
  spec.serial = std::move(serial).value();
  spec.not_before = at - 60;  // a device clock slightly behind still accepts it
  spec.not_after = at + settings_.ldevid_validity;
  if (core::UnixTime ca_end = not_after_of(ca.cert.get()); ca_end != 0 && spec.not_after > ca_end) spec.not_after = ca_end;
  auto extensions = pki::profile_extensions(pki::Profile::client, key, {});
  if (!extensions) return Answer::refuse(400, "cannot issue for this CSR key: " + extensions.error().message);
  spec.extensions = std::move(extensions).value();
  const core::UnixTime not_after = spec.not_after;
  auto ldevid = pki::issue_certificate(std::move(spec), ca.cert.get(), *ca.signer);
  if (!ldevid) return Answer::refuse(500, "cannot issue the LDevID: " + ldevid.error().message);

  store::LdevidRecord record;
  record.serial = peer.serial;
  record.cert_serial_hex = core::to_hex(pki::certificate_serial(ldevid->get()));
  record.sha256 = brski::certificate_sha256_hex(ldevid->get());
  record.subject = pki::name_to_string(X509_get_subject_name(ldevid->get()));
  record.not_after = not_after;
  record.issued_at = at;
  if (auto s = store_.enrolled(record, at); !s) return Answer::refuse(500, "registrar store: " + s.error().message);

  auto body = encode_certs_only({ldevid->get()});
  if (!body) return Answer::refuse(500, body.error().message);
  Answer a = Answer::success(kCertsOnlyMediaType, std::move(body).value());
  a.headers.emplace_back("Content-Transfer-Encoding", "base64");
  return a;
}

}  // namespace iotonb::protocol::est
