// iotonb mud sign | verify | fetch | url: MUD file signatures (RFC 8520 13.2), fetching a
// file with its signature over HTTPS (lib/service/mud_fetch.h), and the MUD URL of an IDevID
// (RFC 8520 10). Every check lives in the library; this file reads options and files and
// prints results, and prints nothing on stdout when a check fails.
#include <memory>

#include "artifact/mud/file.h"
#include "artifact/mud/signature.h"
#include "cli/key_protection.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/mud_verbs.h"
#include "pki/certificate.h"
#include "pki/extensions.h"
#include "pki/name.h"
#include "pki/oids.h"
#include "pki/signer.h"
#include "service/mud_fetch.h"

namespace iotonb::cli::groups::mud {
namespace {

namespace m = artifact::mud;
using json = nlohmann::ordered_json;

struct SignOptions {
  std::string file;
  std::string key;
  std::string key_password_file;
  std::string cert;
  std::vector<std::string> chain;
  std::string content_type;
  std::string now;
  std::string out;
  bool force = false;
};

struct VerifyOptions {
  std::string file;
  std::string signature;
  std::vector<std::string> trust;
  std::vector<std::string> untrusted;
  std::string at;
  std::string mud_signer_from;
  std::string format;
};

struct FetchOptions {
  std::string url;
  std::vector<std::string> trust;
  std::vector<std::string> untrusted;
  std::vector<std::string> tls_trust;
  std::string cache;
  std::string at;
  std::string mud_signer_from;
  std::string out;
  std::string signature_out;
  int timeout_s = 20;
  std::string format;
  bool force = false;
};

struct UrlOptions {
  std::string cert;
  std::string format;
};

// Certificates from several files, kept alive with their raw pointers beside them.
struct CertificateSet {
  std::vector<core::X509Ptr> owned;
  std::vector<const X509*> pointers;
};

Result<CertificateSet> read_certificate_files(const std::vector<std::string>& files) {
  CertificateSet set;
  for (const auto& f : files) {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(f));
    if (certs.empty()) return input_error(f + ": no certificate");
    for (auto& c : certs) {
      set.pointers.push_back(c.get());
      set.owned.push_back(std::move(c));
    }
  }
  return set;
}

Result<core::UnixTime> time_or_now(const std::string& option, const std::string& value) {
  if (value.empty()) return core::now();
  auto t = core::parse_time(value);
  if (!t) return usage_error(option + ": " + t.error().message);
  return t;
}

// The mudSigner named by the IDevID in path (--mud-signer-from), or null when it names none;
// the IDevID itself is kept so the caller can say which file named it.
Result<core::X509NamePtr> mud_signer_from(const std::string& path) {
  if (path.empty()) return core::X509NamePtr();
  IOTONB_ASSIGN_OR_RETURN(core::X509Ptr idevid, pki::read_certificate(path));
  auto name = m::read_mud_signer_name(idevid.get());
  if (!name) return name.error().context(path);
  return name->has_value() ? std::move(**name) : core::X509NamePtr();
}

std::string content_type_name(const std::string& oid) {
  if (oid == m::kIdCtMudtype) return "id-ct-mudtype";
  if (oid == "1.2.840.113549.1.7.1") return "id-data";
  return oid;
}

std::string time_text(const std::optional<core::UnixTime>& t) { return t ? core::format_rfc3339(*t) : "none"; }

json signature_json(const m::MudSignature& s) {
  json chain = json::array();
  for (const auto& c : s.chain) chain.push_back(pki::name_to_string(X509_get_subject_name(c.get())));
  json out{{"signer", s.signer_subject},
           {"content_type", content_type_name(s.content_type)},
           {"signed_attributes", s.signed_attributes}};
  out["signing_time"] = s.signing_time ? json(core::format_rfc3339(*s.signing_time)) : json(nullptr);
  out["chain"] = std::move(chain);
  return out;
}

std::string anchor_of(const m::MudSignature& s) {
  return s.chain.empty() ? "?" : pki::name_to_string(X509_get_subject_name(s.chain.back().get()));
}

// --- sign -------------------------------------------------------------------------------------

Status run_sign(const SignOptions& o, Context& ctx) {
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  IOTONB_ASSIGN_OR_RETURN(Bytes file, core::read_input(o.file, m::kMaxMudFileSize));
  // A manufacturer signs what devices will be judged by: an invalid file is refused here
  // rather than found out by every network that fetches it.
  if (auto parsed = m::parse_mud(as_chars(file)); !parsed) return parsed.error().context(core::input_name(o.file));
  IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(o.cert));
  if (certs.empty()) return input_error(o.cert + ": no certificate");
  IOTONB_ASSIGN_OR_RETURN(CertificateSet extra, read_certificate_files(o.chain));
  m::MudSignOptions so;
  so.mudtype_content = o.content_type == "mudtype";
  for (std::size_t i = 1; i < certs.size(); ++i) so.chain.push_back(certs[i].get());
  for (const X509* c : extra.pointers) so.chain.push_back(c);
  if (!o.now.empty()) {
    IOTONB_ASSIGN_OR_RETURN(so.signing_time, resolve_now(o.now));
  }
  IOTONB_ASSIGN_OR_RETURN(auto password,
                          existing_key_password(o.key_password_file, "IOTONB_KEY_PASSWORD", o.key, "MUD signing key password"));
  IOTONB_ASSIGN_OR_RETURN(auto signer, pki::open_signer(o.key, password ? &*password : nullptr));
  auto signature = m::sign_mud(file, *signer, certs.front().get(), so);
  if (!signature) return signature.error().context(core::input_name(o.file));
  IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(*signature), o.force));
  if (!o.out.empty() && o.out != "-")
    ctx.info("wrote the signature (" + std::to_string(signature->size()) + " octets) to " + o.out);
  return {};
}

