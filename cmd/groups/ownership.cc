// iotonb ownership voucher create | transfer | verify | inspect | prove | check: FDO 1.1
// ownership vouchers and device credentials (lib/artifact/fdo). The options and help texts
// are here; the verbs run in ownership_create.cc, ownership_transfer.cc and ownership_verbs.cc.
#include <memory>

#include "cli/options.h"
#include "groups/groups.h"
#include "groups/ownership_verbs.h"

namespace iotonb::cli::groups {
namespace {

using namespace ownership;

constexpr const char* kKeyEncodingHelp =
    "How the key is written in the voucher: x509 (SubjectPublicKeyInfo), x5chain (certificates, leaf first) or "
    "cosekey (COSE_Key)";

void add_key_encoding(CLI::App& app, std::string& target, const std::string& whose) {
  target = "x509";
  app.add_option("--key-encoding", target, std::string(kKeyEncodingHelp) + "; for " + whose)
      ->check(CLI::IsMember({"x509", "x5chain", "cosekey"}))
      ->capture_default_str()
      ->type_name("ENCODING");
}

void add_key_password(CLI::App& app, std::string& target, const std::string& whose) {
  add_password_file(app, "--key-password-file", target, whose, "IOTONB_KEY_PASSWORD");
}

void add_jobs(CLI::App& app, unsigned& target) {
  app.add_option("-j,--jobs", target, "Batch: worker threads (default: all cores)")->type_name("N");
}

void add_create_verb(CLI::App& voucher, Context& ctx) {
  auto o = std::make_shared<CreateOptions>();
  CLI::App* c = voucher.add_subcommand(
      "create", "Manufacture an ownership voucher and its device credential (offline, at the factory)");
  c->add_option("--manufacturer-key", o->manufacturer_key,
                "The manufacturer's key (OVPubKey): its private key (KEYREF), certificate or public key; only the public "
                "half is used")
      ->required()
      ->type_name("KEYREF|CERT|PUB");
  add_key_password(*c, o->key_password_file, "manufacturer key's (when it is an encrypted private key)");
  c->add_option("--manufacturer-cert", o->manufacturer_cert,
                "The manufacturer key's certificate, then its chain (only with --key-encoding x5chain; default: the "
                "certificates --manufacturer-key names)")
      ->type_name("CERT");
  add_key_encoding(*c, o->key_encoding, "OVPubKey");
  c->add_option("--idevid", o->idevid,
                "A minted device folder (idevid.crt, chain.pem): the device chain carried in the voucher")
      ->type_name("DIR");
  c->add_option("--device-chain", o->device_chain, "The device certificate chain instead, PEM, leaf first")
      ->type_name("PEM");
  c->add_option("--device-info", o->device_info,
                "OVDeviceInfo (default: the IDevID's subject serialNumber, else its commonName)")
      ->type_name("TEXT");
  c->add_option("--guid", o->guid, "OVGuid: 16 octets in hex, dashes allowed (default: random)")->type_name("HEX");
  c->add_option("--rv", o->rv,
                "Rendezvous server URL, http or https with a DNS name or IP address (at least one; repeatable, one "
                "directive each)")
      ->type_name("URL");
  c->add_option("-o,--out", o->out, "The voucher, PEM \"OWNERSHIP VOUCHER\" (default stdout)")->type_name("VOUCHER");
  c->add_option("--credential-out", o->credential_out,
                "The device credential, raw CBOR, written with mode 0600 (required for one device)")
      ->type_name("FILE");
  add_force(*c, o->force);
  c->add_option("--batch", o->batch, "Batch: one voucher for each device folder DEVICES_DIR/<serial>/ of 'idevid mint'")
      ->type_name("DEVICES_DIR");
  c->add_option("--out-dir", o->out_dir, "Batch: where OUT_DIR/<serial>.ov and OUT_DIR/<serial>.dc are written")
      ->type_name("OUT_DIR");
  add_jobs(*c, o->jobs);
  c->footer(
      "Files written: the voucher (--out, PEM, mode 0644) and the device credential (--credential-out: raw CBOR\n"
      "[DCActive, DCProtVer 101, DCHmacSecret, DCDeviceInfo, DCGuid, DCRVInfo, DCPubKeyHash], mode 0600, to be\n"
      "loaded into the device and deleted). The HMAC secret sealing the header is made here and kept only in the\n"
      "credential. Hashes and HMAC follow the manufacturer key: SHA-256 / HMAC-SHA256 for P-256, SHA-384 /\n"
      "HMAC-SHA384 for P-384. With --batch every device folder gets OUT_DIR/<serial>.ov and OUT_DIR/<serial>.dc\n"
      "(0600) with a random GUID, DeviceInfo and device chain from its IDevID; existing outputs are refused before\n"
      "anything is written unless --force; a summary goes to stderr, and a device that fails is named there while\n"
      "the others are written (exit 1). Each file is written atomically.\n"
      "\n"
      "Exit status: 0 written; 1 some batch devices failed; 2 usage (missing --rv or --credential-out, an existing\n"
      "output without --force, a key FDO has no pkType for); 3 unreadable key, chain or device folder.\n"
      "\n"
      "Examples:\n"
      "  iotonb ownership voucher create --manufacturer-key mfg.crt --idevid devices/SN-0001 \\\n"
      "      --rv https://rv.example.com:8041 --out SN-0001.ov --credential-out SN-0001.dc\n"
      "  iotonb ownership voucher create --manufacturer-key mfg.key --key-password-file pw \\\n"
      "      --rv https://rv.example.com --batch devices --out-dir vouchers");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_create(*o, ctx); }; });
}

