// iotonb mud create | validate | show: making a MUD file from a readable YAML spec
// (lib/artifact/mud/spec.h), checking files against RFC 8520 and the RFC 8519 subset MUD uses
// (lib/artifact/mud/file.h), and describing them (describe.h).
#include <memory>

#include "artifact/mud/describe.h"
#include "artifact/mud/file.h"
#include "artifact/mud/spec.h"
#include "cli/options.h"
#include "core/files.h"
#include "groups/mud_verbs.h"

namespace iotonb::cli::groups::mud {
namespace {

namespace m = artifact::mud;
using json = nlohmann::ordered_json;

struct CreateOptions {
  std::string from;
  std::string out;
  std::string now;
  bool force = false;
};

struct ValidateOptions {
  std::vector<std::string> files;
  std::string format;
};

struct ShowOptions {
  std::string file;
  std::string format;
};

std::size_t ace_count(const m::MudFile& f) {
  std::size_t n = 0;
  for (const auto& a : f.acls) n += a.aces.size();
  return n;
}

// "FILE: PATH: MESSAGE", one line per violation (the path is left out for the document).
std::string violation_lines(const std::string& name, const std::vector<m::Violation>& violations) {
  std::string lines;
  for (const auto& v : violations)
    lines += (lines.empty() ? "" : "\n") + name + ": " + (v.path.empty() ? "" : v.path + ": ") + v.message;
  return lines;
}

Status run_create(const CreateOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(core::UnixTime now, resolve_now(o.now));
  // Refuse before reading: stdin may be the spec, and a run that cannot write reads nothing.
  if (!o.out.empty() && o.out != "-" && !o.force && core::path_exists(o.out))
    return usage_error(o.out + ": exists (use --force to overwrite)");
  IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(o.from, m::kMaxSpecSize));
  IOTONB_ASSIGN_OR_RETURN(m::MudFile file, m::read_spec(as_chars(text), now, core::input_name(o.from)));
  IOTONB_RETURN_IF_ERROR(write_result(o.out, m::write_mud(file), o.force));
  if (!o.out.empty() && o.out != "-")
    ctx.info("wrote " + o.out + " (" + file.mud_url + ", " + std::to_string(file.acls.size()) + " ACLs, " +
             std::to_string(ace_count(file)) + " ACEs)");
  return {};
}

Status run_validate(const ValidateOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files, files_or_stdin(o.files));
  std::size_t invalid = 0;
  std::string first_invalid;
  for (const auto& file : files) {
    IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(file, m::kMaxMudFileSize));
    const std::string name = core::input_name(file);
    m::ReadOutcome r = m::read_mud(as_chars(text));
    if (!r.file && ++invalid == 1) first_invalid = name;
    if (o.format == "json") {
      json violations = json::array();
      for (const auto& v : r.violations) violations.push_back({{"path", v.path}, {"message", v.message}});
      json out{{"file", name}, {"type", "mud-file"}, {"valid", r.file.has_value()}, {"violations", violations}};
      if (r.file) out["mud-url"] = r.file->mud_url;
      print_description(ctx, out, Format::json);
    } else if (r.file) {
      *ctx.out << name << ": valid (" << r.file->mud_url << ", " << r.file->acls.size() << " ACLs, "
               << ace_count(*r.file) << " ACEs)\n";
    } else {
      // Diagnostics, one line each, so `grep` and editors can jump to them.
      *ctx.err << violation_lines(name, r.violations) << '\n';
    }
  }
  if (invalid == 0) return {};
  if (files.size() == 1) return input_error(first_invalid + ": not a valid MUD file");
  return input_error(std::to_string(invalid) + " of " + std::to_string(files.size()) + " files are not valid MUD files");
}

Status run_show(const ShowOptions& o, Context& ctx) {
  IOTONB_ASSIGN_OR_RETURN(std::vector<std::string> files,
                          files_or_stdin(o.file.empty() ? std::vector<std::string>{} : std::vector{o.file}));
  IOTONB_ASSIGN_OR_RETURN(Bytes text, core::read_input(files[0], m::kMaxMudFileSize));
  const std::string name = core::input_name(files[0]);
  m::ReadOutcome r = m::read_mud(as_chars(text));
  if (!r.file) return input_error(violation_lines(name, r.violations));
  IOTONB_ASSIGN_OR_RETURN(Format format, parse_format(o.format));
  print_description(ctx, m::describe_mud(*r.file), format);
  return {};
}

