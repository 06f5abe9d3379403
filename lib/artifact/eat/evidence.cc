#include "artifact/eat/evidence.h"

#include <openssl/evp.h>

#include <filesystem>
#include <fstream>

#include "artifact/eat/claims_check.h"
#include "artifact/eat/claims_file.h"
#include "artifact/eat/yaml_value.h"
#include "core/files.h"
#include "core/ossl.h"

namespace iotonb::artifact::eat {

using core::cbor::Value;

Result<DeviceDescription> read_device_description(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(YAML::Node root, yaml::load(text, kMaxClaimsFileSize, kMaxClaimsDepth));
  if (!root.IsMap()) return input_error("the device description must be a map with claims: and measure:");
  DeviceDescription d;
  d.claims = Value::map({});
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    if (key == "claims") {
      IOTONB_ASSIGN_OR_RETURN(d.claims, read_claims(kv.second, "claims"));
    } else if (key == "measure") {
      const YAML::Node& list = kv.second;
      if (!list.IsSequence()) return input_error("measure: must be a list of {name, file}");
      if (list.size() > kMaxDeviceFiles) return input_error("measure: more than " + std::to_string(kMaxDeviceFiles) + " files");
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = "measure[" + std::to_string(i) + "]";
        const YAML::Node item = list[i];
        if (!item.IsMap() || !item["file"]) return input_error(at + ": must be {name, file}");
        MeasuredFile f;
        IOTONB_ASSIGN_OR_RETURN(f.file, yaml::text(item["file"], at + ".file"));
        if (item["name"]) {
          IOTONB_ASSIGN_OR_RETURN(f.name, yaml::text(item["name"], at + ".name"));
        }
        else f.name = std::filesystem::path(f.file).filename().string();
        d.measure.push_back(std::move(f));
      }
    } else {
      return input_error(key + ": unknown key (claims, measure)");
    }
  }
  return d;
}

Status check_nonce_size(ByteView nonce, const std::string& option) {
  if (nonce.size() < kMinNonceSize || nonce.size() > kMaxNonceSize)
    return usage_error(option + ": a nonce is 8 to 64 octets (RFC 9711 4.1), not " + std::to_string(nonce.size()));
  return ok_status();
}

Result<Bytes> sha256_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": cannot read");
  core::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1) return internal_error("SHA-256: " + core::openssl_errors());
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount())) != 1)
      return internal_error("SHA-256: " + core::openssl_errors());
  }
  if (in.bad()) return io_error(path + ": read error");
  Bytes digest(32);
  if (EVP_DigestFinal_ex(ctx.get(), digest.data(), nullptr) != 1) return internal_error("SHA-256: " + core::openssl_errors());
  return digest;
}

Result<std::vector<Measurement>> measure_files(const DeviceDescription& device, const std::string& base_dir) {
  std::vector<Measurement> out;
  for (const auto& f : device.measure) {
    std::filesystem::path p(f.file);
    if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
    IOTONB_ASSIGN_OR_RETURN(Bytes digest, sha256_file(p.string()));
    out.push_back({f.name, std::move(digest)});
  }
  return out;
}

Result<Value> evidence_claims(const DeviceDescription& device, const std::vector<Measurement>& measured, ByteView nonce,
                              core::UnixTime now) {
  IOTONB_RETURN_IF_ERROR(check_nonce_size(nonce, "nonce"));
  core::cbor::Map claims;
  core::cbor::Array measurements;
  for (const auto& kv : device.claims.as_map()) {
    auto l = kv.first.as_int64();
    if (l && (*l == label::nonce || *l == label::iat)) continue;
    if (l && *l == label::measurements) {
      measurements = kv.second.as_array();
      continue;
    }
    claims.push_back(kv);
  }
  claims.emplace_back(Value::integer(label::nonce), Value::bytes(nonce));
  claims.emplace_back(Value::integer(label::iat), Value::integer(now));
  for (const auto& m : measured) measurements.push_back(digest_measurement(m.name, m.sha256));
  if (!measurements.empty()) claims.emplace_back(Value::integer(label::measurements), Value::array(std::move(measurements)));
  Value out = Value::map(std::move(claims));
  IOTONB_RETURN_IF_ERROR(check_claims(out));
  return out;
}

Result<core::cbor::Value> evidence_claims_from_file(const std::string& path, ByteView nonce, core::UnixTime now) {
  IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(path, kMaxClaimsFileSize));
  const std::string name = core::input_name(path);
  auto device = read_device_description(as_chars(text));
  if (!device) return device.error().context(name);
  const std::string base = path == "-" ? std::string() : std::filesystem::path(path).parent_path().string();
  auto measured = measure_files(*device, base);
  if (!measured) return measured.error().context(name);
  auto claims = evidence_claims(*device, *measured, nonce, now);
  if (!claims) return claims.error().context(name);
  return claims;
}

}  // namespace iotonb::artifact::eat
