// Fuzzes the attestation token decoder (lib/artifact/eat/token.h) and everything that reads a
// decoded token: claims that decode pass the type checks and survive an encode/decode round
// trip, describing, diagnostic notation, verification (which must fail: the key is random)
// and appraisal run without crashing, and a failed signature is always contraindicated.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "artifact/eat/appraise.h"
#include "artifact/eat/claims_check.h"
#include "artifact/eat/describe.h"
#include "artifact/eat/token.h"
#include "pki/key.h"
#include "fuzz_require.h"

namespace eat = iotonb::artifact::eat;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const iotonb::core::EvpPkeyPtr kKey = std::move(iotonb::pki::generate_key(iotonb::pki::KeyType::p256).value());
  static const eat::Policy kPolicy = [] {
    eat::Policy p;
    p.hwmodel = iotonb::Bytes{1, 2};
    p.swversions = {"1.0"};
    p.measurements = {iotonb::Bytes(32, 0xaa)};
    p.measurement_names = {"firmware"};
    p.require_debug_disabled = p.require_oemboot = true;
    p.max_age = 300;
    return p;
  }();
  auto bytes = eat::token_bytes(iotonb::ByteView(data, size));
  if (!bytes) return 0;
  auto token = eat::decode_token(*bytes);
  if (!token) return 0;
  if (!token->claims_error) {
    require(eat::check_claims(token->claims).ok());
    auto again = iotonb::core::cbor::decode(iotonb::core::cbor::encode(token->claims), eat::token_limits());
    require(again.ok() && *again == token->claims);
    (void)eat::appraise_claims(token->claims, kPolicy, 1795773600);
  }
  (void)eat::describe_token(*token).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  (void)eat::token_diagnostic(*token);
  eat::VerifyOptions opts;
  opts.keys = {kKey.get()};
  opts.nonce = iotonb::Bytes(8, 0);
  const eat::Verification v = eat::verify_token(std::move(*token), opts);
  require(!v.ok());
  require(eat::appraise(v, kPolicy, 1795773600).verdict == eat::Verdict::contraindicated);
  return 0;
}
