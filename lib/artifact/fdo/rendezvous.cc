#include "artifact/fdo/rendezvous.h"

#include <arpa/inet.h>

#include <cctype>
#include <charconv>

#include "core/encoding.h"

namespace iotonb::artifact::fdo {
namespace {

using core::cbor::Type;
using core::cbor::Value;

// RVVariable (FDO 1.1 3.7.1).
enum Variable : std::int64_t {
  kDevOnly = 0, kOwnerOnly = 1, kIpAddress = 2, kDevPort = 3, kOwnerPort = 4, kDns = 5, kSvCertHash = 6,
  kClCertHash = 7, kUserInput = 8, kWifiSsid = 9, kWifiPw = 10, kMedium = 11, kProtocol = 12, kDelaySec = 13,
  kBypass = 14, kExtRv = 15,
};
constexpr std::int64_t kProtocolHttp = 1, kProtocolHttps = 2;

const char* variable_name(std::int64_t v) {
  static const char* const kNames[] = {"DevOnly", "OwnerOnly", "IPAddress", "DevPort",   "OwnerPort", "Dns",
                                       "SvCertHash", "ClCertHash", "UserInput", "WifiSsid", "WifiPw", "Medium",
                                       "Protocol", "Delaysec", "Bypass", "ExtRV"};
  return v >= 0 && v < static_cast<std::int64_t>(std::size(kNames)) ? kNames[v] : nullptr;
}

const char* protocol_name(std::int64_t p) {
  static const char* const kNames[] = {"rest", "http", "https", "tcp", "tls", "coap+tcp", "coap", "coaps"};
  return p >= 0 && p < static_cast<std::int64_t>(std::size(kNames)) ? kNames[p] : nullptr;
}

Value instruction(std::int64_t variable, const Value& value) {
  return Value::array({Value::integer(variable), Value::bytes(core::cbor::encode(value))});
}

nlohmann::ordered_json describe_value(std::int64_t variable, const Bytes& encoded) {
  auto v = core::cbor::decode(encoded);
  if (!v) return core::to_hex(encoded);
  switch (variable) {
    case kIpAddress:
      if (v->type() == Type::bytes && (v->as_bytes().size() == 4 || v->as_bytes().size() == 16)) {
        char text[INET6_ADDRSTRLEN] = {0};
        inet_ntop(v->as_bytes().size() == 4 ? AF_INET : AF_INET6, v->as_bytes().data(), text, sizeof text);
        return text;
      }
      break;
    case kProtocol:
      if (auto p = v->as_int64(); p && protocol_name(*p)) return protocol_name(*p);
      break;
    default: break;
  }
  if (v->type() == Type::text) return core::to_utf8_lossy(v->as_text());
  if (auto i = v->as_int64(); v->is_integer() && i) return *i;
  if (v->type() == Type::boolean) return v->as_bool();
  return core::cbor::diagnostic(*v);
}

}  // namespace

Result<Value> rendezvous_from_urls(const std::vector<std::string>& urls) {
  if (urls.empty()) return usage_error("rendezvous: at least one URL is needed");
  core::cbor::Array directives;
  for (const std::string& url : urls) {
    const auto scheme_end = url.find("://");
    const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
    if (scheme != "http" && scheme != "https")
      return usage_error("rendezvous URL " + url + ": the scheme must be http or https");
    std::string authority = url.substr(scheme_end + 3);
    if (auto slash = authority.find('/'); slash != std::string::npos) {
      if (slash + 1 != authority.size()) return usage_error("rendezvous URL " + url + ": FDO rendezvous has no path");
      authority.resize(slash);
    }
    std::string host = authority;
    std::uint16_t port = scheme == "https" ? 443 : 80;
    std::string port_text;
    if (!authority.empty() && authority[0] == '[') {
      auto close = authority.find(']');
      if (close == std::string::npos) return usage_error("rendezvous URL " + url + ": unterminated [IPv6 address]");
      host = authority.substr(1, close - 1);
      if (close + 1 < authority.size()) {
        if (authority[close + 1] != ':') return usage_error("rendezvous URL " + url + ": junk after ]");
        port_text = authority.substr(close + 2);
      }
    } else if (auto colon = authority.rfind(':'); colon != std::string::npos) {
      host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
    }
    if (!port_text.empty()) {
      auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
      if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0)
        return usage_error("rendezvous URL " + url + ": bad port '" + port_text + "'");
    }
    if (host.empty()) return usage_error("rendezvous URL " + url + ": no host");
    std::uint8_t address[16];
    core::cbor::Array directive;
    if (inet_pton(AF_INET, host.c_str(), address) == 1) {
      directive.push_back(instruction(kIpAddress, Value::bytes(ByteView(address, 4))));
    } else if (inet_pton(AF_INET6, host.c_str(), address) == 1) {
      directive.push_back(instruction(kIpAddress, Value::bytes(ByteView(address, 16))));
    } else {
      for (char c : host)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
          return usage_error("rendezvous URL " + url + ": '" + host + "' is not a DNS name or IP address");
      directive.push_back(instruction(kDns, Value::text(host)));
    }
    directive.push_back(instruction(kDevPort, Value::uint(port)));
    directive.push_back(instruction(kOwnerPort, Value::uint(port)));
    directive.push_back(instruction(kProtocol, Value::uint(scheme == "https" ? kProtocolHttps : kProtocolHttp)));
    directives.push_back(Value::array(std::move(directive)));
  }
  return Value::array(std::move(directives));
}

Status check_rendezvous(const Value& rv, std::string_view field) {
  const std::string f(field);
  if (rv.type() != Type::array) return input_error(f + ": RendezvousInfo must be an array of directives");
  for (std::size_t d = 0; d < rv.as_array().size(); ++d) {
    const Value& directive = rv.as_array()[d];
    const std::string where = f + "[" + std::to_string(d) + "]";
    if (directive.type() != Type::array || directive.as_array().empty())
      return input_error(where + ": a RendezvousDirective must be a non-empty array of instructions");
    for (std::size_t i = 0; i < directive.as_array().size(); ++i) {
      const Value& instr = directive.as_array()[i];
      const std::size_t n = instr.type() == Type::array ? instr.as_array().size() : 0;
      if ((n != 1 && n != 2) || !instr.as_array()[0].is_integer() || (n == 2 && instr.as_array()[1].type() != Type::bytes))
        return input_error(where + "[" + std::to_string(i) + "]: a RendezvousInstr must be [RVVariable, ? bstr]");
    }
  }
  return ok_status();
}

nlohmann::ordered_json describe_rendezvous(const Value& rv) {
  auto out = nlohmann::ordered_json::array();
  if (rv.type() != Type::array) return out;
  for (const Value& directive : rv.as_array()) {
    auto instructions = nlohmann::ordered_json::array();
    if (directive.type() == Type::array)
      for (const Value& instr : directive.as_array()) {
        if (instr.type() != Type::array || instr.as_array().empty()) continue;
        const auto& parts = instr.as_array();
        const std::int64_t variable = parts[0].as_int64().value_or(-1);
        nlohmann::ordered_json item;
        const char* name = variable_name(variable);
        item["variable"] = name ? nlohmann::ordered_json(name) : nlohmann::ordered_json(variable);
        if (parts.size() > 1 && parts[1].type() == Type::bytes) item["value"] = describe_value(variable, parts[1].as_bytes());
        instructions.push_back(std::move(item));
      }
    out.push_back(std::move(instructions));
  }
  return out;
}

}  // namespace iotonb::artifact::fdo
