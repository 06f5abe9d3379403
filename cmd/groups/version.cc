#include "groups/groups.h"

namespace iotonb::cli::groups {

const char* version_string() { return IOTONB_VERSION; }

}  // namespace iotonb::cli::groups
