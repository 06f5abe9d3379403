// "Did you mean" suggestions for a mistyped command, by edit distance (as git and ninja do).
#pragma once

#include <string>
#include <vector>

namespace iotonb::cli {

// Candidates within a small edit distance of word (or that start with it), closest first.
std::vector<std::string> suggestions(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace iotonb::cli
