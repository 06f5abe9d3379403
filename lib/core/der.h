// Just enough DER (ITU-T X.690) to build and read the few structures OpenSSL has no type for
// (HardwareModuleName, RFC 4108; IA5String extension values, RFC 8995 2.3.2 and RFC 8520 10).
// The reader is bounds-checked and never reads past its input; it rejects indefinite lengths
// and non-minimal length encodings, as DER requires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::core::der {

inline constexpr std::uint8_t kOctetString = 0x04;
inline constexpr std::uint8_t kOid = 0x06;
inline constexpr std::uint8_t kUtf8String = 0x0c;
inline constexpr std::uint8_t kPrintableString = 0x13;
inline constexpr std::uint8_t kIa5String = 0x16;
inline constexpr std::uint8_t kSequence = 0x30;

// tag || length || content
Bytes tlv(std::uint8_t tag, ByteView content);

struct Element {
  std::uint8_t tag = 0;
  ByteView content;
  ByteView encoded;  // the whole element: tag, length and content
};

class Reader {
 public:
  explicit Reader(ByteView input) : rest_(input) {}
  bool empty() const { return rest_.empty(); }
  // The next element, whatever its tag; an error says what is malformed.
  Result<Element> next();
  // The next element, which must carry tag; `what` names the field in the error.
  Result<ByteView> expect(std::uint8_t tag, const std::string& what);

 private:
  ByteView rest_;
};

// Dotted text of a DER-encoded OID's content octets ("1.3.6.1.5.5.7.8.4").
Result<std::string> oid_to_text(ByteView content);
// DER (with tag and length) of a dotted OID.
Result<Bytes> oid_from_text(const std::string& dotted);

}  // namespace iotonb::core::der
