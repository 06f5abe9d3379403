// Helpers shared by the lib/artifact/eat tests: signing keys, tokens over arbitrary payload
// bytes (for payloads iotonb itself would never make), and the public vectors.
#pragma once

#include <string>

#include "artifact/eat/claims_file.h"
#include "artifact/eat/token.h"
#include "artifact/eat/verify.h"
#include "core/encoding.h"
#include "envelope/cose.h"
#include "pki/pki_test_util.h"

namespace iotonb::test {

inline Bytes hex(std::string_view h) { return must(core::from_hex(h), "hex"); }

struct TokenKey {
  core::EvpPkeyPtr key;
  std::unique_ptr<pki::Signer> signer;
  explicit TokenKey(pki::KeyType type = pki::KeyType::p256)
      : key(new_key(type)), signer(pki::memory_signer(share(key.get()), "memory:device")) {}
};

// A COSE_Sign1 over payload as it is (not re-encoded).
inline Bytes sign_payload(ByteView payload, const TokenKey& k) {
  return must(envelope::cose::sign1(payload, *k.signer, {}), "sign1");
}

inline core::cbor::Value claims_from(std::string_view yaml) { return must(artifact::eat::read_claims(yaml), "claims"); }

inline Bytes make_token(std::string_view yaml, const TokenKey& k, artifact::eat::CreateOptions opts = {}) {
  return must(artifact::eat::create_token(claims_from(yaml), *k.signer, opts), "create_token");
}

inline artifact::eat::VerifyOptions with_key(const TokenKey& k, core::UnixTime when = 1795773600 /* 2026-11-27T10:00:00Z */) {
  artifact::eat::VerifyOptions o;
  o.keys = {k.key.get()};
  o.at = when;
  return o;
}

inline const artifact::Check& check_named(const artifact::eat::Verification& v, std::string_view name) {
  const artifact::Check* c = v.find(name);
  if (!c) throw std::runtime_error("no check " + std::string(name));
  return *c;
}

}  // namespace iotonb::test
