// iotonb mud: Manufacturer Usage Descriptions (RFC 8520). The verbs are defined in
// mud_model.cc, mud_signature.cc, mud_compile.cc and mud_serve.cc (see mud_verbs.h).
#include "groups/groups.h"
#include "groups/mud_verbs.h"

namespace iotonb::cli::groups {

void define_mud(CLI::App& group, Context& ctx) {
  mud::add_model_verbs(group, ctx);
  mud::add_signature_verbs(group, ctx);
  mud::add_compile_verbs(group, ctx);
  mud::add_serve_verbs(group, ctx);
}

}  // namespace iotonb::cli::groups
