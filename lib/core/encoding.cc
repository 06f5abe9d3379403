#include "core/encoding.h"

#include <array>

namespace iotonb::core {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kHexDigitsUpper[] = "0123456789ABCDEF";
constexpr char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kB64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string base64_with(ByteView data, const char* alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    std::uint32_t v = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t v = data[i] << 16;
    if (rest == 2) v |= data[i + 1] << 8;
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    if (rest == 2) out += alphabet[(v >> 6) & 63];
    if (pad) out.append(rest == 1 ? "==" : "=");
  }
  return out;
}

const std::array<int, 256>& base64_table() {
  static const std::array<int, 256> table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    for (int i = 0; i < 64; ++i) {
      t[static_cast<unsigned char>(kB64[i])] = i;
      t[static_cast<unsigned char>(kB64Url[i])] = i;
    }
    return t;
  }();
  return table;
}

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when there is none.
std::size_t utf8_sequence(std::string_view text, std::size_t i) {
  auto at = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = at(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char low = 0x80, high = 0xbf;  // range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    n = 2;
  } else if (c == 0xe0) {
    n = 3, low = 0xa0;
  } else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) {
    n = 3;
  } else if (c == 0xed) {
    n = 3, high = 0x9f;
  } else if (c == 0xf0) {
    n = 4, low = 0x90;
  } else if (c >= 0xf1 && c <= 0xf3) {
    n = 4;
  } else if (c == 0xf4) {
    n = 4, high = 0x8f;
  } else {
    return 0;
  }
  if (i + n > text.size() || at(i + 1) < low || at(i + 1) > high) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (at(i + k) < 0x80 || at(i + k) > 0xbf) return 0;
  return n;
}

}  // namespace

bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string to_utf8_lossy(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
  return out;
}

std::string to_hex(ByteView data, bool upper) {
  const char* digits = upper ? kHexDigitsUpper : kHexDigits;
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

std::string to_hex_separated(ByteView data, char separator) {
  std::string out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (i) out += separator;
    out += kHexDigitsUpper[data[i] >> 4];
    out += kHexDigitsUpper[data[i] & 15];
  }
  return out;
}

Result<Bytes> from_hex(std::string_view text) {
  Bytes out;
  out.reserve(text.size() / 2);
  int high = -1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == ':' || c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    int v = hex_value(c);
    if (v < 0) return input_error("invalid hex digit at offset " + std::to_string(i));
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  if (high >= 0) return input_error("odd number of hex digits");
  return out;
}

std::string to_base64(ByteView data) { return base64_with(data, kB64, true); }
std::string to_base64url(ByteView data) { return base64_with(data, kB64Url, false); }

namespace {

// Collects base64 sextets into octets (RFC 4648 4: 4 characters carry 3 octets).
struct SextetReader {
  Bytes out;
  std::uint32_t acc = 0;
  int bits = 0;
  void add(int sextet) {
    acc = (acc << 6) | static_cast<std::uint32_t>(sextet);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>(acc >> bits));
      acc &= (1u << bits) - 1;
    }
  }
};

}  // namespace

Result<Bytes> from_base64(std::string_view text) {
  const auto& table = base64_table();
  SextetReader r;
  r.out.reserve(text.size() * 3 / 4);
  bool padding_seen = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\n' || c == '\r' || c == ' ' || c == '\t') continue;
    if (c == '=') {
      padding_seen = true;
      continue;
    }
    int v = table[static_cast<unsigned char>(c)];
    if (v < 0 || padding_seen) return input_error("invalid base64 at offset " + std::to_string(i));
    r.add(v);
  }
  if (r.bits >= 6) return input_error("truncated base64");
  return std::move(r.out);
}

Result<Bytes> from_base64_strict(std::string_view text, Base64Alphabet alphabet) {
  static const auto tables = [] {
    std::array<std::array<int, 256>, 2> t{};
    for (auto& row : t) row.fill(-1);
    for (int i = 0; i < 64; ++i) {
      t[0][static_cast<unsigned char>(kB64[i])] = i;
      t[1][static_cast<unsigned char>(kB64Url[i])] = i;
    }
    return t;
  }();
  const bool url = alphabet == Base64Alphabet::url_unpadded;
  const auto& values = tables[url ? 1 : 0];
  const char* kind = url ? "base64url" : "standard base64";
  std::string_view body = text;
  if (!url) {
    if (text.size() % 4 != 0) return input_error(std::string("not ") + kind + " (length is not a multiple of 4)");
    while (!body.empty() && body.back() == '=' && text.size() - body.size() < 2) body.remove_suffix(1);
  }
  if (body.size() % 4 == 1) return input_error(std::string("not ") + kind + " (truncated)");
  SextetReader r;
  r.out.reserve(body.size() * 3 / 4);
  for (std::size_t i = 0; i < body.size(); ++i) {
    int v = values[static_cast<unsigned char>(body[i])];
    if (v < 0) return input_error(std::string("not ") + kind + " (character " + std::to_string(i) + " is not in its alphabet)");
    r.add(v);
  }
  if (r.acc != 0) return input_error(std::string("not canonical ") + kind + " (non-zero trailing bits)");
  return std::move(r.out);
}

std::string to_pem(std::string_view label, ByteView der) {
  std::string b64 = to_base64(der);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (std::size_t i = 0; i < b64.size(); i += 64) {
    out.append(b64, i, 64);
    out += '\n';
  }
  out += "-----END " + std::string(label) + "-----\n";
  return out;
}

Result<std::vector<PemBlock>> parse_pem(std::string_view text) {
  static constexpr std::string_view kBegin = "-----BEGIN ";
  static constexpr std::string_view kDashes = "-----";
  std::vector<PemBlock> blocks;
  std::size_t pos = 0;
  while ((pos = text.find(kBegin, pos)) != std::string_view::npos) {
    std::size_t label_start = pos + kBegin.size();
    std::size_t label_end = text.find(kDashes, label_start);
    if (label_end == std::string_view::npos) return input_error("PEM: unterminated BEGIN line");
    std::string label(text.substr(label_start, label_end - label_start));
    std::string end_marker = "-----END " + label + "-----";
    std::size_t body_start = label_end + kDashes.size();
    std::size_t body_end = text.find(end_marker, body_start);
    if (body_end == std::string_view::npos) return input_error("PEM " + label + ": no END line");
    std::string_view body = text.substr(body_start, body_end - body_start);
    // Encapsulated headers (RFC 1421 "Proc-Type:") belong to legacy encrypted keys: skip them.
    if (auto colon = body.find(':'); colon != std::string_view::npos) {
      auto blank = body.find("\n\n", colon);
      if (blank == std::string_view::npos) return input_error("PEM " + label + ": bad headers");
      body = body.substr(blank + 2);
    }
    auto der = from_base64(body);
    if (!der) return der.error().context("PEM " + label);
    blocks.push_back({std::move(label), std::move(*der)});
    pos = body_end + end_marker.size();
  }
  return blocks;
}

bool looks_like_pem(ByteView data) {
  return as_chars(data).find("-----BEGIN ") != std::string_view::npos;
}

}  // namespace iotonb::core
