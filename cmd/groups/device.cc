// iotonb device wipe | show: the pledge's state folder (protocol/device_state.h). A wipe
// takes the device back to how it left the factory (only the birth identity stays), so that
// it can onboard again; show summarises what the folder holds.
#include <filesystem>
#include <memory>

#include "artifact/voucher_inputs.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/json.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "pki/name.h"
#include "protocol/brski/pledge.h"
#include "protocol/device_state.h"

namespace iotonb::cli::groups {
namespace {

using json = nlohmann::ordered_json;

struct WipeOptions {
  std::string state;
  bool force = false;
  std::string format;
};

Status run_wipe(const WipeOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Format format, parse_format(o.format));
  IOTONB_ASSIGN_OR_RETURN(protocol::StateLock lock, protocol::StateLock::acquire(o.state));
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> removed, protocol::wipe(o.state, o.force));
  if (format == Format::json) {
    *ctx.out << json{{"state", o.state}, {"removed", removed}}.dump() << '\n';
  } else if (removed.empty()) {
    *ctx.out << o.state << ": nothing to remove (only the birth identity is there)\n";
  } else {
    for (const auto& name : removed) *ctx.out << "removed " << (std::filesystem::path(o.state) / name).string() << '\n';
  }
  return {};
}

struct ShowOptions {
  std::string state;
  std::string format;
};

json certificate_summary(const X509* cert) {
  return json{{"subject", pki::name_to_string(X509_get_subject_name(cert))},
              {"issuer", pki::name_to_string(X509_get_issuer_name(cert))},
              {"fingerprint-sha256", core::to_hex(pki::certificate_fingerprint(cert, EVP_sha256()))}};
}

Status run_show(const ShowOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Format format, parse_format(o.format));
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(o.state, ec)) return io_error(o.state + ": not a folder");
  json d;
  d["state"] = o.state;
  const fs::path idevid_path = fs::path(o.state) / protocol::kIdevidCertFile;
  if (fs::exists(idevid_path, ec)) {
    IOTONB_ASSIGN_OR_RETURN(auto idevid, pki::read_certificates(idevid_path.string()));
    if (idevid.empty()) return input_error(idevid_path.string() + ": no certificate");
    d["serial-number"] = artifact::idevid_serial_number(idevid.front().get()).value_or("");
    d["idevid"] = certificate_summary(idevid.front().get());
  }
  IOTONB_ASSIGN_OR_RETURN(auto stored, protocol::read_enrollment(o.state));
  d["enrolled"] = stored.has_value();
  if (stored) {
    const auto& r = stored->record;
    if (!d.contains("serial-number")) d["serial-number"] = r.serial;
    d["registrar"] = r.registrar;
    d["enrolled-at"] = r.enrolled_at;
    if (!r.renewed_at.empty()) d["renewed-at"] = r.renewed_at;
    d["renewals"] = r.renewals;
    d["voucher"] = {{"file", r.voucher_file},
                    {"assertion", r.voucher_assertion},
                    {"created-on", r.voucher_created_on}};
    if (!r.voucher_expires_on.empty()) d["voucher"]["expires-on"] = r.voucher_expires_on;
    auto s = protocol::brski::summarize_ldevid(stored->ldevid.get());
    d["ldevid"] = {{"serial", s.serial},           {"subject", s.subject},        {"issuer", s.issuer},
                   {"fingerprint-sha256", s.fingerprint}, {"not-before", s.not_before}, {"not-after", s.not_after},
                   {"key-type", r.key_type}};
    json cas = json::array();
    for (const auto& c : stored->domain_ca) cas.push_back(pki::name_to_string(X509_get_subject_name(c.get())));
    d["domain-ca"] = std::move(cas);
    if (!stored->network_profile.empty()) {
      auto profile = core::parse_json(stored->network_profile);
      if (!profile) return profile.error().context((fs::path(o.state) / protocol::kNetworkProfileFile).string());
      d["network-profile"] = *profile;
    }
  }
  print_description(ctx, d, format);
  return {};
}

}  // namespace

void define_device(CLI::App& group, Context& ctx) {
  {
    auto o = std::make_shared<WipeOptions>();
    CLI::App* w = group.add_subcommand("wipe", "Remove everything but the birth identity (idevid.crt, idevid.key, chain.pem)");
    w->add_option("--state", o->state, "The device state folder")->required()->type_name("DIR");
    w->add_flag("--force", o->force, "Also remove files that are not part of the device state layout");
    add_format(*w, o->format, {"text", "json"});
    w->footer(
        "Removes the voucher, the LDevID key and certificate, domain-ca.pem, network-profile.json, enrollment.json\n"
        "and leftovers of an interrupted write, and prints each name removed (--format json: {state, removed[]}).\n"
        "DIR must be a device state folder (idevid.crt or enrollment.json in it). Any other file in DIR makes the\n"
        "wipe refuse before it removes anything, unless --force. The device can then run 'iotonb enroll' again.");
    w->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_wipe(*o, ctx); }; });
  }
  {
    auto o = std::make_shared<ShowOptions>();
    CLI::App* s = group.add_subcommand("show", "Summarise a device state folder: identity, enrollment, network profile");
    s->add_option("--state", o->state, "The device state folder")->required()->type_name("DIR");
    add_format(*s, o->format, {"text", "json"});
    s->footer(
        "--format json prints {state, serial-number, idevid{subject, issuer, fingerprint-sha256}, enrolled,\n"
        "registrar, enrolled-at, renewed-at, renewals, voucher{file, assertion, created-on, expires-on},\n"
        "ldevid{serial, subject, issuer, fingerprint-sha256, not-before, not-after, key-type}, domain-ca[],\n"
        "network-profile}; the enrollment keys only when enrolled.");
    s->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_show(*o, ctx); }; });
  }
  group.require_subcommand(1);
}

}  // namespace iotonb::cli::groups
