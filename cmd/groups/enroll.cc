// iotonb enroll: the pledge's onboarding session (RFC 8995 BRSKI, then RFC 7030 EST) against a
// registrar, or with --renew the LDevID's re-enrollment; the session itself is
// service/enroll.h, this file maps flags to its options and its result to output.
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "protocol/device_state.h"
#include "service/enroll.h"

namespace iotonb::cli::groups {
namespace {

struct Options {
  std::string registrar;
  std::string state;
  std::string idevid_cert;
  std::string idevid_key;
  std::string idevid_key_password_file;
  std::vector<std::string> masa_trust;
  std::string form = "cms";
  std::string key_type;
  std::string common_name;
  std::string evidence;
  double timeout = 30;
  int retries = 5;
  bool renew = false;
  bool force = false;
  std::string now;
  std::string format;
};

void print_text(const Context& ctx, const service::EnrollResult& r) {
  std::ostream& out = *ctx.out;
  out << (r.renewed ? "Renewed " : "Enrolled ") << r.serial << " with " << r.registrar << '\n';
  if (!r.renewed) {
    out << "  voucher:         " << r.voucher_form << ", assertion " << r.voucher_assertion << ", created-on "
        << r.voucher_created_on << (r.voucher_expires_on.empty() ? "" : ", expires-on " + r.voucher_expires_on) << '\n';
    out << "  voucher signer:  " << r.voucher_signer << '\n';
    out << "  pinned domain:   " << r.pinned_domain << '\n';
  }
  out << "  LDevID:          " << r.ldevid.subject << " (serial " << r.ldevid.serial << ", " << r.ldevid_key_type << ")\n";
  out << "  issuer:          " << r.ldevid.issuer << '\n';
  out << "  valid until:     " << r.ldevid.not_after << '\n';
  out << "  SHA-256:         " << r.ldevid.fingerprint << '\n';
  if (!r.previous_ldevid_serial.empty()) out << "  replaced serial: " << r.previous_ldevid_serial << '\n';
  if (r.attestation.is_object()) out << "  attestation:     " << r.attestation.value("verdict", "") << '\n';
  if (r.network_profile.is_object()) {
    out << "  network profile:";
    for (const auto& [k, v] : r.network_profile.items()) out << ' ' << k << '=' << (v.is_string() ? v.get<std::string>() : v.dump());
    out << '\n';
  }
  out << "  state:           " << r.state_dir << '\n';
  out << "  time:            " << static_cast<long long>(r.total_ms) << " ms (";
  for (std::size_t i = 0; i < r.steps.size(); ++i)
    out << (i ? ", " : "") << r.steps[i].step << ' ' << static_cast<long long>(r.steps[i].ms);
  out << ")\n";
  for (const auto& w : r.warnings) ctx.info("iotonb: warning: " + w);
}

Status run(const Options& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Format format, parse_format(o.format));
  if (o.timeout <= 0 || o.timeout > 3600) return usage_error("--timeout: must be between 0 and 3600 seconds");
  if (o.renew && (!o.masa_trust.empty() || !o.idevid_cert.empty() || !o.idevid_key.empty() || o.force || !o.evidence.empty()))
    return usage_error(
        "--renew uses the stored enrollment: --masa-trust, --idevid-cert, --idevid-key, --evidence and --force do not apply");
  if (!o.renew && o.registrar.empty()) return usage_error("--registrar is required (unless --renew)");
  if (!o.renew && o.masa_trust.empty()) return usage_error("--masa-trust is required (unless --renew)");

  service::EnrollOptions eo;
  eo.registrar_url = o.registrar;
  eo.state_dir = o.state;
  eo.idevid_cert = o.idevid_cert;
  eo.idevid_key = o.idevid_key;
  eo.form = o.form == "cose" ? artifact::VoucherForm::cose : artifact::VoucherForm::cms;
  if (!o.key_type.empty()) {
    IOTONB_ASSIGN_OR_RETURN(eo.key_type, pki::parse_key_type(o.key_type));
    eo.key_type_given = true;
  }
  eo.ldevid_common_name = o.common_name;
  eo.force = o.force;
  eo.evidence = o.evidence;
  if (!o.now.empty()) {
    IOTONB_ASSIGN_OR_RETURN(eo.now, resolve_now(o.now));
  }
  const int timeout_ms = static_cast<int>(o.timeout * 1000);
  eo.transport.connect_timeout_ms = std::min(timeout_ms, 10000);
  eo.transport.read_timeout_ms = timeout_ms;
  eo.transport.max_retries = o.retries;

  Result<service::EnrollResult> result = Error{};
  if (o.renew) {
    result = service::renew(eo);
  } else {
    std::vector<core::X509Ptr> anchors;
    for (const auto& f : o.masa_trust) {
      IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(f));
      if (certs.empty()) return input_error(f + ": no certificate");
      for (auto& c : certs) anchors.push_back(std::move(c));
    }
    for (const auto& c : anchors) eo.masa_trust.push_back(c.get());
    std::string key_path = o.idevid_key.empty() ? o.state + "/" + protocol::kIdevidKeyFile : o.idevid_key;
    std::optional<SecretBytes> password;
    if (!o.idevid_key_password_file.empty() || std::getenv("IOTONB_IDEVID_KEY_PASSWORD") != nullptr ||
        core::path_exists(key_path.rfind("file:", 0) == 0 ? key_path.substr(5) : key_path)) {
      IOTONB_ASSIGN_OR_RETURN(password, existing_key_password(o.idevid_key_password_file, "IOTONB_IDEVID_KEY_PASSWORD",
                                                              key_path, "IDevID key password"));
    }
    eo.idevid_key_password = password ? &*password : nullptr;
    result = service::enroll(eo);
  }
  if (!result) return std::move(result).error();
  if (format == Format::json) {
    *ctx.out << result->to_json().dump() << '\n';
    for (const auto& w : result->warnings) ctx.info("iotonb: warning: " + w);
  } else {
    print_text(ctx, *result);
  }
  return {};
}

}  // namespace

void define_enroll(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<Options>();
  group.add_option("--registrar", o->registrar, "Registrar URL, https://HOST:PORT (with --renew: default the stored one)")
      ->type_name("URL");
  group.add_option("--state", o->state, "The device state folder (birth identity in, enrollment out)")
      ->required()
      ->type_name("DIR");
  group.add_option("--idevid-cert", o->idevid_cert, "IDevID certificate (default DIR/idevid.crt)")->type_name("FILE");
  group.add_option("--idevid-key", o->idevid_key, "IDevID key reference (default DIR/idevid.key)")->type_name("KEYREF");
  add_password_file(group, "--idevid-key-password-file", o->idevid_key_password_file, "IDevID key",
                    "IOTONB_IDEVID_KEY_PASSWORD");
  group.add_option("--masa-trust", o->masa_trust, "Trust anchors for the MASA's voucher signature (repeatable)")
      ->type_name("FILE");
  group.add_option("--form", o->form, "Voucher request form: cms (application/voucher-cms+json) or cose")
      ->check(CLI::IsMember({"cms", "cose"}))
      ->capture_default_str()
      ->type_name("FORM");
  group.add_option("--key-type", o->key_type,
                   "LDevID key type (default p256; with --renew the current key's type)")
      ->check(CLI::IsMember(pki::key_type_names()))
      ->type_name("TYPE");
  group.add_option("--common-name", o->common_name, "commonName for the LDevID subject (serialNumber is always there)")
      ->type_name("CN");
  group.add_option("--evidence", o->evidence,
                   "Device description (claims, files to measure): send evidence signed with the IDevID key before the "
                   "voucher request, for a registrar that appraises it")
      ->type_name("FILE");
  group.add_option("--timeout", o->timeout, "Seconds to wait for each answer")->capture_default_str()->type_name("S");
  group.add_option("--retries", o->retries, "Retries after 202/503 (Retry-After, else exponential backoff)")
      ->check(CLI::Range(0, 20))
      ->capture_default_str()
      ->type_name("N");
  group.add_flag("--renew", o->renew, "Replace the LDevID through EST simplereenroll (RFC 7030 4.2.2)");
  group.add_flag("--force", o->force, "Enroll even though DIR already holds an enrollment (it is replaced)");
  add_now(group, o->now);
  add_format(group, o->format, {"text", "json"});
  group.footer(
      "Steps: provisional TLS with the IDevID as client certificate; GET /.well-known/est/cacerts; with\n"
      "--evidence, POST /.well-known/brski/attestation-nonce and then the evidence (an EAT with that nonce, the\n"
      "description's claims and the SHA-256 of the files it lists, signed with the IDevID key) to\n"
      "/.well-known/brski/attestation, which the registrar appraises (contraindicated: refused, exit 1); POST\n"
      "/.well-known/brski/requestvoucher (nonce, proximity-registrar-cert); verify the voucher (MASA signature\n"
      "and chain to --masa-trust, serial-number, nonce, times) and the registrar's TLS chain against its\n"
      "pinned-domain-cert, else report voucher_status false and stop; voucher_status; a new key on the device;\n"
      "POST /.well-known/est/simpleenroll (serialNumber = the IDevID's); check the LDevID (the CSR's key, chains\n"
      "to cacerts); enrollstatus; GET /.well-known/iotonb/network-profile with the LDevID as client certificate.\n"
      "DIR then holds voucher.vcj or voucher.cose, ldevid.key (0600, unencrypted like idevid.key), ldevid.crt,\n"
      "domain-ca.pem, network-profile.json and enrollment.json, all written as one set.\n"
      "--renew: the LDevID as client certificate, the domain CA as trust, POST /.well-known/est/simplereenroll\n"
      "with a new key and the same subject; ldevid.key, ldevid.crt and enrollment.json are replaced as one set.\n"
      "--format json prints {result, serial-number, registrar, state, voucher{form, assertion, nonce, created-on,\n"
      "expires-on, signer, pinned-domain}, ldevid{serial, subject, issuer, fingerprint-sha256, not-before,\n"
      "not-after, key-type, replaced-serial}, attestation{verdict, claims}, network-profile, steps[{step, ms, http-status, attempts}], total-ms,\n"
      "warnings}.\n"
      "Exit: 0 enrolled; 1 a check failed (voucher, pinned domain, LDevID) or the registrar refused with 401,\n"
      "403 or 404 (its message is printed); 2 usage; 3 unreadable input or state; 4 network failure or another\n"
      "HTTP error (400, 415, 5xx, still 202 after the retries).");
  group.callback([o, &ctx] { ctx.action = [o, &ctx] { return run(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups
