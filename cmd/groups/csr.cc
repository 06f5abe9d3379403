// iotonb csr create
#include <memory>

#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/csr.h"
#include "pki/key.h"
#include "pki/name.h"

namespace iotonb::cli::groups {
namespace {

struct CreateOptions {
  std::string subject;
  std::vector<std::string> sans;
  std::string key;
  std::string key_password_file;
  std::string key_type;
  std::string out_key;
  NewKeyProtection protection;
  std::string out;
  std::string format;
  bool force = false;
};

Status run_create(const CreateOptions& o, Context& ctx) {
  if (o.key.empty() == o.out_key.empty()) return usage_error("give either --key KEYREF or --out-key FILE for a new key");
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  if (!o.out_key.empty()) IOTONB_RETURN_IF_ERROR(core::check_writable(o.out_key, o.force));
  IOTONB_ASSIGN_OR_RETURN(auto subject, pki::parse_name(o.subject));
  std::unique_ptr<pki::Signer> signer;
  std::optional<SecretBytes> new_password;
  if (!o.key.empty()) {
    IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD", o.key, "Key password"));
    IOTONB_ASSIGN_OR_RETURN(signer, pki::open_signer(o.key, password ? &*password : nullptr));
  } else {
    IOTONB_ASSIGN_OR_RETURN(auto type, pki::parse_key_type(o.key_type));
    IOTONB_ASSIGN_OR_RETURN(new_password, resolve_new_key_password(o.protection));
    IOTONB_ASSIGN_OR_RETURN(auto key, pki::generate_key(type));
    signer = pki::memory_signer(std::move(key), "new key");
  }
  IOTONB_ASSIGN_OR_RETURN(auto csr, pki::create_csr({subject.get(), o.sans}, *signer));
  if (!o.out_key.empty()) IOTONB_RETURN_IF_ERROR(write_private_key(o.out_key, signer->key(), new_password, o.force));
  if (o.format == "der") {
    Bytes der = pki::csr_der(csr.get());
    IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(der), o.force));
  } else {
    IOTONB_RETURN_IF_ERROR(write_result(o.out, pki::csr_pem(csr.get()), o.force));
  }
  if (!o.out.empty() && o.out != "-") ctx.info("wrote certificate request to " + o.out);
  return {};
}

}  // namespace

void define_csr(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  auto o = std::make_shared<CreateOptions>();
  CLI::App* c = group.add_subcommand("create", "Create a PKCS#10 certificate request");
  c->add_option("--subject", o->subject, "Subject DN, e.g. \"serialNumber=SN-0001\" or \"O=Acme,CN=dev1\"")
      ->required()
      ->type_name("DN");
  c->add_option("--san", o->sans, "Subject alternative name DNS:, IP:, URI: or email: (repeatable)")->type_name("SAN");
  c->add_option("--key", o->key, "Sign with this existing key")->type_name("KEYREF");
  add_password_file(*c, "--key-password-file", o->key_password_file, "--key", "IOTONB_KEY_PASSWORD");
  add_key_type(*c, o->key_type);
  c->add_option("--out-key", o->out_key, "Generate a new key and write it here (mode 0600)")->type_name("FILE");
  add_new_key_protection(*c, o->protection);
  c->add_option("-o,--out", o->out, "Request file (default stdout)")->type_name("FILE");
  add_format(*c, o->format, {"pem", "der"});
  add_force(*c, o->force);
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_create(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups
