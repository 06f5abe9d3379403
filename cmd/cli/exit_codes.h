// The exit codes every iotonb command uses (CONVENTIONS.md, listed in iotonb(1)).
#pragma once

#include "core/result.h"

namespace iotonb::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // the check ran and failed: signature, chain, policy, not authorized
  kExitUsage = 2,
  kExitInput = 3,  // input unreadable or malformed
  kExitNetwork = 4,
  kExitInternal = 5,
};

inline int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return kExitUsage;
    case ErrorKind::input:
    case ErrorKind::io: return kExitInput;
    case ErrorKind::verification:
    case ErrorKind::not_authorized: return kExitCheckFailed;
    case ErrorKind::network: return kExitNetwork;
    case ErrorKind::internal: return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace iotonb::cli