void add_transfer_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<TransferOptions>();
  CLI::App* t = group.add_subcommand("transfer", "Sign vouchers over to the next owner (extend them by one entry)");
  t->add_option("file", o->file, "Voucher file (PEM, possibly several vouchers, or raw CBOR); - or none for stdin")
      ->type_name("VOUCHER");
  t->add_option("--owner-key", o->owner_key, "The current owner's private key (the voucher's last key)")
      ->required()
      ->type_name("KEYREF");
  add_key_password(*t, o->key_password_file, "owner key's");
  t->add_option("--to", o->to, "The next owner: a certificate or public key file (for x5chain: certificates, leaf first)")
      ->required()
      ->type_name("CERT|PUB");
  add_key_encoding(*t, o->key_encoding, "the new entry's OVEPubKey");
  t->add_option("--extra", o->extra, "OVEExtra for the new entry: a file holding a CBOR map {int => bstr}")
      ->type_name("FILE");
  t->add_option("-o,--out", o->out, "The transferred vouchers, in the form read (default stdout)")->type_name("FILE");
  add_force(*t, o->force);
  t->add_option("--batch", o->batch,
                "Batch: transfer every voucher file in DIR (PEM \"OWNERSHIP VOUCHER\" or raw CBOR; other files skipped)")
      ->type_name("DIR");
  t->add_option("--out-dir", o->out_dir, "Batch: where OUT_DIR/<same name> is written")->type_name("OUT_DIR");
  add_jobs(*t, o->jobs);
  t->footer(
      "Every voucher in the file must be owned by --owner-key; each gets an entry signed by it naming --to, hashed\n"
      "to the entry before it and to the header (FDO 1.1 3.4.6). The entries already there are verified first.\n"
      "Output keeps the input's form: PEM in, PEM out (other PEM blocks, such as a private key, are not copied);\n"
      "raw CBOR in, raw CBOR out. With --batch the owner key is opened once and shared by one worker per core; files\n"
      "appear atomically as OUT_DIR/<same name>; stderr names each failed file and reports counts and vouchers/s.\n"
      "\n"
      "Exit status: 0 transferred; 1 --owner-key is not the current owner, an existing entry does not verify, or\n"
      "(--batch) some files failed while the others were written; 2 the new key's type or size differs from the\n"
      "voucher's (FDO 1.1: every OVEPubKey has OVPubKey's), an existing output without --force; 3 unreadable or\n"
      "malformed voucher (an FDO 1.0 voucher: 'unsupported protocol version 100').\n"
      "\n"
      "Examples:\n"
      "  iotonb ownership transfer SN-0001.ov --owner-key mfg.key --to distributor.crt -o SN-0001.dist.ov\n"
      "  iotonb ownership transfer --batch vouchers --out-dir sold --owner-key mfg.key --to buyer.pub");
  t->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_transfer(*o, ctx); }; });
}

