// iotonb masa serve | claim: the manufacturer's MASA (RFC 8995 5.5-5.8) as an HTTPS service
// configured by masa.yaml (lib/service/masa_config.h), and loading signed purchase records
// into its ownership records.
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "core/time.h"
#include "groups/groups.h"
#include "groups/serve.h"
#include "service/masa_config.h"
#include "service/masa_service.h"
#include "store/masa_store.h"

namespace iotonb::cli::groups {
namespace {

using json = nlohmann::ordered_json;

Status run_serve(const ServeOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(service::MasaConfig config, service::load_masa_config(o.config));
  return serve<service::MasaService>("masa", config, config.store, o.format, ctx);
}

Status run_claim(const PurchaseOptions& o, Context& ctx) {
  std::vector<std::string> trust_files = o.manufacturer_trust;
  IOTONB_ASSIGN_OR_RETURN(std::string path, store_path(o.config, o.store, &service::load_masa_config, &trust_files));
  IOTONB_ASSIGN_OR_RETURN(artifact::PurchaseRecord record, verify_purchase(o, trust_files));

  std::vector<store::OwnershipRecord> records;
  for (const auto& d : record.devices)
    records.push_back({d.serial, d.idevid_sha256, record.domain_ca_der, record.owner, record.id, core::now()});
  auto store = store::MasaStore::open(path);
  if (!store) return store.error().context("store");
  IOTONB_ASSIGN_OR_RETURN(store::ClaimSummary summary, (*store)->claim(records));

  if (o.format == "json") {
    json j = purchase_json(record);
    j["added"] = summary.added;
    j["moved"] = summary.moved;
    j["unchanged"] = summary.unchanged;
    j["store"] = path;
    *ctx.out << j.dump() << '\n';
  } else {
    *ctx.out << "purchase " << record.id << ": " << record.devices.size() << " device(s) owned by " << record.owner
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
    auto o = std::make_shared<PurchaseOptions>();
    CLI::App* c = group.add_subcommand("claim", "Load a signed purchase record into the MASA's ownership records");
    add_purchase_options(*c, *o, "The MASA's masa.yaml: its store (and manufacturer-trust)",
                         "The MASA store (SQLite) directly")
        ->envname("IOTONB_MASA_CONFIG");
    c->footer("The signature and the signer's chain are verified before anything is stored; all devices are\n"
              "stored in one transaction. A serial already owned is re-assigned (resale: ownership moves to the\n"
              "record's owner, and vouchers pin its domain CA from then on).\n"
              "--format json prints {purchase,owner,manufacturer,devices,added,moved,unchanged,store}.\n"
              "Exit 1 when the signature or chain fails, 3 when the file is not a purchase record.");
    c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_claim(*o, ctx); }; });
  }
}

}  // namespace iotonb::cli::groups
