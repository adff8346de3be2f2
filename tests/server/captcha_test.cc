// D8 image captchas with a fake clock: the right answer (case and spaces
// ignored) passes once; a wrong answer uses the captcha up; an expired or
// unknown one is refused; the image is a 200x70 PNG that differs per
// captcha; only an HMAC of the answer is stored.
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "crypto/random.h"
#include "server/selfservice/captcha.h"
#include "store/database.h"
#include "testutil/testutil.h"

// fontconfig, which cairo's toy font API loads fonts through, keeps its
// configuration for the life of the process (freed only by FcFini, which
// nothing may call while another thread could use it): not a leak of ours.
extern "C" const char* __lsan_default_suppressions() { return "leak:libfontconfig.so\n"; }

namespace sealkey::server {
namespace {

class CaptchaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = store::Database::Open(dir_.File("db.sqlite"), 2);
    ASSERT_OK(db);
    db_ = std::move(*db);
    outbox_ = std::make_unique<JsonlOutbox>(dir_.File("outbox"), "captcha.jsonl", "captcha outbox");
    captchas_ = std::make_unique<CaptchaService>(*db_, clock_, crypto::RandomSecret(32),
                                                 outbox_.get());
  }
  std::string AnswerOf(const std::string& id) {
    std::ifstream in(outbox_->path());
    for (std::string line; std::getline(in, line);) {
      auto j = nlohmann::json::parse(line);
      if (j["id"] == id) return j["answer"];
    }
    return "";
  }

  testing::TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<store::Database> db_;
  std::unique_ptr<JsonlOutbox> outbox_;
  std::unique_ptr<CaptchaService> captchas_;
};

uint32_t Be32(const Bytes& b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

TEST_F(CaptchaTest, RightAnswerPassesOnce) {
  auto c = captchas_->New();
  ASSERT_OK(c);
  std::string answer = AnswerOf(c->id);
  ASSERT_EQ(answer.size(), CaptchaService::kLength);
  // Typed in lower case with spaces: accepted.
  std::string typed;
  for (char ch : answer) typed += std::string(1, static_cast<char>(std::tolower(ch))) + " ";
  EXPECT_OK(captchas_->Check(c->id, typed));
  auto again = captchas_->Check(c->id, answer);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().field, "captcha_id");
}

TEST_F(CaptchaTest, WrongAnswerUsesItUp) {
  auto c = captchas_->New();
  ASSERT_OK(c);
  std::string answer = AnswerOf(c->id);
  std::string wrong = answer;
  wrong[0] = wrong[0] == 'A' ? 'C' : 'A';
  auto first = captchas_->Check(c->id, wrong);
  ASSERT_FALSE(first);
  EXPECT_EQ(first.error().field, "captcha_answer");
  auto second = captchas_->Check(c->id, answer);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().field, "captcha_id");
  EXPECT_EQ(captchas_->Check("not-an-id", answer).error().field, "captcha_id");
  EXPECT_EQ(captchas_->Check(c->id, "").error().field, "captcha_answer");
}

TEST_F(CaptchaTest, ExpiresAfterFiveMinutes) {
  auto c = captchas_->New();
  ASSERT_OK(c);
  clock_.Advance(std::chrono::seconds(CaptchaService::kValidSeconds + 1));
  auto late = captchas_->Check(c->id, AnswerOf(c->id));
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "captcha_id");
}

TEST_F(CaptchaTest, ImageIsAPngAndOnlyAMacIsStored) {
  auto a = captchas_->New();
  auto b = captchas_->New();
  ASSERT_OK(a);
  ASSERT_OK(b);
  const Bytes& png = a->png;
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(Bytes(png.begin(), png.begin() + 8),
            (Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a}));
  EXPECT_EQ(Be32(png, 16), 200u);  // IHDR width
  EXPECT_EQ(Be32(png, 20), 70u);   // and height
  EXPECT_NE(a->png, b->png);
  auto lease = db_->Borrow();
  std::string stored;
  lease.sql() << "SELECT answer_mac FROM captchas WHERE id = :i", soci::use(a->id),
      soci::into(stored);
  EXPECT_EQ(stored.size(), 64u);
  EXPECT_EQ(stored.find(AnswerOf(a->id)), std::string::npos);
}

}  // namespace
}  // namespace sealkey::server
