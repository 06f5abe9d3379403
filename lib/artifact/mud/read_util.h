// What the MUD file reader's parts (file.cc: the document and the ietf-mud:mud container,
// acl_read.cc: the ACLs) share: RFC 6901 JSON Pointers, and typed leaf reads that record a
// violation and carry on, so one pass reports every problem in document order. Internal to
// lib/artifact/mud.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "artifact/mud/model.h"

namespace iotonb::artifact::mud::detail {

// Members in document order, so violations come out in the order a person reads the file.
using Json = nlohmann::ordered_json;

// RFC 6901 5: path + "/" + name with '~' and '/' escaped; an array index.
std::string child(const std::string& path, std::string_view name);
std::string child(const std::string& path, std::size_t index);

// A value as a message shows it: compact JSON, cut short when long.
std::string shown(const Json& v);

// "ipv4-acl-type" for "ipv4-acl-type" or "MODULE:ipv4-acl-type" (RFC 7951 6.8: an identity of
// the leaf's own module may be written with or without its module name).
std::string_view identity(std::string_view value, std::string_view module);

// The modules whose members this reader knows; a member prefixed with any other module is
// RFC 7951 4 data of a module the file augments the model with.
bool known_module_member(std::string_view name);
// "module:name" whose module part is a YANG identifier that is not one of the known modules.
bool foreign_member(std::string_view name);

class Checker {
 public:
  // A hostile file can hold a violation every few octets; past this many the rest are
  // counted, not listed (a person fixes the first ones first).
  static constexpr std::size_t kMaxListed = 1000;

  void fail(std::string path, std::string message) {
    if (violations_.size() < kMaxListed) violations_.push_back({std::move(path), std::move(message)});
    else ++unlisted_;
  }
  // Every violation, and a last one counting those not listed.
  std::vector<Violation> take() {
    if (unlisted_) violations_.push_back({"", std::to_string(unlisted_) + " more violations not listed"});
    unlisted_ = 0;
    return std::move(violations_);
  }

  // Each returns nullopt (or false) after recording why when the value is not as required.
  bool object(const Json& v, const std::string& path);
  bool array(const Json& v, const std::string& path);
  std::optional<std::string> text(const Json& v, const std::string& path, std::size_t min_chars,
                                  std::size_t max_chars);
  std::optional<std::int64_t> integer(const Json& v, const std::string& path, std::int64_t lo, std::int64_t hi);
  std::optional<bool> boolean(const Json& v, const std::string& path);
  // A YANG empty leaf: exactly [null] (RFC 7951 6.9).
  bool empty_leaf(const Json& v, const std::string& path);
  // A member the container does not define: refused unless it is another module's data
  // (allow_foreign), which the reader passes over.
  void unknown(const std::string& path, std::string_view name, bool allow_foreign = true);
  void missing(const std::string& path, std::string_view name) { fail(child(path, name), "missing (mandatory)"); }

 private:
  std::vector<Violation> violations_;
  std::size_t unlisted_ = 0;
};

// The ACL part of the reader (acl_read.cc): reads the ietf-access-control-list:acls container
// at path into out.
void read_acls(const Json& acls, const std::string& path, Checker& check, std::vector<Acl>& out);

}  // namespace iotonb::artifact::mud::detail
