// Entry point of the iotonb binary: parse, run the selected action, map errors to exit codes.
#pragma once

#include <iosfwd>

namespace iotonb::cli {

int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace iotonb::cli
