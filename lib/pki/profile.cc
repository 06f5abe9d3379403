#include "pki/profile.h"

#include "pki/extensions.h"
#include "pki/key.h"
#include "pki/oids.h"

namespace iotonb::pki {
namespace {

constexpr const char* kServerAuth = "1.3.6.1.5.5.7.3.1";
constexpr const char* kClientAuth = "1.3.6.1.5.5.7.3.2";

struct ProfileInfo {
  Profile profile;
  const char* name;
};
constexpr ProfileInfo kProfiles[] = {
    {Profile::root, "root"}, {Profile::intermediate, "intermediate"}, {Profile::registrar, "registrar"},
    {Profile::masa, "masa"}, {Profile::server, "server"},             {Profile::client, "client"},
};

}  // namespace

const std::vector<std::string>& profile_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const auto& p : kProfiles) v.emplace_back(p.name);
    return v;
  }();
  return names;
}

Result<Profile> parse_profile(std::string_view name) {
  for (const auto& p : kProfiles)
    if (name == p.name) return p.profile;
  return usage_error("unknown profile \"" + std::string(name) +
                     "\" (root, intermediate, registrar, masa, server, client)");
}

bool is_ca_profile(Profile profile) { return profile == Profile::root || profile == Profile::intermediate; }
bool needs_issuer(Profile profile) { return profile != Profile::root; }

Result<std::vector<core::X509ExtPtr>> profile_extensions(Profile profile, EVP_PKEY* subject_key,
                                                         const ProfileOptions& options) {
  std::vector<core::X509ExtPtr> exts;
  auto add = [&](Result<core::X509ExtPtr> ext) -> Status {
    if (!ext) return std::move(ext).error();
    exts.push_back(std::move(ext).value());
    return {};
  };
  if (is_ca_profile(profile)) {
    IOTONB_RETURN_IF_ERROR(add(basic_constraints_ext(true, profile == Profile::root ? -1 : options.path_len)));
    IOTONB_RETURN_IF_ERROR(add(key_usage_ext(KU_KEY_CERT_SIGN | KU_CRL_SIGN | KU_DIGITAL_SIGNATURE)));
  } else {
    IOTONB_RETURN_IF_ERROR(add(basic_constraints_ext(false, -1)));
    int ku = KU_DIGITAL_SIGNATURE;
    // RSA TLS key exchange needs keyEncipherment; EC and EdDSA keys never do (RFC 8813).
    if (is_rsa(subject_key) && profile != Profile::masa) ku |= KU_KEY_ENCIPHERMENT;
    IOTONB_RETURN_IF_ERROR(add(key_usage_ext(ku)));
    switch (profile) {
      case Profile::registrar:
        IOTONB_RETURN_IF_ERROR(add(extended_key_usage_ext({oid::kCmcRa, kServerAuth, kClientAuth})));
        break;
      case Profile::server: IOTONB_RETURN_IF_ERROR(add(extended_key_usage_ext({kServerAuth}))); break;
      case Profile::client: IOTONB_RETURN_IF_ERROR(add(extended_key_usage_ext({kClientAuth}))); break;
      default: break;
    }
  }
  if (!options.sans.empty()) IOTONB_RETURN_IF_ERROR(add(subject_alt_name_ext(options.sans, std::nullopt)));
  return exts;
}

}  // namespace iotonb::pki
