// Bounded walking of a parsed YAML document, shared by the claims-file, reference-policy and
// device-description readers: yaml-cpp guards its own parser's recursion, but aliases let a
// small file name the same subtree many times, so each reader counts the nodes it visits and
// the depth it reaches, and reports errors by the field's path.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/result.h"

namespace iotonb::artifact::eat::yaml {

// Parses text as one YAML (or JSON) document, refusing more than max_size octets and flow
// nesting ([ and {) deeper than max_depth before yaml-cpp sees it.
Result<YAML::Node> load(std::string_view text, std::size_t max_size, std::size_t max_depth);

class Budget {
 public:
  Budget(std::size_t max_nodes, std::size_t max_depth) : nodes_left_(max_nodes), max_depth_(max_depth) {}
  // Counts one node at depth; an error naming path when a bound is passed.
  Status visit(const std::string& path, std::size_t depth);

 private:
  std::size_t nodes_left_;
  std::size_t max_depth_;
};

// "path.child" or "child" at the top.
std::string join(const std::string& path, const std::string& child);

// Scalar readers: the error names path.
Result<std::string> text(const YAML::Node& n, const std::string& path);
Result<std::int64_t> integer(const YAML::Node& n, const std::string& path);
Result<std::uint64_t> unsigned_integer(const YAML::Node& n, const std::string& path);
Result<bool> boolean(const YAML::Node& n, const std::string& path);
// Whether a scalar was written in quotes (then it is text, never a number or boolean).
bool quoted(const YAML::Node& n);
std::optional<std::int64_t> as_integer(std::string_view s);

}  // namespace iotonb::artifact::eat::yaml
