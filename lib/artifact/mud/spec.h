// The readable YAML spec `iotonb mud create --from` turns into an RFC 8520 MUD file: what the
// mudmaker web tool does, for scripts. The spec names the device, its URLs, and the flows it
// needs; each allowed flow becomes a from-device ACE and its mirror-image to-device ACE in ACLs
// named after the MUD URL, one pair per IP version, as in RFC 8520's examples:
//
//   mud-url: https://devices.example.com/mud/thermostat.json    # required, https
//   mud-signature: https://devices.example.com/mud/thermostat.p7s
//   last-update: 2026-11-28T10:00:00Z    # default: now; RFC 3339 with offset
//   cache-validity: 48                   # hours, 1..168 (default 48)
//   supported: true                      # is-supported (default true)
//   systeminfo: Example thermostat       # at most 60 characters
//   mfg-name / model-name / firmware-rev / software-rev: text
//   documentation: https://devices.example.com/doc/thermostat
//   extensions: [NAME, ...]
//   ip-version: ipv4 | ipv6 | both       # default both
//   allow:
//     - name: cloud                      # optional; ACE names are NAME-frdev / NAME-todev
//       to: update.example.com           # a DNS name, or my-controller | local-networks |
//                                        # same-manufacturer, or {controller: URI} |
//                                        # {manufacturer: DOMAIN} | {model: MUD-URL}
//       protocol: tcp                    # tcp | udp | icmp | any (required)
//       port: 443                        # the peer's port, or a range "8000-8100"
//       device-port: 5683                # the device's own port (a server on the device)
//       initiated-by: device             # tcp only: device (default) | remote | either
//
// The remote port is the destination port of the from-device ACE and the source port of the
// to-device ACE. Unnamed flows are named as mudmaker does (cl0 for DNS names, myctl0, ctl0,
// loc0, myman0, man0, mod0). The input is hostile: size, nesting and node count are bounded
// before and while yaml-cpp reads it, and every error names the source, line and field
// ("thermostat.yaml:14: allow[2].port: 70000 is not 0..65535").
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "artifact/mud/model.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::artifact::mud {

inline constexpr std::size_t kMaxSpecSize = 64 * 1024;
inline constexpr std::size_t kMaxSpecDepth = 8;
inline constexpr std::size_t kMaxSpecNodes = 8192;
inline constexpr std::size_t kMaxSpecFlows = 256;

// The MUD file the spec describes; it passes read_mud(write_mud(...)). now fills last-update
// when the spec has none; source names the spec in error messages.
Result<MudFile> read_spec(std::string_view text, core::UnixTime now, const std::string& source = "spec");

}  // namespace iotonb::artifact::mud
