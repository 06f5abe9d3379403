// Certificate profiles for `iotonb ca create`: the extensions each role's certificate needs.
//   root, intermediate  CA:TRUE, keyCertSign+cRLSign (RFC 5280 4.2.1.3, 4.2.1.9)
//   registrar           end entity, EKU id-kp-cmcRA + serverAuth + clientAuth (RFC 8995 2.5.3, 5.5)
//   masa                end entity, digitalSignature (signs vouchers, RFC 8366 5.4)
//   server, client      end entity, TLS serverAuth or clientAuth (RFC 5280 4.2.1.12)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/ossl.h"
#include "core/result.h"

namespace iotonb::pki {

enum class Profile { root, intermediate, registrar, masa, server, client };

const std::vector<std::string>& profile_names();
Result<Profile> parse_profile(std::string_view name);
bool is_ca_profile(Profile profile);
bool needs_issuer(Profile profile);  // everything but root

struct ProfileOptions {
  int path_len = -1;              // intermediate: -1 = no limit
  std::vector<std::string> sans;  // "DNS:..", "IP:.."
};

// The profile's extensions for a certificate on subject_key (SKI/AKI are added on issue).
Result<std::vector<core::X509ExtPtr>> profile_extensions(Profile profile, EVP_PKEY* subject_key,
                                                         const ProfileOptions& options);

}  // namespace iotonb::pki
