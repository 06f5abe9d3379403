// What the MASA's and the registrar's configuration files (masa_config.h, registrar_config.h)
// have in common, and the YAML reading both use: a TLS or signing identity and how it is
// opened, where the HTTPS server listens and its limits, and a reader that names the file,
// line and key in every error, resolves relative paths against the file's folder and refuses
// unknown keys, so a typo never silently leaves a default in place.
//
//   listen:   {address: 127.0.0.1, port: P}                      port 0 = any free port
//   IDENTITY: {cert: F, key: KEYREF, chain: [F...], password-file: F}
//   limits:   {max-body: 262144, read-timeout-ms: 5000, threads: 64}
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/ossl.h"
#include "core/result.h"
#include "pki/signer.h"

namespace YAML {
class Node;
}

namespace iotonb::service {

struct Identity {
  std::string cert;                // PEM or DER file
  std::string key;                 // key reference (pki::open_signer)
  std::vector<std::string> chain;  // intermediates (PEM bundles)
  std::string password_file;       // for an encrypted key; "" = none
};

// listen{address,port} and limits{max-body,read-timeout-ms,threads}.
struct ServerConfig {
  explicit ServerConfig(int default_port) : port(default_port) {}

  std::string address = "127.0.0.1";
  int port;
  std::size_t max_body = 256 * 1024;
  int read_timeout_ms = 5000;
  std::size_t threads = 64;
};

// An identity's certificate, chain and key, opened.
struct OpenedIdentity {
  core::X509Ptr cert;
  std::vector<core::X509Ptr> chain;
  std::unique_ptr<pki::Signer> signer;

  std::vector<const X509*> chain_view() const;
};

// Opens an identity (reading its password file) and checks that the key matches the
// certificate; `what` names it in errors ("voucher-signer").
Result<OpenedIdentity> open_identity(const Identity& identity, const std::string& what);

// Whether `key: []` is accepted where a file or a list of files is expected.
enum class EmptyList { allowed, refused };

// Reads the values of one configuration file. `key` arguments are the dotted path of the
// value ("limits.threads"), used in messages.
class ConfigReader {
 public:
  explicit ConfigReader(std::string path);

  const std::string& path() const { return path_; }
  // "PATH:LINE: KEY: WHAT", an input error.
  Error at(const YAML::Node& node, const std::string& key, const std::string& what) const;
  // Refuses keys of map that are not in allowed; `where` is the map's key ("" at the top).
  Status only(const YAML::Node& map, const std::string& where, const std::set<std::string>& allowed) const;
  Result<std::string> text(const YAML::Node& node, const std::string& key) const;
  Result<long long> number(const YAML::Node& node, const std::string& key, long long min, long long max) const;
  // true or false (YAML's other spellings, yes/no/on/off, are refused as ambiguous).
  Result<bool> flag(const YAML::Node& node, const std::string& key) const;
  // A positive duration in seconds written as a number and a unit ("14d"); `examples` ends
  // the message when it is not one ("14d, 12h or 1y").
  Result<std::int64_t> duration(const YAML::Node& node, const std::string& key, const std::string& examples) const;
  // A path relative to the file's folder made usable from the working directory.
  std::string resolve(const std::string& file) const;
  // Key references are "file:PATH" or a bare path; other schemes are left alone.
  std::string resolve_key(const std::string& ref) const;
  // One file or a list of files, resolved.
  Result<std::vector<std::string>> files(const YAML::Node& node, const std::string& key, EmptyList empty) const;
  // {cert, key, chain, password-file}; `empty` applies to chain.
  Result<Identity> identity(const YAML::Node& node, const std::string& key, EmptyList empty) const;
  Status listen(const YAML::Node& node, ServerConfig& server) const;
  Status limits(const YAML::Node& node, ServerConfig& server) const;

 private:
  std::string path_;
  std::string base_;  // the file's folder; "" when it has none
};

// Reads the YAML file at `path` (at most 1 MiB, - for stdin) and hands its top-level map to
// `read`. Syntax errors, a top level that is not a map and errors yaml-cpp throws while
// reading come back as input errors naming the file.
Status read_config_file(const std::string& path,
                        const std::function<Status(const ConfigReader& reader, const YAML::Node& root)>& read);

}  // namespace iotonb::service
