#include "artifact/eat/policy.h"

#include <algorithm>
#include <numeric>

#include "artifact/eat/claims_file.h"
#include "artifact/eat/yaml_value.h"

namespace iotonb::artifact::eat {
namespace {

using core::cbor::Value;

Result<Bytes> binary(const YAML::Node& n, const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(std::string text, yaml::text(n, path));
  auto b = parse_binary(text);
  if (!b) return input_error(path + ": " + b.error().message);
  return b;
}

Result<std::int64_t> seconds(const YAML::Node& n, const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(std::string text, yaml::text(n, path));
  static const std::pair<char, std::int64_t> kUnits[] = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
  std::int64_t unit = 1;
  for (const auto& u : kUnits)
    if (!text.empty() && text.back() == u.first) {
      unit = u.second;
      text.pop_back();
    }
  auto v = yaml::as_integer(text);
  if (!v || *v < 0 || *v > (std::int64_t{1} << 40)) return input_error(path + ": must be seconds, or a number with s, m, h or d");
  return *v * unit;
}

Status read_measurements(Policy& p, const YAML::Node& n, const std::string& path) {
  if (!n.IsSequence()) return input_error(path + ": must be a list of digests");
  if (n.size() > kMaxPolicyEntries) return input_error(path + ": more than " + std::to_string(kMaxPolicyEntries) + " entries");
  for (std::size_t i = 0; i < n.size(); ++i) {
    const std::string at = path + "[" + std::to_string(i) + "]";
    const YAML::Node item = n[i];
    std::string name;
    Bytes digest;
    if (item.IsMap()) {
      if (!item["digest"]) return input_error(at + ".digest: missing");
      IOTONB_ASSIGN_OR_RETURN(digest, binary(item["digest"], at + ".digest"));
      if (item["name"]) {
        IOTONB_ASSIGN_OR_RETURN(name, yaml::text(item["name"], at + ".name"));
      }
    } else {
      IOTONB_ASSIGN_OR_RETURN(digest, binary(item, at));
    }
    if (digest.empty()) return input_error(at + ": an empty digest");
    p.measurements.push_back(std::move(digest));
    p.measurement_names.push_back(std::move(name));
  }
  p.sort_measurements();
  return ok_status();
}

}  // namespace

void Policy::sort_measurements() {
  std::vector<std::size_t> order(measurements.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) { return measurements[a] < measurements[b]; });
  std::vector<Bytes> m;
  std::vector<std::string> names;
  for (std::size_t i : order) {
    m.push_back(std::move(measurements[i]));
    names.push_back(i < measurement_names.size() ? std::move(measurement_names[i]) : std::string());
  }
  measurements = std::move(m);
  measurement_names = std::move(names);
}

std::optional<std::string_view> Policy::allowed_measurement(ByteView digest) const {
  auto it = std::lower_bound(measurements.begin(), measurements.end(), digest,
                             [](const Bytes& a, ByteView b) { return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end()); });
  if (it == measurements.end() || !std::equal(it->begin(), it->end(), digest.begin(), digest.end())) return std::nullopt;
  return std::string_view(measurement_names[static_cast<std::size_t>(it - measurements.begin())]);
}

Result<Policy> read_policy(std::string_view text) {
  IOTONB_ASSIGN_OR_RETURN(YAML::Node root, yaml::load(text, kMaxPolicyFileSize, 8));
  if (!root.IsMap()) return input_error("the policy must be a map (hwmodel, oemid, swversions, measurements, ...)");
  Policy p;
  for (const auto& kv : root) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : "?";
    const YAML::Node& v = kv.second;
    if (key == "hwmodel") {
      IOTONB_ASSIGN_OR_RETURN(p.hwmodel, binary(v, key));
    } else if (key == "oemid") {
      if (auto pen = yaml::integer(v, key)) p.oemid = Value::integer(*pen);
      else {
        IOTONB_ASSIGN_OR_RETURN(Bytes id, binary(v, key));
        p.oemid = Value::bytes(std::move(id));
      }
    } else if (key == "eat_profile") {
      IOTONB_ASSIGN_OR_RETURN(p.eat_profile, yaml::text(v, key));
    } else if (key == "swversions") {
      if (!v.IsSequence()) return input_error(key + ": must be a list of versions");
      if (v.size() > kMaxPolicyEntries) return input_error(key + ": more than " + std::to_string(kMaxPolicyEntries) + " entries");
      for (std::size_t i = 0; i < v.size(); ++i) {
        IOTONB_ASSIGN_OR_RETURN(std::string s, yaml::text(v[i], key + "[" + std::to_string(i) + "]"));
        p.swversions.push_back(std::move(s));
      }
    } else if (key == "measurements") {
      IOTONB_RETURN_IF_ERROR(read_measurements(p, v, key));
    } else if (key == "dbgstat") {
      IOTONB_ASSIGN_OR_RETURN(std::string s, yaml::text(v, key));
      if (s != "disabled" && s != "any") return input_error(key + ": must be disabled or any");
      p.require_debug_disabled = s == "disabled";
    } else if (key == "oemboot") {
      IOTONB_ASSIGN_OR_RETURN(p.require_oemboot, yaml::boolean(v, key));
    } else if (key == "max_age") {
      IOTONB_ASSIGN_OR_RETURN(p.max_age, seconds(v, key));
    } else {
      return input_error(key + ": unknown policy key (hwmodel, oemid, eat_profile, swversions, measurements, dbgstat, "
                               "oemboot, max_age)");
    }
  }
  return p;
}

}  // namespace iotonb::artifact::eat
