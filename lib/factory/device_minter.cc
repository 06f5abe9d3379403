#include "factory/device_minter.h"

#include "core/encoding.h"
#include "core/files.h"
#include "core/ossl.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/idevid.h"
#include "pki/key.h"
#include "pki/serial.h"

namespace iotonb::factory {
namespace {

std::string subject_serial(const X509* cert) {
  const X509_NAME* name = X509_get_subject_name(cert);
  const int index = X509_NAME_get_index_by_NID(name, NID_serialNumber, -1);
  if (index < 0) return {};
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
}

// The certificate serial as pki::certificate_serial reads it back: the magnitude, no
// leading zero octets.
std::string serial_hex(ByteView serial) {
  while (!serial.empty() && serial.front() == 0) serial = serial.subspan(1);
  return core::to_hex(serial);
}

// The ledger record and the caller's result for a device whose folder is complete.
MintedDevice minted_device(const DeviceRow& row, std::string cert_serial_hex, std::string fingerprint_sha256,
                           const DeviceFiles& files, bool minted) {
  MintedDevice out;
  out.minted = minted;
  out.record.device_serial = row.serial;
  out.record.cert_serial_hex = std::move(cert_serial_hex);
  out.record.fingerprint_sha256 = std::move(fingerprint_sha256);
  out.record.device_dir = files.dir;
  out.record.issued_at = core::now();
  out.result = {row.serial, out.record.cert_serial_hex, out.record.fingerprint_sha256, files.dir,
                files.cert_path,  files.key_path,            files.chain_path};
  return out;
}

}  // namespace

DeviceMinter::DeviceMinter(const BatchOptions& options, const pki::IssuingCa& ca, const std::string& chain_pem)
    : options_(options), ca_(ca), chain_pem_(chain_pem), keygen_(options.key_type) {}

std::string DeviceMinter::fingerprint(ByteView der) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(der.data(), der.size(), digest, &len, core::fetched_digest(EVP_sha256()), nullptr);
  return core::to_hex(ByteView(digest, len));
}

Result<DeviceKey> DeviceMinter::device_key(const DeviceRow& row) {
  if (row.csr_path.empty()) return keygen_.generate();
  // Validated before the batch started; read again here (checking the proof of possession
  // again) because a million CSRs are not kept in memory between the two passes.
  IOTONB_ASSIGN_OR_RETURN(auto csr, pki::read_csr(row.csr_path));
  EVP_PKEY* key = X509_REQ_get0_pubkey(csr.get());
  if (key == nullptr) return input_error(row.csr_path + ": unreadable public key");
  DeviceKey out;
  IOTONB_ASSIGN_OR_RETURN(out.public_key_der, pki::public_key_to_der(key));
  return out;
}

Result<PreparedDevice> DeviceMinter::prepare(const DeviceRow& row) {
  pki::IdevidRequest request = device_request(row, options_.defaults);
  if (!issuer_) {
    IOTONB_ASSIGN_OR_RETURN(pki::IdevidIssuer issuer, pki::IdevidIssuer::create(options_.defaults, ca_));
    issuer_.emplace(std::move(issuer));
  }
  IOTONB_ASSIGN_OR_RETURN(DeviceKey key, device_key(row));
  PreparedDevice out{std::move(key), {}, {}, {}};
  if (!request.cert_serial.empty()) {
    // One device with the serial its maker chose (`idevid mint --serial S --cert-serial HEX`).
  } else if (options_.cert_serial_seed.empty()) {
    IOTONB_ASSIGN_OR_RETURN(request.cert_serial, pki::random_serial());
  } else {
    request.cert_serial = pki::derived_serial(options_.cert_serial_seed, row.serial);
  }
  auto der = issuer_->issue(request, out.key.public_key_der);
  if (!der) return der.error().context("device " + row.serial);
  out.cert_pem = core::to_pem("CERTIFICATE", *der);
  out.cert_serial_hex = serial_hex(request.cert_serial);
  out.fingerprint_sha256 = fingerprint(*der);
  return out;
}

Result<MintedDevice> DeviceMinter::write(const DeviceRow& row, const PreparedDevice& device) {
  if (!folders_) {
    IOTONB_ASSIGN_OR_RETURN(DeviceFolderWriter folders, DeviceFolderWriter::open(options_.out_dir));
    folders_.emplace(std::move(folders));
  }
  IOTONB_ASSIGN_OR_RETURN(DeviceFiles files,
                          folders_->write(row.serial, device.cert_pem, device.key.private_key_pem, chain_pem_));
  return minted_device(row, device.cert_serial_hex, device.fingerprint_sha256, files, true);
}

Result<MintedDevice> DeviceMinter::recover(const DeviceRow& row) {
  const std::string dir = options_.out_dir + "/" + row.serial;
  DeviceFiles files = device_files(options_.out_dir, row.serial, core::path_exists(dir + "/" + kKeyFile));
  const std::string hint = " (move the folder away to mint this device again)";
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(files.cert_path));
  auto cert = pki::parse_certificate(data);
  if (!cert) return input_error(files.cert_path + ": " + cert.error().message + hint);
  if (X509_check_issued(ca_.cert.get(), cert->get()) != X509_V_OK ||
      X509_verify(cert->get(), X509_get0_pubkey(ca_.cert.get())) != 1) {
    core::openssl_errors();
    return input_error(files.cert_path + ": not issued by this batch's CA" + hint);
  }
  if (subject_serial(cert->get()) != row.serial)
    return input_error(files.cert_path + ": its subject serialNumber is not " + row.serial + hint);

  return minted_device(row, core::to_hex(pki::certificate_serial(cert->get())),
                       fingerprint(pki::certificate_der(cert->get())), files, false);
}

}  // namespace iotonb::factory
