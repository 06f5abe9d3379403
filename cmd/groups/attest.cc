// iotonb attest create | verify | inspect | appraise | evidence: Entity Attestation Tokens
// (RFC 9711) and PSA attestation tokens (lib/artifact/eat). The options and help texts are
// here; the verbs run in attest_make.cc and attest_verbs.cc.
#include <memory>

#include "cli/options.h"
#include "groups/attest_verbs.h"
#include "groups/groups.h"

namespace iotonb::cli::groups {
namespace {

using namespace attest;

constexpr const char* kNonceSyntax = "hex, or base64:..; 8 to 64 octets";

void add_sign_options(CLI::App& app, SignOptions& o, const std::string& key_help) {
  app.add_option("--key", o.key, key_help)->required()->type_name("KEYREF");
  add_password_file(app, "--key-password-file", o.key_password_file, "signing key's", "IOTONB_KEY_PASSWORD");
  auto* cert = app.add_option("--cert", o.cert, "Put the signer's certificate chain (PEM, leaf first) in the token as "
                                                "x5chain (RFC 9360), for verifiers that trust its CA")
                   ->type_name("CHAIN");
  app.add_option("--kid", o.kid, "Put this key identifier (text) in the token instead")->type_name("TEXT")->excludes(cert);
  app.add_option("--format", o.format, "Token form: cbor (binary), hex or base64 (text, one line)")
      ->check(CLI::IsMember({"cbor", "hex", "base64"}))
      ->default_val("cbor")
      ->capture_default_str()
      ->type_name("FORMAT");
  app.add_option("-o,--out", o.out, "The token (default stdout)")->type_name("FILE");
  add_force(app, o.force);
}

void add_check_options(CLI::App& app, CheckOptions& o) {
  app.add_option("token", o.file, "The token: CBOR, or its hex or base64 text; - or none for stdin")->type_name("TOKEN");
  app.add_option("--key", o.keys,
                 "The signer's public key: certificate, public key or private key file (repeatable: any may sign)")
      ->type_name("PUB");
  app.add_option("--trust", o.trust, "Trust anchors (PEM) the token's x5chain must chain to (repeatable)")
      ->type_name("CA.pem");
  app.add_option("--nonce", o.nonce, std::string("The nonce sent to the device (") + kNonceSyntax + ")")->type_name("NONCE");
  app.add_option("--at", o.at, "Verification time for iat/nbf/exp and the chain (RFC 3339; default now)")->type_name("TIME");
  add_format(app, o.format, {"text", "json"});
}

constexpr const char* kChecksHelp =
    "Checks, in order:\n"
    "  claims        the payload is a claims map and every known claim has its type\n"
    "  signature     COSE_Sign1 (ES256, ES384, EdDSA, ...) with a --key, or with the leaf of the token's x5chain\n"
    "  signer-chain  the x5chain leaf chains to a --trust anchor at --at (pass for a --key)\n"
    "  nonce         claim nonce (PSA 1: -75008) equals --nonce (skipped without --nonce)\n"
    "  iat, nbf, exp issued before --at, valid from nbf, not expired (skipped when the claim is absent)\n"
    "Tokens are decoded as hostile input: at most 64 KiB, nesting 16, 4096 items; duplicate map keys,\n"
    "malformed indefinite-length items and trailing bytes are refused (exit 3). alg must be the key's\n"
    "(ES512 with a P-256 key is refused); a protected header of h'A0' is read as empty but the signature is\n"
    "checked over the bytes sent (cose-wg sign-pass-01, signed over h'', fails).\n";

void add_create_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<CreateOptions>();
  CLI::App* c = group.add_subcommand("create", "Make a signed token (CWT/EAT, COSE_Sign1) from a claims file");
  c->add_option("--claims", o->claims, "Claims file, YAML or JSON; - for stdin")->required()->type_name("FILE");
  add_sign_options(*c, o->sign, "The signing key: P-256 (ES256), P-384 (ES384) or Ed25519 (EdDSA)");
  c->add_option("--nonce", o->sign.nonce, std::string("Set the nonce claim (") + kNonceSyntax + ")")->type_name("NONCE");
  c->add_option("--profile", o->profile,
                "eat: the claims as written; psa2: PSA attestation token 2.0 (sets eat_profile, requires nonce, ueid, "
                "psa-client-id, psa-lifecycle, psa-implementation-id, psa-software-components)")
      ->check(CLI::IsMember({"eat", "psa2"}))
      ->default_val("eat")
      ->capture_default_str()
      ->type_name("PROFILE");
  c->footer(
      "Claims file: one map of claim names (or integer labels for other claims) to values.\n"
      "  CWT (RFC 8392): iss sub aud exp nbf iat cti cnf\n"
      "  EAT (RFC 9711): nonce ueid sueids oemid hwmodel hwversion uptime oemboot dbgstat location eat_profile\n"
      "                  submods bootcount bootseed dloas swname swversion manifests measurements measres intuse\n"
      "  PSA 2: psa-client-id psa-lifecycle psa-implementation-id psa-boot-seed psa-certification-reference\n"
      "         psa-software-components psa-verification-service-indicator (instance id is ueid)\n"
      "  PSA 1: psa1-profile psa1-client-id ... psa1-verification-service-indicator (-75000..-75010)\n"
      "Values: binary as hex:0102.., base64:AQI= or bare hex; times as seconds or RFC 3339; versions as\n"
      "\"1.2.3\" or [\"1.2.3\", SCHEME]; dbgstat as enabled, disabled, disabled-since-boot, disabled-permanently,\n"
      "disabled-fully-and-permanently or 0..4; measurements as a list of {name, digest, alg} (written as\n"
      "[65000, << {1: name, 2: digest, 6: alg} >>], content format 65000 from the CoAP experimental range) or\n"
      "{content-type, content}; psa-software-components as {type, value, version, signer-id, desc}; submods as\n"
      "{NAME: {claims}}; other claims as YAML says (integers, booleans, lists, maps, hex:/base64: bytes, text).\n"
      "Errors name the field ('claims.yaml: measurements[1].digest: not hex'). The protected header holds alg\n"
      "only; kid or x5chain go in the unprotected header.\n"
      "\n"
      "Exit status: 0 written; 2 usage (an existing --out without --force, a nonce of the wrong size, a key\n"
      "that signs neither ES256, ES384 nor EdDSA); 3 unreadable or malformed claims file or key.\n"
      "\n"
      "Examples:\n"
      "  iotonb attest create --claims device.yaml --key device.key --nonce 0011223344556677 -o token.cbor\n"
      "  iotonb attest create --claims psa.yaml --profile psa2 --key iak.key --cert iak-chain.pem --format base64");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_create(*o, ctx); }; });
}

