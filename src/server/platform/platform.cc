#include "server/platform/platform.h"

#include <cstdio>

#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "base/file.h"
#include "crypto/random.h"
#include "server/account/account_routes.h"
#include "server/kyc/kyc_routes.h"

namespace sealkey::server {
namespace {

// A 32-byte server secret, made once and kept in data_dir/secrets (0600).
Result<SecureBuffer> LoadOrCreateKey(const std::string& dir, const std::string& name) {
  SEALKEY_RETURN_IF_ERROR(MakeDirs(dir, 0700));
  std::string path = dir + "/" + name;
  auto existing = ReadFile(path, "secret", 64);
  if (existing) {
    if (existing->size() != 32) {
      return Fail(ErrorCode::kMalformed, path + " is not a 32-byte key", "data-dir");
    }
    return SecureBuffer(*existing);
  }
  if (existing.error().code != ErrorCode::kNotFound) return Fail(existing.error());
  SecureBuffer key = crypto::RandomSecret(32);
  SEALKEY_RETURN_IF_ERROR(WriteFileAtomic(path, key.span(), 0600));
  return key;
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
  auto sms_key = LoadOrCreateKey(o.data_dir + "/secrets", "sms.key");
  if (!sms_key) return Fail(sms_key.error());
  p->sms_ = std::make_unique<OutboxSmsGateway>(o.data_dir + "/outbox");
  p->codes_ = std::make_unique<SmsCodes>(*p->db_, *p->sms_, clock, std::move(*sms_key));
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
    lock.lock();
    purge_cv_.wait_for(lock, std::chrono::minutes(1), [this] { return stopping_; });
  }
}

}  // namespace sealkey::server