void add_verify_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* v = group.add_subcommand("verify", "Verify ownership vouchers: header HMAC, device chain, every entry, "
                                               "expected manufacturer and owner");
  v->add_option("file", o->file, "Voucher file (PEM, possibly several vouchers, or raw CBOR); - for stdin")
      ->required()
      ->type_name("VOUCHER");
  auto* dc = v->add_option("--device-credential", o->device_credential,
                           "The device credential: checks the header HMAC and that the voucher is this device's")
                 ->type_name("FILE");
  auto* secret = v->add_option("--hmac-secret-file", o->hmac_secret_file,
                               "The device's HMAC secret alone (raw octets) instead: checks the header HMAC")
                     ->type_name("FILE");
  dc->excludes(secret);
  v->add_option("--manufacturer", o->manufacturer, "Expected manufacturer key (OVPubKey): certificate or public key")
      ->type_name("CERT|PUB");
  v->add_option("--owner", o->owner,
                "Expected current owner (the last entry's key, OVPubKey when there is none): certificate or public key")
      ->type_name("CERT|PUB");
  v->add_option("--at", o->at, "Time for the device certificates' validity (RFC 3339; default now)")->type_name("TIME");
  add_format(*v, o->format, {"text", "json"});
  v->footer(
      "Checks, in order:\n"
      "  header-hmac                OVHeaderHMac = HMAC(device secret, OVHeader) (skipped without a secret)\n"
      "  credential                 the credential's GUID, DeviceInfo and RVInfo are the header's, and its\n"
      "                             DCPubKeyHash is the hash of CBOR(OVPubKey) (skipped without one)\n"
      "  device-chain-hash          OVDevCertChainHash = Hash(DER1 || DER2 || ...); a hash over the CBOR array\n"
      "                             (FDO 1.0, older fdo-rs) fails here, named as such\n"
      "  device-chain               each certificate is signed by the next and valid at --at\n"
      "  entry[i].signature         entry 0 by OVPubKey, entry i by entry i-1's OVEPubKey\n"
      "  entry[i].previous-hash     entry 0: Hash(OVHeader || CBOR(OVHeaderHMac)); entry i: Hash(entry i-1)\n"
      "  entry[i].header-info-hash  Hash(GUID || DeviceInfo)\n"
      "  entry[i].key-type          OVEPubKey has OVPubKey's pkType (and, for RSA, size)\n"
      "  entries                    skipped when there are none: the manufacturer still owns the voucher\n"
      "  manufacturer, owner        OVPubKey / the last key are --manufacturer / --owner (skipped when not given)\n"
      "Every voucher in the file is verified. Text: 'FILE: OK (...)' per voucher, naming the checks skipped;\n"
      "-v lists every check. --format json prints one object per voucher:\n"
      "{file,voucher (only when the file holds several),type,form (pem|cbor),guid,at,valid,\n"
      "checks:[{name,result:pass|fail|skip,detail}]}.\n"
      "\n"
      "Exit status: 0 when no check failed; 1 naming the first failed check ('iotonb: v.ov: entry[1].signature:\n"
      "...'); 2 usage; 3 the file is not an FDO 1.1 voucher (FDO 1.0: 'unsupported protocol version 100').\n"
      "\n"
      "Example:\n"
      "  iotonb ownership verify SN-0001.ov --device-credential SN-0001.dc --manufacturer mfg.crt --owner buyer.crt");
  v->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_verify(*o, ctx); }; });
}

void add_inspect_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<InspectOptions>();
  CLI::App* i = group.add_subcommand("inspect", "Show ownership vouchers and device credentials without verifying them");
  i->add_option("file", o->files, "Voucher or device credential files (auto-detected); - or none for stdin")
      ->type_name("FILE");
  add_format(*i, o->format, {"text", "json", "diag"});
  i->footer(
      "Voucher JSON keys: kind (fdo-ownership-voucher) protocol_version guid device_info\n"
      "rendezvous[[{variable,value}]] manufacturer_key{type,encoding,key,spki_sha256} header_hmac\n"
      "device_chain_hash{algorithm,value} device_chain[{subject,issuer,sha256}] entry_count\n"
      "entries[{alg,hash,owner_key,extra}] owner_key, plus file (several files) and voucher (several vouchers in\n"
      "one file). Credential JSON keys: kind (fdo-device-credential) layout (fdo|fdo-rs) active guid device_info\n"
      "rendezvous manufacturer_key_hash{algorithm,value} hmac_secret_length. Keys are shown by type, encoding and\n"
      "the SHA-256 of their SubjectPublicKeyInfo, to compare the last owner key with the one you hold.\n"
      "\n"
      "diag: CBOR diagnostic notation; a voucher's OVHeader and entry payloads are decoded in place (<< ... >>).\n"
      "The device secret is never printed: for a credential, diag shows it as <redacted: DCHmacSecret, N octets>\n"
      "(the fdo-rs layout's secrets map as <redacted: device secrets ...>), and text and JSON give its length.\n"
      "\n"
      "Exit status: 0 shown; 3 neither a voucher nor a credential, or malformed.");
  i->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_inspect(*o, ctx); }; });
}

