// iotonb voucher create | sign | verify | inspect, and iotonb voucher request create | sign |
// verify | inspect: RFC 8366/8366bis vouchers and RFC 8995 voucher requests in CMS, JWS and
// COSE envelopes. The verbs themselves are in voucher_create.cc and voucher_verbs.cc.
#include <memory>

#include "cli/options.h"
#include "groups/groups.h"
#include "groups/voucher_verbs.h"

namespace iotonb::cli::groups {
namespace {

using artifact::VoucherKind;

void define_create(CLI::App& parent, VoucherKind kind, Context& ctx) {
  auto o = std::make_shared<voucher::CreateOptions>();
  o->kind = kind;
  const bool request = kind == VoucherKind::request;
  CLI::App* c = parent.add_subcommand(
      "create", request ? "Create an unsigned voucher request (a pledge's, or a registrar's wrapping one)"
                        : "Create an unsigned voucher from flags or a JSON/YAML file of leaves");
  c->add_option("file", o->file, "JSON or YAML leaves (with or without the root member); flags override it")
      ->type_name("FILE");
  c->add_option("--serial", o->serial, "serial-number (default: the IDevID's subject serialNumber)")->type_name("SERIAL");
  c->add_option("--assertion", o->assertion,
                request ? "assertion (default proximity with --proximity-registrar-cert)" : "assertion (mandatory)")
      ->check(CLI::IsMember({"verified", "logged", "proximity", "agent-proximity"}))
      ->type_name("ASSERTION");
  c->add_option("--nonce", o->nonce,
                request ? "nonce, hex or base64 (default: 16 random octets, or the prior request's)"
                        : "nonce from the voucher request, hex or base64 (8 to 32 octets)")
      ->type_name("NONCE");
  c->add_option("--created-on", o->created_on, "created-on (RFC 3339; default now)")->type_name("TIME");
  c->add_option("--expires", o->expires, "expires-on: a time, or a duration after created-on (90d, 1y)")->type_name("TIME");
  if (request) {
    c->add_option("--idevid", o->idevid, "The pledge's IDevID: serial-number, and idevid-issuer for a registrar request")
        ->type_name("FILE");
    c->add_option("--proximity-registrar-cert", o->proximity_registrar_cert,
                  "The registrar's TLS end-entity certificate the pledge saw (sets assertion proximity)")
        ->type_name("FILE");
    c->add_option("--prior-signed", o->prior_signed,
                  "The pledge's signed request: makes a registrar request carrying it (nonce and serial taken from it)")
        ->type_name("FILE");
    c->add_flag("--no-nonce", o->no_nonce, "Leave the nonce out (a nonceless request)");
  } else {
    auto* pdc = c->add_option("--pinned-domain-cert", o->pinned_domain_cert, "The domain (registrar or owner CA) certificate to pin")
                    ->type_name("FILE");
    auto* pdk = c->add_option("--pinned-domain-pubk", o->pinned_domain_pubk, "Pin a public key instead (certificate or key file)")
                    ->type_name("FILE");
    auto* pdh = c->add_option("--pinned-domain-pubk-sha256", o->pinned_domain_pubk_sha256,
                              "Pin the SHA-256 of a public key instead (certificate or key file)")
                    ->type_name("FILE");
    pdc->excludes(pdk)->excludes(pdh);
    pdk->excludes(pdh);
    c->add_option("--idevid-issuer-from", o->idevid, "Set idevid-issuer (and the default serial) from this IDevID")
        ->type_name("FILE");
    c->add_option("--domain-cert-revocation-checks", o->revocation_checks, "domain-cert-revocation-checks")
        ->check(CLI::IsMember({"true", "false"}))
        ->type_name("BOOL");
    c->add_option("--last-renewal-date", o->last_renewal_date, "last-renewal-date (needs --expires)")->type_name("TIME");
  }
  c->add_option("--est-domain", o->est_domain, "est-domain URI (RFC 8366bis)")->type_name("URI");
  c->add_option("--additional-configuration-url", o->additional_configuration_url, "additional-configuration-url (RFC 8366bis)")
      ->type_name("URI");
  add_format(*c, o->format, {"json", "cbor"});
  c->add_option("-o,--out", o->out, "Output file (default stdout)")->type_name("FILE");
  add_force(*c, o->force);
  c->footer("json is RFC 7951 JSON (the payload of CMS and JWS forms); cbor is SID-keyed CBOR (the COSE form's).");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return voucher::run_create(*o, ctx); }; });
}

