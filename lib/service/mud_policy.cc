// The registrar's MUD enforcement; see mud_policy.h.
#include "service/mud_policy.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "artifact/mud/address.h"
#include "artifact/mud/file.h"
#include "artifact/mud/render.h"
#include "artifact/mud/signature.h"
#include "artifact/voucher_inputs.h"
#include "core/files.h"
#include "pki/extensions.h"
#include "service/mud_fetch.h"
#include "service/service_server.h"

namespace iotonb::service {
namespace {

namespace mud = artifact::mud;

// The TLS layer reports an IPv4 client on a dual-stack socket as ::ffff:a.b.c.d; the rules
// must name the IPv4 address the packets carry.
std::string plain_address(std::string address) {
  const std::string mapped = "::ffff:";
  if (address.rfind(mapped, 0) == 0 && address.find('.') != std::string::npos) address.erase(0, mapped.size());
  return address;
}

mud::DeviceAddresses split_addresses(const std::string& list) {
  mud::DeviceAddresses out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = list.find(',', start);
    std::string a = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!a.empty()) (a.find(':') == std::string::npos ? out.ipv4 : out.ipv6).push_back(a);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::string mud_device_id(const std::string& serial) {
  if (mud::check_device_id(serial)) return serial;
  return "device-" + mud::short_hash(serial);
}

Result<std::unique_ptr<MudEnforcement>> MudEnforcement::create(const MudConfig& config, const NetworkProfile& network,
                                                               store::RegistrarStore& store) {
  std::unique_ptr<MudEnforcement> m(new MudEnforcement(config, store));
  IOTONB_ASSIGN_OR_RETURN(m->trust_, read_certificate_files(config.trust, "mud.trust"));
  if (!config.tls_trust.empty()) {
    IOTONB_ASSIGN_OR_RETURN(m->tls_trust_, read_certificate_files(config.tls_trust, "mud.tls-trust"));
  }
  IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(config.local_policy, mud::kMaxLocalPolicySize));
  auto local = mud::read_local_policy(as_chars(text));
  if (!local) return local.error().context("mud.local-policy: " + config.local_policy);
  m->local_ = std::move(local).value();
  if (!network.segment.empty()) m->local_.segment.name = network.segment;
  m->local_.quarantine.name = network.quarantine_segment;
  std::error_code ec;
  std::filesystem::create_directories(config.policy_dir, ec);
  if (ec) return io_error("mud.policy-dir: cannot create " + config.policy_dir + ": " + ec.message());
  IOTONB_RETURN_IF_ERROR(m->refresh_site());
  return m;
}

std::vector<std::string> MudEnforcement::device_files(const std::string& serial) const {
  const std::string id = mud_device_id(serial);
  if (config_.target == "iptables") return {id + ".iptables", id + ".ip6tables"};
  return {id + ".nft"};
}

MudFetchOptions MudEnforcement::fetch_options(const std::optional<core::X509NamePtr>& mud_signer, core::UnixTime at) const {
  MudFetchOptions o;
  o.trust = certificate_views(trust_);
  o.tls_trust = certificate_views(tls_trust_);
  o.mud_signer = mud_signer ? mud_signer->get() : nullptr;
  o.cache_dir = config_.cache;
  o.at = at;
  return o;
}

mud::CompileOptions MudEnforcement::compile_options() const {
  mud::CompileOptions options;
  options.named_sets_supported = config_.target != "iptables";
  return options;
}

Result<mud::CompileInput> MudEnforcement::input_for(const store::MudRecord& record,
                                                    std::shared_ptr<const mud::MudFile>& keep) {
  Parsed& parsed = parsed_[record.serial];
  if (parsed.checked_at != record.checked_at) {
    parsed = Parsed{record.checked_at, nullptr};
    if (record.verdict == kMudVerified && !record.mud_file.empty()) {
      auto file = mud::parse_mud(record.mud_file);
      if (!file) return file.error().context("stored MUD file of " + record.serial);
      parsed.file = std::make_shared<const mud::MudFile>(std::move(file).value());
    }
  }
  keep = parsed.file;
  mud::CompileInput in;
  in.device_id = mud_device_id(record.serial);
  in.mud = keep.get();
  in.addresses = split_addresses(record.addresses);
  in.quarantine = record.segment == local_.quarantine.name;
  return in;
}

Status MudEnforcement::write_device(const store::MudRecord& record, const mud::DevicePolicy& policy) {
  const auto names = device_files(record.serial);
  const std::filesystem::path dir(config_.policy_dir);
  core::WriteOptions w;
  w.overwrite = true;
  if (config_.target == "iptables") {
    IOTONB_ASSIGN_OR_RETURN(std::string v4, mud::render_iptables({policy}, mud::Family::ipv4, {}));
    IOTONB_ASSIGN_OR_RETURN(std::string v6, mud::render_iptables({policy}, mud::Family::ipv6, {}));
    IOTONB_RETURN_IF_ERROR(core::write_output((dir / names[0]).string(), v4, w));
    return core::write_output((dir / names[1]).string(), v6, w);
  }
  IOTONB_ASSIGN_OR_RETURN(std::string nft, mud::render_nftables({policy}, {}));
  return core::write_output((dir / names[0]).string(), nft, w);
}

Status MudEnforcement::refresh_site() {
  std::unique_lock lock(site_mutex_);
  const std::uint64_t mine = ++site_requested_;
  site_done_.wait(lock, [&] { return site_served_ >= mine || !site_compiling_; });
  if (site_served_ >= mine) return site_status_;
  // Nobody is compiling and nobody has served this request: compile for everyone asking so far.
  const std::uint64_t serves = site_requested_;
  site_compiling_ = true;
  lock.unlock();
  Status status = write_site();
  lock.lock();
  site_compiling_ = false;
  site_served_ = serves;
  site_status_ = status;
  site_done_.notify_all();
  return status;
}

Status MudEnforcement::write_site() {
  site_compiles_.fetch_add(1);
  IOTONB_ASSIGN_OR_RETURN(auto records, store_.mud_records());
  // Newest first, so an address goes to the device that has it now.
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.checked_at > b.checked_at; });
  std::set<std::string> taken;
  std::vector<mud::CompileInput> inputs;
  std::vector<std::shared_ptr<const mud::MudFile>> files;  // what inputs point to
  {
    std::lock_guard parsed_lock(mutex_);
    for (const store::MudRecord& r : records) {
      files.emplace_back();
      IOTONB_ASSIGN_OR_RETURN(mud::CompileInput in, input_for(r, files.back()));
      bool clash = false;
      for (const auto* list : {&in.addresses.ipv4, &in.addresses.ipv6})
        for (const auto& a : *list) clash = clash || !taken.insert(a).second;
      if (!clash) inputs.push_back(std::move(in));
    }
  }
  std::sort(inputs.begin(), inputs.end(), [](const auto& a, const auto& b) { return a.device_id < b.device_id; });
  IOTONB_ASSIGN_OR_RETURN(std::vector<mud::DevicePolicy> site, mud::compile_site(inputs, local_, compile_options()));
  const std::filesystem::path dir(config_.policy_dir);
  core::WriteOptions w;
  w.overwrite = true;
  if (config_.target == "iptables") {
    IOTONB_ASSIGN_OR_RETURN(std::string v4, mud::render_iptables(site, mud::Family::ipv4, {}));
    IOTONB_ASSIGN_OR_RETURN(std::string v6, mud::render_iptables(site, mud::Family::ipv6, {}));
    IOTONB_RETURN_IF_ERROR(core::write_output((dir / "site.iptables").string(), v4, w));
    return core::write_output((dir / "site.ip6tables").string(), v6, w);
  }
  IOTONB_ASSIGN_OR_RETURN(std::string nft, mud::render_nftables(site, {}));
  return core::write_output((dir / "site.nft").string(), nft, w);
}

