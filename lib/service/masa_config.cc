// masa.yaml (see masa_config.h) read with yaml-cpp, and the identities it names opened.
#include "service/masa_config.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <filesystem>
#include <set>

#include "core/files.h"
#include "core/time.h"
#include "pki/certificate.h"
#include "pki/key.h"

namespace iotonb::service {
namespace {

class Reader {
 public:
  Reader(std::string path) : path_(std::move(path)), base_(std::filesystem::path(path_).parent_path()) {}

  Error at(const YAML::Node& node, const std::string& key, const std::string& what) const {
    return input_error(path_ + ":" + std::to_string(node.Mark().line + 1) + ": " + key + ": " + what);
  }

  // Refuses keys of map that are not in allowed.
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

  // Key references are "file:PATH" or a bare path; other schemes are left alone.
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
    if (!node.IsSequence()) return at(node, key, "must be a file or a list of files");
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

  Status voucher(const YAML::Node& node, MasaConfig& c) const {
    IOTONB_RETURN_IF_ERROR(only(node, "voucher", {"forms", "nonceless-validity", "audit-log-limit"}));
    if (const YAML::Node forms = node["forms"]) {
      if (!forms.IsSequence() || forms.size() == 0) return at(forms, "voucher.forms", "must be a list of cms, cose, jws");
      c.forms.clear();
      for (const auto& f : forms) {
        IOTONB_ASSIGN_OR_RETURN(std::string name, text(f, "voucher.forms"));
        if (name == "cms") c.forms.push_back(artifact::VoucherForm::cms);
        else if (name == "cose") c.forms.push_back(artifact::VoucherForm::cose);
        else if (name == "jws") c.forms.push_back(artifact::VoucherForm::jws);
        else return at(f, "voucher.forms", "\"" + name + "\" is not one of cms, cose, jws");
      }
    }
    if (const YAML::Node v = node["nonceless-validity"]) {
      IOTONB_ASSIGN_OR_RETURN(std::string t, text(v, "voucher.nonceless-validity"));
      auto d = core::parse_time_or_duration(t, 0);
      if (!d || *d <= 0 || t.empty() || !std::isdigit(static_cast<unsigned char>(t[0])))
        return at(v, "voucher.nonceless-validity", "must be a duration such as 14d, 12h or 1y");
      c.nonceless_validity = *d;
    }
    if (const YAML::Node v = node["audit-log-limit"]) {
      IOTONB_ASSIGN_OR_RETURN(auto n, number(v, "voucher.audit-log-limit", 1, 1000000));
      c.audit_log_limit = static_cast<std::size_t>(n);
    }
    return {};
  }

  Status limits(const YAML::Node& node, MasaConfig& c) const {
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

  Result<MasaConfig> read(const YAML::Node& root) const {
    if (!root.IsMap()) return input_error(path_ + ": the top level must be a map");
    IOTONB_RETURN_IF_ERROR(only(root, "", {"listen", "tls", "voucher-signer", "manufacturer-trust", "store", "voucher", "limits"}));
    MasaConfig c;
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
    if (!root["tls"]) return input_error(path_ + ": tls is missing (the MASA's HTTPS server certificate and key)");
    {
      IOTONB_ASSIGN_OR_RETURN(c.tls, identity(root["tls"], "tls"));
    }
    if (!root["voucher-signer"]) return input_error(path_ + ": voucher-signer is missing (the certificate and key vouchers are signed with)");
    {
      IOTONB_ASSIGN_OR_RETURN(c.voucher_signer, identity(root["voucher-signer"], "voucher-signer"));
    }
    if (!root["manufacturer-trust"]) return input_error(path_ + ": manufacturer-trust is missing (the CA IDevIDs chain to)");
    {
      IOTONB_ASSIGN_OR_RETURN(c.manufacturer_trust, files(root["manufacturer-trust"], "manufacturer-trust"));
    }
    if (root["store"]) {
      IOTONB_ASSIGN_OR_RETURN(std::string s, text(root["store"], "store"));
      c.store = s;
    }
    c.store = resolve(c.store);
    if (const YAML::Node v = root["voucher"]) IOTONB_RETURN_IF_ERROR(voucher(v, c));
    if (const YAML::Node v = root["limits"]) IOTONB_RETURN_IF_ERROR(limits(v, c));
    return c;
  }

 private:
  std::string path_;
  std::filesystem::path base_;
};

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

Result<MasaConfig> load_masa_config(const std::string& path) {
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
