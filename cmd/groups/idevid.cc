// iotonb idevid mint: one device or a production batch, through lib/factory/batch_mint.h.
#include <unistd.h>

#include <memory>
#include <thread>

#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/time.h"
#include "factory/batch_mint.h"
#include "groups/groups.h"
#include "pki/issuing_ca.h"
#include "pki/name.h"
#include "pki/serial.h"

namespace iotonb::cli::groups {
namespace {

struct MintOptions {
  std::string ca_cert;
  std::string ca_key;
  std::string ca_password_file;
  std::string ca_chain;
  std::string serial;
  std::string csr;
  std::string manifest;
  std::size_t count = 0;
  std::string serial_format;
  std::size_t first_index = 1;
  std::string hw_type;
  std::string masa_url;
  std::string mud_url;
  std::string mud_signer;
  std::string subject;
  std::string key_type;
  std::string not_after;
  std::string now;
  std::string cert_serial;
  std::string cert_serial_seed;
  std::string out_dir;
  std::string ledger;
  unsigned jobs = 0;
  bool no_progress = false;
};

// A one-line progress bar on stderr, only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(bool enabled) : enabled_(enabled) {}
  ~ProgressBar() {
    if (enabled_ && drawn_) std::fputs("\n", stderr);
  }
  void update(std::size_t done, std::size_t total) {
    if (!enabled_ || total == 0) return;
    drawn_ = true;
    const int width = 40;
    int filled = static_cast<int>(width * done / total);
    std::fprintf(stderr, "\r[%.*s%*s] %zu/%zu", filled, "########################################", width - filled, "",
                 done, total);
  }

 private:
  bool enabled_;
  bool drawn_ = false;
};

Status run_mint(const MintOptions& o, Context& ctx) {
  const int sources = !o.serial.empty() + !o.manifest.empty() + (o.count > 0);
  if (sources != 1) return usage_error("give exactly one of --serial, --manifest or --count");
  if (o.count > 0 && o.serial_format.empty()) return usage_error("--count needs --serial-format, e.g. 'SN-{:06}'");
  if (!o.serial_format.empty() && o.count == 0) return usage_error("--serial-format goes with --count");
  if (!o.csr.empty() && o.serial.empty()) return usage_error("--csr goes with --serial (manifests name a CSR per row)");
  if (!o.cert_serial.empty() && o.serial.empty()) return usage_error("--cert-serial goes with --serial (batches: --cert-serial-seed)");
  if (!o.cert_serial.empty() && !o.cert_serial_seed.empty()) return usage_error("--cert-serial and --cert-serial-seed contradict each other");

  factory::BatchOptions batch;
  batch.manifest_path = o.manifest;
  batch.count = o.count;
  batch.serial_format = o.serial_format;
  batch.first_index = o.first_index;
  batch.single_serial = o.serial;
  batch.single_csr_path = o.csr;
  batch.out_dir = o.out_dir;
  batch.ledger_path = o.ledger;
  batch.jobs = o.jobs;
  batch.cert_serial_seed = o.cert_serial_seed;
  IOTONB_ASSIGN_OR_RETURN(batch.key_type, pki::parse_key_type(o.key_type));

  core::X509NamePtr subject_base, mud_signer;
  if (!o.subject.empty()) {
    IOTONB_ASSIGN_OR_RETURN(subject_base, pki::parse_name(o.subject));
  }
  if (!o.mud_signer.empty()) {
    IOTONB_ASSIGN_OR_RETURN(mud_signer, pki::parse_name(o.mud_signer));
  }
  IOTONB_ASSIGN_OR_RETURN(core::UnixTime now, resolve_now(o.now));
  pki::IdevidRequest& d = batch.defaults;
  d.hw_type = o.hw_type;
  d.masa_url = o.masa_url;
  d.mud_url = o.mud_url;
  d.mud_signer = mud_signer.get();
  d.subject_base = subject_base.get();
  d.not_before = now;
  if (!o.not_after.empty()) {
    auto t = core::parse_time_or_duration(o.not_after, now);
    if (!t) return usage_error("--not-after: " + t.error().message);
    d.not_after = *t;
  }
  if (!o.cert_serial.empty()) {
    IOTONB_ASSIGN_OR_RETURN(d.cert_serial, pki::parse_serial(o.cert_serial));
  }

  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.ca_password_file, "IOTONB_CA_PASSWORD", o.ca_key,
                                                               "CA key password"));
  IOTONB_ASSIGN_OR_RETURN(auto ca, pki::open_issuing_ca(o.ca_cert, o.ca_key, password ? &*password : nullptr, o.ca_chain));

  ctx.debug("issuing CA: " + pki::name_to_string(X509_get_subject_name(ca.cert.get())) + " (" + ca.signer->reference() + ")");
  ctx.debug("ledger: " + (o.ledger.empty() ? o.out_dir + "/ledger.sqlite" : o.ledger) + ", key type: " + o.key_type +
            ", jobs: " + (o.jobs ? std::to_string(o.jobs) : "all cores"));
  ProgressBar progress(!ctx.quiet && !o.no_progress && core::stderr_is_terminal());
  factory::BatchCallbacks callbacks;
  callbacks.on_device = [&ctx](const factory::DeviceResult& r) {
    nlohmann::ordered_json line{{"serial", r.serial},
                                {"cert_serial", r.cert_serial_hex},
                                {"fingerprint_sha256", r.fingerprint_sha256},
                                {"dir", r.dir},
                                {"cert", r.cert_path},
                                {"key", r.key_path.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.key_path)},
                                {"chain", r.chain_path}};
    *ctx.out << line.dump() << '\n';
  };
  callbacks.on_progress = [&progress](std::size_t done, std::size_t total) { progress.update(done, total); };
  IOTONB_ASSIGN_OR_RETURN(auto summary, factory::mint_batch(batch, ca, callbacks));
  ctx.out->flush();
  ctx.info("minted " + std::to_string(summary.minted) + " of " + std::to_string(summary.total) + " devices" +
           (summary.already_issued ? " (" + std::to_string(summary.already_issued) + " already issued earlier)" : "") +
           " into " + o.out_dir);
  return {};
}

}  // namespace