// Compiles from the record's copy of the file (the text the store keeps), so a recompile later
// gives the same rules without fetching again.
Result<store::MudRecord> MudEnforcement::apply(store::MudRecord record) {
  record.rules_file = (std::filesystem::path(config_.policy_dir) / device_files(record.serial)[0]).string();
  {
    std::lock_guard lock(mutex_);
    std::shared_ptr<const mud::MudFile> file;
    IOTONB_ASSIGN_OR_RETURN(mud::CompileInput in, input_for(record, file));
    IOTONB_ASSIGN_OR_RETURN(mud::DevicePolicy policy, mud::compile_device(in, local_, compile_options()));
    IOTONB_RETURN_IF_ERROR(write_device(record, policy));
    IOTONB_RETURN_IF_ERROR(store_.record_mud(record));
  }
  IOTONB_RETURN_IF_ERROR(refresh_site());  // after the record is stored, so the site has it
  return record;
}

Result<std::optional<store::MudRecord>> MudEnforcement::device_enrolled(const std::string& serial, const X509* idevid,
                                                                       const std::string& address) {
  auto url = pki::read_mud_url(idevid);
  if (!url) return std::optional<store::MudRecord>();
  store::MudRecord record;
  record.serial = serial;
  record.mud_url = url->value;
  record.addresses = plain_address(address);
  record.checked_at = core::now();

  // A damaged mudSigner extension is the device's failure, like a bad signature.
  auto signer = mud::read_mud_signer_name(idevid);
  Result<FetchedMud> fetched = signer ? fetch_mud(record.mud_url, fetch_options(*signer, record.checked_at))
                                      : Result<FetchedMud>(signer.error());
  if (fetched) {
    record.verdict = kMudVerified;
    record.mud_file.assign(as_chars(fetched->file_bytes));
    record.segment = local_.segment.name;
  } else {
    record.verdict = kMudFailed;
    record.reason = fetched.error().message;
    record.segment = local_.quarantine.name;
  }
  IOTONB_ASSIGN_OR_RETURN(store::MudRecord done, apply(std::move(record)));
  return std::optional<store::MudRecord>(std::move(done));
}

Result<store::MudRecord> MudEnforcement::quarantine(const std::string& serial) {
  IOTONB_ASSIGN_OR_RETURN(auto existing, store_.mud(serial));
  if (!existing) return input_error("device " + serial + " has no MUD record");
  store::MudRecord record = std::move(*existing);
  record.segment = local_.quarantine.name;
  record.checked_at = std::max(core::now(), record.checked_at + 1);  // a change the server notices
  return apply(std::move(record));
}

bool MudEnforcement::quarantined(const std::string& serial) {
  auto record = store_.mud(serial);
  return record && *record && (*record)->segment == local_.quarantine.name;
}

}  // namespace iotonb::service
