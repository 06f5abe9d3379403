// Attestation token throughput (issue 6), next to the raw P-256 ECDSA verify rate measured in
// the same run. Not a test: nothing here asserts on time.
//
//   attest_bench [--seconds S] [--references N]     (defaults: 2 s per figure, 100 references)
//
// A token verification is what `attest verify --key` does after reading the file:
// decode_token() on the octets (COSE_Sign1 and claims, with the hostile-input limits), then
// verify_token() with the known ES256 key, the nonce and the verification time (signature,
// nonce, iat/nbf/exp). The token is evidence as `attest evidence` makes it: ueid, hwmodel,
// swname, swversion, dbgstat, oemboot, nonce, iat and two digest measurements.
//
// The bound is one raw verification per token: OpenSSL at its best (one context reused,
// EVP_PKEY_verify over a precomputed SHA-256 digest, as `openssl speed ecdsap256`). The two
// figures are measured in alternating 50 ms slices, so the ratio holds on a machine whose
// load changes during the run. Target (issue 6): at least 80% of the bound.
//
// Appraisals: appraise_claims() of the decoded claims against a policy whose reference list
// holds N measurement digests and N software versions (the registrar's per-device work after
// verification), and the whole decode + verify + appraise path.
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>

#include "artifact/eat/appraise.h"
#include "artifact/eat/claims_file.h"
#include "artifact/eat/token.h"
#include "artifact/eat/verify.h"
#include "bench/bench_util.h"
#include "core/encoding.h"
#include "core/time.h"
#include "pki/key.h"

namespace {

using namespace iotonb;
namespace eat = iotonb::artifact::eat;
using bench::must;
using bench::paired_rates;
using bench::rate;

// A digest that differs per index, as a reference list of firmware builds would.
Bytes digest_of(int i) {
  Bytes d(SHA256_DIGEST_LENGTH);
  const std::string text = "firmware build " + std::to_string(i);
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), d.data());
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 2.0;
  int references = 100;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (std::strcmp(argv[i], "--references") == 0 && i + 1 < argc) {
      references = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "usage: attest_bench [--seconds S] [--references N]\n");
      return 2;
    }
  }
  if (references < 2) references = 2;

  auto key = must(pki::generate_key(pki::KeyType::p256), "key");
  auto signer = pki::memory_signer([&] { EVP_PKEY_up_ref(key.get()); return core::EvpPkeyPtr(key.get()); }(), "memory:device");
  const core::UnixTime now = core::now();
  const Bytes nonce = must(core::from_hex("00112233445566778899aabbccddeeff"), "nonce");
  // The device runs the newest build; its config digest is the second-newest entry.
  const std::string claims_yaml =
      "ueid: hex:01abababababababababababababababababababababababababababababababab\nhwmodel: hex:0102\n"
      "swname: bench-os\nswversion: \"1." + std::to_string(references - 1) + "\"\ndbgstat: disabled-permanently\n"
      "oemboot: true\nnonce: 00112233445566778899aabbccddeeff\niat: " + std::to_string(now) + "\n"
      "measurements:\n  - {name: firmware, digest: " + core::to_hex(digest_of(references - 1)) + "}\n"
      "  - {name: config, digest: " + core::to_hex(digest_of(references - 2)) + "}\n";
  const Bytes token = must(eat::create_token(must(eat::read_claims(claims_yaml), "claims"), *signer, {}), "token");

  // The key as `attest verify --key device.pub` has it: the public key alone, read from its
  // SubjectPublicKeyInfo (a verifier never holds the device's key pair).
  auto device_public = must(pki::parse_public_key(must(pki::public_key_to_der(key.get()), "public key")), "public key");
  eat::VerifyOptions opts;
  opts.keys = {device_public.get()};
  opts.at = now;
  opts.nonce = nonce;
  auto verify_op = [&] {
    auto decoded = eat::decode_token(token);
    return decoded.ok() && eat::verify_token(std::move(*decoded), opts).ok();
  };

  eat::Policy policy;
  policy.hwmodel = Bytes{0x01, 0x02};
  for (int i = 0; i < references; ++i) {
    policy.measurements.push_back(digest_of(i));
    policy.measurement_names.push_back("build " + std::to_string(i));
    policy.swversions.push_back("1." + std::to_string(i));
  }
  policy.sort_measurements();
  policy.require_debug_disabled = policy.require_oemboot = true;
  policy.max_age = 300;
  const eat::Token decoded = must(eat::decode_token(token), "decode");
  auto appraise_op = [&] { return eat::appraise_claims(decoded.claims, policy, now).verdict == eat::Verdict::affirming; };
  auto full_op = [&] {
    auto v = eat::verify_token(token, opts);
    return v.ok() && eat::appraise(*v, policy, now).verdict == eat::Verdict::affirming;
  };

  // The bound: raw ES256 verification with the token's key (bench_util.h).
  bench::RawEcdsa raw_ecdsa(key.get());
  auto raw_verify_op = [&] { return raw_ecdsa.verify(); };

  auto [tokens, raw] = paired_rates(verify_op, raw_verify_op, seconds);
  std::printf("%-48s %9.0f /s   (measured alongside, the bound)\n", "raw P-256 ECDSA verify", raw);
  std::printf("%-48s %9.0f /s   %5.1f%% of raw (target >= 80%%)\n", "verify an ES256 token (known key)", tokens,
              100.0 * tokens / raw);
  char what[96];
  std::snprintf(what, sizeof what, "appraise claims, %d-entry reference list", references);
  std::printf("%-48s %9.0f /s\n", what, rate(appraise_op, seconds));
  std::printf("%-48s %9.0f /s\n", "decode + verify + appraise", rate(full_op, seconds));
  std::printf("  (token: %zu octets, %zu claims, 2 digest measurements)\n", token.size(), decoded.claims.as_map().size());
  return 0;
}
