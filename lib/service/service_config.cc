// The configuration reading the MASA and the registrar share (see service_config.h), with
// yaml-cpp, and identities opened.
#include "service/service_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>

#include "core/files.h"
#include "core/time.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::service {

ConfigReader::ConfigReader(std::string path)
    : path_(std::move(path)), base_(std::filesystem::path(path_).parent_path().string()) {}

Error ConfigReader::at(const YAML::Node& node, const std::string& key, const std::string& what) const {
  return input_error(path_ + ":" + std::to_string(node.Mark().line + 1) + ": " + key + ": " + what);
}

Status ConfigReader::only(const YAML::Node& map, const std::string& where, const std::set<std::string>& allowed) const {
  if (!map.IsMap()) return at(map, where, "must be a map");
  for (const auto& entry : map) {
    const std::string key = entry.first.Scalar();
    if (!allowed.count(key)) return at(entry.first, where.empty() ? key : where + "." + key, "unknown key");
  }
  return {};
}

Result<std::string> ConfigReader::text(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar()) return at(node, key, "must be a single value");
  return node.Scalar();
}

Result<long long> ConfigReader::number(const YAML::Node& node, const std::string& key, long long min, long long max) const {
  IOTONB_ASSIGN_OR_RETURN(std::string t, text(node, key));
  try {
    std::size_t used = 0;
    long long v = std::stoll(t, &used);
    if (used != t.size() || v < min || v > max) throw std::out_of_range(t);
    return v;
  } catch (const std::exception&) {
    return at(node, key, "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
}

Result<bool> ConfigReader::flag(const YAML::Node& node, const std::string& key) const {
  IOTONB_ASSIGN_OR_RETURN(std::string t, text(node, key));
  if (t == "true") return true;
  if (t == "false") return false;
  return at(node, key, "must be true or false");
}

Result<std::int64_t> ConfigReader::duration(const YAML::Node& node, const std::string& key, const std::string& examples) const {
  IOTONB_ASSIGN_OR_RETURN(std::string t, text(node, key));
  auto d = core::parse_time_or_duration(t, 0);
  if (!d || *d <= 0 || t.empty() || !std::isdigit(static_cast<unsigned char>(t[0])))
    return at(node, key, "must be a duration such as " + examples);
  return *d;
}

std::string ConfigReader::resolve(const std::string& file) const {
  if (file.empty() || file == "-" || std::filesystem::path(file).is_absolute() || base_.empty()) return file;
  return (std::filesystem::path(base_) / file).string();
}

std::string ConfigReader::resolve_key(const std::string& ref) const {
  if (ref.rfind("file:", 0) == 0) return "file:" + resolve(ref.substr(5));
  if (ref.find(':') != std::string::npos) return ref;
  return resolve(ref);
}

Result<std::vector<std::string>> ConfigReader::files(const YAML::Node& node, const std::string& key, EmptyList empty) const {
  std::vector<std::string> out;
  if (node.IsScalar()) {
    out.push_back(resolve(node.Scalar()));
    return out;
  }
  if (!node.IsSequence() || (empty == EmptyList::refused && node.size() == 0))
    return at(node, key, "must be a file or a list of files");
  for (const auto& item : node) {
    IOTONB_ASSIGN_OR_RETURN(std::string f, text(item, key));
    out.push_back(resolve(f));
  }
  return out;
}

Result<Identity> ConfigReader::identity(const YAML::Node& node, const std::string& key, EmptyList empty) const {
  IOTONB_RETURN_IF_ERROR(only(node, key, {"cert", "key", "chain", "password-file"}));
  Identity id;
  if (!node["cert"]) return at(node, key, "cert is missing");
  if (!node["key"]) return at(node, key, "key is missing");
  {
    IOTONB_ASSIGN_OR_RETURN(std::string cert, text(node["cert"], key + ".cert"));
    id.cert = resolve(cert);
  }
  {
    IOTONB_ASSIGN_OR_RETURN(std::string ref, text(node["key"], key + ".key"));
    id.key = resolve_key(ref);
  }
  if (node["chain"]) {
    IOTONB_ASSIGN_OR_RETURN(id.chain, files(node["chain"], key + ".chain", empty));
  }
  if (node["password-file"]) {
    IOTONB_ASSIGN_OR_RETURN(std::string pw, text(node["password-file"], key + ".password-file"));
    id.password_file = resolve(pw);
  }
  return id;
}

Status ConfigReader::listen(const YAML::Node& node, ServerConfig& server) const {
  IOTONB_RETURN_IF_ERROR(only(node, "listen", {"address", "port"}));
  if (node["address"]) {
    IOTONB_ASSIGN_OR_RETURN(server.address, text(node["address"], "listen.address"));
  }
  if (node["port"]) {
    IOTONB_ASSIGN_OR_RETURN(auto port, number(node["port"], "listen.port", 0, 65535));
    server.port = static_cast<int>(port);
  }
  return {};
}

Status ConfigReader::limits(const YAML::Node& node, ServerConfig& server) const {
  IOTONB_RETURN_IF_ERROR(only(node, "limits", {"max-body", "read-timeout-ms", "threads"}));
  if (const YAML::Node v = node["max-body"]) {
    IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "limits.max-body", 1024, 16 << 20));
    server.max_body = static_cast<std::size_t>(n);
  }
  if (const YAML::Node v = node["read-timeout-ms"]) {
    IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "limits.read-timeout-ms", 100, 600000));
    server.read_timeout_ms = static_cast<int>(n);
  }
  if (const YAML::Node v = node["threads"]) {
    IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "limits.threads", 1, 1024));
    server.threads = static_cast<std::size_t>(n);
  }
  return {};
}

