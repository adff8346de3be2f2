#include "server/platform/platform.h"

#include <cctype>
#include <cstdio>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "base/atomic_file.h"
#include "base/file.h"
#include "crypto/random.h"
#include "server/account/account_routes.h"
#include "server/account/operator_routes.h"
#include "server/kyc/kyc_routes.h"
#include "store/secrets.h"
#include "server/cert/cert_routes.h"
#include "server/order/order_routes.h"
#include "server/org/org_routes.h"
#include "server/selfservice/self_service_routes.h"
#include "server/notify/webhook_gateway.h"

namespace sealkey::server {
namespace {

// The webhooks' shared secret: the file's bytes without trailing white space.
Result<SecureBuffer> LoadWebhookSecret(const std::string& path) {
  const char* field = "--webhook-secret-file";
  auto bytes = ReadFile(path, field, 4096);
  if (!bytes) return Fail(bytes.error());
  SecureBuffer all(*bytes);
  OPENSSL_cleanse(bytes->data(), bytes->size());
  std::string_view text = all.view();
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  if (text.size() < 16) {
    return Fail(ErrorCode::kInvalidArgument, path + " must hold a secret of at least 16 bytes",
                field);
  }
  return SecureBuffer::FromString(text);
}

struct Gateways {
  std::unique_ptr<SmsGateway> sms;
  std::unique_ptr<MailGateway> mail;
};

// Outbox files by default, webhooks where a URL is given.
Result<Gateways> MakeGateways(const PlatformOptions& o) {
  SecureBuffer secret;
  if (!o.webhook_secret_file.empty()) {
    if (o.sms_webhook.empty() && o.mail_webhook.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "needs --sms-webhook or --mail-webhook",
                  "--webhook-secret-file");
    }
    auto loaded = LoadWebhookSecret(o.webhook_secret_file);
    if (!loaded) return Fail(loaded.error());
    secret = std::move(*loaded);
  }
  Gateways g;
  if (o.sms_webhook.empty()) {
    g.sms = std::make_unique<OutboxSmsGateway>(o.data_dir + "/outbox");
  } else {
    WebhookOptions w;
    w.url = o.sms_webhook;
    w.secret = secret.Clone();
    w.field = "--sms-webhook";
    auto sms = WebhookSmsGateway::Create(std::move(w));
    if (!sms) return Fail(sms.error());
    g.sms = std::move(*sms);
  }
  if (o.mail_webhook.empty()) {
    g.mail = std::make_unique<OutboxMailGateway>(o.data_dir + "/outbox");
  } else {
    WebhookOptions w;
    w.url = o.mail_webhook;
    w.secret = secret.Clone();
    w.field = "--mail-webhook";
    auto mail = WebhookMailGateway::Create(std::move(w));
    if (!mail) return Fail(mail.error());
    g.mail = std::move(*mail);
  }
  return g;
}

}  // namespace

Result<std::unique_ptr<Platform>> Platform::Create(const PlatformOptions& o, const Clock& clock) {
  if (o.data_dir.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "is required", "--data-dir");
  }
  SEALKEY_RETURN_IF_ERROR(MakeDirs(o.data_dir, 0700));
  std::unique_ptr<Platform> p(new Platform());
  auto db = store::Database::Open(o.database.empty() ? o.data_dir + "/sealkeyd.db" : o.database,
                                  o.db_connections);
  if (!db) return Fail(db.error());
  p->db_ = std::move(*db);
  auto sms_key = store::LoadOrCreateSecret(o.data_dir, "sms.key");
  if (!sms_key) return Fail(sms_key.error());
  auto gateways = MakeGateways(o);
  if (!gateways) return Fail(gateways.error());
  p->sms_ = std::move(gateways->sms);
  p->mail_ = std::move(gateways->mail);
  if (o.sms_per_client_per_day < 1) {
    return Fail(ErrorCode::kInvalidArgument, "must be at least 1", "--sms-per-client-per-day");
  }
  SmsCodeLimits limits;
  limits.per_client_per_day = o.sms_per_client_per_day;
  if (o.sms_resend_seconds < 1 || o.sms_resend_seconds > 600) {
    return Fail(ErrorCode::kInvalidArgument, "must be 1 to 600 seconds", "--sms-resend-seconds");
  }
  limits.resend_seconds = o.sms_resend_seconds;
  p->codes_ = std::make_unique<SmsCodes>(*p->db_, *p->sms_, clock, std::move(*sms_key), limits);
  if (o.deletion_cooling_days < 0 || o.deletion_cooling_days > 365) {
    return Fail(ErrorCode::kInvalidArgument, "must be between 0 and 365 days",
                "--deletion-cooling-days");
  }
  AccountPolicy policy;
  policy.deletion_cooling_seconds = int64_t{o.deletion_cooling_days} * 86400;
  p->accounts_ = std::make_unique<AccountService>(*p->db_, *p->codes_, clock, policy);
  if (o.review_mode == "auto") {
    p->reviewer_ = std::make_unique<AutomaticReviewer>();
  } else if (o.review_mode == "operator") {
    p->reviewer_ = std::make_unique<OperatorQueue>();
  } else {
    return Fail(ErrorCode::kInvalidArgument, "must be operator or auto", "--review-mode");
  }
  p->blobs_ = std::make_unique<store::BlobStore>(o.data_dir + "/blobs");
  p->kyc_ = std::make_unique<KycService>(*p->db_, *p->blobs_, *p->codes_, clock, *p->reviewer_);
  p->operators_ = std::make_unique<OperatorService>(*p->db_, clock);
  p->orgs_ = std::make_unique<OrgService>(*p->db_, *p->blobs_, *p->kyc_, *p->sms_, clock,
                                          o.review_mode == "auto");
  auto kek = store::LoadOrCreateSecret(o.data_dir, "ca.kek");
  if (!kek) return Fail(kek.error());
  auto kmc = store::LoadOrCreateSecret(o.data_dir, "kmc.key");
  if (!kmc) return Fail(kmc.error());
  auto cas = CaRegistry::Load(*p->db_, *kek, o.public_url);
  if (!cas) return Fail(cas.error());
  p->cas_ = std::move(*cas);
  if (o.cert_validity_days < 1 || o.cert_validity_days > 3650) {
    return Fail(ErrorCode::kInvalidArgument, "must be 1 to 3650 days", "--cert-validity-days");
  }
  CertPolicy cert_policy;
  cert_policy.validity_days = o.cert_validity_days;
  if (!(o.renew_window > 0 && o.renew_window <= 1)) {
    return Fail(ErrorCode::kInvalidArgument, "must be more than 0 and at most 1", "--renew-window");
  }
  cert_policy.renew_window = o.renew_window;
  p->certs_ = std::make_unique<CertService>(*p->db_, *p->cas_, *p->kyc_, *p->orgs_, *p->codes_,
                                            std::move(*kmc), clock, cert_policy);
  p->certs_->SetNotifier(p->sms_.get());
  p->catalog_ = std::make_unique<Catalog>(*p->db_, clock);
  if (o.payment_provider == "sandbox") {
    auto sandbox_key = store::LoadOrCreateSecret(o.data_dir, "sandbox-pay.key");
    if (!sandbox_key) return Fail(sandbox_key.error());
    p->sandbox_ = std::make_unique<SandboxProvider>(std::move(*sandbox_key));
    p->sandbox_->SetBaseUrl(o.public_url);
  } else if (o.payment_provider != "none") {
    return Fail(ErrorCode::kInvalidArgument, "must be none or sandbox", "--payment-provider");
  }
  p->orders_ = std::make_unique<OrderService>(*p->db_, *p->catalog_, *p->certs_, *p->codes_,
                                              *p->blobs_, clock);
  if (p->sandbox_) p->orders_->SetPaymentProvider(p->sandbox_.get());
  p->invoices_ = std::make_unique<InvoiceService>(*p->db_, *p->catalog_, *p->blobs_, clock);
  p->orders_->SetInvoices(p->invoices_.get());
  p->orders_->SetForms(p->kyc_.get(), p->mail_.get());
  auto captcha_key = store::LoadOrCreateSecret(o.data_dir, "captcha.key");
  if (!captcha_key) return Fail(captcha_key.error());
  if (o.insecure_captcha_outbox) {
    p->captcha_outbox_ = std::make_unique<JsonlOutbox>(o.data_dir + "/outbox", "captcha.jsonl",
                                                       "captcha outbox");
  }
  p->captchas_ = std::make_unique<CaptchaService>(*p->db_, clock, std::move(*captcha_key),
                                                  p->captcha_outbox_.get());
  p->self_service_ = std::make_unique<SelfService>(*p->db_, *p->accounts_, *p->catalog_,
                                                   *p->certs_, *p->codes_, *p->sms_,
                                                   *p->captchas_, clock);

  Platform* self = p.get();
  p->router_.Add("GET", "/api/v1/health", [self](const HttpRequest&) -> Result<HttpResponse> {
    return JsonResponse(200, {{"status", "ok"},
                              {"database", self->db_->backend_name()},
                              {"schema_version", self->db_->schema_version()}});
  });
  p->router_.Add("GET", "/api/v1/openapi.yaml", [](const HttpRequest&) -> Result<HttpResponse> {
    return HttpResponse{200, "application/yaml", kOpenApiYaml, {}};
  });
  RegisterAccountRoutes(p->router_, *p->accounts_, *p->codes_);
  RegisterKycRoutes(p->router_, *p->accounts_, *p->kyc_);
  RegisterOperatorRoutes(p->router_, *p->operators_);
  RegisterKycOperatorRoutes(p->router_, *p->operators_, *p->kyc_);
  RegisterOrgRoutes(p->router_, *p->accounts_, *p->orgs_);
  RegisterOrgOperatorRoutes(p->router_, *p->operators_, *p->orgs_);
  RegisterCertRoutes(p->router_, *p->accounts_, *p->operators_, *p->cas_, *p->certs_);
  RegisterOrderRoutes(p->router_, *p->accounts_, *p->catalog_, *p->orders_, p->sandbox_.get());
  RegisterOrderOperatorRoutes(p->router_, *p->operators_, *p->catalog_, *p->orders_);
  RegisterInvoiceRoutes(p->router_, *p->accounts_, *p->operators_, *p->invoices_);
  RegisterSelfServiceRoutes(p->router_, *p->self_service_);
  RegisterSelfServiceOperatorRoutes(p->router_, *p->operators_, *p->self_service_);
  if (p->sandbox_) p->sandbox_->RegisterRoutes(p->router_);
  if (o.purge_in_background) p->purge_thread_ = std::thread([self] { self->PurgeLoop(); });
  return p;
}

Platform::~Platform() {
  {
    std::lock_guard<std::mutex> lock(purge_mu_);
    stopping_ = true;
  }
  purge_cv_.notify_all();
  if (purge_thread_.joinable()) purge_thread_.join();
}

void Platform::PurgeLoop() {
  std::unique_lock<std::mutex> lock(purge_mu_);
  while (!stopping_) {
    lock.unlock();
    auto purged = accounts_->PurgeDeletedAccounts();
    if (!purged) std::fprintf(stderr, "sealkeyd: account purge: %s\n", purged.error().ToString().c_str());
    else if (*purged) std::fprintf(stderr, "sealkeyd: deleted %d account(s)\n", *purged);
    // CRLs are regenerated when they change and when they grow old.
    for (const std::string& id : cas_->Ids()) {
      auto crl = certs_->Crl(id);
      if (!crl) std::fprintf(stderr, "sealkeyd: CRL of %s: %s\n", id.c_str(),
                             crl.error().ToString().c_str());
    }
    lock.lock();
    purge_cv_.wait_for(lock, std::chrono::minutes(1), [this] { return stopping_; });
  }
}

}  // namespace sealkey::server
