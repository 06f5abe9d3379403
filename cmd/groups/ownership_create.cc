// iotonb ownership voucher create: the manufacturing step, offline. One device (from its
// minted folder or a PEM chain) or, with --batch, every device folder of a batch through
// lib/factory/ownership_batch.h.
#include <openssl/crypto.h>

#include <filesystem>

#include "artifact/fdo/describe.h"
#include "artifact/fdo/make.h"
#include "artifact/fdo/rendezvous.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/files.h"
#include "factory/ownership_batch.h"
#include "groups/ownership_verbs.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::cli::groups::ownership {
namespace {

namespace fdo = artifact::fdo;

// --manufacturer-key: only the public half is used, so a certificate or public key will do; a
// private key (KEYREF) is read as well, with its password when it is encrypted.
Result<core::EvpPkeyPtr> manufacturer_public_key(const CreateOptions& o) {
  const std::string file = o.manufacturer_key.rfind("file:", 0) == 0 ? o.manufacturer_key.substr(5) : o.manufacturer_key;
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(file, 1 << 20));
  const bool encrypted = pki::is_encrypted_private_key(data);
  OPENSSL_cleanse(data.data(), data.size());
  if (!encrypted) return read_public_key(o.manufacturer_key, "--manufacturer-key");
  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD",
                                                               o.manufacturer_key, "Manufacturer key password"));
  IOTONB_ASSIGN_OR_RETURN(Bytes again, core::read_input(file, 1 << 20));
  auto key = pki::parse_private_key(again, password ? &*password : nullptr);
  OPENSSL_cleanse(again.data(), again.size());
  if (!key) return key.error().context(file);
  return key;
}

// The X5CHAIN certificates: --manufacturer-cert, or the certificates --manufacturer-key names.
Result<std::vector<core::X509Ptr>> manufacturer_chain(const CreateOptions& o, std::int64_t encoding) {
  if (encoding != fdo::pk_encoding::x5chain) {
    if (!o.manufacturer_cert.empty()) return usage_error("--manufacturer-cert goes with --key-encoding x5chain");
    return std::vector<core::X509Ptr>{};
  }
  if (!o.manufacturer_cert.empty()) return pki::read_certificates(o.manufacturer_cert);
  auto certs = certificates_in(o.manufacturer_key);
  if (certs.empty())
    return usage_error("--key-encoding x5chain needs the manufacturer's certificate: give --manufacturer-cert CERT");
  return certs;
}

Result<Bytes> parse_guid(const std::string& text) {
  std::string hex;
  for (char c : text)
    if (c != '-') hex += c;
  auto guid = core::from_hex(hex);
  if (!guid) return usage_error("--guid: not hex: " + guid.error().message);
  if (guid->size() != fdo::kGuidSize)
    return usage_error("--guid: a GUID is 16 octets (32 hex digits), not " + std::to_string(guid->size()));
  return guid;
}

Status check_mode(const CreateOptions& o) {
  if (o.rv.empty()) return usage_error("give at least one --rv URL (where the device looks for its owner)");
  if (!o.batch.empty()) {
    if (o.out_dir.empty()) return usage_error("--batch needs --out-dir");
    const std::pair<bool, const char*> one_device_only[] = {
        {!o.idevid.empty(), "--idevid"}, {!o.device_chain.empty(), "--device-chain"},
        {!o.device_info.empty(), "--device-info"}, {!o.guid.empty(), "--guid"},
        {!o.out.empty(), "--out"}, {!o.credential_out.empty(), "--credential-out"}};
    for (const auto& [set, name] : one_device_only)
      if (set)
        return usage_error(std::string(name) + " is for one device; --batch takes each device's own (outputs in --out-dir)");
    return {};
  }
  // --jobs alone is harmless (IOTONB_JOBS may be set for 'idevid mint'); an output folder is not.
  if (!o.out_dir.empty()) return usage_error("--out-dir (or IOTONB_OUT_DIR) goes with --batch");
  if (!o.idevid.empty() && !o.device_chain.empty()) return usage_error("--idevid and --device-chain contradict each other");
  if (o.idevid.empty() && o.device_chain.empty() && o.device_info.empty())
    return usage_error("give --idevid DIR or --device-chain PEM (or --device-info for a voucher without a device chain)");
  if (o.credential_out.empty())
    return usage_error("--credential-out FILE is required: the device credential holds the device's secret");
  if (o.credential_out == "-")
    return usage_error("--credential-out: the device credential holds a secret and is never written to stdout");
  if (o.credential_out == o.out) return usage_error("--out and --credential-out name the same file");
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.credential_out, o.force));
  return {};
}

