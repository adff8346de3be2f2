// Time-dependent account rules with a fake clock (no sleeping): SMS code
// validity and resend window, daily caps, password lockout and its expiry,
// login ticket and session lifetimes.
#include <atomic>
#include <soci/soci.h>
#include <fstream>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "server/account/account_service.h"
#include "server/account/sms_codes.h"
#include "server/notify/sms_gateway.h"
#include "store/database.h"
#include "crypto/random.h"
#include "testutil/testutil.h"

namespace sealkey::server {
namespace {

constexpr char kPhone[] = "+8613800138000";

class AccountTimeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.File("db.sqlite"), 2);
    ASSERT_OK(db);
    db_ = std::move(*db);
    gateway_ = std::make_unique<OutboxSmsGateway>(dir_.File("outbox"));
    codes_ = std::make_unique<SmsCodes>(*db_, *gateway_, clock_, crypto::RandomSecret(32));
    accounts_ = std::make_unique<AccountService>(*db_, *codes_, clock_);
  }
  std::string LastCode() {
    std::ifstream in(gateway_->path());
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return nlohmann::json::parse(last)["code"];
  }
  std::string SendCode(const char* purpose = "login", const char* client = "127.0.0.1") {
    EXPECT_OK(codes_->Send(kPhone, purpose, client));
    return LastCode();
  }
  // Registers kPhone with `password` and returns a session.
  SessionToken Register(const char* password) {
    auto ticket = accounts_->SmsLogin(kPhone, SendCode());
    EXPECT_OK(ticket);
    auto s = accounts_->PasswordStep(ticket->ticket, SecureBuffer::FromString(password));
    EXPECT_OK(s);
    return *s;
  }
  void Advance(int seconds) { clock_.Advance(std::chrono::seconds(seconds)); }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<OutboxSmsGateway> gateway_;
  std::unique_ptr<SmsCodes> codes_;
  std::unique_ptr<AccountService> accounts_;
};

TEST_F(AccountTimeTest, CodeExpiresAfterFiveMinutes) {
  std::string code = SendCode();
  Advance(299);
  std::string early = SendCode("reset_password");  // another purpose is independent
  (void)early;
  Advance(1);
  auto late = codes_->Verify(kPhone, "login", code);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message.find("expired"), std::string::npos);
}

TEST_F(AccountTimeTest, ResendWindowAndDailyCaps) {
  SendCode();
  Advance(59);
  auto too_soon = codes_->Send(kPhone, "login", "127.0.0.1");
  ASSERT_FALSE(too_soon);
  EXPECT_EQ(too_soon.error().code, ErrorCode::kRateLimited);
  EXPECT_NE(too_soon.error().message.find("again in 1 s"), std::string::npos);
  Advance(1);
  EXPECT_OK(codes_->Send(kPhone, "login", "127.0.0.1"));
  for (int i = 2; i < 10; ++i) {
    Advance(60);
    EXPECT_OK(codes_->Send(kPhone, "login", "127.0.0.1"));
  }
  Advance(60);
  auto capped = codes_->Send(kPhone, "login", "127.0.0.1");
  ASSERT_FALSE(capped);
  EXPECT_NE(capped.error().message.find("too many codes for this number today"),
            std::string::npos);
  Advance(86400);  // a day later the number may ask again
  EXPECT_OK(codes_->Send(kPhone, "login", "127.0.0.1"));
  // Per client address: 50 a day across numbers.
  for (int i = 0; i < 50; ++i) {
    std::string phone = "+86139" + std::to_string(10000000 + i);
    EXPECT_OK(codes_->Send(phone, "login", "10.0.0.9"));
  }
  auto client_capped = codes_->Send("+8613700000000", "login", "10.0.0.9");
  ASSERT_FALSE(client_capped);
  EXPECT_NE(client_capped.error().message.find("this address"), std::string::npos);
}

TEST_F(AccountTimeTest, WrongPasswordsLockForFifteenMinutes) {
  Register("Right-pass1");
  auto Login = [&](const char* pw) {
    Advance(60);
    auto ticket = accounts_->SmsLogin(kPhone, SendCode());
    EXPECT_OK(ticket);
    EXPECT_FALSE(ticket->set_password);
    return accounts_->PasswordStep(ticket->ticket, SecureBuffer::FromString(pw));
  };
  for (int left = 4; left >= 1; --left) {
    auto r = Login("Wrong-pass1");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::kPinIncorrect);
    EXPECT_NE(r.error().message.find(std::to_string(left) + " tries left"), std::string::npos);
  }
  auto locked = Login("Wrong-pass1");
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, ErrorCode::kPinLocked);
  auto right_while_locked = Login("Right-pass1");
  ASSERT_FALSE(right_while_locked);
  EXPECT_EQ(right_while_locked.error().code, ErrorCode::kPinLocked);
  Advance(15 * 60);
  EXPECT_OK(Login("Right-pass1"));
}

