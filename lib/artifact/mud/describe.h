// What `iotonb mud show` and `iotonb inspect` show of a MUD file (RFC 8520): the device
// information, the URLs, the cache validity, and per direction each ACE of each ACL in one
// readable line ("accept tcp to fw-update.example.com port 443 (initiated by device)"). The
// JSON keys are stable (iotonb-mud(1)); --format text renders the same description.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "artifact/mud/model.h"

namespace iotonb::artifact::mud {

// One ACE as a line, read from the device's side: the peer is the destination of a
// from-device ACE and the source of a to-device ACE, and "port" is the peer's port.
std::string describe_ace(const Ace& ace, AclType type, Direction direction);

// {type: "mud-file", mud-url, mud-signature?, last-update, cache-validity-hours, is-supported,
//  systeminfo?, mfg-name?, model-name?, firmware-rev?, software-rev?, documentation?,
//  extensions?, from-device: {ACL: {ACE: line}}, to-device: {...}}
nlohmann::ordered_json describe_mud(const MudFile& file);

}  // namespace iotonb::artifact::mud
