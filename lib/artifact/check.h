// One named check of a verification (a voucher's, an FDO ownership voucher's): each verifier
// reports every check it ran, so `--format json` can list them all and the exit status can
// name the first that failed.
#pragma once

#include <string>
#include <vector>

namespace iotonb::artifact {

enum class CheckResult { pass, fail, skip };

struct Check {
  std::string name;  // "signature", "signer-chain", "entry[2].signature", ...
  CheckResult result = CheckResult::skip;
  std::string detail;
};

// The first failed check, or null when none failed.
inline const Check* first_failure(const std::vector<Check>& checks) {
  for (const auto& c : checks)
    if (c.result == CheckResult::fail) return &c;
  return nullptr;
}

}  // namespace iotonb::artifact
