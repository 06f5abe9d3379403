// iotonb supply-chain purchase: the manufacturer's signed purchase record (iotonb's own
// format, lib/artifact/purchase_record.h; RFC 8995 7.4.2 leaves sales integration to the
// MASA operator) naming the owner, its domain CA and the sold devices with their IDevID
// SHA-256 fingerprints, taken from minted device folders, the issuance ledger or a list.
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <openssl/rand.h>

#include "artifact/purchase_record.h"
#include "artifact/voucher_inputs.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "pki/key.h"
#include "pki/name.h"
#include "store/sqlite.h"

namespace iotonb::cli::groups {
namespace {

namespace fs = std::filesystem;

struct PurchaseOptions {
  std::string manufacturer_key, manufacturer_cert, key_password_file, owner, domain_ca, manufacturer, id;
  std::vector<std::string> chain, serials;
  std::string ledger, devices, serial_list, out, format = "der", now;
  bool force = false;
};

// serial -> lower-case hex SHA-256 of the IDevID.
using Sold = std::map<std::string, std::string>;

Status add_certificate(Sold& sold, const std::string& path, const std::string& expected_serial) {
  IOTONB_ASSIGN_OR_RETURN(auto cert, pki::read_certificate(path));
  auto serial = artifact::idevid_serial_number(cert.get());
  if (!serial) return input_error(path + ": the certificate has no subject serialNumber (not an IDevID)");
  if (!expected_serial.empty() && *serial != expected_serial)
    return input_error(path + ": subject serialNumber \"" + *serial + "\" is not the listed serial \"" + expected_serial + "\"");
  if (sold.count(*serial)) return input_error(path + ": serial \"" + *serial + "\" is listed twice");
  sold[*serial] = core::to_hex(pki::certificate_fingerprint(cert.get(), EVP_sha256()));
  return {};
}

// A device folder (OUT/<serial>/idevid.crt) or a certificate file.
Status add_path(Sold& sold, const std::string& path, const std::string& expected_serial) {
  if (fs::is_directory(path)) return add_certificate(sold, (fs::path(path) / "idevid.crt").string(), expected_serial);
  return add_certificate(sold, path, expected_serial);
}

Result<Sold> from_devices(const std::string& dir) {
  if (!fs::is_directory(dir)) return input_error(dir + ": not a folder of device folders");
  Sold sold;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory() || name.rfind(".tmp-", 0) == 0) continue;  // unfinished mint folders
    if (!fs::exists(entry.path() / "idevid.crt")) continue;
    IOTONB_RETURN_IF_ERROR(add_certificate(sold, (entry.path() / "idevid.crt").string(), name));
  }
  if (ec) return io_error(dir + ": " + ec.message());
  if (sold.empty()) return input_error(dir + ": no device folder with an idevid.crt");
  return sold;
}

Result<Sold> from_ledger(const std::string& path) {
  if (!core::path_exists(path)) return input_error(path + ": no such issuance ledger");
  IOTONB_ASSIGN_OR_RETURN(store::Database db, store::Database::open(path));
  IOTONB_ASSIGN_OR_RETURN(store::Statement rows, db.prepare("SELECT device_serial, fingerprint_sha256 FROM issued"));
  Sold sold;
  while (true) {
    IOTONB_ASSIGN_OR_RETURN(bool row, rows.step());
    if (!row) break;
    sold[rows.column_text(0)] = rows.column_text(1);
  }
  if (sold.empty()) return input_error(path + ": the ledger records no device");
  return sold;
}

Result<Sold> from_list(const std::string& path) {
  IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(path));
  const fs::path base = path == "-" ? fs::path() : fs::path(path).parent_path();
  Sold sold;
  std::string text(as_chars(data));
  std::size_t line_no = 0, start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::string serial, file = line;
    if (auto comma = line.find(','); comma != std::string::npos) {
      serial = line.substr(0, comma);
      file = line.substr(comma + 1);
    }
    if (fs::path(file).is_relative() && !base.empty()) file = (base / file).string();
    if (Status s = add_path(sold, file, serial); !s) return s.error().context(core::input_name(path) + ":" + std::to_string(line_no));
  }
  if (sold.empty()) return input_error(core::input_name(path) + ": lists no device");
  return sold;
}

Result<std::string> random_id() {
  Bytes b(16);
  if (RAND_bytes(b.data(), static_cast<int>(b.size())) != 1) return internal_error("no random bytes for the purchase id");
  return "purchase-" + core::to_hex(b);
}