void define_idevid(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  auto o = std::make_shared<MintOptions>();
  CLI::App* m = group.add_subcommand("mint", "Mint IDevID certificates and keys for one device or a batch");
  m->add_option("--ca-cert", o->ca_cert, "Issuing (manufacturer) CA certificate")->required()->type_name("FILE");
  m->add_option("--ca-key", o->ca_key, "Issuing CA key")->required()->type_name("KEYREF");
  add_password_file(*m, "--ca-password-file", o->ca_password_file, "CA key's", "IOTONB_CA_PASSWORD");
  m->add_option("--ca-chain", o->ca_chain, "Certificates above the issuing CA, for chain.pem")->type_name("FILE");
  m->add_option("--serial", o->serial, "One device: its serial number (PrintableString, 1-64 characters)")->type_name("SERIAL");
  m->add_option("--csr", o->csr, "One device: certify the key in this CSR (proof of possession checked) instead of "
                                 "generating one")
      ->type_name("FILE");
  m->add_option("--manifest", o->manifest,
                "Batch: CSV (header: serial,hw_type,masa_url,mud_url,csr) or YAML list of devices")
      ->type_name("FILE");
  m->add_option("--count", o->count, "Batch: this many devices named by --serial-format")->type_name("N")->check(CLI::PositiveNumber);
  m->add_option("--serial-format", o->serial_format, "Batch: serial pattern with one {} or {:0N} for the index, e.g. 'SN-{:06}'")
      ->type_name("PATTERN");
  m->add_option("--first-index", o->first_index, "Batch: index of the first device")->capture_default_str()->type_name("N");
  m->add_option("--hw-type", o->hw_type, "hardwareModuleName hwType OID (RFC 4108); no hardwareModuleName when absent")
      ->type_name("OID");
  m->add_option("--masa-url", o->masa_url, "MASA URL extension (RFC 8995 2.3.2), e.g. masa.example.com:9443")->type_name("URL");
  m->add_option("--mud-url", o->mud_url, "MUD URL extension (RFC 8520 10), https://...")->type_name("URL");
  m->add_option("--mud-signer", o->mud_signer, "MUD signer extension: subject DN of the MUD file signer")->type_name("DN");
  m->add_option("--subject", o->subject, "Subject attributes placed before serialNumber, e.g. 'O=Acme,CN=Widget'")->type_name("DN");
  add_key_type(*m, o->key_type);
  m->add_option("--not-after", o->not_after, "End of validity (default 99991231235959Z: no well-defined expiration)")
      ->type_name("TIME");
  add_now(*m, o->now);
  m->add_option("--cert-serial", o->cert_serial, "One device: certificate serial in hex (default: 126 random bits)")
      ->type_name("HEX");
  m->add_option("--cert-serial-seed", o->cert_serial_seed,
                "Derive certificate serials from this seed and the device serial (reproducible fixtures)")
      ->type_name("SEED");
  m->add_option("--out-dir", o->out_dir, "Folder for device folders OUT_DIR/SERIAL/{idevid.crt,idevid.key,chain.pem}")
      ->required()
      ->type_name("DIR");
  m->add_option("--ledger", o->ledger, "Issuance ledger (SQLite; default OUT_DIR/ledger.sqlite)")->type_name("FILE");
  m->add_option("-j,--jobs", o->jobs, "Worker threads (default: all cores)")->type_name("N");
  m->add_flag("--no-progress", o->no_progress, "No progress bar, even on a terminal");
  m->footer("Prints one JSON object per minted device on stdout: serial cert_serial fingerprint_sha256 dir cert key\n"
            "chain. Re-running the same command after an interruption completes the batch: devices already in the\n"
            "ledger are not minted again. Device keys are written unencrypted (mode 0600) for loading into the\n"
            "device; use --csr or a manifest csr column when the device makes its own key.\n"
            "Example:\n"
            "  iotonb idevid mint --ca-cert ca.crt --ca-key ca.key --ca-password-file pw --count 1000 \\\n"
            "      --serial-format 'SN-{:06}' --hw-type 1.3.6.1.4.1.32473.1 --masa-url masa.example.com --out-dir devices");
  m->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_mint(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups
