// sealkeyd: the sealkey platform server.
//
//   sealkeyd serve --data-dir DIR --listen 127.0.0.1:8080 [--database postgresql://...]
//
// Exit codes: 0 after a graceful stop, 1 when it cannot start (one line on
// stderr), 2 for a wrong command line.
#include <cstdio>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "sealkey/version.h"
#include "server/http/server.h"
#include "server/platform/platform.h"

namespace {

struct ServeOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  std::string database;
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  int deletion_cooling_days = 15;
  std::string review_mode = "operator";
};

sealkey::Status Serve(const ServeOptions& o) {
  using sealkey::ErrorCode;
  size_t colon = o.listen.rfind(':');
  if (colon == std::string::npos) {
    return sealkey::Fail(ErrorCode::kInvalidArgument, "must be ADDRESS:PORT", "--listen");
  }
  std::string address = o.listen.substr(0, colon);
  int port = std::atoi(o.listen.c_str() + colon + 1);
  if (port < 0 || port > 65535) {
    return sealkey::Fail(ErrorCode::kInvalidArgument, "port out of range", "--listen");
  }
  sealkey::server::PlatformOptions po;
  po.data_dir = o.data_dir;
  po.database = o.database;
  po.db_connections = o.threads + 2;
  po.deletion_cooling_days = o.deletion_cooling_days;
  po.review_mode = o.review_mode;
  auto platform = sealkey::server::Platform::Create(po);
  if (!platform) return sealkey::Fail(platform.error());
  sealkey::server::HttpServer server((*platform)->router(), o.threads, 16 << 20);
  auto bound = server.Listen(address, static_cast<uint16_t>(port));
  if (!bound) return sealkey::Fail(bound.error());
  std::printf("sealkeyd listening on http://%s:%u (database: %s, schema v%d)\n", address.c_str(),
              *bound, (*platform)->db().backend_name(), (*platform)->db().schema_version());
  std::printf("SMS codes are written to %s/outbox/sms.jsonl\n", o.data_dir.c_str());
  std::fflush(stdout);
  server.Run(/*handle_signals=*/true);
  std::fprintf(stderr, "sealkeyd: stopped\n");
  return sealkey::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("sealkeyd: the sealkey platform server", "sealkeyd");
  app.set_version_flag("--version", std::string("sealkeyd ") + SEALKEY_VERSION);
  app.require_subcommand(1);
  ServeOptions o;
  CLI::App* serve = app.add_subcommand("serve", "Serve the platform API");
  serve->add_option("--data-dir", o.data_dir, "Data directory (SQLite, outbox, secrets)")->required();
  serve->add_option("--listen", o.listen, "ADDRESS:PORT (default 127.0.0.1:8080; port 0 picks one)");
  serve->add_option("--database", o.database, "postgresql://... (default: SQLite in the data dir)");
  serve->add_option("--threads", o.threads, "I/O threads (default: one per core)");
  serve->add_option("--deletion-cooling-days", o.deletion_cooling_days,
                    "Days before a requested account deletion takes effect (default 15)");
  serve->add_option("--review-mode", o.review_mode,
                    "Real-name verification decisions: operator (default) or auto (development)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  sealkey::Status st = Serve(o);
  if (!st) {
    std::cerr << "sealkeyd: error: " << st.error().ToString() << "\n";
    return 1;
  }
  return 0;
}
