// iotonb mud compile: a MUD file and the owner's local policy into nftables or iptables rules
// for one device (lib/artifact/mud/compile.h, render.h).
#include <memory>

#include "artifact/mud/compile.h"
#include "artifact/mud/file.h"
#include "artifact/mud/local_policy.h"
#include "artifact/mud/render.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/mud_verbs.h"

namespace iotonb::cli::groups::mud {
namespace {

namespace m = artifact::mud;
using json = nlohmann::ordered_json;

struct CompileOptions {
  std::string file;
  std::vector<std::string> ips;
  std::string mac;
  std::string local_policy;
  std::string target = "nftables";
  std::string device_id = "device";
  bool quarantine = false;
  std::string dns;
  std::string table = "iotonb_mud";
  bool no_hook = false;
  std::string out;
  bool force = false;
  std::string format;
};

std::string segment_text(const m::Segment& s) {
  return s.name + (s.vlan ? " (VLAN " + std::to_string(*s.vlan) + ")" : " (no VLAN)");
}

std::string dns_text(const m::CompiledDns& d) {
  std::string s = "dns: " + d.name + " " + m::family_name(d.family) + ": " + m::dns_how_name(d.how);
  std::string list;
  for (const auto& a : d.addresses) list += (list.empty() ? "" : ", ") + a;
  if (d.how == m::CompiledDns::How::named_set) s += " @" + d.set_name + " (an external resolver fills it)";
  else if (d.how == m::CompiledDns::How::unresolved) s += " (" + d.detail + "; the flow is denied)";
  else s += list.empty() ? " (no address)" : " " + list;
  return s;
}

json report_json(const m::DevicePolicy& p, const CompileOptions& o) {
  json dns = json::array();
  for (const auto& d : p.dns) {
    json e{{"name", d.name}, {"family", m::family_name(d.family)}, {"how", m::dns_how_name(d.how)}};
    if (d.how == m::CompiledDns::How::named_set) e["set"] = d.set_name;
    if (d.how == m::CompiledDns::How::static_map || d.how == m::CompiledDns::How::resolved) e["addresses"] = d.addresses;
    if (d.how == m::CompiledDns::How::unresolved) e["detail"] = d.detail;
    dns.push_back(std::move(e));
  }
  json segment{{"name", p.segment.name}};
  segment["vlan"] = p.segment.vlan ? json(*p.segment.vlan) : json(nullptr);
  json out{{"device", p.device_id},
           {"mud-url", p.mud_url.empty() ? json(nullptr) : json(p.mud_url)},
           {"target", o.target},
           {"quarantine", p.quarantine},
           {"segment", std::move(segment)},
           {"addresses", p.addresses.ipv4}};
  for (const auto& a : p.addresses.ipv6) out["addresses"].push_back(a);
  out["mac"] = p.addresses.mac ? json(*p.addresses.mac) : json(nullptr);
  out["rules"] = p.rules.size();
  out["dns"] = std::move(dns);
  out["notes"] = p.notes;
  return out;
}

Status run_compile(const CompileOptions& o, Context& ctx) {
  if (o.ips.empty()) return usage_error("give the device's address (--device-ip, IPv4 or IPv6, repeatable)");
  if (o.target != "nftables" && o.no_hook) return usage_error("--no-hook is for the iptables targets");
  if (!o.out.empty() && o.out != "-") IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  m::RenderOptions render;
  render.table = o.table;
  render.hook_forward = !o.no_hook;
  IOTONB_RETURN_IF_ERROR(m::check_table_name(render.table));

  IOTONB_ASSIGN_OR_RETURN(Bytes policy_text, core::read_input(o.local_policy, m::kMaxLocalPolicySize));
  auto local = m::read_local_policy(as_chars(policy_text));
  if (!local) return local.error().context(core::input_name(o.local_policy));
  IOTONB_ASSIGN_OR_RETURN(Bytes mud_text, core::read_input(o.file, m::kMaxMudFileSize));
  auto mud = m::parse_mud(as_chars(mud_text));
  if (!mud) return mud.error().context(core::input_name(o.file));

  m::CompileInput in;
  in.device_id = o.device_id;
  in.mud = &*mud;
  in.quarantine = o.quarantine;
  for (const auto& ip : o.ips) {
    auto a = m::parse_address(ip);
    if (!a) return usage_error("--device-ip: " + a.error().message);
    (a->family == m::Family::ipv4 ? in.addresses.ipv4 : in.addresses.ipv6).push_back(a->text);
  }
  if (!o.mac.empty()) {
    auto mac = m::parse_mac(o.mac);
    if (!mac) return usage_error("--device-mac: " + mac.error().message);
    in.addresses.mac = *mac;
  }
  if (auto id = m::check_device_id(o.device_id); !id) return usage_error("--device-id: " + id.error().message);

  m::CompileOptions options;
  if (o.dns == "resolve") options.dns_mode = m::DnsMode::resolve;
  if (o.dns == "named-sets") options.dns_mode = m::DnsMode::named_sets;
  options.named_sets_supported = o.target == "nftables";
  auto policy = m::compile_device(in, *local, options);
  if (!policy) return policy.error();

  Result<std::string> ruleset = o.target == "nftables" ? m::render_nftables({*policy}, render)
                                : m::render_iptables({*policy}, o.target == "iptables" ? m::Family::ipv4 : m::Family::ipv6, render);
  if (!ruleset) return ruleset.error();
  m::DevicePolicy& p = *policy;
  if (o.target != "nftables") {
    const bool v4 = o.target == "iptables";
    for (const auto& r : p.rules)
      if (r.family && (*r.family == m::Family::ipv4) != v4) {
        p.notes.push_back(std::string("target: ") + (v4 ? "IPv6" : "IPv4") + " rules are left out; compile them with --target " +
                          (v4 ? "ip6tables" : "iptables"));
        break;
      }
  }
  const bool to_stdout = o.out.empty() || o.out == "-";
  if (o.format == "json") {
    if (!to_stdout) IOTONB_RETURN_IF_ERROR(write_result(o.out, *ruleset, o.force));
    json report = report_json(p, o);
    if (to_stdout) report["ruleset"] = *ruleset;
    else report["out"] = o.out;
    print_description(ctx, report, Format::json);
    return {};
  }
  IOTONB_RETURN_IF_ERROR(write_result(o.out, *ruleset, o.force));
  ctx.info(p.device_id + ": segment " + segment_text(p.segment) + (p.quarantine ? ", quarantined" : "") + "; " +
           std::to_string(p.rules.size()) + " rules before default deny");
  for (const auto& d : p.dns) ctx.info(dns_text(d));
  for (const auto& n : p.notes) ctx.info("note: " + n);
  return {};
}

}  // namespace

void add_compile_verbs(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<CompileOptions>();
  CLI::App* c = group.add_subcommand("compile", "Compile a MUD file and the local policy into nftables or iptables rules");
  c->add_option("file", o->file, "The MUD file (RFC 8520 JSON); - for stdin")->required()->type_name("FILE");
  c->add_option("--device-ip", o->ips, "The device's address, IPv4 or IPv6 (repeatable)")->required()->type_name("IP");
  c->add_option("--device-mac", o->mac, "The device's MAC: its packets must carry it (anti-spoofing)")->type_name("MAC");
  c->add_option("--local-policy", o->local_policy, "The owner's local policy, YAML (see below)")->required()->type_name("LOCAL.yaml");
  c->add_option("--target", o->target, "nftables (nft -f), iptables (iptables-restore, IPv4) or ip6tables (IPv6)")
      ->check(CLI::IsMember({"nftables", "iptables", "ip6tables"}))
      ->capture_default_str()
      ->type_name("TARGET");
  c->add_option("--device-id", o->device_id, "Names the device's chains: letters, digits, . _ : - (at most 64)")
      ->capture_default_str()
      ->type_name("ID");
  c->add_flag("--quarantine", o->quarantine, "Compile for the quarantine segment: only its allowed flows, not the MUD file's");
  c->add_option("--dns", o->dns, "DNS names: resolve now, or leave as named sets (default: the local policy's dns-mode)")
      ->check(CLI::IsMember({"resolve", "named-sets"}))
      ->type_name("MODE");
  c->add_option("--table", o->table, "nft table (inet) name; iptables: its upper-case form names the dispatch chain")
      ->capture_default_str()
      ->type_name("NAME");
  c->add_flag("--no-hook", o->no_hook, "iptables: leave out '-A FORWARD -j IOTONB-MUD' (when reloading with --noflush)");
  c->add_option("-o,--out", o->out, "The ruleset (default stdout)")->type_name("FILE");
  add_force(*c, o->force);
  add_format(*c, o->format, {"text", "json"});
  c->footer(
      "The MUD file is read and validated as `mud validate` does; its signature is NOT checked here (compile is\n"
      "about policy: check it with `mud verify` or fetch it with `mud fetch`, which verifies before use).\n"
      "\n"
      "Rules, first match wins: the local policy's rules (a local deny beats a MUD accept, a local allow adds a\n"
      "flow); then the MUD ACEs, from-device then to-device; then default deny in both directions. With\n"
      "--quarantine only segments.quarantine.allow applies. tcp direction-initiated uses connection tracking:\n"
      "the initiating side may open connections, the other side only answers (ct state established).\n"
      "Abstractions map through the local policy; a peer that maps to nothing (no such controller, a name that\n"
      "does not resolve) leaves the accept out (denied) and is reported; a drop with such a peer drops every peer.\n"
      "DNS names: the local policy's dns map first; then resolved now (getaddrinfo) or, for nftables with\n"
      "named-sets, left as sets dns4_NAME / dns6_NAME (dots as '_') that a resolver fills, e.g.\n"
      "'nft add element inet iotonb_mud dns4_fw-update_example_com { 203.0.113.7 timeout 1h }'. iptables has no\n"
      "named sets here (ipset cannot be driven from iptables-restore): names are resolved, and a note says so.\n"
      "\n"
      "The ruleset filters forwarded traffic only (hook forward; the host's own traffic and other hosts' pass):\n"
      "nft -f FILE replaces table inet iotonb_mud atomically; iptables-restore --noflush FILE replaces chain\n"
      "IOTONB-MUD and the MUD-* chains (use --no-hook on reloads). --target iptables writes IPv4 rules only,\n"
      "ip6tables IPv6 only.\n"
      "\n"
      "Local policy (YAML; every key optional):\n"
      "  controllers: {URI: [addresses/prefixes]}     controller abstraction\n"
      "  my-controller: [addresses]  or {MUD-URL: [..], \"*\": [..]}\n"
      "  local-networks: [prefixes]                   local-networks abstraction\n"
      "  manufacturers: {domain: [addresses]}         manufacturer, and same-manufacturer (MUD URL authority)\n"
      "  models: {MUD-URL: [addresses]}               model abstraction\n"
      "  dns: {name: [addresses]}                     static answers, before any resolver\n"
      "  dns-mode: resolve | named-sets\n"
      "  segments: {default: {name, vlan}, quarantine: {name, vlan, allow: [RULE...]}}\n"
      "  rules: [RULE...]\n"
      "  RULE: {action: allow|deny, direction: from-device|to-device|both, peer: PEER or [PEER...],\n"
      "         protocol: tcp|udp|icmp|ipv6-icmp|any|N, src-port: P, dst-port: P, initiated-by: device|peer,\n"
      "         family: ipv4|ipv6|any, devices: [device ids or MUD URLs]}\n"
      "  PEER: any | ADDRESS[/LEN] | dns:NAME | controller:URI | my-controller | local-networks |\n"
      "        manufacturer:DOMAIN | same-manufacturer | model:MUD-URL\n"
      "  P: 443 | \"!= 23\" | \"<= 1023\" | \">= 1024\" | \"8000-8080\"  (as in packets from the device; both\n"
      "     mirrors them for the replies)\n"
      "Errors name the field and line ('local.yaml: rules[2].dst-port (line 14): ...').\n"
      "\n"
      "Text: the ruleset on stdout (or --out); the segment, each DNS name's handling and notes on stderr.\n"
      "--format json: {device,mud-url,target,quarantine,segment{name,vlan},addresses,mac,rules,\n"
      "dns:[{name,family,how:static|resolved|named-set|unresolved,addresses|set|detail}],notes,ruleset|out}.\n"
      "\n"
      "Exit status: 0 written (unresolved names are notes, not failures); 2 usage (bad --device-ip, an existing\n"
      "--out without --force); 3 unreadable or invalid MUD file or local policy.\n"
      "\n"
      "Examples:\n"
      "  iotonb mud compile Luminaire_150.json --device-ip 192.168.1.50 --local-policy local.yaml --target nftables\n"
      "  iotonb mud compile lamp.json --device-ip 192.168.1.50 --device-ip fd00::50 --device-id lamp-7 \\\n"
      "      --local-policy local.yaml --dns named-sets -o lamp-7.nft --format json");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_compile(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups::mud
