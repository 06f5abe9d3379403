// iotonb ca create: root and intermediate CAs and the service certificates of the onboarding
// roles, each from a profile (lib/pki/profile.h).
#include <memory>

#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "pki/issuing_ca.h"
#include "pki/key.h"
#include "pki/name.h"
#include "pki/profile.h"
#include "pki/serial.h"

namespace iotonb::cli::groups {
namespace {

struct CreateOptions {
  std::string profile = "root";
  std::string subject;
  std::string key_type;
  std::string key;  // existing key instead of a new one
  std::string key_password_file;
  std::string not_after;
  std::string now;
  int path_len = -1;
  std::vector<std::string> sans;
  std::string parent_cert;
  std::string parent_key;
  std::string parent_password_file;
  std::string cert_serial;
  std::string out_cert;
  std::string out_key;
  std::string format;
  NewKeyProtection protection;
  bool force = false;
};

std::string default_lifetime(pki::Profile profile) {
  switch (profile) {
    case pki::Profile::root: return "20y";
    case pki::Profile::intermediate: return "10y";
    default: return "2y";
  }
}

Status run_create(const CreateOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(pki::Profile profile, pki::parse_profile(o.profile));
  const bool has_parent = !o.parent_cert.empty() || !o.parent_key.empty();
  if (pki::needs_issuer(profile) && (o.parent_cert.empty() || o.parent_key.empty()))
    return usage_error("profile " + o.profile + " needs --parent-cert and --parent-key");
  if (!pki::needs_issuer(profile) && has_parent) return usage_error("a root CA is self-signed: drop --parent-cert/--parent-key");
  if (!o.key.empty() && !o.out_key.empty()) return usage_error("--key uses an existing key: drop --out-key");
  if (o.key.empty() && o.out_key.empty()) return usage_error("give --out-key FILE for the new key (or --key KEYREF)");
  if (o.path_len >= 0 && profile != pki::Profile::intermediate) return usage_error("--path-len applies to intermediate CAs");
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out_cert, o.force));
  if (!o.out_key.empty()) IOTONB_RETURN_IF_ERROR(core::check_writable(o.out_key, o.force));

  IOTONB_ASSIGN_OR_RETURN(auto subject, pki::parse_name(o.subject));
  IOTONB_ASSIGN_OR_RETURN(core::UnixTime now, resolve_now(o.now));
  auto not_after = core::parse_time_or_duration(o.not_after.empty() ? default_lifetime(profile) : o.not_after, now);
  if (!not_after) return usage_error("--not-after: " + not_after.error().message);

  // Everything the user could get wrong is checked before a key is made or a file written.
  std::optional<pki::IssuingCa> parent;
  if (has_parent) {
    IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.parent_password_file, "IOTONB_CA_PASSWORD",
                                                                 o.parent_key, "Parent CA key password"));
    IOTONB_ASSIGN_OR_RETURN(parent, pki::open_issuing_ca(o.parent_cert, o.parent_key, password ? &*password : nullptr, ""));
  }
  std::optional<SecretBytes> new_password;
  std::unique_ptr<pki::Signer> own_key;
  if (!o.key.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto password,
                            existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD", o.key, "Key password"));
    IOTONB_ASSIGN_OR_RETURN(own_key, pki::open_signer(o.key, password ? &*password : nullptr));
  } else {
    IOTONB_ASSIGN_OR_RETURN(auto type, pki::parse_key_type(o.key_type));
    IOTONB_ASSIGN_OR_RETURN(new_password, resolve_new_key_password(o.protection));
    IOTONB_ASSIGN_OR_RETURN(auto generated, pki::generate_key(type));
    own_key = pki::memory_signer(std::move(generated), "new key");
  }
  Bytes serial;
  if (!o.cert_serial.empty()) {
    IOTONB_ASSIGN_OR_RETURN(serial, pki::parse_serial(o.cert_serial));
  } else {
    IOTONB_ASSIGN_OR_RETURN(serial, pki::random_serial());
  }

  pki::ProfileOptions profile_options{o.path_len, o.sans};
  pki::CertificateSpec spec;
  spec.subject = std::move(subject);
  spec.public_key = own_key->key();
  spec.serial = serial;
  spec.not_before = now;
  spec.not_after = *not_after;
  IOTONB_ASSIGN_OR_RETURN(spec.extensions, pki::profile_extensions(profile, own_key->key(), profile_options));
  const pki::Signer& signer = parent ? *parent->signer : *own_key;
  ctx.debug("profile " + o.profile + ", key " + pki::describe_key(own_key->key()) + " (" + own_key->reference() +
            "), signed by " + (parent ? signer.reference() : std::string("itself")) + ", valid " +
            core::format_rfc3339(now) + " to " + core::format_rfc3339(*not_after));
  IOTONB_ASSIGN_OR_RETURN(auto cert, pki::issue_certificate(std::move(spec), parent ? parent->cert.get() : nullptr, signer));

  // The key first: a certificate without its key is useless, a key without a certificate harmless.
  if (!o.out_key.empty()) IOTONB_RETURN_IF_ERROR(write_private_key(o.out_key, own_key->key(), new_password, o.force));
  IOTONB_RETURN_IF_ERROR(write_result(o.out_cert, pki::certificate_pem(cert.get()), o.force));

  nlohmann::ordered_json result{{"profile", o.profile},
                                {"subject", pki::name_to_string(X509_get_subject_name(cert.get()))},
                                {"cert", o.out_cert},
                                {"key", o.out_key.empty() ? o.key : o.out_key},
                                {"key_encrypted", new_password.has_value()},
                                {"serial", core::to_hex(pki::certificate_serial(cert.get()))},
                                {"fingerprint_sha256", core::to_hex(pki::certificate_fingerprint(cert.get(), EVP_sha256()))}};
  if (o.out_cert != "-") print_description(ctx, result, o.format == "json" ? Format::json : Format::text);
  return {};
}

}  // namespace