// --- verify -----------------------------------------------------------------------------------

Status run_verify(const VerifyOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(CertificateSet trust, read_certificate_files(o.trust));
  IOTONB_ASSIGN_OR_RETURN(CertificateSet untrusted, read_certificate_files(o.untrusted));
  IOTONB_ASSIGN_OR_RETURN(core::X509NamePtr mud_signer, mud_signer_from(o.mud_signer_from));
  m::MudVerifyOptions vo;
  vo.trust = trust.pointers;
  vo.untrusted = untrusted.pointers;
  vo.mud_signer = mud_signer.get();
  IOTONB_ASSIGN_OR_RETURN(vo.at, time_or_now("--at", o.at));
  IOTONB_ASSIGN_OR_RETURN(Bytes file, core::read_input(o.file, m::kMaxMudFileSize));
  // Read with room to spare, so an oversized signature is refused by the verifier by name.
  IOTONB_ASSIGN_OR_RETURN(Bytes signature, core::read_input(o.signature, 2 * m::kMaxMudSignatureSize));
  const std::string name = core::input_name(o.file);
  auto verified = m::verify_mud_signature(file, signature, vo);
  if (!verified) return verified.error().context(name);
  if (o.format == "json") {
    json out{{"file", name}, {"signature", core::input_name(o.signature)}, {"valid", true}};
    out.update(signature_json(*verified));
    out["at"] = core::format_rfc3339(vo.at);
    out["mud_signer"] = mud_signer ? json(pki::name_to_string(mud_signer.get())) : json(nullptr);
    print_description(ctx, out, Format::json);
  } else {
    *ctx.out << name << ": OK (signed by " << verified->signer_subject << ", "
             << content_type_name(verified->content_type) << ", signingTime " << time_text(verified->signing_time)
             << ", chains to " << anchor_of(*verified) << " at " << core::format_rfc3339(vo.at)
             << (mud_signer ? ", the IDevID's mudSigner" : "") << ")\n";
  }
  return {};
}

// --- fetch ------------------------------------------------------------------------------------

