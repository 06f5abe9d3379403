#include "pki/name.h"

#include <openssl/objects.h>

#include <vector>

namespace iotonb::pki {
namespace {

struct Attribute {
  std::string type;
  std::string value;
};

// Splits on sep, honouring backslash escapes ("O=Acme\, Inc").
std::vector<std::string> split_escaped(std::string_view text, char sep) {
  std::vector<std::string> parts(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      parts.back() += text[++i];
    } else if (c == sep) {
      parts.emplace_back();
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t");
  auto e = s.find_last_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

Result<core::X509NamePtr> parse_name(std::string_view text) {
  std::vector<Attribute> attrs;
  if (text.find('=') == std::string_view::npos) {
    if (text.empty()) return usage_error("subject: empty");
    attrs.push_back({"CN", std::string(text)});
  } else {
    bool slash_form = !text.empty() && text[0] == '/';
    auto parts = split_escaped(slash_form ? text.substr(1) : text, slash_form ? '/' : ',');
    for (auto& part : parts) {
      auto eq = part.find('=');
      if (eq == std::string::npos) return usage_error("subject \"" + std::string(text) + "\": \"" + part + "\" has no '='");
      attrs.push_back({trim(part.substr(0, eq)), trim(part.substr(eq + 1))});
    }
  }
  core::X509NamePtr name(X509_NAME_new());
  for (const auto& a : attrs) {
    int nid = OBJ_txt2nid(a.type.c_str());
    if (nid == NID_undef) return usage_error("subject: unknown attribute type \"" + a.type + "\"");
    if (a.value.empty()) return usage_error("subject: attribute " + a.type + " is empty");
    if (nid == NID_serialNumber || nid == NID_countryName) {
      if (!is_printable_string(a.value))
        return usage_error("subject: " + a.type + " \"" + a.value + "\" is not a PrintableString");
    }
    if (nid == NID_countryName && a.value.size() != 2)
      return usage_error("subject: C must be a two-letter country code");
    if (!X509_NAME_add_entry_by_NID(name.get(), nid, MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(a.value.data()),
                                    static_cast<int>(a.value.size()), -1, 0))
      return usage_error("subject: bad value for " + a.type + ": " + core::openssl_errors());
  }
  return name;
}

std::string name_to_string(const X509_NAME* name) {
  core::BioPtr bio(BIO_new(BIO_s_mem()));
  const unsigned long flags = (XN_FLAG_RFC2253 & ~XN_FLAG_DN_REV & ~ASN1_STRFLGS_ESC_MSB);
  X509_NAME_print_ex(bio.get(), name, 0, flags);
  Bytes out = core::bio_contents(bio.get());
  return std::string(out.begin(), out.end());
}

bool is_printable_string(std::string_view text) {
  for (char c : text) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              std::string_view(" '()+,-./:=?").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

Status check_device_serial(std::string_view serial) {
  if (serial.empty()) return input_error("device serial is empty");
  if (serial.size() > 64) return input_error("device serial \"" + std::string(serial) + "\" is longer than 64 characters");
  if (!is_printable_string(serial))
    return input_error("device serial \"" + std::string(serial) +
                       "\" is not a PrintableString (letters, digits, space and '()+,-./:=?)");
  return {};
}

}  // namespace iotonb::pki