void add_prove_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<ProveOptions>();
  CLI::App* p =
      group.add_subcommand("prove", "Prove ownership to a device: sign its nonce with the voucher's current owner key");
  p->add_option("--voucher", o->voucher, "The device's voucher (one voucher)")->required()->type_name("VOUCHER");
  p->add_option("--owner-key", o->owner_key, "The current owner's private key")->required()->type_name("KEYREF");
  add_key_password(*p, o->key_password_file, "owner key's");
  p->add_option("--nonce", o->nonce, "The device's nonce: 16 octets in hex")->required()->type_name("HEX");
  p->add_option("-o,--out", o->out, "The proof, binary CBOR (default stdout)")->type_name("FILE");
  add_force(*p, o->force);
  p->footer(
      "The proof is the core of FDO 1.1 TO2.ProveOVHdr (5.5.3) without the fields that belong to the session (key\n"
      "exchange, signature info, hello hash, sizes), written as binary CBOR.\n"
      "\n"
      "Proof format:\n"
      "  Proof = COSE_Sign1 (tag 18), protected {1: alg},\n"
      "          unprotected {256 CUPHNonce: nonce, 257 CUPHOwnerPubKey: PublicKey},\n"
      "          payload [OVHeader bstr, NumOVEntries, OVHeaderHMac, NonceTO2ProveOV]\n"
      "\n"
      "alg is ES256 for a P-256 owner key, ES384 for P-384. Only the voucher's current owner can make one.\n"
      "\n"
      "Exit status: 0 written; 1 --owner-key is not the voucher's current owner; 2 a nonce that is not 16 octets,\n"
      "a file with several vouchers, an existing --out without --force; 3 unreadable voucher or key.\n"
      "\n"
      "Example:\n"
      "  iotonb ownership prove --voucher SN-0001.ov --owner-key buyer.key \\\n"
      "      --nonce 00112233445566778899aabbccddeeff -o p.cose");
  p->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_prove(*o, ctx); }; });
}

void add_check_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<CheckOptions>();
  CLI::App* c = group.add_subcommand("check", "Check an ownership proof as the device does");
  c->add_option("--device-credential", o->device_credential, "The device's credential")->required()->type_name("FILE");
  c->add_option("--voucher", o->voucher, "The voucher the claimant presented (one voucher)")
      ->required()
      ->type_name("VOUCHER");
  c->add_option("--proof", o->proof, "The proof from 'iotonb ownership prove'")->required()->type_name("FILE");
  c->add_option("--nonce", o->nonce, "The nonce the device sent: 16 octets in hex")->required()->type_name("HEX");
  c->add_option("--at", o->at, "Time for the device certificates' validity (RFC 3339; default now)")->type_name("TIME");
  c->footer(
      "The device accepts the claim only when its credential verifies the voucher (every check of 'ownership\n"
      "verify' with --device-credential: header HMAC, manufacturer key hash, device chain, every entry), the proof\n"
      "is signed by the voucher's last key, and it carries this voucher's header, entry count and HMAC and the\n"
      "nonce sent.\n"
      "\n"
      "Exit status: 0 'ownership proven'; 1 not proven, with the reason (another device's credential fails\n"
      "header-hmac; a proof by an earlier owner is not signed by the current owner; another nonce); 2 a nonce that\n"
      "is not 16 octets; 3 an unreadable credential, voucher or proof.");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_check(*o, ctx); }; });
}

}  // namespace

void define_ownership(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);
  CLI::App* voucher = group.add_subcommand("voucher", "Ownership vouchers at manufacture: create");
  voucher->require_subcommand(1);
  add_create_verb(*voucher, ctx);
  add_transfer_verb(group, ctx);
  add_verify_verb(group, ctx);
  add_inspect_verb(group, ctx);
  add_prove_verb(group, ctx);
  add_check_verb(group, ctx);
}

}  // namespace iotonb::cli::groups