Status run_fetch(const FetchOptions& o, Context& ctx) {
  if (o.format == "json" && (o.out.empty() || o.out == "-"))
    return usage_error("--format json prints a description on stdout: write the file with -o");
  if (!o.out.empty() && o.out == o.signature_out) return usage_error("-o and --signature-out name the same file");
  IOTONB_RETURN_IF_ERROR(core::check_writable(o.out, o.force));
  if (!o.signature_out.empty()) IOTONB_RETURN_IF_ERROR(core::check_writable(o.signature_out, o.force));
  IOTONB_ASSIGN_OR_RETURN(CertificateSet trust, read_certificate_files(o.trust));
  IOTONB_ASSIGN_OR_RETURN(CertificateSet untrusted, read_certificate_files(o.untrusted));
  IOTONB_ASSIGN_OR_RETURN(CertificateSet tls_trust, read_certificate_files(o.tls_trust));
  IOTONB_ASSIGN_OR_RETURN(core::X509NamePtr mud_signer, mud_signer_from(o.mud_signer_from));
  service::MudFetchOptions fo;
  fo.trust = trust.pointers;
  fo.untrusted = untrusted.pointers;
  fo.tls_trust = tls_trust.pointers;
  fo.mud_signer = mud_signer.get();
  fo.cache_dir = o.cache;
  fo.total_timeout_ms = o.timeout_s * 1000;
  fo.connect_timeout_ms = std::min(fo.total_timeout_ms, 5000);
  IOTONB_ASSIGN_OR_RETURN(fo.at, time_or_now("--at", o.at));

  IOTONB_ASSIGN_OR_RETURN(service::FetchedMud fetched, service::fetch_mud(o.url, fo));
  if (!fetched.cache_problem.empty()) ctx.info("warning: " + fetched.cache_problem);
  // Only now, verified, does anything reach a file.
  if (!o.signature_out.empty()) IOTONB_RETURN_IF_ERROR(write_result(o.signature_out, as_chars(fetched.signature), o.force));
  IOTONB_RETURN_IF_ERROR(write_result(o.out, as_chars(fetched.file_bytes), o.force));
  const std::string origin = fetched.from_cache ? "from the cache" : "fetched";
  if (o.format == "json") {
    json out{{"url", o.url}, {"valid", true}, {"signature_url", fetched.signature_url},
             {"from_cache", fetched.from_cache}, {"fetched_at", core::format_rfc3339(fetched.fetched_at)},
             {"expires_at", core::format_rfc3339(fetched.expires_at)}, {"size", fetched.file_bytes.size()}};
    out.update(signature_json(fetched.signature_info));
    out["at"] = core::format_rfc3339(fo.at);
    print_description(ctx, out, Format::json);
  } else {
    ctx.info(o.url + ": OK (" + origin + ", " + std::to_string(fetched.file_bytes.size()) + " octets, signed by " +
             fetched.signature_info.signer_subject + ", chains to " + anchor_of(fetched.signature_info) +
             ", cache-validity until " + core::format_rfc3339(fetched.expires_at) + ")");
  }
  return {};
}

// --- url --------------------------------------------------------------------------------------

Status run_url(const UrlOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(core::X509Ptr cert, pki::read_certificate(o.cert));
  auto url = pki::read_mud_url(cert.get());
  if (!url)
    return verify_error(core::input_name(o.cert) + ": no MUD URL extension (id-pe-mud-url " +
                        std::string(pki::oid::kMudUrl) + ", RFC 8520 10), or one that is not a readable string");
  auto signer = m::read_mud_signer_name(cert.get());
  if (!signer) return signer.error().context(core::input_name(o.cert));
  if (o.format == "json") {
    json out{{"file", core::input_name(o.cert)}, {"mud_url", url->value}, {"oid", url->oid},
             {"string_type", url->string_type}};
    out["mud_signer"] = signer->has_value() ? json(pki::name_to_string(signer->value().get())) : json(nullptr);
    print_description(ctx, out, Format::json);
  } else {
    *ctx.out << url->value << "\n";
  }
  return {};
}

// --- options and help -------------------------------------------------------------------------

