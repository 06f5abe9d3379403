// Rendezvous information (FDO 1.1 3.7): where a device looks for its owner.
//
//   RendezvousInfo = [+ RendezvousDirective]
//   RendezvousDirective = [+ RendezvousInstr]
//   RendezvousInstr = [RVVariable, ? bstr .cbor RVValue]
//
// iotonb writes one directive per URL: RVDns or RVIPAddress, RVDevPort and RVOwnerPort (the
// URL's port, or the scheme's), and RVProtocol (http 1, https 2). It reads any directive and
// describes the variables it knows by name.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cbor.h"
#include "core/result.h"

namespace iotonb::artifact::fdo {

// "http://rv.example.com:8040", "https://192.0.2.7", "https://[2001:db8::1]:8443"; usage
// errors name the URL.
Result<core::cbor::Value> rendezvous_from_urls(const std::vector<std::string>& urls);

// Checks the shape above (field names the value in errors).
Status check_rendezvous(const core::cbor::Value& rv, std::string_view field);

// [[{"variable": "Dns", "value": "rv.example.com"}, ...], ...]; values are decoded where the
// variable's type is known, hex otherwise.
nlohmann::ordered_json describe_rendezvous(const core::cbor::Value& rv);

}  // namespace iotonb::artifact::fdo
