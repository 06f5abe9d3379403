// The serve and purchase-record helpers of `iotonb masa` and `iotonb registrar`; see serve.h.
#include "groups/serve.h"

#include <pthread.h>

#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "core/files.h"
#include "core/time.h"
#include "pki/certificate.h"

namespace iotonb::cli::groups {

StopSignals::StopSignals() {
  sigemptyset(&signals_);
  sigaddset(&signals_, SIGINT);
  sigaddset(&signals_, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals_, nullptr);
}

int StopSignals::wait() const {
  int sig = 0;
  sigwait(&signals_, &sig);
  return sig;
}

void print_listening(const std::string& name, const std::string& url, const std::string& address, int port,
                     const std::string& store, const std::string& format, Context& ctx) {
  if (format == "json") {
    nlohmann::ordered_json j;
    j["service"] = name;
    j["url"] = url;
    j["address"] = address;
    j["port"] = port;
    j["store"] = store;
    *ctx.out << j.dump() << std::endl;
  } else {
    *ctx.out << name << " listening on " << url << std::endl;
  }
}

CLI::Option* add_purchase_options(CLI::App& verb, PurchaseOptions& o, const std::string& config_help,
                                  const std::string& store_help) {
  verb.add_option("--purchase", o.purchase, "Purchase record from 'iotonb supply-chain purchase'; - for stdin")
      ->required()
      ->type_name("FILE");
  verb.add_option("--manufacturer-trust", o.manufacturer_trust,
                  "CA certificate(s) the record's signer must chain to (default: manufacturer-trust of --config)")
      ->type_name("FILE");
  auto* cfg = verb.add_option("--config", o.config, config_help)->type_name("FILE");
  auto* st = verb.add_option("--store", o.store, store_help)->type_name("FILE");
  cfg->excludes(st);
  verb.add_option("--at", o.at, "Verification time (RFC 3339; default now)")->type_name("TIME");
  add_format(verb, o.format, {"text", "json"});
  return cfg;
}

Result<artifact::PurchaseRecord> verify_purchase(const PurchaseOptions& o, const std::vector<std::string>& trust_files) {
  if (trust_files.empty()) return usage_error("--manufacturer-trust is required (or a --config naming manufacturer-trust)");
  core::UnixTime at = core::now();
  if (!o.at.empty()) {
    auto t = core::parse_time(o.at);
    if (!t) return usage_error("--at: " + t.error().message);
    at = *t;
  }
  std::vector<core::X509Ptr> trust;
  for (const auto& f : trust_files) {
    IOTONB_ASSIGN_OR_RETURN(auto list, pki::read_certificates(f));
    for (auto& c : list) trust.push_back(std::move(c));
  }
  std::vector<const X509*> trust_view;
  for (const auto& c : trust) trust_view.push_back(c.get());

  IOTONB_ASSIGN_OR_RETURN(Bytes file, core::read_input(o.purchase));
  auto record = artifact::verify_purchase_record(file, trust_view, at);
  if (!record) return record.error().context(core::input_name(o.purchase));
  return record;
}

nlohmann::ordered_json purchase_json(const artifact::PurchaseRecord& record) {
  nlohmann::ordered_json j;
  j["purchase"] = record.id;
  j["owner"] = record.owner;
  j["manufacturer"] = record.manufacturer;
  j["devices"] = record.devices.size();
  return j;
}

}  // namespace iotonb::cli::groups
