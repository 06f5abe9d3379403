#include "artifact/mud/address.h"

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstdio>

#include "core/url.h"

namespace iotonb::artifact::mud {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  c = lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

Result<IpPrefix> parse_prefix(std::string_view text) {
  if (text.empty() || text.size() > 64) return input_error("\"" + std::string(text.substr(0, 64)) + "\" is not an IP address");
  std::string_view addr = text;
  std::optional<int> len;
  if (auto slash = text.find('/'); slash != std::string_view::npos) {
    addr = text.substr(0, slash);
    std::string_view digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return input_error("\"" + std::string(text) + "\": bad prefix length");
    int v = 0;
    for (char c : digits) {
      if (!is_digit(c)) return input_error("\"" + std::string(text) + "\": bad prefix length");
      v = v * 10 + (c - '0');
    }
    len = v;
  }
  const std::string a(addr);
  std::array<unsigned char, 16> bytes{};
  IpPrefix out;
  std::size_t octets = 0;
  if (a.find(':') == std::string::npos && inet_pton(AF_INET, a.c_str(), bytes.data()) == 1) {
    out.family = Family::ipv4;
    octets = 4;
  } else if (inet_pton(AF_INET6, a.c_str(), bytes.data()) == 1) {
    out.family = Family::ipv6;
    octets = 16;
  } else {
    return input_error("\"" + std::string(text) + "\" is not an IPv4 or IPv6 address or prefix");
  }
  const int max = static_cast<int>(octets * 8);
  if (len && *len > max)
    return input_error("\"" + std::string(text) + "\": prefix length must be 0.." + std::to_string(max));
  if (len) {
    // nft refuses a prefix with host bits set, and a typo there would widen or narrow a rule
    // silently if we masked it.
    for (int bit = *len; bit < max; ++bit)
      if (bytes[static_cast<std::size_t>(bit / 8)] & (0x80 >> (bit % 8)))
        return input_error("\"" + std::string(text) + "\": bits beyond the /" + std::to_string(*len) + " prefix are set");
  }
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(out.family == Family::ipv4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
  out.text = buf;
  if (len && *len != max) out.text += "/" + std::to_string(*len);
  return out;
}

Result<IpPrefix> parse_address(std::string_view text) {
  if (text.find('/') != std::string_view::npos)
    return input_error("\"" + std::string(text) + "\" must be one address, not a prefix");
  return parse_prefix(text);
}

Result<std::string> parse_mac(std::string_view text) {
  const auto bad = [&] { return input_error("\"" + std::string(text.substr(0, 40)) + "\" is not a MAC address (aa:bb:cc:dd:ee:ff)"); };
  if (text.size() != 17) return bad();
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i % 3 == 2) {
      if (text[i] != ':' && text[i] != '-') return bad();
      out += ':';
    } else {
      if (hex_value(text[i]) < 0) return bad();
      out += lower(text[i]);
    }
  }
  return out;
}

Result<std::string> parse_dns_name(std::string_view text) {
  std::string_view name = text;
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  const auto bad = [&](const std::string& why) {
    return input_error("\"" + std::string(text.substr(0, 80)) + "\" is not a DNS host name: " + why);
  };
  if (name.empty()) return bad("empty");
  if (name.size() > 253) return bad("longer than 253 octets");
  std::string out;
  std::size_t label = 0;
  for (std::size_t i = 0; i <= name.size(); ++i) {
    if (i == name.size() || name[i] == '.') {
      if (label == 0) return bad("an empty label");
      if (name[i - 1] == '-') return bad("a label ends with '-'");
      label = 0;
      if (i < name.size()) out += '.';
      continue;
    }
    const char c = name[i];
    if (!is_alpha(c) && !is_digit(c) && c != '-') return bad("only letters, digits, '-' and '.' are allowed");
    if (c == '-' && label == 0) return bad("a label starts with '-'");
    if (++label > 63) return bad("a label longer than 63 octets");
    out += lower(c);
  }
  return out;
}

Status check_device_id(std::string_view id) {
  if (id.empty() || id.size() > kMaxDeviceIdLength)
    return input_error("a device id must be 1.." + std::to_string(kMaxDeviceIdLength) + " characters");
  if (!is_alpha(id[0]) && !is_digit(id[0])) return input_error("device id \"" + std::string(id) + "\" must start with a letter or digit");
  for (char c : id)
    if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '_' && c != ':' && c != '-')
      return input_error("device id \"" + std::string(id.substr(0, kMaxDeviceIdLength)) +
                         "\" may hold only letters, digits, '.', '_', ':' and '-'");
  return ok_status();
}

std::optional<std::string> url_authority(std::string_view url) {
  auto parsed = core::parse_https_url(url);
  if (!parsed) return std::nullopt;
  std::string out = parsed->ipv6() ? "[" + parsed->host + "]" : parsed->host;
  for (char& c : out) c = lower(c);
  return out;
}

std::string short_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  char buf[13];
  std::snprintf(buf, sizeof buf, "%012llx", static_cast<unsigned long long>(h & 0xffffffffffffull));
  return buf;
}

}  // namespace iotonb::artifact::mud
