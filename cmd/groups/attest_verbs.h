// The attestation verbs (iotonb attest create | verify | inspect | appraise | evidence): their
// options and what runs them. The options and help texts are in attest.cc, token making
// (create, evidence) in attest_make.cc, reading tokens (verify, inspect, appraise) in
// attest_verbs.cc; the work itself is lib/artifact/eat.
#pragma once

#include <string>
#include <vector>

#include "cli/context.h"
#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::cli::groups::attest {

// What create and evidence share: the signing key and header, the output form.
struct SignOptions {
  std::string key;
  std::string key_password_file;
  std::string cert;  // x5chain, PEM, leaf first
  std::string kid;
  std::string nonce;
  std::string format;  // cbor | hex | base64
  std::string out;
  bool force = false;
};

struct CreateOptions {
  std::string claims;
  std::string profile;  // eat | psa2
  SignOptions sign;
};

struct EvidenceOptions {
  std::string device;
  std::string now;
  SignOptions sign;
};

// What verify and appraise share: the token and how to trust its signer.
struct CheckOptions {
  std::string file;
  std::vector<std::string> keys;
  std::vector<std::string> trust;
  std::string nonce;
  std::string at;
  std::string format;
};

struct AppraiseOptions {
  CheckOptions check;
  std::string policy;
};

struct InspectOptions {
  std::vector<std::string> files;
  std::string format;
};

Status run_create(const CreateOptions& o, Context& ctx);
Status run_evidence(const EvidenceOptions& o, Context& ctx);
Status run_verify(const CheckOptions& o, Context& ctx);
Status run_inspect(const InspectOptions& o, Context& ctx);
Status run_appraise(const AppraiseOptions& o, Context& ctx);

// --nonce: binary text as claims files write it, 8..64 octets.
Result<Bytes> parse_nonce(const std::string& text);

}  // namespace iotonb::cli::groups::attest
