// The FDO ownership verbs (iotonb ownership voucher create | transfer | verify | inspect |
// prove | check): their options, what runs them, and the input helpers they share. The
// options and help texts are in ownership.cc, manufacture in ownership_create.cc, transfer in
// ownership_transfer.cc, the others in ownership_verbs.cc.
#pragma once

#include <string>
#include <vector>

#include "artifact/fdo/credential.h"
#include "artifact/fdo/voucher.h"
#include "cli/context.h"
#include "core/ossl.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::cli::groups::ownership {

struct CreateOptions {
  std::string manufacturer_key;
  std::string key_password_file;
  std::string manufacturer_cert;
  std::string key_encoding;
  std::string idevid;        // a device folder
  std::string device_chain;  // PEM, leaf first
  std::string device_info;
  std::string guid;
  std::vector<std::string> rv;
  std::string out;
  std::string credential_out;
  bool force = false;
  std::string batch;  // DEVICES_DIR
  std::string out_dir;
  unsigned jobs = 0;
};

struct TransferOptions {
  std::string file;
  std::string owner_key;
  std::string key_password_file;
  std::string to;
  std::string key_encoding;
  std::string extra;
  std::string out;
  bool force = false;
  std::string batch;  // DIR of voucher files
  std::string out_dir;
  unsigned jobs = 0;
};

struct VerifyOptions {
  std::string file;
  std::string device_credential;
  std::string hmac_secret_file;
  std::string manufacturer;
  std::string owner;
  std::string at;
  std::string format;
};

struct InspectOptions {
  std::vector<std::string> files;
  std::string format;
};

struct ProveOptions {
  std::string voucher;
  std::string owner_key;
  std::string key_password_file;
  std::string nonce;
  std::string out;
  bool force = false;
};

struct CheckOptions {
  std::string device_credential;
  std::string voucher;
  std::string proof;
  std::string nonce;
  std::string at;
};

Status run_create(const CreateOptions& o, Context& ctx);
Status run_transfer(const TransferOptions& o, Context& ctx);
Status run_verify(const VerifyOptions& o, Context& ctx);
Status run_inspect(const InspectOptions& o, Context& ctx);
Status run_prove(const ProveOptions& o, Context& ctx);
Status run_check(const CheckOptions& o, Context& ctx);

// --- Shared input helpers (ownership_verbs.cc) ----------------------------------------------

// The vouchers of a file (PEM or raw CBOR), errors naming the file; pem says which it was.
Result<std::vector<artifact::fdo::OwnershipVoucher>> read_voucher_file(const std::string& path, bool* pem = nullptr);
// Exactly one voucher, for the verbs that act on one device.
Result<artifact::fdo::OwnershipVoucher> read_one_voucher(const std::string& path);
Result<artifact::fdo::DeviceCredential> read_credential_file(const std::string& path);
// The public key of a certificate, public key or (unencrypted) private key file.
Result<core::EvpPkeyPtr> read_public_key(const std::string& path, const std::string& option);
// The certificates of a file, or an empty list when it holds none (a key file).
std::vector<core::X509Ptr> certificates_in(const std::string& path);
// x509 | x5chain | cosekey as pk_encoding values.
Result<std::int64_t> parse_key_encoding(const std::string& name);
// 16 octets of hex (--nonce).
Result<Bytes> parse_nonce(const std::string& option, const std::string& hex);
Result<core::UnixTime> time_or_now(const std::string& option, const std::string& value);

}  // namespace iotonb::cli::groups::ownership
