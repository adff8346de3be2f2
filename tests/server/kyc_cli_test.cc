// B5 through the real CLI against a real sealkeyd (operator review mode) on
// SQLite and PostgreSQL: bad input names its field and changes nothing; a
// valid submission waits for review.
#include <gtest/gtest.h>

#include "server/cli_fixture.h"

namespace sealkey {
namespace {

using nlohmann::json;

class KycCliTest : public PlatformCliTest {};

TEST_P(KycCliTest, SubmitAndStatus) {
  Login("13300133000");
  testing::WriteFile(home_.File("front.jpg"), Bytes{0xff, 0xd8, 0xff, 0xe0, 1, 2, 3});
  testing::WriteFile(home_.File("back.png"),
                     Bytes{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0});
  testing::WriteFile(home_.File("fake.jpg"), AsBytes("just text"));
  ASSERT_EQ(Sk({"sms", "send", "--phone", "13300133000", "--purpose", "verify_phone"}).exit_code, 0);
  std::string code = server_->LatestSmsCode("+8613300133000", "verify_phone");
  auto submit = [&](std::string id, std::string front, bool agree) {
    std::vector<std::string> args = {"kyc", "submit", "--name", "王五", "--id-number", id,
                                     "--phone", "13300133000", "--code", code,
                                     "--front", home_.File(front), "--back", home_.File("back.png")};
    if (agree) args.insert(args.begin() + 2, "--agree");
    return Sk(args);
  };
  auto no_agree = submit("11010519491231002X", "front.jpg", false);
  EXPECT_NE(no_agree.err.find("--agree: "), std::string::npos) << no_agree.err;
  auto bad_id = submit("340524198001010013", "front.jpg", true);
  EXPECT_EQ(bad_id.exit_code, 1);
  EXPECT_NE(bad_id.err.find("id_number: "), std::string::npos) << bad_id.err;
  auto fake = submit("11010519491231002X", "fake.jpg", true);
  EXPECT_NE(fake.err.find("front_image: "), std::string::npos) << fake.err;
  auto none = Sk({"--json", "kyc", "status"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_EQ(json::parse(none.out)["status"], "none");  // nothing changed
  // The code was not spent by the bad submissions.
  auto ok = submit("11010519491231002X", "front.jpg", true);
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  auto status = json::parse(Sk({"--json", "kyc", "status"}).out);
  EXPECT_EQ(status["status"], "submitted");
  EXPECT_EQ(status["id_number"], "1101**********002X");
  auto twice = submit("11010519491231002X", "front.jpg", true);
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.err.find("under review"), std::string::npos) << twice.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, KycCliTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "PostgreSQL" : "SQLite"; });

}  // namespace
}  // namespace sealkey