TEST_F(AccountTimeTest, TicketsAndSessionsExpire) {
  SessionToken s = Register("Right-pass1");
  EXPECT_OK(accounts_->Authenticate(s.token));
  Advance(7 * 24 * 3600 - 1);
  EXPECT_OK(accounts_->Authenticate(s.token));
  Advance(1);
  EXPECT_ERROR_CODE(accounts_->Authenticate(s.token), ErrorCode::kUnauthenticated);
  Advance(60);
  auto ticket = accounts_->SmsLogin(kPhone, SendCode());
  ASSERT_OK(ticket);
  Advance(600);
  auto late = accounts_->PasswordStep(ticket->ticket, SecureBuffer::FromString("Right-pass1"));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "ticket");
}

TEST_F(AccountTimeTest, PasswordChangeEndsEverySession) {
  SessionToken first = Register("Right-pass1");
  Advance(60);
  auto t2 = accounts_->SmsLogin(kPhone, SendCode());
  auto second = accounts_->PasswordStep(t2->ticket, SecureBuffer::FromString("Right-pass1"));
  ASSERT_OK(second);
  Advance(60);
  std::string code = SendCode("change_password");
  auto account = accounts_->Authenticate(first.token);
  ASSERT_OK(account);
  // A weak new password is refused without using up the code.
  EXPECT_ERROR_CODE(accounts_->ChangePassword(*account, code, SecureBuffer::FromString("weak")),
                    ErrorCode::kInvalidArgument);
  ASSERT_OK(accounts_->ChangePassword(*account, code, SecureBuffer::FromString("New-pass22")));
  EXPECT_ERROR_CODE(accounts_->Authenticate(first.token), ErrorCode::kUnauthenticated);
  EXPECT_ERROR_CODE(accounts_->Authenticate(second->token), ErrorCode::kUnauthenticated);
  // The code was single use.
  EXPECT_ERROR_CODE(accounts_->ChangePassword(*account, code, SecureBuffer::FromString("New-pass33")),
                    ErrorCode::kVerifyFailed);
}

}  // namespace
}  // namespace sealkey::server

namespace sealkey::server {
namespace {

TEST_F(AccountTimeTest, DeletionAfterCoolingOffCanBeCancelled) {
  SessionToken s = Register("Right-pass1");
  auto account = accounts_->Authenticate(s.token);
  ASSERT_OK(account);
  EXPECT_ERROR_CODE(accounts_->CancelDeletion(*account), ErrorCode::kNotFound);
  Advance(60);
  auto effective = accounts_->RequestDeletion(*account, SendCode("delete_account"));
  ASSERT_OK(effective);
  EXPECT_EQ(*effective, clock_.NowUnixSeconds() + 15 * 86400);
  account = accounts_->Authenticate(s.token);
  EXPECT_EQ(account->deletion_effective_at, *effective);
  // Cancelled during the cooling-off period: nothing happens at its end.
  ASSERT_OK(accounts_->CancelDeletion(*account));
  Advance(16 * 86400);
  EXPECT_EQ(*accounts_->PurgeDeletedAccounts(), 0);
  auto relogin = accounts_->SmsLogin(kPhone, SendCode());
  ASSERT_OK(relogin);
  EXPECT_FALSE(relogin->new_account);  // the account is still there
  auto s2 = accounts_->PasswordStep(relogin->ticket, SecureBuffer::FromString("Right-pass1"));
  ASSERT_OK(s2);
  // Requested again and left to run: the account is erased at the end.
  account = accounts_->Authenticate(s2->token);
  ASSERT_OK(account);
  long long id = account->id;
  {
    // A membership (employee of organisation 7) that must end with the account.
    auto lease = db_->Borrow();
    lease.sql() << "INSERT INTO identities (account_id, kind, org_id, created_at)"
                   " VALUES (:a, 'employee', 7, 1)",
        soci::use(id);
  }
  ASSERT_EQ(accounts_->ListIdentities(id)->size(), 2u);
  Advance(60);
  ASSERT_OK(accounts_->RequestDeletion(*account, SendCode("delete_account")));
  EXPECT_ERROR_CODE(accounts_->RequestDeletion(*account, "123456"), ErrorCode::kAlreadyExists);
  Advance(15 * 86400 - 1);
  EXPECT_EQ(*accounts_->PurgeDeletedAccounts(), 0);
  Advance(1);
  EXPECT_EQ(*accounts_->PurgeDeletedAccounts(), 1);
  EXPECT_ERROR_CODE(accounts_->Authenticate(s2->token), ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accounts_->ListIdentities(id)->empty());  // memberships ended
  // The number is free again: logging in with it registers a new account.
  auto fresh = accounts_->SmsLogin(kPhone, SendCode());
  ASSERT_OK(fresh);
  EXPECT_TRUE(fresh->new_account);
}

}  // namespace
}  // namespace sealkey::server