Status run_batch(const CreateOptions& o, Context& ctx, core::EvpPkeyPtr key, std::int64_t encoding,
                 std::vector<core::X509Ptr> chain, core::cbor::Value rv) {
  factory::ManufactureBatchOptions bo;
  bo.devices_dir = o.batch;
  bo.out_dir = o.out_dir;
  bo.manufacturer_key = key.get();
  bo.key_encoding = encoding;
  bo.manufacturer_chain = std::move(chain);
  bo.rv_info = std::move(rv);
  bo.overwrite = o.force;
  bo.jobs = o.jobs;
  IOTONB_ASSIGN_OR_RETURN(factory::BatchReport report, factory::manufacture_batch(bo));
  for (const auto& f : report.failures) *ctx.err << "iotonb: " << f.error.message << '\n';
  ctx.info("manufactured " + std::to_string(report.vouchers) + " vouchers for " + std::to_string(report.items) +
           " devices of " + o.batch + " into " + o.out_dir + " (<serial>.ov, <serial>.dc)" +
           (report.failures.empty() ? "" : ", " + std::to_string(report.failures.size()) + " failed"));
  if (!report.ok())
    return verify_error(std::to_string(report.failures.size()) + " of " + std::to_string(report.items) +
                        " devices failed (listed above); the others were written");
  return {};
}

}  // namespace

Status run_create(const CreateOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(check_mode(o));
  IOTONB_ASSIGN_OR_RETURN(std::int64_t encoding, parse_key_encoding(o.key_encoding));
  IOTONB_ASSIGN_OR_RETURN(core::cbor::Value rv, fdo::rendezvous_from_urls(o.rv));
  IOTONB_ASSIGN_OR_RETURN(core::EvpPkeyPtr key, manufacturer_public_key(o));
  IOTONB_ASSIGN_OR_RETURN(auto chain, manufacturer_chain(o, encoding));
  if (!o.batch.empty()) return run_batch(o, ctx, std::move(key), encoding, std::move(chain), std::move(rv));

  fdo::ManufactureOptions mo;
  mo.manufacturer_key = key.get();
  mo.key_encoding = encoding;
  mo.manufacturer_chain = std::move(chain);
  mo.rv_info = std::move(rv);
  if (!o.guid.empty()) {
    IOTONB_ASSIGN_OR_RETURN(mo.guid, parse_guid(o.guid));
  }
  core::X509Ptr leaf;
  if (!o.idevid.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto identity, factory::read_device_identity(o.idevid));
    leaf = std::move(identity.idevid);
    mo.device_chain = std::move(identity.chain);
  } else if (!o.device_chain.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(o.device_chain));
    for (const auto& c : certs) mo.device_chain.push_back(pki::certificate_der(c.get()));
    leaf = std::move(certs.front());
  }
  if (!o.device_info.empty()) {
    mo.device_info = o.device_info;
  } else {
    auto info = factory::default_device_info(leaf.get());
    if (!info) return info.error().context(o.idevid.empty() ? o.device_chain : o.idevid);
    mo.device_info = std::move(*info);
  }
  IOTONB_ASSIGN_OR_RETURN(fdo::Manufactured made, fdo::manufacture(mo));

  // The credential first: a voucher is never handed out without its device's credential.
  SecretBytes credential = fdo::encode_credential(made.credential);
  IOTONB_RETURN_IF_ERROR(write_result(o.credential_out, credential.view(), o.force, 0600));
  if (Status s = write_result(o.out, fdo::voucher_pem(made.voucher), o.force); !s) {
    std::error_code ec;
    std::filesystem::remove(o.credential_out, ec);
    return s;
  }
  ctx.info("manufactured the voucher for \"" + mo.device_info + "\" (GUID " + fdo::guid_text(made.voucher.header.guid) +
           ")" + (o.out.empty() || o.out == "-" ? "" : " into " + o.out) + "; device credential in " + o.credential_out);
  return {};
}

}  // namespace iotonb::cli::groups::ownership
