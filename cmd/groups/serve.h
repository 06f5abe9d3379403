// What `iotonb masa` and `iotonb registrar` (masa.cc, registrar.cc) share: running a service
// until SIGINT or SIGTERM with its one "listening" line, and loading a signed purchase record
// (--purchase, --manufacturer-trust, --config | --store, --at) into a service's store.
#pragma once

#include <csignal>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "artifact/purchase_record.h"
#include "cli/context.h"
#include "core/result.h"

namespace iotonb::cli::groups {

// SIGINT and SIGTERM are blocked in every thread (threads started later, the server's,
// inherit the mask) and taken with sigwait, so a signal stops the server cleanly instead of
// killing the process. Construct before the service starts its threads.
class StopSignals {
 public:
  StopSignals();
  int wait() const;  // the signal taken

 private:
  sigset_t signals_;
};

// "NAME listening on URL", or with --format json {service,url,address,port,store}.
void print_listening(const std::string& name, const std::string& url, const std::string& address, int port,
                     const std::string& store, const std::string& format, Context& ctx);

struct ServeOptions {
  std::string config, format = "text";
};

// Runs Service (service::MasaService, service::RegistrarService, service::MudFileServer) made
// from config until SIGINT or SIGTERM; `name` starts its lines ("masa"), `store` is the
// service's store as the listening line shows it ("" when it keeps none).
template <class Service, class Config>
Status serve(const std::string& name, const Config& config, const std::string& store, const std::string& format,
             Context& ctx) {
  StopSignals signals;
  IOTONB_ASSIGN_OR_RETURN(auto service, Service::create(config));
  IOTONB_RETURN_IF_ERROR(service->start());
  print_listening(name, service->url(), config.server.address, service->port(), store, format, ctx);
  const int sig = signals.wait();
  ctx.info(name + ": " + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
  service->stop();
  return {};
}

struct PurchaseOptions {
  std::string purchase, config, store, at, format = "text";
  std::vector<std::string> manufacturer_trust;
};

// Adds --purchase, --manufacturer-trust, --config, --store (excluding each other), --at and
// --format to a verb that loads a purchase record; returns --config for more settings.
CLI::Option* add_purchase_options(CLI::App& verb, PurchaseOptions& o, const std::string& config_help,
                                  const std::string& store_help);

// The store path from --store, or from --config's store key; with `trust`, an empty *trust
// takes the configuration's manufacturer-trust.
template <class Config>
Result<std::string> store_path(const std::string& config, const std::string& store,
                               Result<Config> (*load_config)(const std::string&), std::vector<std::string>* trust = nullptr) {
  if (config.empty() == store.empty()) return usage_error("give exactly one of --config and --store");
  if (!store.empty()) return store;
  IOTONB_ASSIGN_OR_RETURN(Config c, load_config(config));
  if (trust != nullptr && trust->empty()) *trust = c.manufacturer_trust;
  return c.store;
}

// The purchase record of --purchase, its signature and the signer's chain to trust_files
// verified at --at (default now).
Result<artifact::PurchaseRecord> verify_purchase(const PurchaseOptions& o, const std::vector<std::string>& trust_files);

// {purchase,owner,manufacturer,devices}, the start of a loading verb's --format json object.
nlohmann::ordered_json purchase_json(const artifact::PurchaseRecord& record);

}  // namespace iotonb::cli::groups
