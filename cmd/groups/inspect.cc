// iotonb inspect: find out what a file is and describe it. One table of recognisers; each
// artifact kind (certificates, keys, vouchers; later tokens and MUD files) is a row here.
#include <memory>

#include "artifact/eat/describe.h"
#include "artifact/fdo/credential.h"
#include "artifact/fdo/describe.h"
#include "artifact/fdo/voucher.h"
#include "artifact/mud/describe.h"
#include "artifact/mud/file.h"
#include "artifact/signed_voucher.h"
#include "artifact/voucher_describe.h"
#include "cli/options.h"
#include "core/encoding.h"
#include "core/json.h"
#include "core/files.h"
#include "groups/groups.h"
#include "pki/certificate.h"
#include "pki/csr.h"
#include "pki/inspect.h"
#include "pki/key.h"

namespace iotonb::cli::groups {
namespace {

using json = nlohmann::ordered_json;

struct Recogniser {
  const char* kind;
  // A description when the bytes are this kind of artifact, an error when they look like it
  // but are damaged, nullopt when they are something else.
  std::optional<Result<json>> (*describe)(ByteView data);
};

std::optional<std::string> first_pem_label(ByteView data) {
  if (!core::looks_like_pem(data)) return std::nullopt;
  auto blocks = core::parse_pem(as_chars(data));
  if (!blocks || blocks->empty()) return std::nullopt;
  return blocks->front().label;
}

bool der_sequence(ByteView data) { return !data.empty() && data[0] == 0x30; }

std::optional<Result<json>> certificates(ByteView data) {
  auto label = first_pem_label(data);
  if (label ? *label != "CERTIFICATE" : !der_sequence(data)) return std::nullopt;
  auto certs = pki::parse_certificates(data);
  if (!certs) return label ? std::optional<Result<json>>(certs.error()) : std::nullopt;
  if (certs->size() == 1) return Result<json>(pki::describe_certificate(certs->front().get()));
  json list = json::array();
  for (const auto& c : *certs) list.push_back(pki::describe_certificate(c.get()));
  return Result<json>(json{{"type", "certificate-bundle"}, {"certificates", std::move(list)}});
}

std::optional<Result<json>> certificate_request(ByteView data) {
  auto label = first_pem_label(data);
  if (label ? (*label != "CERTIFICATE REQUEST" && *label != "NEW CERTIFICATE REQUEST") : !der_sequence(data))
    return std::nullopt;
  auto csr = pki::parse_csr(data);
  if (!csr) return label ? std::optional<Result<json>>(csr.error()) : std::nullopt;
  return Result<json>(pki::describe_csr(csr->get()));
}

std::optional<Result<json>> public_key(ByteView data) {
  auto label = first_pem_label(data);
  if (label ? *label != "PUBLIC KEY" : !der_sequence(data)) return std::nullopt;
  auto key = pki::parse_public_key(data);
  if (!key) return label ? std::optional<Result<json>>(key.error()) : std::nullopt;
  return Result<json>(pki::describe_public_key(key->get()));
}

std::optional<Result<json>> private_key(ByteView data) {
  auto label = first_pem_label(data);
  if (label && (*label == "ENCRYPTED PRIVATE KEY")) return Result<json>(json{{"type", "private-key"}, {"encrypted", true}});
  if (label ? (*label != "PRIVATE KEY" && *label != "EC PRIVATE KEY" && *label != "RSA PRIVATE KEY") : !der_sequence(data))
    return std::nullopt;
  auto key = pki::parse_private_key(data, nullptr);
  if (!key) return label ? std::optional<Result<json>>(key.error()) : std::nullopt;
  json d = pki::describe_public_key(key->get());
  d["type"] = "private-key";
  d["encrypted"] = false;
  return Result<json>(std::move(d));
}

// Vouchers and voucher requests in any form (CMS, JWS, COSE, unsigned JSON or CBOR, and the
// PEM, base64 and hex wrappings): recognised when artifact::open_voucher can read them.
std::optional<Result<json>> voucher(ByteView data) {
  auto sv = artifact::open_voucher(data);
  if (!sv) return std::nullopt;
  return Result<json>(artifact::describe_voucher(*sv));
}

// FDO ownership vouchers (PEM "OWNERSHIP VOUCHER" or raw CBOR): one description, or a bundle
// when the file holds several.
std::optional<Result<json>> fdo_voucher(ByteView data) {
  if (!artifact::fdo::looks_like_voucher(data)) return std::nullopt;
  auto vouchers = artifact::fdo::read_vouchers(data);
  if (!vouchers) return Result<json>(vouchers.error());
  if (vouchers->size() == 1) return Result<json>(artifact::fdo::describe_voucher(vouchers->front()));
  json list = json::array();
  for (const auto& v : *vouchers) list.push_back(artifact::fdo::describe_voucher(v));
  return Result<json>(json{{"type", "fdo-ownership-voucher-bundle"}, {"vouchers", std::move(list)}});
}

// FDO device credentials, either layout; the secret is never shown (its length is).
std::optional<Result<json>> fdo_credential(ByteView data) {
  if (!artifact::fdo::looks_like_credential(data)) return std::nullopt;
  auto dc = artifact::fdo::decode_credential(data);
  if (!dc) return Result<json>(dc.error());
  return Result<json>(artifact::fdo::describe_credential(*dc));
}

// Entity Attestation Tokens (COSE_Sign1 over a claims map, raw or as hex/base64 text). A
// constrained voucher is a COSE_Sign1 too, and its SID-keyed map would read as claims: a map
// keyed by a voucher SID alone (8366bis 2451, 2501; older 1001100, 1001154) is left to the
// voucher row, damaged or not.
std::optional<Result<json>> attestation_token(ByteView data) {
  auto bytes = artifact::eat::token_bytes(data);
  if (!bytes) return std::nullopt;
  auto token = artifact::eat::decode_token(*bytes);
  if (!token || token->claims_error) return std::nullopt;
  const auto& claims = token->claims.as_map();
  if (claims.size() == 1)
    for (std::int64_t sid : {2451, 2501, 1001100, 1001154})
      if (claims.front().first.as_int64() == sid) return std::nullopt;
  return Result<json>(artifact::eat::describe_token(*token));
}

// MUD files (RFC 8520): JSON whose top level has "ietf-mud:mud". A file that names the member
// but does not validate is reported with its violations rather than passed to other rows.
std::optional<Result<json>> mud_file(ByteView data) {
  std::string_view text = as_chars(data);
  std::size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || text[start] != '{' ||
      text.find("\"ietf-mud:mud\"") == std::string_view::npos)
    return std::nullopt;
  // Well-formed JSON is a MUD file only when the member is at the top level; broken JSON that
  // names it is taken for a damaged MUD file.
  auto doc = core::parse_json(text, {artifact::mud::kMaxMudFileSize, artifact::mud::kMaxMudDepth});
  if (doc && !doc->contains("ietf-mud:mud")) return std::nullopt;
  auto file = artifact::mud::parse_mud(text);
  if (!file) return Result<json>(file.error());
  return Result<json>(artifact::mud::describe_mud(*file));
}

constexpr Recogniser kRecognisers[] = {
    {"certificate", certificates},
    {"certificate request", certificate_request},
    {"public key", public_key},
    {"private key", private_key},
    {"FDO ownership voucher", fdo_voucher},
    {"FDO device credential", fdo_credential},
    {"attestation token", attestation_token},
    {"MUD file", mud_file},
    {"voucher", voucher},
};

struct Options {
  std::vector<std::string> files;
  std::string format;
};

Status run(const Options& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(Format format, parse_format(o.format));
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(o.files));
  std::vector<json> results;
  for (const auto& file : files) {
    IOTONB_ASSIGN_OR_RETURN(Bytes data, core::read_input(file));
    std::optional<json> found;
    for (const auto& r : kRecognisers) {
      auto d = r.describe(data);
      if (!d) continue;
      if (!*d) return d->error().context(file);
      ctx.debug(file + ": recognised as " + r.kind);
      found = std::move(**d);
      break;
    }
    if (!found)
      return input_error(file + ": not a recognised artifact (certificate, certificate request, key, voucher, FDO "
                                "ownership voucher or device credential, attestation token, MUD file)");
    if (files.size() > 1) (*found)["file"] = file;
    results.push_back(std::move(*found));
  }
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (i > 0 && format == Format::text) *ctx.out << '\n';
    print_description(ctx, results[i], format);
  }
  return {};
}

}  // namespace

void define_inspect(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<Options>();
  group.add_option("file", o->files,
                   "Files to inspect (PEM, DER, any voucher form, FDO vouchers and device credentials, attestation "
                   "tokens, MUD files); - or none for stdin")
      ->type_name("FILE");
  add_format(group, o->format, {"text", "json"});
  group.callback([o, &ctx] { ctx.action = [o, &ctx] { return run(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups
