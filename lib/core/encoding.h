// Text encodings of binary data: hex, base64 (RFC 4648 section 4) and base64url (section 5),
// and PEM (RFC 7468) blocks. Decoders are strict about the alphabet but, as RFC 8951 asks of
// EST peers, tolerate line breaks and spaces in base64.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::core {

std::string to_hex(ByteView data, bool upper = false);
// Hex with an optional separator between octets ("ab:cd:..."), as fingerprints are shown.
std::string to_hex_separated(ByteView data, char separator);
Result<Bytes> from_hex(std::string_view text);

std::string to_base64(ByteView data);
std::string to_base64url(ByteView data);  // no padding
Result<Bytes> from_base64(std::string_view text);  // accepts both alphabets, padding optional

// One spelling only, for formats where two spellings of the same bytes must not both pass
// (JWS, RFC 7515 2 and 4.1.6): base64url without padding, or standard base64 with padding;
// no whitespace, no stray bits.
enum class Base64Alphabet { url_unpadded, standard_padded };
Result<Bytes> from_base64_strict(std::string_view text, Base64Alphabet alphabet);

struct PemBlock {
  std::string label;  // "CERTIFICATE", "PRIVATE KEY", ...
  Bytes der;
};

// Well-formed UTF-8 as Unicode defines it (Table 3-7: no overlong forms, surrogates or code
// points past U+10FFFF). JSON text must be UTF-8 (RFC 8259 8.1), and certificates carry
// whatever bytes their issuer chose, so descriptions pass through to_utf8_lossy.
bool is_utf8(std::string_view text);
// text with each byte that does not belong to a well-formed sequence replaced by U+FFFD.
std::string to_utf8_lossy(std::string_view text);

std::string to_pem(std::string_view label, ByteView der);
// Every PEM block in text, in order; text outside blocks is ignored (as openssl does).
// An unterminated block or bad base64 is an error naming the block's label.
Result<std::vector<PemBlock>> parse_pem(std::string_view text);
bool looks_like_pem(ByteView data);

}  // namespace iotonb::core
