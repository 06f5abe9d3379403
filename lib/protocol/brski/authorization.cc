#include "protocol/brski/authorization.h"

#include "artifact/voucher_inputs.h"
#include "core/encoding.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "pki/verify.h"

namespace iotonb::protocol::brski {
namespace {

core::X509Ptr share(const X509* cert) {
  X509_up_ref(const_cast<X509*>(cert));
  return core::X509Ptr(const_cast<X509*>(cert));
}

std::optional<Answer> check_device_status(const store::DeviceRecord& d) {
  if (d.status == store::DeviceStatus::revoked || d.status == store::DeviceStatus::quarantined) {
    std::string m = "device " + d.serial + " is " + std::string(store::device_status_name(d.status));
    if (!d.status_reason.empty()) m += " (" + d.status_reason + ")";
    return Answer::refuse(403, m);
  }
  return std::nullopt;
}

// The TLS client's certificate (peer's first) verified to `trust` at `at`, the rest of peer as
// intermediates; `kind` ("IDevID") and `what` ("an IDevID from a trusted manufacturer") word
// the refusals.
std::optional<Answer> verify_client(const std::vector<const X509*>& peer, const std::vector<const X509*>& trust,
                                    core::UnixTime at, const std::string& kind, const std::string& what) {
  if (peer.empty() || peer.front() == nullptr)
    return Answer::refuse(401, "no client certificate: present the device's " + kind);
  const X509* leaf = peer.front();
  pki::ChainCheck check;
  check.trust = trust;
  check.untrusted.assign(peer.begin() + 1, peer.end());
  check.at = at;
  auto chain = pki::verify_chain(leaf, check);
  if (!chain) {
    return Answer::refuse(403, "client certificate " + pki::name_to_string(X509_get_subject_name(leaf)) + " is not " +
                                   what + ": " + chain.error().message);
  }
  return std::nullopt;
}

}  // namespace

std::string certificate_sha256_hex(const X509* cert) { return core::to_hex(pki::certificate_fingerprint(cert, EVP_sha256())); }

std::optional<Answer> authorize_idevid(const std::vector<const X509*>& peer, const std::vector<const X509*>& manufacturer_trust,
                                       store::RegistrarStore& store, core::UnixTime at, bool need_device, AuthorizedPeer& out) {
  if (auto refusal = verify_client(peer, manufacturer_trust, at, "IDevID", "an IDevID from a trusted manufacturer"))
    return refusal;
  const X509* leaf = peer.front();
  auto serial = artifact::idevid_serial_number(leaf);
  if (!serial || serial->empty()) return Answer::refuse(403, "the IDevID has no subject serialNumber");
  out.certificate = share(leaf);
  out.serial = *serial;
  out.sha256 = certificate_sha256_hex(leaf);
  auto device = store.device(out.serial);
  if (!device) return Answer::refuse(500, "registrar store: " + device.error().message);
  out.device = std::move(device).value();
  if (!need_device) return std::nullopt;
  if (!out.device) return Answer::refuse(403, "device " + out.serial + " has not obtained a voucher through this registrar");
  if (out.device->idevid_sha256 != out.sha256)
    return Answer::refuse(403, "the IDevID presented is not the one device " + out.serial + " onboarded with");
  return check_device_status(*out.device);
}

std::optional<Answer> authorize_ldevid(const std::vector<const X509*>& peer, const std::vector<const X509*>& domain_trust,
                                       store::RegistrarStore& store, core::UnixTime at, AuthorizedPeer& out) {
  if (auto refusal = verify_client(peer, domain_trust, at, "LDevID", "an LDevID of this domain")) return refusal;
  const X509* leaf = peer.front();
  out.certificate = share(leaf);
  out.sha256 = certificate_sha256_hex(leaf);
  auto ldevid = store.ldevid_by_sha256(out.sha256);
  if (!ldevid) return Answer::refuse(500, "registrar store: " + ldevid.error().message);
  if (!*ldevid) return Answer::refuse(403, "the LDevID presented was not issued by this registrar");
  out.ldevid = std::move(ldevid).value();
  out.serial = out.ldevid->serial;
  if (out.ldevid->status != store::LdevidStatus::active)
    return Answer::refuse(403, "the LDevID presented (serial " + out.ldevid->cert_serial_hex + ") is " +
                                   std::string(store::ldevid_status_name(out.ldevid->status)));
  auto device = store.device(out.serial);
  if (!device) return Answer::refuse(500, "registrar store: " + device.error().message);
  if (!*device) return Answer::refuse(403, "no device record for serial " + out.serial);
  out.device = std::move(device).value();
  return check_device_status(*out.device);
}

}  // namespace iotonb::protocol::brski