constexpr const char* kSpecHelp =
    "Spec (YAML):\n"
    "  mud-url: https://devices.example.com/mud/thermostat.json   required, https (RFC 8520 13.2)\n"
    "  mud-signature: URL        where the detached signature is served (optional)\n"
    "  last-update: TIME         RFC 3339 with offset (default --now, else now)\n"
    "  cache-validity: HOURS     1..168 (default 48)\n"
    "  supported: true|false     is-supported (default true)\n"
    "  systeminfo: TEXT          at most 60 characters\n"
    "  mfg-name, model-name, firmware-rev, software-rev: TEXT; documentation: URL; extensions: [NAME]\n"
    "  ip-version: ipv4|ipv6|both   which ACLs to make (default both)\n"
    "  allow:                    the flows the device needs; everything else is denied\n"
    "    - name: NAME            optional; ACEs are NAME-frdev and NAME-todev (default cl0, myctl0, loc0, ...)\n"
    "      to: PEER              a DNS name, my-controller, local-networks, same-manufacturer,\n"
    "                            {controller: URI}, {manufacturer: DOMAIN} or {model: MUD-URL}\n"
    "      protocol: tcp|udp|icmp|any\n"
    "      port: 443             the peer's port, or a range \"8000-8100\" (tcp, udp)\n"
    "      device-port: 5683     the device's own port, for a service on the device (tcp, udp)\n"
    "      initiated-by: device|remote|either   tcp only (default device)\n"
    "Each flow becomes a from-device ACE (port = destination port) and a to-device ACE (port = source\n"
    "port) in ACLs mud-NNNNN-v4fr/-v4to/-v6fr/-v6to (NNNNN derived from the MUD URL). Errors name the\n"
    "line and field: \"spec.yaml:14: allow[2].port: 70000 is not 0..65535\". See\n"
    "examples/mud/thermostat-spec.yaml.\n";

constexpr const char* kRulesHelp =
    "Checks (RFC 8520, RFC 8519 subset), each violation reported as FILE: JSON-POINTER: MESSAGE:\n"
    "  mud-version 1; mud-url an https URL; last-update a date-and-time with offset; cache-validity\n"
    "  1..168; is-supported a boolean; systeminfo at most 60 characters; mandatory leaves present;\n"
    "  policy access-list names resolve to ACLs; ACL and ACE names unique; ACL type ipv4-acl-type or\n"
    "  ipv6-acl-type and its ACEs' ipv4/ipv6 matches of that family; protocol 0..255 and agreeing with\n"
    "  tcp (6), udp (17), icmp (1/58); DNS names and prefixes well formed; ports 0..65535 with eq, neq,\n"
    "  lte, gte or lower-port <= upper-port; direction-initiated from-device|to-device in tcp only;\n"
    "  ietf-mud:mud abstractions with empty leaves as [null]; forwarding accept|drop|reject.\n"
    "Unknown unprefixed members are violations; members of other modules (RFC 7951 \"module:name\")\n"
    "are passed over, except inside matches, where ignoring a condition would widen the rule.\n"
    "Files are hostile input: at most 256 KiB, nesting 32, no duplicate members.\n"
    "Exit status: 0 every file valid, 3 a file is not valid (or not JSON).\n";

}  // namespace

void add_model_verbs(CLI::App& group, Context& ctx) {
  {
    auto o = std::make_shared<CreateOptions>();
    CLI::App* c = group.add_subcommand("create", "Make an RFC 8520 MUD file from a readable YAML spec");
    c->add_option("--from", o->from, "The spec (YAML); - for stdin")->required()->type_name("SPEC.yaml");
    c->add_option("-o,--out", o->out, "The MUD file (default stdout)")->type_name("FILE");
    add_force(*c, o->force);
    add_now(*c, o->now);
    c->footer(kSpecHelp);
    c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_create(*o, ctx); }; });
  }
  {
    auto o = std::make_shared<ValidateOptions>();
    CLI::App* c = group.add_subcommand("validate", "Check MUD files against RFC 8520, listing every violation");
    c->add_option("file", o->files, "MUD files (JSON); - or none for stdin")->type_name("FILE");
    add_format(*c, o->format, {"text", "json"});
    c->footer(kRulesHelp);
    c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_validate(*o, ctx); }; });
  }
  {
    auto o = std::make_shared<ShowOptions>();
    CLI::App* c = group.add_subcommand("show", "Describe a MUD file: device, URLs, and each ACE in one line");
    c->add_option("file", o->file, "The MUD file (JSON); - or none for stdin")->type_name("FILE");
    add_format(*c, o->format, {"text", "json"});
    c->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_show(*o, ctx); }; });
  }
}

}  // namespace iotonb::cli::groups::mud
