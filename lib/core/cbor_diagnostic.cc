// CBOR diagnostic notation (RFC 8949 8, EDN's h'..' for byte strings), for people reading
// vouchers and tokens and for test expectations. Floats are written the way RFC 8949
// Appendix A writes them: shortest round-trip digits, fixed point unless the exponent is far
// out, always with a decimal point ("1.0e+300", "100000.0").
#include <charconv>
#include <cmath>

#include "core/cbor.h"
#include "core/encoding.h"

namespace iotonb::core::cbor {
namespace {

void append_text(std::string& out, const std::string& text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kDigits[c >> 4];
          out += kDigits[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  std::string sign = std::signbit(d) ? "-" : "";
  // Shortest round-trip digits and the decimal exponent, from "d.ddde+XX".
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, std::fabs(d), std::chars_format::scientific);
  if (ec != std::errc()) return "NaN";  // cannot happen: 64 octets hold any double
  std::string sci(buf, end);
  std::size_t e = sci.find('e');
  std::string digits = sci.substr(0, 1) + (e > 2 ? sci.substr(2, e - 2) : "");
  int exponent = 0;
  const char* exp_begin = sci.data() + e + 1;
  if (*exp_begin == '+') ++exp_begin;
  std::from_chars(exp_begin, sci.data() + sci.size(), exponent);
  int k = static_cast<int>(digits.size());
  int n = exponent + 1;  // the decimal point goes after n digits
  if (k <= n && n <= 21) return sign + digits + std::string(static_cast<std::size_t>(n - k), '0') + ".0";
  if (0 < n && n <= 21) return sign + digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  if (-6 < n && n <= 0) return sign + "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  std::string mantissa = digits.substr(0, 1) + "." + (k > 1 ? digits.substr(1) : "0");
  return sign + mantissa + "e" + (n - 1 >= 0 ? "+" : "-") + std::to_string(std::abs(n - 1));
}

std::string negative_text(std::uint64_t n) {
  if (n == UINT64_MAX) return "-18446744073709551616";  // -1 - n does not fit in 64 bits
  return "-" + std::to_string(n + 1);
}

void write(std::string& out, const Value& v, bool pretty, int indent) {
  auto newline = [&](int level) {
    out += '\n';
    out.append(static_cast<std::size_t>(2 * level), ' ');
  };
  switch (v.type()) {
    case Type::unsigned_integer: out += std::to_string(v.raw_integer()); return;
    case Type::negative_integer: out += negative_text(v.raw_integer()); return;
    case Type::bytes: out += "h'" + to_hex(v.as_bytes()) + "'"; return;
    case Type::text: append_text(out, v.as_text()); return;
    case Type::array: {
      const Array& items = v.as_array();
      out += '[';
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += pretty ? "," : ", ";
        if (pretty) newline(indent + 1);
        write(out, items[i], pretty, indent + 1);
      }
      if (pretty && !items.empty()) newline(indent);
      out += ']';
      return;
    }
    case Type::map: {
      const Map& entries = v.as_map();
      out += '{';
      for (std::size_t i = 0; i < entries.size(); ++i) {
        if (i > 0) out += pretty ? "," : ", ";
        if (pretty) newline(indent + 1);
        write(out, entries[i].first, pretty, indent + 1);
        out += ": ";
        write(out, entries[i].second, pretty, indent + 1);
      }
      if (pretty && !entries.empty()) newline(indent);
      out += '}';
      return;
    }
    case Type::tag:
      out += std::to_string(v.tag()) + "(";
      write(out, v.tagged_value(), pretty, indent);
      out += ')';
      return;
    case Type::boolean: out += v.as_bool() ? "true" : "false"; return;
    case Type::null: out += "null"; return;
    case Type::undefined: out += "undefined"; return;
    case Type::floating: out += format_double(v.as_double()); return;
  }
}

}  // namespace

std::string diagnostic(const Value& v, bool pretty) {
  std::string out;
  write(out, v, pretty, 0);
  return out;
}

}  // namespace iotonb::core::cbor