void define_ca(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  auto o = std::make_shared<CreateOptions>();
  CLI::App* c = group.add_subcommand("create", "Create a CA or service certificate and its key");
  c->add_option("--profile", o->profile, "Certificate profile")
      ->check(CLI::IsMember(pki::profile_names()))
      ->capture_default_str()
      ->type_name("PROFILE");
  c->add_option("--subject", o->subject, "Subject DN: \"C=US,O=Acme,CN=Acme Root CA\", \"/O=Acme/CN=x\" or just a CN")
      ->required()
      ->type_name("DN");
  add_key_type(*c, o->key_type);
  c->add_option("--key", o->key, "Certify this existing key instead of generating one")->type_name("KEYREF");
  add_password_file(*c, "--key-password-file", o->key_password_file, "--key", "IOTONB_KEY_PASSWORD");
  c->add_option("--not-after", o->not_after,
                "End of validity: RFC 3339 time or a duration such as 20y, 365d (default 20y root, 10y "
                "intermediate, 2y others)")
      ->type_name("TIME");
  add_now(*c, o->now);
  c->add_option("--path-len", o->path_len, "Intermediate CA: maximum number of CAs below it")->type_name("N")->check(CLI::Range(0, 16));
  c->add_option("--san", o->sans, "Subject alternative name DNS:NAME, IP:ADDR, URI:URI or email:ADDR (repeatable)")
      ->type_name("SAN");
  c->add_option("--parent-cert", o->parent_cert, "Issuing CA certificate (all profiles but root)")->type_name("FILE");
  c->add_option("--parent-key", o->parent_key, "Issuing CA key")->type_name("KEYREF");
  add_password_file(*c, "--parent-password-file", o->parent_password_file, "issuing CA key's", "IOTONB_CA_PASSWORD");
  c->add_option("--cert-serial", o->cert_serial, "Certificate serial number in hex (default: 126 random bits)")
      ->type_name("HEX");
  c->add_option("--out-cert", o->out_cert, "Certificate file (PEM); - for stdout")->required()->type_name("FILE");
  c->add_option("--out-key", o->out_key, "New private key file (PKCS#8 PEM, mode 0600)")->type_name("FILE");
  add_new_key_protection(*c, o->protection);
  add_format(*c, o->format, {"text", "json"});
  add_force(*c, o->force);
  c->footer("Examples:\n"
            "  iotonb ca create --subject 'O=Acme,CN=Acme Root CA' --out-cert root.crt --out-key root.key --password-file pw\n"
            "  iotonb ca create --profile intermediate --subject 'O=Acme,CN=Acme IDevID CA' --parent-cert root.crt \\\n"
            "      --parent-key root.key --parent-password-file pw --out-cert ca.crt --out-key ca.key --password-file pw");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_create(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups
