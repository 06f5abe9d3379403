// The writers of iotonb-docgen: man pages (man(7) roff) and shell completions (bash, zsh,
// fish), each a pure function from the command-line model to file contents, so the same
// code serves writing the files and checking that the checked-in copies are current.
#pragma once

#include <vector>

#include "docgen/cli_model.h"

namespace iotonb::docgen {

// iotonb.1 and one iotonb-GROUP.1 per command group.
std::vector<GeneratedFile> man_pages(const CliDoc& doc);

// iotonb.bash, _iotonb (zsh) and iotonb.fish.
std::vector<GeneratedFile> completion_files(const CliDoc& doc);

}  // namespace iotonb::docgen
