// iotonb mud serve: the manufacturer's MUD file server (lib/service/mud_file_server.h), which
// publishes signed MUD files at the URLs their devices' IDevIDs name.
#include <memory>

#include "cli/options.h"
#include "groups/mud_verbs.h"
#include "groups/serve.h"
#include "service/mud_file_server.h"

namespace iotonb::cli::groups::mud {
namespace {

struct ServeMudOptions {
  std::string dir;
  std::string tls_cert;
  std::string tls_key;
  std::vector<std::string> tls_chain;
  std::string tls_password_file;
  std::string address = "127.0.0.1";
  int port = 443;
  std::string format;
};

Status run_serve(const ServeMudOptions& o, Context& ctx) {
  service::MudServerConfig config;
  config.dir = o.dir;
  config.tls = service::Identity{o.tls_cert, o.tls_key, o.tls_chain, o.tls_password_file};
  config.server.address = o.address;
  config.server.port = o.port;
  return serve<service::MudFileServer>("mud", config, "", o.format, ctx);
}

}  // namespace

void add_serve_verbs(CLI::App& group, Context& ctx) {
  auto o = std::make_shared<ServeMudOptions>();
  CLI::App* s = group.add_subcommand("serve", "Serve signed MUD files over HTTPS at the URLs the devices' IDevIDs name");
  s->add_option("--dir", o->dir, "The folder served at /: NAME.json MUD files and NAME.p7s signatures beside them")
      ->required()
      ->type_name("DIR");
  s->add_option("--tls-cert", o->tls_cert, "The server's certificate, for the MUD URL's host name (PEM or DER)")
      ->required()
      ->type_name("CERT");
  s->add_option("--tls-key", o->tls_key, "Its private key (file:PATH or PATH)")->required()->type_name("KEYREF");
  s->add_option("--tls-chain", o->tls_chain, "Intermediate CA certificates sent with it (PEM, repeatable)")->type_name("FILE");
  s->add_option("--tls-password-file", o->tls_password_file, "The password of an encrypted --tls-key")->type_name("FILE");
  s->add_option("--address", o->address, "The address to listen on")->capture_default_str()->type_name("ADDR");
  s->add_option("--port", o->port, "The port to listen on; 0 for any free port")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str()
      ->type_name("PORT");
  add_format(*s, o->format, {"text", "json"});
  s->footer(
      "GET /PATH.json answers the file as application/mud+json, GET /PATH.p7s its detached signature as\n"
      "application/pkcs7-signature (the name a MUD manager tries when the file has no mud-signature),\n"
      "both read from the folder at each request, so files signed later are served at once. Only paths of\n"
      "letters, digits and . _ ~ - (no segment starting with '.') that stay inside the folder are served;\n"
      "anything else is 404. A file larger than a MUD manager takes (256 KiB, a signature 64 KiB) is 500.\n"
      "Sign with iotonb mud sign; the file's mud-url must be the URL it is served at.\n"
      "Prints one line when listening: 'mud listening on https://ADDR:PORT', or with --format json\n"
      "{service,url,address,port,store}. Stops cleanly on SIGINT or SIGTERM (exit 0).\n"
      "\n"
      "Exit status: 0 stopped by a signal; 2 usage (--dir not a folder); 3 unreadable certificate or key,\n"
      "or a key that is not the certificate's; 4 the address cannot be bound.\n"
      "\n"
      "Example:\n"
      "  iotonb mud serve --dir published --tls-cert mud-server.crt --tls-key mud-server.key --port 8443");
  s->callback([o, &ctx] { ctx.action = [o, &ctx] { return run_serve(*o, ctx); }; });
}

}  // namespace iotonb::cli::groups::mud
