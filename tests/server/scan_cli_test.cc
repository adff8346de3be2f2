// B8, `sealkey scan` starts what the code encodes: the operator publishes a
// project as a QR code PNG; the person scans it, sees the project's products
// and, naming one and a medium, gets the order created as `sealkey order
// create --project` would (listed afterwards). A code naming another server is
// shown, not followed, unless the person chooses that server.
#include <string>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "server/order_cli_fixture.h"

namespace sealkey {
namespace {

TEST_P(OrderCliTest, ScanListsTheProjectAndCreatesTheOrder) {
  auto published = SkIn(op_, {"--json", "operator", "project", "add", "--name", "某市招标项目",
                              "--products", "personal-sm2", "--qr-png", home_.File("project.png")});
  ASSERT_EQ(published.exit_code, 0) << published.err;
  std::string project = json::parse(published.out)["id"];
  const std::string code = home_.File("project.png");

  // Without --product: the project's products and how to go on.
  json listed = PJ({"scan", code});
  EXPECT_EQ(listed["kind"], "project");
  EXPECT_EQ(listed["id"], project);
  EXPECT_EQ(listed["server"], server_->url());
  ASSERT_EQ(listed["project"]["products"].size(), 1u) << listed.dump();
  EXPECT_EQ(listed["project"]["products"][0]["id"], "personal-sm2");
  EXPECT_NE(listed["next"].get<std::string>().find("--product"), std::string::npos);
  auto text = P({"scan", code});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("personal-sm2"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("199.00"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("某市招标项目"), std::string::npos) << text.out;
  EXPECT_EQ(PJ({"order", "list"})["orders"].size(), 0u);  // looking creates nothing

  // A product the project does not offer.
  auto other = P({"scan", code, "--product", "nope", "-d", "d1"});
  EXPECT_NE(other.err.find("--product: "), std::string::npos) << other.err;

  // With --product and a medium: the order, with the key made in the medium.
  json made = PJ({"scan", code, "--product", "personal-sm2", "-d", "d1"});
  ASSERT_TRUE(made.contains("order")) << made.dump();
  EXPECT_EQ(made["order"]["state"], "created");
  EXPECT_EQ(made["order"]["project_id"], project);
  EXPECT_EQ(made["order"]["amount_fen"], 19900);
  std::string id = std::to_string(made["order"]["id"].get<int64_t>());
  EXPECT_EQ(made["next"], "sealkey order agree " + id);
  json orders = PJ({"order", "list"})["orders"];
  ASSERT_EQ(orders.size(), 1u);
  EXPECT_EQ(orders[0]["id"], made["order"]["id"]);
  EXPECT_EQ(orders[0]["project_id"], project);
  EXPECT_EQ(PJ({"order", "agree", id})["state"], "agreed");  // the flow goes on as usual

  // A code for another server (nothing listens on port 1) is shown, not followed.
  const std::string elsewhere = "sealkey://project/" + project + "?server=http%3A%2F%2F127.0.0.1%3A1";
  json shown = PJ({"scan", elsewhere});
  EXPECT_EQ(shown["server_mismatch"], true);
  EXPECT_FALSE(shown.contains("project"));
  EXPECT_NE(shown["next"].get<std::string>().find("--server http://127.0.0.1:1 scan"),
            std::string::npos) << shown.dump();
  auto refused = P({"scan", elsewhere, "--product", "personal-sm2", "-d", "d1"});
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("server: the code is for http://127.0.0.1:1"), std::string::npos)
      << refused.err;
  EXPECT_EQ(PJ({"order", "list"})["orders"].size(), 1u);

  // Configured for another server, the person may follow the code on purpose.
  auto elsewhere_cli = [&](std::vector<std::string> args) {
    std::vector<std::string> argv = {"env", "SEALKEY_HOME=" + home_.path(), "SEALKEY_PIN=123456",
                                     testing::BinPath("sealkey"), "--json", "--server",
                                     "http://127.0.0.1:1"};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv);
  };
  auto not_followed = elsewhere_cli({"scan", code});
  ASSERT_EQ(not_followed.exit_code, 0) << not_followed.err;
  EXPECT_EQ(json::parse(not_followed.out)["server_mismatch"], true);
  auto followed = elsewhere_cli({"scan", code, "--use-link-server"});
  ASSERT_EQ(followed.exit_code, 0) << followed.err;
  EXPECT_EQ(json::parse(followed.out)["project"]["id"], project);
}

}  // namespace
}  // namespace sealkey
