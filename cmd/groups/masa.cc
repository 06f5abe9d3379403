// iotonb masa serve | claim: the manufacturer's MASA (RFC 8995 5.5-5.8) as an HTTPS service
// configured by masa.yaml (lib/service/masa_config.h), and loading signed purchase records
// into its ownership records.
#include <csignal>
#include <iostream>
#include <memory>
#include <pthread.h>

#include <nlohmann/json.hpp>

#include "artifact/purchase_record.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "service/masa_config.h"
#include "service/masa_service.h"
#include "store/masa_store.h"

namespace iotonb::cli::groups {
namespace {

using json = nlohmann::ordered_json;

struct ServeOptions {
  std::string config, format = "text";
};

struct ClaimOptions {
  std::string purchase, config, store, at, format = "text";
  std::vector<std::string> manufacturer_trust;
};

Status run_serve(const ServeOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(service::MasaConfig config, service::load_masa_config(o.config));
  // SIGINT and SIGTERM are blocked in every thread (the server's inherit the mask) and taken
  // here with sigwait, so a signal stops the server cleanly instead of killing the process.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  IOTONB_ASSIGN_OR_RETURN(auto masa, service::MasaService::create(config));
  IOTONB_RETURN_IF_ERROR(masa->start());
  if (o.format == "json") {
    json j;
    j["service"] = "masa";
    j["url"] = masa->url();
    j["address"] = config.address;
    j["port"] = masa->port();
    j["store"] = config.store;
    *ctx.out << j.dump() << std::endl;
  } else {
    *ctx.out << "masa listening on " << masa->url() << std::endl;
  }
  int sig = 0;
  sigwait(&signals, &sig);
  ctx.info(std::string("masa: ") + (sig == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
  masa->stop();
  return {};
}

Status run_claim(const ClaimOptions& o, Context& ctx) {
  if (o.config.empty() == o.store.empty()) return usage_error("give exactly one of --config and --store");
  std::string store_path = o.store;
  std::vector<std::string> trust_files = o.manufacturer_trust;
  if (!o.config.empty()) {
    IOTONB_ASSIGN_OR_RETURN(service::MasaConfig config, service::load_masa_config(o.config));
    store_path = config.store;
    if (trust_files.empty()) trust_files = config.manufacturer_trust;
  }
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

  std::vector<store::OwnershipRecord> records;
  for (const auto& d : record->devices)
    records.push_back({d.serial, d.idevid_sha256, record->domain_ca_der, record->owner, record->id, core::now()});
  auto store = store::MasaStore::open(store_path);
  if (!store) return store.error().context("store");
  IOTONB_ASSIGN_OR_RETURN(store::ClaimSummary summary, (*store)->claim(records));

  if (o.format == "json") {
    json j;
    j["purchase"] = record->id;
    j["owner"] = record->owner;
    j["manufacturer"] = record->manufacturer;
    j["devices"] = record->devices.size();
    j["added"] = summary.added;
    j["moved"] = summary.moved;
    j["unchanged"] = summary.unchanged;
    j["store"] = store_path;
    *ctx.out << j.dump() << '\n';
  } else {
    *ctx.out << "purchase " << record->id << ": " << record->devices.size() << " device(s) owned by " << record->owner
             << " (" << summary.added << " new, " << summary.moved << " moved from another owner, " << summary.unchanged
             << " unchanged)\n";
  }
  return {};
}

}  // namespace

void define_masa(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  {
    auto o = std::make_shared<ServeOptions>();
    CLI::App* s = group.add_subcommand("serve", "Run the MASA: HTTPS requestvoucher and requestauditlog (RFC 8995 5.5, 5.8)");
    // Its own variable: IOTONB_CONFIG names the global file of option defaults.
    s->add_option("--config", o->config, "The MASA's masa.yaml (see examples/onboarding/masa.yaml)")
        ->required()
        ->envname("IOTONB_MASA_CONFIG")
        ->type_name("FILE");
    add_format(*s, o->format, {"text", "json"});
    s->footer("Prints one line when listening: 'masa listening on https://ADDR:PORT', or with --format json\n"
              "{service,url,address,port,store}. Stops cleanly on SIGINT or SIGTERM (exit 0).\n"
              "masa.yaml keys: listen{address,port} tls{cert,key,chain,password-file}\n"
              "voucher-signer{cert,key,chain,password-file} manufacturer-trust store\n"
              "voucher{forms,nonceless-validity,audit-log-limit} limits{max-body,read-timeout-ms,threads};\n"
              "relative paths are relative to the file's folder.");
    s->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_serve(*o, ctx); }; });
  }
  {
    auto o = std::make_shared<ClaimOptions>();
    CLI::App* c = group.add_subcommand("claim", "Load a signed purchase record into the MASA's ownership records");
    c->add_option("--purchase", o->purchase, "Purchase record from 'iotonb supply-chain purchase'; - for stdin")
        ->required()
        ->type_name("FILE");
    c->add_option("--manufacturer-trust", o->manufacturer_trust,
                  "CA certificate(s) the record's signer must chain to (default: manufacturer-trust of --config)")
        ->type_name("FILE");
    auto* cfg = c->add_option("--config", o->config, "The MASA's masa.yaml: its store (and manufacturer-trust)")
                    ->envname("IOTONB_MASA_CONFIG")
                    ->type_name("FILE");
    auto* st = c->add_option("--store", o->store, "The MASA store (SQLite) directly")->type_name("FILE");
    cfg->excludes(st);
    c->add_option("--at", o->at, "Verification time (RFC 3339; default now)")->type_name("TIME");
    add_format(*c, o->format, {"text", "json"});
    c->footer("The signature and the signer's chain are verified before anything is stored; all devices are\n"
              "stored in one transaction. A serial already owned is re-assigned (resale: ownership moves to the\n"
              "record's owner, and vouchers pin its domain CA from then on).\n"
              "--format json prints {purchase,owner,manufacturer,devices,added,moved,unchanged,store}.\n"
              "Exit 1 when the signature or chain fails, 3 when the file is not a purchase record.");
    c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_claim(*o, ctx); }; });
  }
}

}  // namespace iotonb::cli::groups
