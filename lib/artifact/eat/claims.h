// The claims of an Entity Attestation Token: one table naming every claim iotonb knows, with
// its integer label and the type of its value, so the claims-file reader, the describer and
// the appraiser agree on what a label means. Labels are those of RFC 8392 3.1.1 (CWT: iss 1 ..
// cti 7, cnf 8 from RFC 8747), RFC 9711 4 (EAT: nonce 10, ueid 256 .. intuse 275), the PSA
// attestation token profile 2 (draft-tschofenig-rats-psa-token: 2394..2400, instance-id in
// ueid 256) and the legacy PSA_IOT_PROFILE_1 (-75000..-75010). Labels of the EAT drafts
// before RFC 9711 (and of libraries such as ctoken that kept them) are deliberately absent:
// a claim under such a label is "unknown" and shown by its number, never written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/cbor.h"

namespace iotonb::artifact::eat {

// The shape a claim's value must have; the reader converts to it and the describer shows it.
enum class ValueKind {
  text,
  bytes,
  uint,
  integer,
  boolean,
  time,          // NumericDate (RFC 8392 2): seconds since the epoch
  version,       // [version: tstr, ? scheme: int] (RFC 9711 4.2.5, 4.2.7)
  dbgstat,       // 0..4 (RFC 9711 4.2.9)
  oemid,         // bstr (IEEE OUI/CID or random) or int (IANA PEN), RFC 9711 4.2.3
  measurements,  // [+ [content-type, content]] (RFC 9711 4.2.16)
  submods,       // {+ name => claims map or nested token} (RFC 9711 4.2.18)
  sw_components, // PSA [+ {1 type, 2 value, 4 version, 5 signer-id, 6 desc}]
  any,           // no constraint (cnf, location, dloas, manifests, ...)
};

struct ClaimInfo {
  std::string_view name;  // as written in claims files and shown by inspect
  std::int64_t label;
  ValueKind kind;
};

namespace label {
inline constexpr std::int64_t iss = 1, sub = 2, aud = 3, exp = 4, nbf = 5, iat = 6, cti = 7, cnf = 8;
inline constexpr std::int64_t nonce = 10, ueid = 256, sueids = 257, oemid = 258, hwmodel = 259, hwversion = 260,
                              uptime = 261, oemboot = 262, dbgstat = 263, location = 264, eat_profile = 265,
                              submods = 266, bootcount = 267, bootseed = 268, dloas = 269, swname = 270,
                              swversion = 271, manifests = 272, measurements = 273, measres = 274, intuse = 275;
inline constexpr std::int64_t psa_client_id = 2394, psa_lifecycle = 2395, psa_implementation_id = 2396,
                              psa_boot_seed = 2397, psa_certification_reference = 2398, psa_sw_components = 2399,
                              psa_verification_service = 2400;
inline constexpr std::int64_t psa1_profile = -75000, psa1_client_id = -75001, psa1_lifecycle = -75002,
                              psa1_implementation_id = -75003, psa1_boot_seed = -75004, psa1_hw_version = -75005,
                              psa1_sw_components = -75006, psa1_no_sw_measurements = -75007, psa1_nonce = -75008,
                              psa1_instance_id = -75009, psa1_verification_service = -75010;
}  // namespace label

// PSA software component map keys (profile 1 and 2 alike).
namespace sw_component {
inline constexpr std::int64_t type = 1, value = 2, version = 4, signer_id = 5, desc = 6;
}

inline constexpr std::string_view kPsa2Profile = "http://arm.com/psa/2.0.0";
inline constexpr std::string_view kPsa1Profile = "PSA_IOT_PROFILE_1";

// Measurements iotonb writes (RFC 9711 4.2.16 leaves the format to a CoAP content format; no
// registered format is "one digest"): content-type 65000, from the CoAP experimental range,
// whose content is the CBOR of a PSA-style software component map {1 name, 2 digest, 6 alg}.
// Other measurement formats are kept and shown as they are.
inline constexpr std::uint64_t kDigestMeasurementFormat = 65000;
// One such measurement: [65000, << {1: name (when not empty), 2: digest, 6: alg} >>].
core::cbor::Value digest_measurement(std::string_view name, ByteView digest, std::string_view alg = "sha-256");

// The claim with this name or label, or null.
const ClaimInfo* find_claim(std::string_view name);
const ClaimInfo* find_claim(std::int64_t label);
// The name of a claim key: the table's name, else the number ("-70000", "99").
std::string claim_name(const core::cbor::Value& key);

// dbgstat (RFC 9711 4.2.9): "enabled", "disabled", "disabled-since-boot",
// "disabled-permanently", "disabled-fully-and-permanently".
std::optional<std::string_view> dbgstat_name(std::uint64_t value);
std::optional<std::uint64_t> dbgstat_value(std::string_view name);

enum class Profile { eat, psa1, psa2 };
std::string_view profile_name(Profile p);  // "eat", "psa1", "psa2"
// PSA 2 by eat_profile, PSA 1 by any claim in -75000..-75010, else plain EAT.
Profile detect_profile(const core::cbor::Value& claims);

// A claim of a map, by label.
const core::cbor::Value* claim(const core::cbor::Value& claims, std::int64_t label);
// The token's nonce: claim 10, or -75008 in a PSA 1 token. A nonce array (RFC 9711 4.1 allows
// several) yields its first.
const core::cbor::Value* nonce_claim(const core::cbor::Value& claims);

}  // namespace iotonb::artifact::eat
