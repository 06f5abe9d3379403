// Firewall rulesets from compiled MUD policy (compile.h): nftables (`nft -f`) and iptables
// (`iptables-restore` / `ip6tables-restore`, filter table). Both filter forwarded traffic only
// (the host's own traffic, e.g. DHCP and DNS answered by the router itself, and traffic of
// hosts that are not listed devices pass untouched): a dispatch by device address sends a
// device's packets through its chain for packets it sends ("from") and the one for packets it
// receives ("to"); an allowed packet returns to the dispatch (so traffic between two listed
// devices must be allowed by both), anything a device chain does not allow is dropped (default
// deny). The output is deterministic: devices in the order given, rules in compile order, one
// item per line, so per-device files and the site aggregate can be diffed. Every name that
// reaches the ruleset is checked again here (device ids, set names, segment names) and comments
// carry only a safe alphabet, so a hostile MUD file cannot add rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "artifact/mud/address.h"
#include "artifact/mud/compile.h"
#include "core/result.h"

namespace iotonb::artifact::mud {

struct RenderOptions {
  // nft: the table (family inet); iptables: its upper-case form names the dispatch chain
  // ("iotonb_mud" -> IOTONB-MUD). 1..20 of a-z, 0-9, '_', starting with a letter.
  std::string table = "iotonb_mud";
  // iptables: add "-A FORWARD -j IOTONB-MUD" (leave it out when reloading with --noflush into
  // a table that already jumps there).
  bool hook_forward = true;
  // nft: also filter the host's own input and output for the devices' addresses (a test
  // setup where the "device" is on this host); off for a router.
  bool hook_local = false;
};

// `nft -f` input: replaces table inet TABLE atomically and touches nothing else.
Result<std::string> render_nftables(const std::vector<DevicePolicy>& devices, const RenderOptions& options);

// `iptables-restore` (family ipv4) or `ip6tables-restore` (ipv6) input for the filter table;
// rules of the other family are left out. Named sets are refused (compile with
// CompileOptions::named_sets_supported = false: iptables needs ipset for them, which the
// restore format cannot create).
Result<std::string> render_iptables(const std::vector<DevicePolicy>& devices, Family family, const RenderOptions& options);

// Text safe inside a ruleset comment of either format: printable ASCII without quotes or
// backslashes, at most max octets.
std::string comment_text(std::string_view text, std::size_t max = 120);

// Checks RenderOptions::table.
Status check_table_name(const std::string& table);

}  // namespace iotonb::artifact::mud