void add_sign_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<SignOptions>();
  CLI::App* c = group.add_subcommand("sign", "Sign a MUD file: detached DER CMS SignedData over its exact bytes");
  c->add_option("file", o->file, "The MUD file (signed as it is, byte for byte); - for stdin")
      ->required()
      ->type_name("FILE");
  c->add_option("--key", o->key, "The signing key (file:PATH or PATH; P-256, P-384, P-521, Ed25519 or RSA)")
      ->required()
      ->type_name("KEYREF");
  add_password_file(*c, "--key-password-file", o->key_password_file, "signing key's", "IOTONB_KEY_PASSWORD");
  c->add_option("--cert", o->cert, "The signer's certificate (PEM or DER); more PEM certificates after it are embedded too")
      ->required()
      ->type_name("CERT");
  c->add_option("--chain", o->chain, "Intermediate CA certificates to embed (PEM, repeatable)")->type_name("FILE");
  c->add_option("--content-type", o->content_type,
                "eContentType: data (id-data, what every MUD signature in the wild uses) or mudtype (id-ct-mudtype "
                "1.2.840.113549.1.9.16.1.41, as RFC 8520 13.2 names it)")
      ->check(CLI::IsMember({"data", "mudtype"}))
      ->default_val("data")
      ->capture_default_str()
      ->type_name("TYPE");
  add_now(*c, o->now)->description("signingTime (RFC 3339; default now), for reproducible signatures");
  c->add_option("-o,--out", o->out, "The signature, DER (default stdout; by convention FILE with .json becomes .p7s)")
      ->type_name("SIG");
  add_force(*c, o->force);
  c->footer(
      "The file must be a valid MUD file (iotonb mud validate says why not). The signature is DER CMS\n"
      "SignedData, detached (no eContent), digest SHA-256 (SHA-384 for P-384, SHA-512 for P-521 and Ed25519),\n"
      "signed attributes contentType, messageDigest and signingTime, the signer's certificate embedded.\n"
      "A signer certificate whose keyUsage lacks digitalSignature is refused. Serve the signature as\n"
      "application/pkcs7-signature at the file's mud-signature URL.\n"
      "\n"
      "Exit status: 0 written; 2 usage (existing --out without --force, key not matching --cert, keyUsage);\n"
      "3 unreadable or invalid MUD file, key or certificate.\n"
      "\n"
      "Example:\n"
      "  iotonb mud sign lamp.json --key mud-signer.key --cert mud-signer.pem -o lamp.p7s");
  c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_sign(*o, ctx); }; });
}

constexpr const char* kVerifyChecks =
    "Checks, each failure exit 1 with the reason (never a warning):\n"
    "  DER CMS SignedData, one SignerInfo, SHA-2 digest; eContentType id-data or id-ct-mudtype\n"
    "  signed attributes present (well-formed) or absent (openssl cms -sign -noattr; id-data only)\n"
    "  the signature covers the file's exact bytes (detached; an embedded content must equal the file)\n"
    "  the signer chains to a --trust anchor at --at; its keyUsage, if present, has digitalSignature\n"
    "  with --mud-signer-from: the signer's subject equals the IDevID's mudSigner (RFC 8520 11)\n";

void add_verify_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<VerifyOptions>();
  CLI::App* v = group.add_subcommand("verify", "Verify a MUD file's signature: exact bytes, chain, keyUsage, mudSigner");
  v->add_option("file", o->file, "The MUD file as served; - for stdin")->required()->type_name("FILE");
  v->add_option("--signature", o->signature, "The detached signature (DER)")->required()->type_name("SIG");
  v->add_option("--trust", o->trust, "Trust anchors for the MUD signer (PEM, repeatable)")->required()->type_name("CA.pem");
  v->add_option("--untrusted", o->untrusted, "Extra intermediate certificates (PEM, repeatable)")->type_name("FILE");
  v->add_option("--at", o->at, "Verification time (RFC 3339 or @UNIX; default now)")->type_name("TIME");
  v->add_option("--mud-signer-from", o->mud_signer_from,
                "The device's IDevID: when it has a mudSigner extension, the signer must be that subject")
      ->type_name("IDEVID.crt");
  add_format(*v, o->format, {"text", "json"});
  v->footer(std::string(kVerifyChecks) +
            "Text: 'FILE: OK (signed by ..., id-data, signingTime ..., chains to ... at ...)'. --format json:\n"
            "{file,signature,valid,signer,content_type,signed_attributes,signing_time,chain[],at,mud_signer}.\n"
            "Nothing is printed on stdout when a check fails.\n"
            "\n"
            "Exit status: 0 every check passed; 1 a check failed; 2 usage; 3 unreadable file, trust or IDevID.\n"
            "\n"
            "Example:\n"
            "  iotonb mud verify Luminaire_150.json --signature Luminaire_150.p7s --trust luminaire-cacert.pem \\\n"
            "      --at 2018-09-17T22:20:06Z");
  v->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_verify(*o, ctx); }; });
}

