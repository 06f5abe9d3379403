// The voucher and voucher-request verbs (iotonb voucher ..., iotonb voucher request ...):
// their options and what runs them. The two kinds share every verb; `kind` says which one
// the command line names, and the verbs refuse a file of the other kind.
#pragma once

#include <string>
#include <vector>

#include "artifact/voucher.h"
#include "cli/context.h"
#include "core/result.h"

namespace iotonb::cli::groups::voucher {

struct CreateOptions {
  artifact::VoucherKind kind = artifact::VoucherKind::voucher;
  std::string file;  // JSON or YAML leaves, overridden by the flags below
  std::string serial;
  std::string assertion;
  std::string nonce;
  std::string created_on;
  std::string expires;
  std::string last_renewal_date;
  std::string pinned_domain_cert;
  std::string pinned_domain_pubk;
  std::string pinned_domain_pubk_sha256;
  std::string idevid;  // --idevid-issuer-from (voucher) / --idevid (request)
  std::string revocation_checks;
  std::string est_domain;
  std::string additional_configuration_url;
  std::string proximity_registrar_cert;  // request
  std::string prior_signed;              // request
  bool no_nonce = false;                 // request
  std::string format;
  std::string out;
  bool force = false;
};

struct SignOptions {
  artifact::VoucherKind kind = artifact::VoucherKind::voucher;
  std::string file;
  std::string key;
  std::string key_password_file;
  std::string cert;
  std::vector<std::string> chain;
  std::string form;
  std::string cms_content_type;
  std::string cose_header;
  std::string kid;
  std::string signing_time;
  std::string out;
  bool force = false;
};

struct VerifyOptions {
  artifact::VoucherKind kind = artifact::VoucherKind::voucher;
  std::string file;
  std::vector<std::string> trust;
  std::vector<std::string> untrusted;
  std::string at;
  std::string serial;
  std::string nonce;
  std::string domain_cert;
  std::string format;
};

struct InspectOptions {
  artifact::VoucherKind kind = artifact::VoucherKind::voucher;
  std::vector<std::string> files;
  std::string format;
};

Status run_create(const CreateOptions& o, Context& ctx);
Status run_sign(const SignOptions& o, Context& ctx);
Status run_verify(const VerifyOptions& o, Context& ctx);
Status run_inspect(const InspectOptions& o, Context& ctx);

}  // namespace iotonb::cli::groups::voucher