void add_verify_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* v = group.add_subcommand("verify", "Verify a token: signature, signer chain, nonce, iat/nbf/exp");
  add_check_options(*v, *o);
  v->footer(std::string(kChecksHelp) +
            "Text: 'FILE: OK (...)' naming the checks skipped; -v lists every check. --format json prints\n"
            "{file,type,profile,at,valid,checks:[{name,result:pass|fail|skip,detail}]}.\n"
            "\n"
            "Exit status: 0 every check passed; 1 a check failed, named ('iotonb: t.cbor: nonce: ...'); 2 usage\n"
            "(neither --key nor --trust); 3 not a token, or malformed CBOR.\n"
            "\n"
            "Examples:\n"
            "  iotonb attest verify token.cbor --key device.crt --nonce 0011223344556677\n"
            "  iotonb attest verify token.cbor --trust vendor-ca.pem --at 2026-11-27T10:00:00Z --format json");
  v->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_verify(*o, ctx); }; });
}

void add_inspect_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* i = group.add_subcommand("inspect", "Show a token's header and claims by name, without verifying it");
  i->add_option("token", o->files, "Tokens (CBOR, hex or base64); - or none for stdin")->type_name("TOKEN");
  add_format(*i, o->format, {"text", "json", "diag"});
  i->footer(
      "JSON keys: type (eat) profile (eat|psa1|psa2) alg tagged kid x5chain[{subject,issuer,sha256}]\n"
      "claims{NAME: value} (claims_error when the payload is not a claims map), plus file for several tokens.\n"
      "Claims are shown by name (RFC 8392, RFC 9711, PSA profiles 1 and 2); unknown claims by number. Binary\n"
      "values are base64, times RFC 3339, dbgstat by name, digest measurements and PSA software components as\n"
      "objects. diag: CBOR diagnostic notation with the protected header and claims decoded in place (<< >>).\n"
      "\n"
      "Exit status: 0 shown; 3 not a token, or malformed.");
  i->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_inspect(*o, ctx); }; });
}