void add_fetch_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<FetchOptions>();
  CLI::App* f = group.add_subcommand("fetch", "Fetch a MUD file and its signature over HTTPS and verify them");
  f->add_option("url", o->url, "The MUD URL (https)")->required()->type_name("URL");
  f->add_option("--trust", o->trust, "Trust anchors for the MUD signer (PEM, repeatable)")->required()->type_name("CA.pem");
  f->add_option("--untrusted", o->untrusted, "Extra intermediates for the MUD signer (PEM, repeatable)")->type_name("FILE");
  f->add_option("--tls-trust", o->tls_trust,
                std::string("Trust anchors for the HTTPS servers (PEM, repeatable; default the system's, ") +
                    service::kSystemCaFile + ")")
      ->type_name("CA.pem");
  f->add_option("--mud-signer-from", o->mud_signer_from,
                "The device's IDevID: when it has a mudSigner extension, the signer must be that subject")
      ->type_name("IDEVID.crt");
  f->add_option("--cache", o->cache, "Cache folder: reuse a verified file within its cache-validity")->type_name("DIR");
  f->add_option("--at", o->at, "The time for the signature check and cache ages (RFC 3339; default now)")->type_name("TIME");
  f->add_option("--timeout", o->timeout_s, "Seconds each request (file, signature) may take at most")
      ->check(CLI::Range(1, 600))
      ->capture_default_str()
      ->type_name("SECONDS");
  f->add_option("-o,--out", o->out, "Where to write the verified file, exactly as served (default stdout)")->type_name("FILE");
  f->add_option("--signature-out", o->signature_out, "Where to write the verified signature (DER)")->type_name("FILE");
  add_format(*f, o->format, {"text", "json"});
  add_force(*f, o->force);
  f->footer(
      "Steps: GET URL (Accept application/mud+json; served as application/mud+json or application/json, at\n"
      "most 256 KiB); the file must validate and its mud-url equal URL. GET the signature from the file's\n"
      "mud-signature URL, or, only when that leaf is absent, URL with .json replaced by .p7s (else .p7s\n"
      "appended): application/pkcs7-signature, at most 64 KiB. Then every check of 'iotonb mud verify'.\n"
      "HTTPS only: the server's certificate must chain to --tls-trust (or the system's anchors) and name the\n"
      "host; up to 3 redirects to https URLs are followed, a redirect to http is refused. Nothing is written\n"
      "unless every check passed. Cache: one entry per URL (the SHA-256 of the URL names it), reused until\n"
      "the file's cache-validity (hours) has passed since it was fetched, its signature verified again.\n"
      "Text: a summary on stderr ('URL: OK (fetched|from the cache, ...)'); --format json (needs -o) prints\n"
      "{url,valid,signature_url,from_cache,fetched_at,expires_at,size,signer,content_type,signed_attributes,\n"
      "signing_time,chain[],at}.\n"
      "\n"
      "Exit status: 0 verified and written; 1 a check failed (signature, chain, mud-url); 2 usage; 3 the\n"
      "file does not parse or validate; 4 network: no answer, TLS or host name, HTTP status, media type, size,\n"
      "redirect, timeout.\n"
      "\n"
      "Example:\n"
      "  iotonb mud fetch https://lamps.example.com/lamp.json --trust mud-ca.pem --cache /var/cache/iotonb-mud \\\n"
      "      -o lamp.json --signature-out lamp.p7s");
  f->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_fetch(*o, ctx); }; });
}

void add_url_verb(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<UrlOptions>();
  CLI::App* u = group.add_subcommand("url", "Print the MUD URL an IDevID certificate carries");
  u->add_option("--from-cert", o->cert, "The device certificate (PEM or DER)")->required()->type_name("IDEVID.crt");
  add_format(*u, o->format, {"text", "json"});
  u->footer(
      "Text: the URL alone. --format json: {file,mud_url,oid,string_type,mud_signer} (mud_signer, from the\n"
      "id-pe-mudsigner extension, null when absent).\n"
      "\n"
      "Exit status: 0 printed; 1 the certificate has no MUD URL extension; 3 unreadable certificate or a\n"
      "malformed mudSigner.\n"
      "\n"
      "Example:\n"
      "  iotonb mud url --from-cert device/idevid.pem");
  u->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_url(*o, ctx); }; });
}

}  // namespace

void add_signature_verbs(CLI::App& group, Context& ctx) {
  add_sign_verb(group, ctx);
  add_verify_verb(group, ctx);
  add_fetch_verb(group, ctx);
  add_url_verb(group, ctx);
}

}  // namespace iotonb::cli::groups::mud
