// Real-name verification (B5): every bad field gets its own error and
// changes nothing (no submission, no code spent, no photo kept); the
// operator queue and the automatic reviewer; resubmission after rejection.
#include <filesystem>
#include <functional>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "crypto/random.h"
#include "server/kyc/kyc_service.h"
#include "testutil/testutil.h"

namespace sealkey::server {
namespace {

const Bytes kJpeg = {0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'};
const Bytes kPng = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13};

class KycServiceTest : public ::testing::TestWithParam<bool> {  // param: automatic reviewer
 protected:
  void SetUp() override {
    db_ = std::move(*store::Database::Open(dir_.File("db.sqlite"), 2));
    gateway_ = std::make_unique<OutboxSmsGateway>(dir_.File("outbox"));
    codes_ = std::make_unique<SmsCodes>(*db_, *gateway_, clock_, crypto::RandomSecret(32));
    accounts_ = std::make_unique<AccountService>(*db_, *codes_, clock_);
    blobs_ = std::make_unique<store::BlobStore>(dir_.File("blobs"));
    if (GetParam()) reviewer_ = std::make_unique<AutomaticReviewer>();
    else reviewer_ = std::make_unique<OperatorQueue>();
    kyc_ = std::make_unique<KycService>(*db_, *blobs_, *codes_, clock_, *reviewer_);
    // An account to verify.
    ASSERT_OK(codes_->Send("+8613800138000", "login", "127.0.0.1"));
    auto t = accounts_->SmsLogin("13800138000", LastCode());
    auto s = accounts_->PasswordStep(t->ticket, SecureBuffer::FromString("Right-pass1"));
    ASSERT_OK(s);
    account_ = s->account;
  }
  std::string LastCode() {
    std::ifstream in(gateway_->path());
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return nlohmann::json::parse(last)["code"];
  }
  KycSubmission Good() {
    clock_.Advance(std::chrono::seconds(61));
    EXPECT_OK(codes_->Send("+8613900139000", "verify_phone", "127.0.0.1"));
    return {kKycAgreementVersion, true, "张三", "11010519491231002X", "139 0013 9000",
            LastCode(), kJpeg, kPng};
  }
  size_t BlobFiles() {
    size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dir_.File("blobs"), ec);
         it != std::filesystem::recursive_directory_iterator(); ++it) {
      n += it->is_regular_file();
    }
    return n;
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<OutboxSmsGateway> gateway_;
  std::unique_ptr<SmsCodes> codes_;
  std::unique_ptr<AccountService> accounts_;
  std::unique_ptr<store::BlobStore> blobs_;
  std::unique_ptr<KycReviewer> reviewer_;
  std::unique_ptr<KycService> kyc_;
  Account account_;
};

TEST_P(KycServiceTest, EachBadFieldIsNamedAndChangesNothing) {
  KycSubmission base = Good();
  struct Case {
    const char* field;
    std::function<void(KycSubmission&)> spoil;
  };
  std::vector<Case> cases = {
      {"agreement_version", [](auto& s) { s.agreement_version = "2019.1"; }},
      {"agreement_version", [](auto& s) { s.agreed = false; }},
      {"name", [](auto& s) { s.name = "张"; }},
      {"name", [](auto& s) { s.name = "张三3"; }},
      {"id_number", [](auto& s) { s.id_number = "340524198001010013"; }},
      {"id_number", [](auto& s) { s.id_number = "110105194912310"; }},
      {"phone", [](auto& s) { s.phone = "12345"; }},
      {"front_image", [](auto& s) { s.front_image = ToBytes("GIF89a...."); }},
      {"back_image", [](auto& s) { s.back_image = {}; }},
      {"back_image", [](auto& s) { s.back_image = Bytes(kMaxIdPhotoBytes + 1, 0xff); }},
      {"code", [](auto& s) { s.code = "000000"; }},
  };
  for (const auto& c : cases) {
    KycSubmission bad = base;
    c.spoil(bad);
    auto r = kyc_->Submit(account_, bad);
    ASSERT_FALSE(r) << c.field;
    EXPECT_EQ(r.error().field, c.field) << r.error().ToString();
    EXPECT_FALSE(r.error().message_zh.empty()) << c.field;
  }
  EXPECT_EQ(kyc_->Latest(account_.id)->status, "none");
  EXPECT_EQ(BlobFiles(), 0u);
  // The code survived every failure but the wrong-code one (one attempt spent).
  auto ok = kyc_->Submit(account_, base);
  ASSERT_OK(ok);
  EXPECT_EQ(ok->id_number_masked, "1101**********002X");
  EXPECT_EQ(BlobFiles(), 2u);
}

TEST_P(KycServiceTest, ReviewRejectResubmitVerify) {
  auto first = kyc_->Submit(account_, Good());
  ASSERT_OK(first);
  if (GetParam()) {  // development: decided at once
    EXPECT_EQ(first->status, "verified");
    EXPECT_ERROR_CODE(kyc_->Submit(account_, Good()), ErrorCode::kAlreadyExists);
    return;
  }
  EXPECT_EQ(first->status, "submitted");
  EXPECT_ERROR_CODE(kyc_->Submit(account_, Good()), ErrorCode::kAlreadyExists);
  EXPECT_ERROR_CODE(kyc_->Decide(first->id, {false, ""}, "op1"), ErrorCode::kInvalidArgument);
  ASSERT_OK(kyc_->Decide(first->id, {false, "照片模糊"}, "op1"));
  auto rejected = kyc_->Latest(account_.id);
  EXPECT_EQ(rejected->status, "rejected");
  EXPECT_EQ(rejected->reason, "照片模糊");
  EXPECT_ERROR_CODE(kyc_->Decide(first->id, {true, ""}, "op1"), ErrorCode::kFailedPrecondition);  // decided once
  EXPECT_ERROR_CODE(kyc_->Decide(999, {true, ""}, "op1"), ErrorCode::kNotFound);
  auto second = kyc_->Submit(account_, Good());
  ASSERT_OK(second);
  EXPECT_EQ(second->status, "submitted");
  ASSERT_OK(kyc_->Decide(second->id, {true, ""}, "op2"));
  EXPECT_EQ(kyc_->Latest(account_.id)->status, "verified");
  EXPECT_ERROR_CODE(kyc_->Submit(account_, Good()), ErrorCode::kAlreadyExists);
}

INSTANTIATE_TEST_SUITE_P(Reviewers, KycServiceTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Automatic" : "Operator"; });

}  // namespace
}  // namespace sealkey::server
