// The voucher and voucher-request model (RFC 8366, RFC 8366bis, RFC 8995 3): every leaf of the
// ietf-voucher and ietf-voucher-request YANG modules, described once in a table that the
// JSON (RFC 7951) and CBOR (SID-keyed, RFC 9254) codecs and the validator all read, so a leaf
// added here is encoded, decoded and checked everywhere.
//
// A Voucher holds the leaves present, keyed by YANG name. Binary leaves keep their bytes
// and, when they came from JSON, the text as written, because RFC 8995 peers compare the
// nonce byte for byte with what they sent and the field encodes it four different ways.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/result.h"
#include "core/time.h"

namespace iotonb::artifact {

enum class VoucherKind { voucher, request };

// "ietf-voucher:voucher" or "ietf-voucher-request:voucher".
std::string_view json_root(VoucherKind kind);
std::string_view kind_name(VoucherKind kind);  // "voucher", "voucher request"

enum class LeafType {
  date_time,    // yang:date-and-time, RFC 3339 with a time zone
  assertion,    // enumeration: verified 0, logged 1, proximity 2, agent-proximity 3
  boolean,
  string,
  uri,          // inet:uri
  binary,       // base64 in JSON (RFC 7951 6.6), a byte string in CBOR
  string_list,  // leaf-list "extensions": strings (or uint64 SIDs in CBOR)
};

struct LeafSpec {
  std::string_view name;
  LeafType type;
  // SID offsets from the container SID (voucher 2451, request 2501); 0 = not in that kind.
  int voucher_sid;
  int request_sid;
};

// Every leaf, in the order the codecs write them.
const std::vector<LeafSpec>& leaf_table();
const LeafSpec* find_leaf(std::string_view name);

enum class Assertion { verified = 0, logged = 1, proximity = 2, agent_proximity = 3 };
std::string_view assertion_name(Assertion a);
std::optional<Assertion> parse_assertion(std::string_view name);

struct LeafValue {
  std::string text;   // date_time, string, uri, assertion name; for binary: the JSON text if any
  Bytes bytes;        // binary
  bool boolean = false;
  std::vector<std::string> list;  // string_list
};

class Voucher {
 public:
  explicit Voucher(VoucherKind kind = VoucherKind::voucher) : kind_(kind) {}

  VoucherKind kind() const { return kind_; }
  const std::map<std::string, LeafValue, std::less<>>& leaves() const { return leaves_; }
  bool has(std::string_view name) const { return leaves_.find(name) != leaves_.end(); }
  const LeafValue* get(std::string_view name) const;

  void set_text(std::string_view name, std::string value);
  void set_bytes(std::string_view name, Bytes value);
  void set_bool(std::string_view name, bool value);
  void set_list(std::string_view name, std::vector<std::string> value);
  void set(std::string_view name, LeafValue value);
  void erase(std::string_view name);

  // Typed views of the common leaves.
  std::optional<std::string> serial_number() const;
  std::optional<Assertion> assertion() const;
  std::optional<Bytes> binary(std::string_view name) const;
  std::optional<core::UnixTime> time(std::string_view name) const;  // date_time leaves

 private:
  VoucherKind kind_;
  std::map<std::string, LeafValue, std::less<>> leaves_;
};

// Structural rules (RFC 8366bis 5.3, RFC 8995 3): mandatory leaves (serial-number; in a
// voucher also assertion and exactly one pinned-domain-* leaf), leaves that do not belong
// to the kind, enum values, date-time syntax, nonce length 8..32, certificate leaves that are
// DER certificates, public-key leaves that are DER SubjectPublicKeyInfo, SHA-256 leaves of 32
// octets, last-renewal-date only with expires-on. The error names the leaf.
Status validate(const Voucher& v);

// The input error every codec and validate() report about one leaf: "voucher: nonce: ...".
Error leaf_error(VoucherKind kind, std::string_view leaf, const std::string& what);

}  // namespace iotonb::artifact
