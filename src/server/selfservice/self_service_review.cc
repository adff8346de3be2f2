// SelfService: operators review standard applications; the applicant is
// told by SMS.
#include <cstdio>

#include <soci/soci.h>

#include "server/selfservice/self_service.h"
#include "server/selfservice/self_service_rows.h"

namespace sealkey::server {

Result<SelfServiceApplication> SelfService::Get(int64_t id) {
  auto lease = db_.Borrow();
  auto row = LoadApplicationRow(lease.sql(), id);
  if (!row) return Fail(row.error());
  return row->a;
}

Result<std::vector<SelfServiceApplication>> SelfService::ListForReview(const std::string& state) {
  static const char* const kStates[] = {"pending_review", "approved", "rejected", "installed"};
  bool known = false;
  for (const char* s : kStates) known = known || state == s;
  if (!known) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "must be pending_review, approved, rejected or installed",
                          "须为 pending_review、approved、rejected 或 installed", "state"));
  }
  auto lease = db_.Borrow();
  return ListApplicationsWhere(lease.sql(), "state", state);
}

void SelfService::Notify(const SelfServiceApplication& app, const std::string& text) {
  // The decision stands even if the text cannot be sent: the applicant can
  // always look it up in the business query.
  Status st = sms_.Send({app.phone, "notice", "", text, clock_.NowUnixSeconds()});
  if (!st) {
    std::fprintf(stderr, "sealkeyd: self-service notice to application %lld: %s\n",
                 static_cast<long long>(app.id), st.error().ToString().c_str());
  }
}

Result<SelfServiceApplication> SelfService::Decide(int64_t id, const std::string& to,
                                                   const std::string& operator_name,
                                                   const std::string& reason) {
  long long key = id, now = clock_.NowUnixSeconds();
  bool moved = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    soci::statement st = (sql.prepare << "UPDATE self_service_applications SET state = :s,"
                                         " reviewed_by = :o, review_reason = :r, updated_at = :t"
                                         " WHERE id = :i AND state = 'pending_review'",
                          soci::use(to), soci::use(operator_name), soci::use(reason),
                          soci::use(now), soci::use(key));
    st.execute(true);
    moved = st.get_affected_rows() == 1;
    return Ok();
  }));
  auto app = Get(id);
  if (!app) return Fail(app.error());
  if (!moved) {
    // A second decision, or the loser of a race between two operators.
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "only an application pending review can be decided (this one is " +
                              app->state + ")",
                          "仅待审核的申请可审核", "application"));
  }
  return app;
}

Result<SelfServiceApplication> SelfService::Approve(int64_t id, const std::string& operator_name) {
  auto app = Decide(id, "approved", operator_name, "");
  if (!app) return Fail(app.error());
  Notify(*app, "【sealkey】您的证书申请（编号 " + std::to_string(id) +
                   "）已审核通过。请在 App 自助服务的“业务查询”中登录，输入证书密码安装证书。");
  return app;
}

Result<SelfServiceApplication> SelfService::Reject(int64_t id, const std::string& operator_name,
                                                   const std::string& reason) {
  size_t chars = 0;
  for (unsigned char c : reason) chars += (c & 0xc0) != 0x80;
  if (chars < 2 || chars > 200) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "give a reason of 2 to 200 characters",
                          "请填写 2 到 200 个字符的原因", "reason"));
  }
  auto app = Decide(id, "rejected", operator_name, reason);
  if (!app) return Fail(app.error());
  Notify(*app, "【sealkey】您的证书申请（编号 " + std::to_string(id) + "）未通过审核：" + reason);
  return app;
}

}  // namespace sealkey::server
