// iotonb cert inspect | verify
#include <memory>

#include "cli/options.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "pki/inspect.h"
#include "pki/name.h"
#include "pki/verify.h"

namespace iotonb::cli::groups {
namespace {

struct InspectOptions {
  std::vector<std::string> files;
  std::string format;
  std::string out;
  bool force = false;
};

Status run_inspect(const InspectOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Format format, parse_format(o.format));
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(o.files));
  std::string converted;  // pem / der output, written once at the end (no partial output)
  std::vector<nlohmann::ordered_json> described;
  for (const auto& file : files) {
    IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(file));
    for (const auto& cert : certs) {
      if (format == Format::pem) converted += pki::certificate_pem(cert.get());
      else if (format == Format::der) {
        if (certs.size() > 1 || files.size() > 1) return usage_error("--format der takes exactly one certificate");
        Bytes der = pki::certificate_der(cert.get());
        converted.assign(der.begin(), der.end());
      } else {
        auto d = pki::describe_certificate(cert.get());
        if (files.size() > 1 || certs.size() > 1) d["file"] = file;
        described.push_back(std::move(d));
      }
    }
  }
  if (format == Format::pem || format == Format::der) return write_result(o.out, converted, o.force);
  for (std::size_t i = 0; i < described.size(); ++i) {
    if (i > 0 && format == Format::text) *ctx.out << '\n';
    print_description(ctx, described[i], format);
  }
  return {};
}

struct VerifyOptions {
  std::string cert;
  std::vector<std::string> trust;
  std::vector<std::string> untrusted;
  std::string at;
  std::string format;
};

Status run_verify(const VerifyOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(auto certs, pki::read_certificates(o.cert));
  std::vector<core::X509Ptr> anchors, intermediates;
  for (const auto& f : o.trust) {
    IOTONB_ASSIGN_OR_RETURN(auto list, pki::read_certificates(f));
    for (auto& c : list) anchors.push_back(std::move(c));
  }
  for (const auto& f : o.untrusted) {
    IOTONB_ASSIGN_OR_RETURN(auto list, pki::read_certificates(f));
    for (auto& c : list) intermediates.push_back(std::move(c));
  }
  // Certificates after the first in the input file are treated as intermediates (a chain file).
  for (std::size_t i = 1; i < certs.size(); ++i) intermediates.push_back(std::move(certs[i]));
  pki::ChainCheck check;
  for (const auto& c : anchors) check.trust.push_back(c.get());
  for (const auto& c : intermediates) check.untrusted.push_back(c.get());
  if (o.at.empty()) {
    check.at = core::now();
  } else {
    auto at = core::parse_time(o.at);
    if (!at) return usage_error("--at: " + at.error().message);
    check.at = *at;
  }
  auto path = pki::verify_chain(certs.front().get(), check);
  nlohmann::ordered_json result{{"file", o.cert},
                                {"subject", pki::name_to_string(X509_get_subject_name(certs.front().get()))},
                                {"at", core::format_rfc3339(check.at)},
                                {"valid", path.ok()}};
  if (path) {
    nlohmann::ordered_json chain = nlohmann::ordered_json::array();
    for (const auto& c : *path) chain.push_back(pki::name_to_string(X509_get_subject_name(c.get())));
    result["chain"] = std::move(chain);
  } else {
    result["reason"] = path.error().message;
  }
  if (o.format == "json") {
    print_description(ctx, result, Format::json);
  } else if (path) {
    *ctx.out << o.cert << ": OK\n";
    for (const auto& c : *path) ctx.debug("  chain: " + pki::name_to_string(X509_get_subject_name(c.get())));
  }
  if (!path) return path.error().context(o.cert);
  return {};
}

}  // namespace

void define_cert(CLI::App& group, Context& ctx) {
  group.require_subcommand(1);

  auto ins = std::make_shared<InspectOptions>();
  CLI::App* i = group.add_subcommand("inspect", "Show certificates, device identity fields decoded");
  i->add_option("file", ins->files, "Certificate files, PEM (several per file) or DER; - or none for stdin")
      ->type_name("FILE");
  add_format(*i, ins->format, {"text", "json", "pem", "der"});
  i->add_option("-o,--out", ins->out, "Output file for --format pem|der (default stdout)")->type_name("FILE");
  add_force(*i, ins->force);
  i->footer("JSON keys: type subject issuer serial not_before not_after signature_algorithm public_key{algorithm,\n"
            "spki_sha256} ca path_len self_signed key_usage extended_key_usage subject_alt_names subject_key_id\n"
            "authority_key_id idevid{serial_number, hardware_module_name{hw_type,hw_serial_num,hw_serial_num_hex},\n"
            "masa_url{value,oid,string_type,uri}, mud_url{value,oid,string_type}, mud_signer} fingerprints{sha256,sha1}");
  i->callback([ins, &ctx] { ctx.action = [ins, &ctx] { return run_inspect(*ins, ctx); }; });

  auto ver = std::make_shared<VerifyOptions>();
  CLI::App* v = group.add_subcommand("verify", "Validate a certificate's chain to trust anchors");
  v->add_option("cert", ver->cert, "Certificate (a PEM file may carry its chain after it)")->required()->type_name("FILE");
  v->add_option("--trust", ver->trust, "Trust anchor certificates (repeatable; a CA or the certificate itself)")
      ->required()
      ->type_name("FILE");
  v->add_option("--untrusted", ver->untrusted, "Intermediate certificates to build the path with (repeatable)")
      ->type_name("FILE");
  v->add_option("--at", ver->at, "Verification time (RFC 3339; default now)")->type_name("TIME");
  add_format(*v, ver->format, {"text", "json"});
  v->footer("Exit status 0 when the chain is valid at the given time, 1 with the reason when it is not.");
  v->callback([ver, &ctx] { ctx.action = [ver, &ctx] { return run_verify(*ver, ctx); }; });
}

}  // namespace iotonb::cli::groups