namespace sealkey::server {
namespace {

// Parallel wrong passwords on one ticket get no more hash checks than the
// limit: each try is spent atomically before the check.
TEST_F(AccountTimeTest, ParallelGuessesCannotExceedTheLimit) {
  Register("Right-pass1");
  Advance(60);
  auto ticket = accounts_->SmsLogin(kPhone, SendCode());
  ASSERT_OK(ticket);
  std::atomic<int> checked{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto r = accounts_->PasswordStep(ticket->ticket, SecureBuffer::FromString("Wrong-pass1"));
      ASSERT_FALSE(r);
      // "wrong password; ..." means the hash was checked; "too many ..." that it was not.
      if (r.error().message.rfind("wrong password", 0) == 0) ++checked;
      else ++refused;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_LE(checked.load(), 5);
  EXPECT_EQ(checked.load() + refused.load(), 16);
  auto right = accounts_->PasswordStep(ticket->ticket, SecureBuffer::FromString("Right-pass1"));
  ASSERT_FALSE(right);
  EXPECT_EQ(right.error().code, ErrorCode::kPinLocked);
}

}  // namespace
}  // namespace sealkey::server

namespace sealkey::server {
namespace {

// B4: every account has a natural-person identity and a session acts as it;
// with several identities the session starts undecided and the client
// switches to one of its own.
TEST_F(AccountTimeTest, IdentitiesAreListedChosenAndSwitched) {
  SessionToken s = Register("Right-pass1");
  auto identities = accounts_->ListIdentities(s.account.id);
  ASSERT_OK(identities);
  ASSERT_EQ(identities->size(), 1u);
  EXPECT_EQ((*identities)[0].kind, "natural_person");
  EXPECT_EQ(s.account.identity_id, (*identities)[0].id);
  // An organisation role appears (as the organisation domain will add it).
  {
    auto lease = db_->Borrow();
    long long account = s.account.id, now = clock_.NowUnixSeconds();
    lease.sql() << "INSERT INTO identities (account_id, kind, org_id, created_at)"
                   " VALUES (:a, 'employee', 7, :t)",
        soci::use(account), soci::use(now);
  }
  Advance(60);
  auto ticket = accounts_->SmsLogin(kPhone, SendCode());
  auto second = accounts_->PasswordStep(ticket->ticket, SecureBuffer::FromString("Right-pass1"));
  ASSERT_OK(second);
  EXPECT_EQ(second->account.identity_id, 0) << "with two identities the client must choose";
  identities = accounts_->ListIdentities(s.account.id);
  ASSERT_EQ(identities->size(), 2u);
  const Identity& employee = (*identities)[1];
  EXPECT_EQ(employee.kind, "employee");
  EXPECT_EQ(employee.org_id, 7);
  auto switched = accounts_->SwitchIdentity(second->token, employee.id);
  ASSERT_OK(switched);
  EXPECT_EQ(accounts_->Authenticate(second->token)->identity_id, employee.id);
  // Switching is per session: the first session still acts as the person.
  EXPECT_EQ(accounts_->Authenticate(s.token)->identity_id, (*identities)[0].id);
  // Another account's identity, or a made-up one, is refused and changes nothing.
  auto bad = accounts_->SwitchIdentity(second->token, employee.id + 100);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "identity_id");
  EXPECT_EQ(accounts_->Authenticate(second->token)->identity_id, employee.id);
}

}  // namespace
}  // namespace sealkey::server