void define_sign(CLI::App& parent, VoucherKind kind, Context& ctx) {
  auto o = std::make_shared<voucher::SignOptions>();
  o->kind = kind;
  CLI::App* s = parent.add_subcommand("sign", "Sign an unsigned " + std::string(artifact::kind_name(kind)) +
                                                  " as CMS, JWS or COSE");
  s->add_option("file", o->file, "Unsigned JSON or CBOR from 'create'; - for stdin")->required()->type_name("FILE");
  s->add_option("--key", o->key, "Signing key")->required()->type_name("KEYREF");
  add_password_file(*s, "--key-password-file", o->key_password_file, "--key", "IOTONB_KEY_PASSWORD");
  s->add_option("--cert", o->cert, "The signer's certificate (required for CMS, and for COSE x5chain/x5bag)")
      ->type_name("FILE");
  s->add_option("--chain", o->chain, "Intermediate certificates to carry (repeatable)")->type_name("FILE");
  s->add_option("--form", o->form, "Envelope: cms (application/voucher-cms+json), jws, cose")
      ->required()
      ->check(CLI::IsMember({"cms", "jws", "cose"}))
      ->type_name("FORM");
  o->cms_content_type = "anima";
  s->add_option("--cms-content-type", o->cms_content_type,
                "CMS eContentType: anima (id-ct-animaJSONVoucher) or id-data (what most peers send)")
      ->check(CLI::IsMember({"anima", "id-data"}))
      ->capture_default_str()
      ->type_name("TYPE");
  o->cose_header = "x5chain";
  s->add_option("--cose-header", o->cose_header, "How a COSE voucher names its signer: x5chain, x5bag, kid or none")
      ->check(CLI::IsMember({"x5chain", "x5bag", "kid", "none"}))
      ->capture_default_str()
      ->type_name("HEADER");
  s->add_option("--kid", o->kid, "COSE kid, hex (default: the certificate's subjectKeyIdentifier)")->type_name("HEX");
  s->add_option("--signing-time", o->signing_time, "CMS signingTime (RFC 3339; default now)")->type_name("TIME");
  s->add_option("-o,--out", o->out, "Output file (default stdout; CMS and COSE are binary)")->type_name("FILE");
  add_force(*s, o->force);
  if (kind == VoucherKind::request)
    s->footer("A registrar request (one with prior-signed-voucher-request) must be signed with a certificate that has\n"
              "id-kp-cmcRA (RFC 8995 5.5).");
  s->callback([o, &ctx] { ctx.action = [o, &ctx] { return voucher::run_sign(*o, ctx); }; });
}

void define_verify(CLI::App& parent, VoucherKind kind, Context& ctx) {
  auto o = std::make_shared<voucher::VerifyOptions>();
  o->kind = kind;
  CLI::App* v = parent.add_subcommand("verify", "Verify a signed " + std::string(artifact::kind_name(kind)) +
                                                    ": signature, signer chain, times, serial, nonce, pinned domain");
  v->add_option("file", o->file, "Signed voucher (CMS DER/PEM/base64, JWS, COSE binary or hex); - for stdin")
      ->required()
      ->type_name("FILE");
  v->add_option("--trust", o->trust,
                "Trust anchors: CA certificates, the signer's own certificate, or its public key (repeatable)")
      ->required()
      ->type_name("FILE");
  v->add_option("--untrusted", o->untrusted, "Intermediates to build the signer's path with (repeatable)")->type_name("FILE");
  v->add_option("--at", o->at, "Verification time (RFC 3339; default now)")->type_name("TIME");
  v->add_option("--serial", o->serial, "Expected serial-number")->type_name("SERIAL");
  v->add_option("--nonce", o->nonce, "The nonce that was sent (as sent: hex, base64 or base64url)")->type_name("NONCE");
  if (kind == VoucherKind::voucher)
    v->add_option("--domain-cert", o->domain_cert,
                  "The registrar/domain certificate (chain after it) the voucher must pin")
        ->type_name("FILE");
  add_format(*v, o->format, {"text", "json"});
  v->footer("Checks: payload signature signer-chain " + std::string(kind == VoucherKind::request ? "signer-eku " : "") +
            "created-on expires-on serial-number nonce " +
            (kind == VoucherKind::request ? "prior-signed prior-signed-nonce prior-signed-serial" : "pinned-domain") +
            ".\nExit 0 when every check passes; 1 naming the first that failed; 3 when the file is not a voucher.\n"
            "Policy: a COSE signature covers the protected header exactly as received (RFC 9052 4.4; an empty map\n"
            "sent as h'A0' is not rewritten to h''); an algorithm must match its key's curve (ES256 P-256, ES384\n"
            "P-384, ES512 P-521); CMS vouchers may carry id-ct-animaJSONVoucher or id-data.\n"
            "--format json prints {file,type,form,at,valid,checks:[{name,result:pass|fail|skip,detail}]}.");
  v->callback([o, &ctx] { ctx.action = [o, &ctx] { return voucher::run_verify(*o, ctx); }; });
}

void define_inspect(CLI::App& parent, VoucherKind kind, Context& ctx) {
  auto o = std::make_shared<voucher::InspectOptions>();
  o->kind = kind;
  CLI::App* i = parent.add_subcommand("inspect", "Show a voucher or voucher request, signed or not, without verifying it");
  i->add_option("file", o->files, "Files (any form, auto-detected); - or none for stdin")->type_name("FILE");
  add_format(*i, o->format, {"text", "json", "diag"});
  i->footer("JSON keys: type envelope{form media_type content_type digest_algorithm signer signing_time alg typ kid\n"
            "protected protected_bytes unprotected_labels tagged certificates} root leaves{RFC 7951 leaves}\n"
            "decoded{leaf:{subject issuer sha256 | public_key | hex length}} problem. diag: CBOR diagnostic notation\n"
            "of a COSE or CBOR voucher, payload decoded after it.");
  i->callback([o, &ctx] { ctx.action = [o, &ctx] { return voucher::run_inspect(*o, ctx); }; });
}

void define_verbs(CLI::App& app, VoucherKind kind, Context& ctx) {
  define_create(app, kind, ctx);
  define_sign(app, kind, ctx);
  define_verify(app, kind, ctx);
  define_inspect(app, kind, ctx);
}

}  // namespace

void define_voucher(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  define_verbs(group, VoucherKind::voucher, ctx);
  CLI::App* request = group.add_subcommand("request", "Voucher requests (RFC 8995 3): create, sign, verify, inspect");
  request->require_subcommand(1);
  define_verbs(*request, VoucherKind::request, ctx);
}

}  // namespace iotonb::cli::groups
