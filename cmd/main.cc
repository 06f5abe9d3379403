// iotonb: the command-line front of libiotonb. Everything it does is in lib/; this file only
// hands the arguments to the command table.
#include <iostream>

#include "cli/app.h"

int main(int argc, char** argv) { return iotonb::cli::run(argc, argv, std::cout, std::cerr); }
