// iotonb key: generate keys and extract public keys.
#include <memory>

#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/key.h"
#include "pki/signer.h"

namespace iotonb::cli::groups {
namespace {

struct GenerateOptions {
  std::string key_type;
  std::string out;
  std::string public_out;
  NewKeyProtection protection;
  std::string format;
  bool force = false;
};

Status run_generate(const GenerateOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(auto type, pki::parse_key_type(o.key_type));
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  if (!o.public_out.empty()) IOTONB_RETURN_IF_ERROR(core::check_writable(o.public_out, o.force));
  IOTONB_ASSIGN_OR_RETURN(auto password, resolve_new_key_password(o.protection));
  IOTONB_ASSIGN_OR_RETURN(auto key, pki::generate_key(type));
  IOTONB_RETURN_IF_ERROR(write_private_key(o.out, key.get(), password, o.force, o.format == "der"));
  if (!o.public_out.empty()) {
    if (o.format == "der") {
      IOTONB_ASSIGN_OR_RETURN(Bytes der, pki::public_key_to_der(key.get()));
      IOTONB_RETURN_IF_ERROR(write_result(o.public_out, as_chars(der), o.force));
    } else {
      IOTONB_ASSIGN_OR_RETURN(std::string pem, pki::public_key_to_pem(key.get()));
      IOTONB_RETURN_IF_ERROR(write_result(o.public_out, pem, o.force));
    }
  }
  ctx.info("wrote " + pki::describe_key(key.get()) + " key to " + o.out + (password ? " (encrypted)" : ""));
  return {};
}

struct PublicOptions {
  std::string key;
  std::string password_file;
  std::string out;
  std::string format;
  bool force = false;
};

Status run_public(const PublicOptions& o) {
  IOTONB_ASSIGN_OR_RETURN(auto password, existing_key_password(o.password_file, "IOTONB_KEY_PASSWORD", o.key, "Key password"));
  IOTONB_ASSIGN_OR_RETURN(auto signer, pki::open_signer(o.key, password ? &*password : nullptr));
  if (o.format == "der") {
    IOTONB_ASSIGN_OR_RETURN(Bytes der, pki::public_key_to_der(signer->key()));
    return write_result(o.out, as_chars(der), o.force);
  }
  IOTONB_ASSIGN_OR_RETURN(std::string pem, pki::public_key_to_pem(signer->key()));
  return write_result(o.out, pem, o.force);
}

}  // namespace

void define_key(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);

  auto gen = std::make_shared<GenerateOptions>();
  CLI::App* g = group.add_subcommand("generate", "Generate a key pair (PKCS#8 PEM or DER, mode 0600)");
  add_key_type(*g, gen->key_type);
  g->add_option("-o,--out", gen->out, "Private key file")->required()->type_name("FILE");
  g->add_option("--public-out", gen->public_out, "Also write the public key (SubjectPublicKeyInfo PEM)")->type_name("FILE");
  add_new_key_protection(*g, gen->protection);
  add_format(*g, gen->format, {"pem", "der"});
  add_force(*g, gen->force);
  g->callback([gen, &ctx] { ctx.action = [gen, &ctx] { return run_generate(*gen, ctx); }; });

  auto pub = std::make_shared<PublicOptions>();
  CLI::App* p = group.add_subcommand("public", "Print the public key of a private key");
  p->add_option("key", pub->key, "Key reference (file:PATH or a path)")->required()->type_name("KEYREF");
  add_password_file(*p, "--key-password-file", pub->password_file, "key's", "IOTONB_KEY_PASSWORD");
  p->add_option("-o,--out", pub->out, "Output file (default stdout)")->type_name("FILE");
  add_format(*p, pub->format, {"pem", "der"});
  add_force(*p, pub->force);
  p->callback([pub, &ctx] { ctx.action = [pub] { return run_public(*pub); }; });
}

}  // namespace iotonb::cli::groups
