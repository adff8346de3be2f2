// The assembled platform: database, gateways, domain services and their
// routes, from the server's options. sealkeyd's main and the server tests
// build it the same way.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <string>

#include "base/clock.h"
#include "server/account/account_service.h"
#include "server/account/operator_service.h"
#include "server/http/router.h"
#include "server/kyc/kyc_service.h"
#include "server/cert/ca_registry.h"
#include "server/cert/cert_service.h"
#include "server/order/catalog.h"
#include "server/order/invoice_service.h"
#include "server/order/order_service.h"
#include "server/order/payment_provider.h"
#include "server/org/org_service.h"
#include "server/selfservice/captcha.h"
#include "server/selfservice/self_service.h"
#include "server/notify/jsonl_outbox.h"
#include "server/notify/mail_gateway.h"
#include "server/notify/sms_gateway.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace sealkey::server {

struct PlatformOptions {
  std::string data_dir;
  std::string database;  // empty: SQLite file in data_dir
  size_t db_connections = 4;
  int deletion_cooling_days = 15;  // B15
  bool purge_in_background = true;  // a thread applies due account deletions every minute
  std::string public_url;  // base of CRL/OCSP URLs in certificates; empty: set after binding
  int cert_validity_days = 365;
  double renew_window = 1.0 / 3.0;  // renewal opens in this last part of the validity
  std::string review_mode = "operator";
  // Online payments: "none" (default) or "sandbox" (the local test provider:
  // never in production, it marks orders paid without money).
  std::string payment_provider = "none";  // B5 decisions: "operator" (queue) or "auto" (development)
  // Provider webhooks (server/notify/webhook_gateway.h); empty: DIR/outbox/*.jsonl.
  std::string sms_webhook;
  std::string mail_webhook;
  std::string webhook_secret_file;  // HMAC-SHA256 key of both webhooks (>= 16 bytes)
  int sms_per_client_per_day = 50;  // SmsCodeLimits; higher behind NAT gateways, in load tests
  int sms_resend_seconds = 60;      // SmsCodeLimits: a new code per number and purpose after this
  // Development and tests only: captcha answers go to DIR/outbox/captcha.jsonl.
  bool insecure_captcha_outbox = false;
};

class Platform {
 public:
  // Creates data_dir (0700), its secret key (secrets/sms.key, 0600) and the
  // database (migrated).
  static Result<std::unique_ptr<Platform>> Create(const PlatformOptions& options,
                                                  const Clock& clock = SystemClock::Instance());
  ~Platform();
  const Router& router() const { return router_; }
  store::Database& db() { return *db_; }
  AccountService& accounts() { return *accounts_; }
  KycService& kyc() { return *kyc_; }
  OperatorService& operators() { return *operators_; }
  OrgService& orgs() { return *orgs_; }
  CaRegistry& cas() { return *cas_; }
  CertService& certs() { return *certs_; }
  Catalog& catalog() { return *catalog_; }
  OrderService& orders() { return *orders_; }
  SelfService& self_service() { return *self_service_; }

  // The base URL certificates point to for CRLs and OCSP, and payment pages
  // and notifications use (http://host:port).
  void SetPublicUrl(const std::string& url) {
    cas_->SetPublicUrl(url);
    if (sandbox_) sandbox_->SetBaseUrl(url);
  }
  SmsGateway& sms() { return *sms_; }
  MailGateway& mail() { return *mail_; }

 private:
  Platform() = default;
  void PurgeLoop();

  std::mutex purge_mu_;
  std::condition_variable purge_cv_;
  bool stopping_ = false;
  std::thread purge_thread_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<SmsGateway> sms_;
  std::unique_ptr<MailGateway> mail_;
  std::unique_ptr<SmsCodes> codes_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<KycReviewer> reviewer_;
  std::unique_ptr<KycService> kyc_;
  std::unique_ptr<OperatorService> operators_;
  std::unique_ptr<OrgService> orgs_;
  std::unique_ptr<CaRegistry> cas_;
  std::unique_ptr<CertService> certs_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<SandboxProvider> sandbox_;
  std::unique_ptr<OrderService> orders_;
  std::unique_ptr<InvoiceService> invoices_;
  std::unique_ptr<JsonlOutbox> captcha_outbox_;
  std::unique_ptr<CaptchaService> captchas_;
  std::unique_ptr<SelfService> self_service_;
  Router router_;
};

// The OpenAPI document (docs/api/openapi.yaml), embedded at build time.
extern const char* const kOpenApiYaml;

}  // namespace sealkey::server
