// registrar.yaml (see registrar_config.h) read with yaml-cpp.
#include "service/registrar_config.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <exception>
#include <filesystem>
#include <set>

#include "core/files.h"
#include "core/time.h"

namespace iotonb::service {
namespace {

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)), base_(std::filesystem::path(path_).parent_path()) {}

  Error at(const YAML::Node& node, const std::string& key, const std::string& what) const {
    return input_error(path_ + ":" + std::to_string(node.Mark().line + 1) + ": " + key + ": " + what);
  }

  Status only(const YAML::Node& map, const std::string& where, const std::set<std::string>& allowed) const {
    if (!map.IsMap()) return at(map, where, "must be a map");
    for (const auto& entry : map) {
      const std::string key = entry.first.Scalar();
      if (!allowed.count(key)) return at(entry.first, where.empty() ? key : where + "." + key, "unknown key");
    }
    return {};
  }

  Result<std::string> text(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) return at(node, key, "must be a single value");
    return node.Scalar();
  }

  std::string resolve(const std::string& file) const {
    if (file.empty() || file == "-" || std::filesystem::path(file).is_absolute() || base_.empty()) return file;
    return (base_ / file).string();
  }

  std::string resolve_key(const std::string& ref) const {
    if (ref.rfind("file:", 0) == 0) return "file:" + resolve(ref.substr(5));
    if (ref.find(':') != std::string::npos) return ref;
    return resolve(ref);
  }

  Result<std::vector<std::string>> files(const YAML::Node& node, const std::string& key) const {
    std::vector<std::string> out;
    if (node.IsScalar()) {
      out.push_back(resolve(node.Scalar()));
      return out;
    }
    if (!node.IsSequence() || node.size() == 0) return at(node, key, "must be a file or a list of files");
    for (const auto& item : node) {
      IOTONB_ASSIGN_OR_RETURN(std::string f, text(item, key));
      out.push_back(resolve(f));
    }
    return out;
  }

  Result<long long> number(const YAML::Node& node, const std::string& key, long long min, long long max) const {
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

  Result<Identity> identity(const YAML::Node& node, const std::string& key) const {
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
      IOTONB_ASSIGN_OR_RETURN(id.chain, files(node["chain"], key + ".chain"));
    }
    if (node["password-file"]) {
      IOTONB_ASSIGN_OR_RETURN(std::string pw, text(node["password-file"], key + ".password-file"));
      id.password_file = resolve(pw);
    }
    return id;
  }

  Status masa(const YAML::Node& node, RegistrarConfig& c) const {
    IOTONB_RETURN_IF_ERROR(only(node, "masa", {"url", "trust"}));
    if (node["url"]) {
      IOTONB_ASSIGN_OR_RETURN(c.masa_url, text(node["url"], "masa.url"));
      if (!c.masa_url.empty() && c.masa_url.rfind("https://", 0) != 0) return at(node["url"], "masa.url", "must start with https://");
    }
    if (node["trust"]) {
      IOTONB_ASSIGN_OR_RETURN(c.masa_trust, files(node["trust"], "masa.trust"));
    }
    return {};
  }

  Status network(const YAML::Node& node, RegistrarConfig& c) const {
    IOTONB_RETURN_IF_ERROR(only(node, "network", {"network-id", "authentication", "segment"}));
    if (node["network-id"]) {
      IOTONB_ASSIGN_OR_RETURN(c.network.network_id, text(node["network-id"], "network.network-id"));
    }
    if (node["authentication"]) {
      IOTONB_ASSIGN_OR_RETURN(c.network.authentication, text(node["authentication"], "network.authentication"));
    }
    if (node["segment"]) {
      IOTONB_ASSIGN_OR_RETURN(c.network.segment, text(node["segment"], "network.segment"));
    }
    return {};
  }

  Status ldevid(const YAML::Node& node, RegistrarConfig& c) const {
    IOTONB_RETURN_IF_ERROR(only(node, "ldevid", {"validity"}));
    if (const YAML::Node v = node["validity"]) {
      IOTONB_ASSIGN_OR_RETURN(std::string t, text(v, "ldevid.validity"));
      auto d = core::parse_time_or_duration(t, 0);
      if (!d || *d <= 0 || t.empty() || !std::isdigit(static_cast<unsigned char>(t[0])))
        return at(v, "ldevid.validity", "must be a duration such as 365d, 90d or 1y");
      c.ldevid_validity = *d;
    }
    return {};
  }

  Status limits(const YAML::Node& node, RegistrarConfig& c) const {
    IOTONB_RETURN_IF_ERROR(only(node, "limits", {"max-body", "read-timeout-ms", "threads"}));
    if (const YAML::Node v = node["max-body"]) {
      IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "limits.max-body", 1024, 16 << 20));
      c.max_body = static_cast<std::size_t>(n);
    }
    if (const YAML::Node v = node["read-timeout-ms"]) {
      IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "limits.read-timeout-ms", 100, 600000));
      c.read_timeout_ms = static_cast<int>(n);
    }
    if (const YAML::Node v = node["threads"]) {
      IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "limits.threads", 1, 1024));
      c.threads = static_cast<std::size_t>(n);
    }
    return {};
  }

  Result<RegistrarConfig> read(const YAML::Node& root) const {
    if (!root.IsMap()) return input_error(path_ + ": the top level must be a map");
    IOTONB_RETURN_IF_ERROR(only(root, "", {"listen", "tls", "domain-ca", "manufacturer-trust", "masa", "store", "network",
                                           "ldevid", "limits"}));
    RegistrarConfig c;
    if (const YAML::Node listen = root["listen"]) {
      IOTONB_RETURN_IF_ERROR(only(listen, "listen", {"address", "port"}));
      if (listen["address"]) {
        IOTONB_ASSIGN_OR_RETURN(c.address, text(listen["address"], "listen.address"));
      }
      if (listen["port"]) {
        IOTONB_ASSIGN_OR_RETURN(auto port, number(listen["port"], "listen.port", 0, 65535));
        c.port = static_cast<int>(port);
      }
    }
    if (!root["tls"]) return input_error(path_ + ": tls is missing (the registrar's certificate with cmcRA, and its key)");
    {
      IOTONB_ASSIGN_OR_RETURN(c.tls, identity(root["tls"], "tls"));
    }
    if (!root["domain-ca"]) return input_error(path_ + ": domain-ca is missing (the CA that issues LDevIDs)");
    {
      IOTONB_ASSIGN_OR_RETURN(c.domain_ca, identity(root["domain-ca"], "domain-ca"));
    }
    if (!root["manufacturer-trust"]) return input_error(path_ + ": manufacturer-trust is missing (the CAs IDevIDs chain to)");
    {
      IOTONB_ASSIGN_OR_RETURN(c.manufacturer_trust, files(root["manufacturer-trust"], "manufacturer-trust"));
    }
    if (const YAML::Node v = root["masa"]) IOTONB_RETURN_IF_ERROR(masa(v, c));
    if (root["store"]) {
      IOTONB_ASSIGN_OR_RETURN(c.store, text(root["store"], "store"));
    }
    c.store = resolve(c.store);
    if (const YAML::Node v = root["network"]) IOTONB_RETURN_IF_ERROR(network(v, c));
    if (const YAML::Node v = root["ldevid"]) IOTONB_RETURN_IF_ERROR(ldevid(v, c));
    if (const YAML::Node v = root["limits"]) IOTONB_RETURN_IF_ERROR(limits(v, c));
    return c;
  }

 private:
  std::string path_;
  std::filesystem::path base_;
};

}  // namespace

Result<RegistrarConfig> load_registrar_config(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path, 1 << 20));
  try {
    YAML::Node root = YAML::Load(std::string(as_chars(data)));
    return Reader(path).read(root);
  } catch (const YAML::Exception& e) {
    return input_error(path + ": " + e.what());
  } catch (const std::exception& e) {
    return input_error(path + ": " + e.what());
  }
}

}  // namespace iotonb::service