Status run_purchase(const PurchaseOptions& o, Context& ctx) {
  const int sources = !o.ledger.empty() + !o.devices.empty() + !o.serial_list.empty();
  if (sources != 1) return usage_error("give exactly one device source: --ledger, --devices or --serial-list");
  if (!o.serials.empty() && !o.serial_list.empty())
    return usage_error("--serial selects devices of --ledger or --devices; --serial-list lists them itself");
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  IOTONB_ASSIGN_OR_RETURN(core::UnixTime now, resolve_now(o.now));

  Sold sold;
  if (!o.devices.empty()) {
    IOTONB_ASSIGN_OR_RETURN(sold, from_devices(o.devices));
  } else if (!o.ledger.empty()) {
    IOTONB_ASSIGN_OR_RETURN(sold, from_ledger(o.ledger));
  } else {
    IOTONB_ASSIGN_OR_RETURN(sold, from_list(o.serial_list));
  }
  artifact::PurchaseRecord record;
  for (const auto& s : o.serials) {
    auto it = sold.find(s);
    if (it == sold.end())
      return input_error("serial \"" + s + "\" is not in " + (o.devices.empty() ? o.ledger : o.devices));
    record.devices.push_back({it->first, it->second});
  }
  if (o.serials.empty())
    for (const auto& [serial, hash] : sold) record.devices.push_back({serial, hash});

  IOTONB_ASSIGN_OR_RETURN(auto cert, pki::read_certificate(o.manufacturer_cert));
  std::vector<core::X509Ptr> chain;
  for (const auto& f : o.chain) {
    IOTONB_ASSIGN_OR_RETURN(auto list, pki::read_certificates(f));
    for (auto& c : list) chain.push_back(std::move(c));
  }
  IOTONB_ASSIGN_OR_RETURN(auto domain_ca, pki::read_certificate(o.domain_ca));
  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD",
                                                               o.manufacturer_key, "Manufacturer key password"));
  IOTONB_ASSIGN_OR_RETURN(auto signer, pki::open_signer(o.manufacturer_key, password ? &*password : nullptr));
  if (!pki::same_public_key(X509_get0_pubkey(cert.get()), signer->key()))
    return usage_error(o.manufacturer_cert + " does not hold the public key of " + o.manufacturer_key);

  if (o.id.empty()) {
    IOTONB_ASSIGN_OR_RETURN(record.id, random_id());
  } else {
    record.id = o.id;
  }
  record.manufacturer = o.manufacturer.empty() ? pki::name_to_string(X509_get_subject_name(cert.get())) : o.manufacturer;
  record.owner = o.owner;
  record.domain_ca_der = pki::certificate_der(domain_ca.get());
  record.created_on = now;
  std::vector<const X509*> chain_view;
  for (const auto& c : chain) chain_view.push_back(c.get());
  IOTONB_ASSIGN_OR_RETURN(Bytes der, artifact::sign_purchase_record(record, *signer, cert.get(), chain_view));
  if (o.format == "pem") {
    IOTONB_RETURN_IF_ERROR(write_result(o.out, core::to_pem("CMS", der), o.force));
  } else {
    IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(der), o.force));
  }
  if (o.out != "-" && !o.out.empty())
    ctx.info("purchase record " + record.id + ": " + std::to_string(record.devices.size()) + " device(s) sold to " +
             record.owner + ", written to " + o.out);
  return {};
}

}  // namespace

void define_supply_chain(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  auto o = std::make_shared<PurchaseOptions>();
  CLI::App* p = group.add_subcommand("purchase", "Make a purchase record: devices sold to an owner, signed by the manufacturer");
  p->add_option("--manufacturer-key", o->manufacturer_key, "The manufacturer's signing key")->required()->type_name("KEYREF");
  add_password_file(*p, "--key-password-file", o->key_password_file, "--manufacturer-key", "IOTONB_KEY_PASSWORD");
  p->add_option("--manufacturer-cert", o->manufacturer_cert,
                "Its certificate (the MASA and registrar verify the record against the manufacturer CA)")
      ->required()
      ->type_name("FILE");
  p->add_option("--chain", o->chain, "Intermediate certificates to carry (repeatable)")->type_name("FILE");
  p->add_option("--owner", o->owner, "The buyer, free text")->required()->type_name("NAME");
  p->add_option("--domain-ca", o->domain_ca, "The owner's domain CA certificate, which vouchers will pin")
      ->required()
      ->type_name("FILE");
  p->add_option("--manufacturer", o->manufacturer, "Manufacturer name in the record (default: the certificate's subject)")
      ->type_name("NAME");
  p->add_option("--ledger", o->ledger, "Devices from an issuance ledger (iotonb idevid mint's ledger.sqlite)")->type_name("FILE");
  p->add_option("--devices", o->devices, "Devices from minted device folders DIR/<serial>/idevid.crt")->type_name("DIR");
  p->add_option("--serial-list", o->serial_list,
                "Devices from a list: one per line, SERIAL,IDEVID-PATH or a device folder or IDevID path; - for stdin")
      ->type_name("FILE");
  p->add_option("--serial", o->serials, "Only these serials of --ledger or --devices (repeatable)")->type_name("SERIAL");
  p->add_option("--id", o->id, "Record id (default: random)")->type_name("ID");
  add_now(*p, o->now);
  add_format(*p, o->format, {"der", "pem"});
  p->add_option("-o,--out", o->out, "Output file (default stdout; der is binary)")->type_name("FILE");
  add_force(*p, o->force);
  p->footer("The record is JSON {id, manufacturer, owner, domain-ca, devices:[{serial, idevid-sha256}], created-on}\n"
            "in a CMS SignedData (id-data), conventionally purchase.p7. Load it with 'iotonb masa claim' and\n"
            "'iotonb registrar allow', which verify the signature first. One record holds about 9000 devices\n"
            "(CMS objects are read up to 1 MiB); split a larger sale with --serial.");
  p->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_purchase(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups
