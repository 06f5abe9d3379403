# One warning set for every target of ours; third-party headers come in as SYSTEM.
add_library(iotonb_warnings INTERFACE)
target_compile_options(iotonb_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor)