Status read_config_file(const std::string& path,
                        const std::function<Status(const ConfigReader& reader, const YAML::Node& root)>& read) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, 1 << 20));
  try {
    YAML::Node root = YAML::Load(std::string(as_chars(data)));
    if (!root.IsMap()) return input_error(path + ": the top level must be a map");
    return read(ConfigReader(path), root);
  } catch (const YAML::Exception& e) {
    return input_error(path + ": " + e.what());
  } catch (const std::exception& e) {
    return input_error(path + ": " + e.what());
  }
}

namespace {

Result<std::optional<SecretBytes>> read_password(const std::string& file) {
  if (file.empty()) return std::optional<SecretBytes>();
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(file, 4096));
  std::string_view text = as_chars(data);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::optional<SecretBytes> out(SecretBytes{text});
  OPENSSL_cleanse(data.data(), data.size());
  return out;
}

}  // namespace

std::vector<const X509*> OpenedIdentity::chain_view() const {
  std::vector<const X509*> out;
  for (const auto& c : chain) out.push_back(c.get());
  return out;
}

Result<OpenedIdentity> open_identity(const Identity& identity, const std::string& what) {
  OpenedIdentity out;
  auto cert = pki::read_certificate(identity.cert);
  if (!cert) return cert.error().context(what + ".cert");
  out.cert = std::move(cert).value();
  for (const auto& f : identity.chain) {
    auto list = pki::read_certificates(f);
    if (!list) return list.error().context(what + ".chain");
    for (auto& c : *list) out.chain.push_back(std::move(c));
  }
  auto password = read_password(identity.password_file);
  if (!password) return password.error().context(what + ".password-file");
  auto signer = pki::open_signer(identity.key, *password ? &**password : nullptr);
  if (!signer) return signer.error().context(what + ".key");
  out.signer = std::move(signer).value();
  if (!pki::same_public_key(X509_get0_pubkey(out.cert.get()), out.signer->key()))
    return input_error(what + ": " + identity.cert + " does not hold the public key of " + identity.key);
  return out;
}

}  // namespace iotonb::service
