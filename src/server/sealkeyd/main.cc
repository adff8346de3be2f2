// sealkeyd: the sealkey platform server.
//
//   sealkeyd serve --data-dir DIR --listen 127.0.0.1:8080 [--database postgresql://...]
//
// Exit codes: 0 after a graceful stop, 1 when it cannot start (one line on
// stderr), 2 for a wrong command line.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "sealkey/version.h"
#include "server/http/server.h"
#include "server/sealkeyd/admin.h"
#include "server/platform/platform.h"

namespace {

struct ServeOptions {
  std::string data_dir;
  std::string listen = "127.0.0.1:8080";
  std::string database;
  size_t threads = std::max(1u, std::thread::hardware_concurrency());
  int deletion_cooling_days = 15;
  std::string review_mode = "operator";
  std::string public_url;
  int cert_validity_days = 365;
  double renew_window = 1.0 / 3.0;
  std::string payment_provider = "none";
  std::string sms_webhook;
  std::string mail_webhook;
  std::string webhook_secret_file;
  int sms_per_client_per_day = 50;
  int sms_resend_seconds = 60;
  bool insecure_captcha_outbox = false;
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
  po.public_url = o.public_url;
  po.cert_validity_days = o.cert_validity_days;
  po.renew_window = o.renew_window;
  po.payment_provider = o.payment_provider;
  po.sms_webhook = o.sms_webhook;
  po.mail_webhook = o.mail_webhook;
  po.webhook_secret_file = o.webhook_secret_file;
  po.sms_per_client_per_day = o.sms_per_client_per_day;
  po.sms_resend_seconds = o.sms_resend_seconds;
  po.insecure_captcha_outbox = o.insecure_captcha_outbox;
  if (o.insecure_captcha_outbox) {
    std::fprintf(stderr, "sealkeyd: WARNING: --insecure-captcha-outbox writes every captcha's "
                         "answer to DATA/outbox/captcha.jsonl: development and tests only\n");
  }
  auto platform = sealkey::server::Platform::Create(po);
  if (!platform) return sealkey::Fail(platform.error());
  sealkey::server::HttpServer server((*platform)->router(), o.threads, 16 << 20);
  auto bound = server.Listen(address, static_cast<uint16_t>(port));
  if (!bound) return sealkey::Fail(bound.error());
  if (o.public_url.empty()) {
    (*platform)->SetPublicUrl("http://" + address + ":" + std::to_string(*bound));
  }
  std::printf("sealkeyd listening on http://%s:%u (database: %s, schema v%d)\n", address.c_str(),
              *bound, (*platform)->db().backend_name(), (*platform)->db().schema_version());
  if (o.sms_webhook.empty()) {
    std::printf("SMS codes are written to %s/outbox/sms.jsonl\n", o.data_dir.c_str());
  } else {
    std::printf("SMS are posted to %s\n",
                o.sms_webhook.substr(0, o.sms_webhook.find('?')).c_str());  // no query: keys
  }
  if (o.mail_webhook.empty()) {
    std::printf("e-mail is written to %s/outbox/mail.jsonl\n", o.data_dir.c_str());
  } else {
    std::printf("e-mail is posted to %s\n",
                o.mail_webhook.substr(0, o.mail_webhook.find('?')).c_str());
  }
  std::fflush(stdout);
  server.Run(/*handle_signals=*/true);
  std::fprintf(stderr, "sealkeyd: stopped\n");
  return sealkey::Ok();
}

}  // namespace

int main(int argc, char** argv) {
  // Tesseract (licence OCR) runs OpenMP threads that only slow it down when
  // every core already serves requests (1.5 s per licence instead of 0.4 s
  // on 2 cores). libgomp reads the limit when it loads, so set it and start
  // again, unless the operator chose a value.
  if (!std::getenv("OMP_THREAD_LIMIT")) {
    ::setenv("OMP_THREAD_LIMIT", "1", 1);
    ::execv("/proc/self/exe", argv);  // on failure, carry on with OpenMP's default
  }
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
  serve->add_option("--public-url", o.public_url,
                    "Base URL certificates name for CRLs and OCSP (default: http://LISTEN)");
  serve->add_option("--cert-validity-days", o.cert_validity_days,
                    "Validity of issued certificates in days (default 365)");
  serve->add_option("--renew-window", o.renew_window,
                    "Renewal opens in this last part of a certificate's validity (default 0.333)");
  serve->add_option("--payment-provider", o.payment_provider,
                    "Online payments: none (default) or sandbox (a local test provider that "
                    "marks orders paid without money; development and tests only)");
  serve->add_option("--review-mode", o.review_mode,
                    "Real-name verification decisions: operator (default) or auto (development)");
  serve->add_option("--sms-webhook", o.sms_webhook,
                    "POST each SMS as JSON to this https URL (default: DATA/outbox/sms.jsonl)");
  serve->add_option("--mail-webhook", o.mail_webhook,
                    "POST each e-mail as JSON to this https URL (default: DATA/outbox/mail.jsonl)");
  serve->add_option("--webhook-secret-file", o.webhook_secret_file,
                    "File holding the webhooks' shared secret (>= 16 bytes): each POST carries "
                    "X-Sealkey-Timestamp and X-Sealkey-Signature: sha256=HMAC(secret, "
                    "\"TIMESTAMP.BODY\")");
  serve->add_option("--sms-resend-seconds", o.sms_resend_seconds,
                    "Seconds before another SMS code for the same number and purpose (default 60)");
  serve->add_option("--sms-per-client-per-day", o.sms_per_client_per_day,
                    "SMS codes one client address may request per day (default 50); raise it "
                    "for deployments behind NAT gateways or a proxy, and for load tests");
  serve->add_flag("--insecure-captcha-outbox", o.insecure_captcha_outbox,
                  "Development and tests only: write each self-service captcha's answer to "
                  "DATA/outbox/captcha.jsonl (defeats the captcha)");
  sealkey::sealkeyd::AdminOptions admin;
  sealkey::sealkeyd::AddAdminCommands(app, admin);
  sealkey::sealkeyd::AddCaCommands(app, admin);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (!serve->parsed()) return sealkey::sealkeyd::RunAdmin(admin);
  sealkey::Status st = Serve(o);
  if (!st) {
    std::cerr << "sealkeyd: error: " << st.error().ToString() << "\n";
    return 1;
  }
  return 0;
}
