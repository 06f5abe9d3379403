// iotonb registrar serve | allow | devices: the owner's BRSKI registrar, EST server and
// authorization service (RFC 8995 5, RFC 7030) as an HTTPS service configured by
// registrar.yaml (lib/service/registrar_config.h), loading signed purchase records into its
// allow-list, and the operator's view of (and say over) the devices it onboarded.
#include <iomanip>
#include <iostream>
#include <memory>

#include <nlohmann/json.hpp>

#include "cli/options.h"
#include "core/files.h"
#include "core/time.h"
#include "groups/groups.h"
#include "groups/serve.h"
#include "service/registrar_config.h"
#include "service/registrar_service.h"
#include "store/registrar_store.h"

namespace iotonb::cli::groups {
namespace {

using json = nlohmann::ordered_json;

struct DevicesOptions {
  std::string action, serial, config, store, reason, format = "text";
};

Status run_serve(const ServeOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(service::RegistrarConfig config, service::load_registrar_config(o.config));
  return serve<service::RegistrarService>("registrar", config, config.store, o.format, ctx);
}

Status run_allow(const PurchaseOptions& o, Context& ctx) {
  std::vector<std::string> trust_files = o.manufacturer_trust;
  IOTONB_ASSIGN_OR_RETURN(std::string path,
                          store_path(o.config, o.store, &service::load_registrar_config, &trust_files));
  IOTONB_ASSIGN_OR_RETURN(artifact::PurchaseRecord record, verify_purchase(o, trust_files));

  std::vector<store::AllowEntry> entries;
  for (const auto& d : record.devices) entries.push_back({d.serial, d.idevid_sha256, record.id, record.owner, core::now()});
  auto store = store::RegistrarStore::open(path);
  if (!store) return store.error().context("store");
  IOTONB_ASSIGN_OR_RETURN(std::size_t added, (*store)->allow(entries));

  if (o.format == "json") {
    json j = purchase_json(record);
    j["added"] = added;
    j["store"] = path;
    *ctx.out << j.dump() << '\n';
  } else {
    *ctx.out << "purchase " << record.id << ": " << record.devices.size() << " device(s) of " << record.owner
             << " allowed (" << added << " new)\n";
  }
  return {};
}

std::string when(core::UnixTime t) { return t == 0 ? "" : core::format_rfc3339(t); }

json device_json(const store::DeviceRecord& d) {
  json j;
  j["serial"] = d.serial;
  j["status"] = std::string(store::device_status_name(d.status));
  if (!d.status_reason.empty()) j["status_reason"] = d.status_reason;
  j["idevid_sha256"] = d.idevid_sha256;
  j["ldevid_sha256"] = d.ldevid_sha256;
  j["ldevid_serial"] = d.ldevid_serial_hex;
  j["voucher_assertion"] = d.voucher_assertion;
  j["first_seen"] = when(d.first_seen);
  j["enrolled_at"] = when(d.enrolled_at);
  j["updated_at"] = when(d.updated_at);
  j["onboard_count"] = d.onboard_count;
  return j;
}

Status devices_list(store::RegistrarStore& store, const DevicesOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(auto devices, store.devices());
  if (o.format == "json") {
    json j;
    j["devices"] = json::array();
    for (const auto& d : devices) j["devices"].push_back(device_json(d));
    *ctx.out << j.dump() << '\n';
    return {};
  }
  std::ostream& out = *ctx.out;
  out << std::left << std::setw(24) << "SERIAL" << std::setw(19) << "STATUS" << std::setw(10) << "ONBOARDED"
      << std::setw(22) << "ENROLLED-AT" << "ASSERTION\n";
  for (const auto& d : devices) {
    out << std::left << std::setw(24) << d.serial << std::setw(19) << store::device_status_name(d.status) << std::setw(10)
        << d.onboard_count << std::setw(22) << (d.enrolled_at ? when(d.enrolled_at) : "-")
        << (d.voucher_assertion.empty() ? "-" : d.voucher_assertion) << '\n';
  }
  out << devices.size() << " device(s)\n";
  return {};
}

Status devices_show(store::RegistrarStore& store, const DevicesOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(auto device, store.device(o.serial));
  IOTONB_ASSIGN_OR_RETURN(auto allowed, store.allowed(o.serial));
  if (!device && !allowed) return verify_error("no device with serial " + o.serial + " in " + store.path());
  IOTONB_ASSIGN_OR_RETURN(auto ldevids, store.ldevids(o.serial));
  IOTONB_ASSIGN_OR_RETURN(auto reports, store.reports(o.serial));
  IOTONB_ASSIGN_OR_RETURN(auto attestation, store.attestation(o.serial));
  IOTONB_ASSIGN_OR_RETURN(auto mud, store.mud(o.serial));
  json j = device ? device_json(*device) : json{{"serial", o.serial}, {"status", "never-seen"}};
  if (allowed) {
    j["allow_list"] = {{"purchase", allowed->purchase_id}, {"owner", allowed->owner},
                       {"idevid_sha256", allowed->idevid_sha256}, {"added_at", when(allowed->added_at)}};
  } else {
    j["allow_list"] = nullptr;
  }
  if (attestation) {
    json appraisal = json::parse(attestation->appraisal, nullptr, false);
    j["attestation"] = {{"verdict", attestation->verdict},
                        {"attested_at", when(attestation->attested_at)},
                        {"idevid_sha256", attestation->idevid_sha256},
                        {"claims", appraisal.is_object() && appraisal.contains("claims") ? appraisal["claims"] : json::array()}};
  } else {
    j["attestation"] = nullptr;
  }
  if (mud) {
    j["mud"] = {{"url", mud->mud_url},         {"verdict", mud->verdict},  {"reason", mud->reason},
                {"segment", mud->segment},     {"addresses", mud->addresses}, {"rules", mud->rules_file},
                {"checked_at", when(mud->checked_at)}};
  } else {
    j["mud"] = nullptr;
  }
  j["ldevids"] = json::array();
  for (const auto& l : ldevids) {
    j["ldevids"].push_back({{"serial", l.cert_serial_hex}, {"sha256", l.sha256}, {"subject", l.subject},
                            {"issued_at", when(l.issued_at)}, {"not_after", when(l.not_after)},
                            {"status", std::string(store::ldevid_status_name(l.status))}, {"status_at", when(l.status_at)}});
  }
  j["reports"] = json::array();
  for (const auto& r : reports) {
    j["reports"].push_back({{"kind", r.kind}, {"at", when(r.at)}, {"status", r.status}, {"reason", r.reason}, {"body", r.body}});
  }
  if (o.format == "json") {
    *ctx.out << j.dump() << '\n';
    return {};
  }
  std::ostream& out = *ctx.out;
  out << "Device " << o.serial << "\n";
  for (const char* key : {"status", "status_reason", "idevid_sha256", "ldevid_serial", "ldevid_sha256", "voucher_assertion",
                          "first_seen", "enrolled_at", "updated_at", "onboard_count"}) {
    if (!j.contains(key)) continue;
    const auto& v = j[key];
    std::string text = v.is_string() ? v.get<std::string>() : v.dump();
    if (text.empty()) text = "-";
    out << "  " << std::left << std::setw(19) << (std::string(key) + ":") << text << '\n';
  }
  if (allowed) out << "  allow-list:        purchase " << allowed->purchase_id << " (" << allowed->owner << ")\n";
  else out << "  allow-list:        not listed\n";
  if (attestation) {
    out << "  attestation:       " << attestation->verdict << " at " << when(attestation->attested_at) << '\n';
    for (const auto& c : j["attestation"]["claims"])
      out << "    " << c.value("claim", "") << ": " << c.value("verdict", "") << " (" << c.value("reason", "") << ")\n";
  } else {
    out << "  attestation:       none\n";
  }
  if (mud) {
    out << "  mud:               " << mud->verdict << " at " << when(mud->checked_at) << ", " << mud->mud_url << '\n';
    if (!mud->reason.empty()) out << "    reason:          " << mud->reason << '\n';
    out << "    segment:         " << mud->segment << " (" << mud->addresses << ")\n";
    out << "    rules:           " << mud->rules_file << '\n';
  } else {
    out << "  mud:               none\n";
  }
  out << "LDevIDs (" << ldevids.size() << ")\n";
  for (const auto& l : ldevids) {
    out << "  " << l.cert_serial_hex << "  " << store::ldevid_status_name(l.status) << "  issued " << when(l.issued_at)
        << "  until " << when(l.not_after) << "  " << l.subject << '\n';
  }
  out << "Status reports (" << reports.size() << ")\n";
  for (const auto& r : reports) {
    out << "  " << when(r.at) << "  " << r.kind << "  " << (r.status ? "ok" : "failed");
    if (!r.reason.empty()) out << "  " << r.reason;
    if (r.kind == "operator") out << "  (" << r.body << ")";
    out << '\n';
  }
  return {};
}

// A revoked or quarantined device's MUD rules move to the quarantine segment, when
// registrar.yaml configures MUD and the device has a MUD record (nullopt otherwise).
Result<std::optional<store::MudRecord>> recompile_mud_rules(const DevicesOptions& o, store::RegistrarStore& store) {
  if (o.config.empty()) return std::optional<store::MudRecord>();
  IOTONB_ASSIGN_OR_RETURN(service::RegistrarConfig config, service::load_registrar_config(o.config));
  if (config.mud.trust.empty()) return std::optional<store::MudRecord>();
  IOTONB_ASSIGN_OR_RETURN(auto record, store.mud(o.serial));
  if (!record) return std::optional<store::MudRecord>();
  IOTONB_ASSIGN_OR_RETURN(auto mud, service::MudEnforcement::create(config.mud, config.network, store));
  IOTONB_ASSIGN_OR_RETURN(store::MudRecord done, mud->quarantine(o.serial));
  return std::optional<store::MudRecord>(std::move(done));
}

Status run_devices(const DevicesOptions& o, Context& ctx) {
  const bool needs_serial = o.action != "list";
  if (needs_serial && o.serial.empty()) return usage_error("devices " + o.action + ": SERIAL is required");
  if (!needs_serial && !o.serial.empty()) return usage_error("devices list takes no SERIAL");
  if (!o.reason.empty() && o.action != "revoke" && o.action != "quarantine")
    return usage_error("--reason goes with revoke or quarantine");
  IOTONB_ASSIGN_OR_RETURN(std::string path, store_path(o.config, o.store, &service::load_registrar_config));
  if (!core::path_exists(path)) return input_error("store " + path + " does not exist");
  auto store = store::RegistrarStore::open(path);
  if (!store) return store.error().context("store");
  if (o.action == "list") return devices_list(**store, o, ctx);
  if (o.action == "show") return devices_show(**store, o, ctx);
  auto status = o.action == "revoke" ? store::DeviceStatus::revoked : store::DeviceStatus::quarantined;
  auto existing = (*store)->device(o.serial);
  if (!existing) return existing.error();
  if (!*existing) return verify_error("no device with serial " + o.serial + " in " + path);
  IOTONB_RETURN_IF_ERROR((*store)->set_status(o.serial, status, o.reason, core::now()));
  IOTONB_ASSIGN_OR_RETURN(auto rules, recompile_mud_rules(o, **store));
  json j{{"serial", o.serial}, {"status", std::string(store::device_status_name(status))}, {"reason", o.reason}};
  if (rules) j["mud"] = {{"segment", rules->segment}, {"rules", rules->rules_file}};
  if (o.format == "json") {
    *ctx.out << j.dump() << '\n';
  } else {
    *ctx.out << "device " << o.serial << " " << (status == store::DeviceStatus::revoked ? "revoked" : "quarantined") << '\n';
    if (rules) *ctx.out << "MUD rules recompiled for segment " << rules->segment << ": " << rules->rules_file << '\n';
  }
  return {};
}

}  // namespace

void define_registrar(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  {
    auto o = std::make_shared<ServeOptions>();
    CLI::App* s = group.add_subcommand(
        "serve", "Run the registrar: BRSKI requestvoucher/voucher_status/enrollstatus and EST over HTTPS");
    // Its own variable: IOTONB_CONFIG names the global file of option defaults.
    s->add_option("--config", o->config, "The registrar's registrar.yaml (see examples/onboarding/registrar.yaml)")
        ->required()
        ->envname("IOTONB_REGISTRAR_CONFIG")
        ->type_name("FILE");
    add_format(*s, o->format, {"text", "json"});
    s->footer("Prints one line when listening: 'registrar listening on https://ADDR:PORT', or with --format json\n"
              "{service,url,address,port,store}. Stops cleanly on SIGINT or SIGTERM (exit 0).\n"
              "Routes: /.well-known/brski/{requestvoucher,voucher_status,enrollstatus},\n"
              "/.well-known/est/{cacerts,csrattrs,simpleenroll,simplereenroll}, /.well-known/iotonb/network-profile;\n"
              "with attestation, /.well-known/brski/{attestation-nonce,attestation}: the pledge gets a nonce (JSON\n"
              "{nonce, expires-in}, bound to its IDevID, usable once) and sends an EAT with it signed by its IDevID\n"
              "key (application/eat+cwt, see `iotonb enroll --evidence`); the registrar appraises it against\n"
              "attestation.policy (the reference values of `iotonb attest appraise`) before it asks the MASA:\n"
              "contraindicated is refused (403), warning is onboarded into network.quarantine-segment, and the\n"
              "verdict is kept with the device (`registrar devices show`). required: true refuses a voucher request\n"
              "without a recent appraisal; lifetime bounds the nonce and the appraisal (default 5m).\n"
              "With mud, a device whose IDevID names a MUD URL has its MUD file and signature fetched when it\n"
              "enrolls (`iotonb mud fetch` rules: https only, TLS checked against mud.tls-trust or the system CAs),\n"
              "verified against mud.trust and the IDevID's mudSigner, and compiled with mud.local-policy for the\n"
              "address it enrolled from into mud.policy-dir: DEVICE.nft and site.nft (iptables: DEVICE.iptables,\n"
              "DEVICE.ip6tables, site.iptables, site.ip6tables; load the site files). A file that fails is not\n"
              "used: the device goes to network.quarantine-segment with the reason kept (`registrar devices show`).\n"
              "registrar.yaml keys: listen{address,port} tls{cert,key,chain,password-file}\n"
              "domain-ca{cert,key,chain,password-file} manufacturer-trust masa{url,trust} store\n"
              "network{network-id,authentication,segment,quarantine-segment} ldevid{validity}\n"
              "attestation{policy,required,lifetime} mud{trust,tls-trust,local-policy,policy-dir,target,cache}\n"
              "limits{max-body,read-timeout-ms,threads};\n"
              "relative paths are relative to the file's folder.");
    s->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_serve(*o, ctx); }; });
  }
  {
    auto o = std::make_shared<PurchaseOptions>();
    CLI::App* c = group.add_subcommand("allow", "Load a signed purchase record into the registrar's allow-list");
    add_purchase_options(*c, *o, "The registrar's registrar.yaml: its store (and manufacturer-trust)",
                         "The registrar store (SQLite) directly")
        ->envname("IOTONB_REGISTRAR_CONFIG");
    c->footer("The signature and the signer's chain are verified before anything is stored; all devices are\n"
              "stored in one transaction (a serial already listed takes the newer record's entry).\n"
              "--format json prints {purchase,owner,manufacturer,devices,added,store}.\n"
              "Exit 1 when the signature or chain fails, 3 when the file is not a purchase record.");
    c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_allow(*o, ctx); }; });
  }
  {
    auto o = std::make_shared<DevicesOptions>();
    CLI::App* d = group.add_subcommand("devices", "List, show, revoke or quarantine the devices this registrar onboarded");
    d->add_option("action", o->action, "list | show | revoke | quarantine")
        ->required()
        ->check(CLI::IsMember({"list", "show", "revoke", "quarantine"}))
        ->type_name("ACTION");
    d->add_option("serial", o->serial, "The device serial number (show, revoke, quarantine)")->type_name("SERIAL");
    auto* cfg = d->add_option("--config", o->config, "The registrar's registrar.yaml (its store)")
                    ->envname("IOTONB_REGISTRAR_CONFIG")
                    ->type_name("FILE");
    auto* st = d->add_option("--store", o->store, "The registrar store (SQLite) directly")->type_name("FILE");
    cfg->excludes(st);
    d->add_option("--reason", o->reason, "Why (revoke, quarantine); kept in the device's audit trail")->type_name("TEXT");
    add_format(*d, o->format, {"text", "json"});
    d->footer("list: one line per device (serial, status, onboardings, last enrollment, voucher assertion);\n"
              "--format json prints {devices:[{serial,status,idevid_sha256,ldevid_sha256,ldevid_serial,\n"
              "voucher_assertion,first_seen,enrolled_at,updated_at,onboard_count}]}.\n"
              "show: the device record, its allow-list entry, every LDevID issued to it (active, replaced,\n"
              "revoked) and its status audit trail (voucher_status, enrollstatus, operator actions).\n"
              "revoke: the device and its LDevIDs are refused from now on (403); quarantine: the device is\n"
              "refused until an operator decides. Both can run while the registrar serves. With --config and\n"
              "MUD configured (registrar.yaml mud), both also recompile the device's MUD rules for the\n"
              "quarantine segment (its file in mud.policy-dir and the site ruleset).\n"
              "Statuses: voucher-requested, voucher-issued, enrolled, revoked, quarantined.\n"
              "Exit 1 when the serial is unknown.");
    d->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_devices(*o, ctx); }; });
  }
}

}  // namespace iotonb::cli::groups
