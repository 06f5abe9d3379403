// The device side of attestation, so a test rig can stand in for a real device: a device
// description names the files whose SHA-256 the device measures (its firmware, its
// configuration) and the claims it states about itself; evidence is those claims, the
// measurements (RFC 9711 4.2.16, as artifact/eat/claims.h writes digests), the verifier's
// nonce (4.1) and the time of issue, signed as a token (its IDevID key at onboarding).
//
// Device description (YAML or JSON):
//   claims:                 static claims, in the claims-file syntax (claims_file.h)
//     hwmodel: hex:..
//     swversion: 1.4.2
//     dbgstat: disabled-permanently
//   measure:                files to hash, relative to the description's folder
//     - {name: firmware, file: firmware.bin}
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "artifact/eat/token.h"
#include "core/time.h"

namespace iotonb::artifact::eat {

inline constexpr std::size_t kMaxDeviceFiles = 256;
inline constexpr std::size_t kMinNonceSize = 8, kMaxNonceSize = 64;  // RFC 9711 4.1

struct MeasuredFile {
  std::string name;
  std::string file;  // as written; relative paths are taken from the description's folder
};

struct DeviceDescription {
  core::cbor::Value claims;  // a map
  std::vector<MeasuredFile> measure;
};

struct Measurement {
  std::string name;
  Bytes sha256;
};

Result<DeviceDescription> read_device_description(std::string_view text);

// A nonce of RFC 9711's 8..64 octets, or a usage error naming option.
Status check_nonce_size(ByteView nonce, const std::string& option);

// SHA-256 of a file of any size, streamed; errors name the file.
Result<Bytes> sha256_file(const std::string& path);
// Hashes every file the description lists (relative paths from base_dir).
Result<std::vector<Measurement>> measure_files(const DeviceDescription& device, const std::string& base_dir);

// The evidence claims (pure): the static claims with nonce, iat and the measurements appended
// to any static measurements. A static nonce or iat is replaced.
Result<core::cbor::Value> evidence_claims(const DeviceDescription& device, const std::vector<Measurement>& measured,
                                          ByteView nonce, core::UnixTime now);

// All of the above for a device description file (`-`: stdin, whose relative paths are taken
// from the working folder): the evidence claims, errors naming the file.
Result<core::cbor::Value> evidence_claims_from_file(const std::string& path, ByteView nonce, core::UnixTime now);

}  // namespace iotonb::artifact::eat