void add_appraise_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<AppraiseOptions>();
  CLI::App* a = group.add_subcommand(
      "appraise", "Verify a token and appraise its claims against reference values: affirming, warning or contraindicated");
  add_check_options(*a, o->check);
  a->add_option("--policy", o->policy, "Reference values, YAML or JSON")->required()->type_name("FILE");
  a->footer(
      "Policy file (absent keys are not checked):\n"
      "  hwmodel: hex:..            expected hardware model      oemid: hex:.. | PEN   expected manufacturer\n"
      "  eat_profile: URI           expected profile             swversions: [1.4.2, ...] allowed versions\n"
      "  measurements: [hex, {name, digest}, ...]  allowed digests (measurements and PSA software components)\n"
      "  dbgstat: disabled          debug must be disabled       oemboot: true         secure boot required\n"
      "  max_age: 300 | 5m | 1h     seconds between iat and --at\n"
      "Verdicts: contraindicated for any failed verify check (signature, chain, nonce, iat/nbf/exp, claims)\n"
      "and for a wrong value: another hwmodel/oemid/eat_profile, debug enabled, oemboot false, a digest not in\n"
      "the list, evidence older than max_age. warning for a software version not in the list (quarantine) and\n"
      "for a claim the policy needs that the token does not state. affirming when all is stated and matches.\n"
      "dbgstat, oemboot and measurements also hold for every submodule (submods, any depth) that states them,\n"
      "reported as submods.NAME.CLAIM; a nested token or detached digest there is a warning (not opened).\n"
      "The overall verdict is the most severe. Text: 'FILE: VERDICT' then 'claim: verdict (reason)' per rule.\n"
      "--format json: {file,verdict,profile,at,claims:[{claim,verdict,reason}],checks:[{name,result,detail}]}.\n"
      "\n" +
      std::string(kChecksHelp) +
      "\n"
      "Exit status: 0 affirming; 1 warning or contraindicated (read the verdict from the output); 2 usage;\n"
      "3 not a token, or an unreadable or malformed policy.\n"
      "\n"
      "Example:\n"
      "  iotonb attest appraise evidence.cbor --policy reference.yaml --key device.crt --nonce $NONCE --format json");
  a->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_appraise(*o, ctx); }; });
}

void add_evidence_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<EvidenceOptions>();
  CLI::App* e = group.add_subcommand(
      "evidence", "Act as the device: measure the files a device description lists and sign evidence for a nonce");
  e->add_option("--device", o->device, "Device description, YAML or JSON")->required()->type_name("FILE");
  add_sign_options(*e, o->sign, "The device's attestation key (its IDevID key at onboarding)");
  e->add_option("--nonce", o->sign.nonce, std::string("The verifier's nonce (") + kNonceSyntax + ")")
      ->required()
      ->type_name("NONCE");
  add_now(*e, o->now);
  e->footer(
      "Device description:\n"
      "  claims:                      static claims, in the claims-file syntax of 'attest create'\n"
      "    hwmodel: hex:..\n"
      "    swversion: 1.4.2\n"
      "    dbgstat: disabled-permanently\n"
      "    oemboot: true\n"
      "  measure:                     files to hash with SHA-256, relative to the description's folder\n"
      "    - {name: firmware, file: firmware.bin}\n"
      "The evidence is the static claims plus nonce, iat (--now, default the clock) and one digest measurement per\n"
      "file, added to any measurements the claims list.\n"
      "\n"
      "Exit status: 0 written; 2 usage; 3 unreadable description, measured file or key.\n"
      "\n"
      "Example:\n"
      "  iotonb attest evidence --device device.yaml --key idevid.key --nonce $NONCE -o evidence.cbor");
  e->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_evidence(*o, ctx); }; });
}

}  // namespace

void define_attest(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  add_create_verb(group, ctx);
  add_verify_verb(group, ctx);
  add_inspect_verb(group, ctx);
  add_appraise_verb(group, ctx);
  add_evidence_verb(group, ctx);
}

}  // namespace iotonb::cli::groups
