// The agent and its PIN cache (D11), driven over the real Unix socket with a
// fake clock: caching, expiry, settings taking effect at the next PIN entry,
// wrong PINs never cached, PIN change clearing the cache, stop wiping it.
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "agent/agent_server.h"
#include "base/encoding.h"
#include "client/agent_channel.h"
#include "client/operations.h"
#include "client/pin_cache.h"
#include "testutil/testutil.h"

namespace sealkey {
namespace {

using nlohmann::json;

std::string Hex(const char* s) { return HexEncode(AsBytes(s)); }

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto p = client::Profile::OpenAt(tmp_.File("home"));
    ASSERT_OK(p);
    profile_.emplace(std::move(*p));
    token::file::CreateParams params;
    params.label = "agent-test";
    params.user_pin = SecureBuffer::FromString("123456");
    params.so_pin = SecureBuffer::FromString("87654321");
    params.kdf.alg = crypto::KdfParams::Alg::kPbkdf2Sm3;
    params.kdf.iterations = 1000;
    auto dev = profile_->CreateFileDevice(params);
    ASSERT_OK(dev);
    device_id_ = (*dev)->Info()->id;
    server_ = std::make_unique<agent::AgentServer>(*profile_, clock_);
    ASSERT_OK(server_->Bind());
    thread_ = std::thread([this] { server_->Serve(); });
  }
  void TearDown() override {
    if (server_) server_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  // One request over the socket; returns the error code name or "ok".
  std::string Call(json req) {
    auto r = client::CallAgent(*profile_, req);
    EXPECT_OK(r);
    if (!r) return "transport";
    return (*r)["ok"].get<bool>() ? "ok" : (*r)["error"]["code"].get<std::string>();
  }
  std::string Verify(const char* pin = nullptr) {
    json req = {{"op", "device.verify_pin"}, {"device", device_id_}};
    if (pin) req["pin"] = Hex(pin);
    return Call(req);
  }
  void SetCache(int minutes) {
    auto s = profile_->LoadSettings();
    s->pin_cache_minutes = minutes;
    ASSERT_OK(profile_->SaveSettings(*s));
  }

  testing::TempDir tmp_;
  std::optional<client::Profile> profile_;
  FakeClock clock_;
  std::string device_id_;
  std::unique_ptr<agent::AgentServer> server_;
  std::thread thread_;
};

TEST_F(AgentTest, CachesAVerifiedPinUntilItExpires) {
  EXPECT_EQ(Verify(), "pin_required");
  EXPECT_EQ(Verify("123456"), "ok");
  EXPECT_EQ(Verify(), "ok");  // from the cache
  clock_.Advance(std::chrono::minutes(29));
  EXPECT_EQ(Verify(), "ok");
  clock_.Advance(std::chrono::minutes(1));  // default 30 minutes reached
  EXPECT_EQ(Verify(), "pin_required");
}

TEST_F(AgentTest, WrongPinIsNeverCached) {
  EXPECT_EQ(Verify("000000"), "pin_incorrect");
  EXPECT_EQ(Verify(), "pin_required");
  EXPECT_EQ(server_->cache().size(), 0u);
}

TEST_F(AgentTest, SettingChangeAppliesAtTheNextPinEntry) {
  EXPECT_EQ(Verify("123456"), "ok");  // cached for 30 minutes
  SetCache(1);
  clock_.Advance(std::chrono::minutes(5));
  EXPECT_EQ(Verify(), "ok");  // still the 30-minute entry
  EXPECT_EQ(Verify("123456"), "ok");  // re-entered: now 1 minute
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(Verify(), "pin_required");
  SetCache(0);  // off
  EXPECT_EQ(Verify("123456"), "ok");
  EXPECT_EQ(Verify(), "pin_required");
}

TEST_F(AgentTest, PinChangeClearsTheCache) {
  EXPECT_EQ(Verify("123456"), "ok");
  EXPECT_EQ(Call({{"op", "device.change_pin"}, {"device", device_id_},
                  {"old_pin", Hex("123456")}, {"new_pin", Hex("24681357")}}),
            "ok");
  EXPECT_EQ(Verify(), "pin_required");
  EXPECT_EQ(Verify("24681357"), "ok");
}

TEST_F(AgentTest, StaleCachedPinAsksAgain) {
  EXPECT_EQ(Verify("123456"), "ok");
  // The PIN changes behind the agent's back (another process).
  auto dev = profile_->FindDevice(device_id_);
  ASSERT_OK((*dev)->ChangePin(SecureBuffer::FromString("123456"),
                              SecureBuffer::FromString("13572468")));
  EXPECT_EQ(Verify(), "pin_required");
  EXPECT_EQ(server_->cache().size(), 0u);
}

TEST_F(AgentTest, StopWipesEveryCachedSecret) {
  EXPECT_EQ(Verify("123456"), "ok");
  EXPECT_EQ(server_->cache().size(), 1u);
  EXPECT_EQ(Call({{"op", "agent.shutdown"}}), "ok");
  thread_.join();
  EXPECT_EQ(server_->cache().size(), 0u);
}

TEST(PinCacheTest, ExpiresWithTheClock) {
  FakeClock clock;
  client::PinCache cache(clock);
  cache.Put("d", SecureBuffer::FromString("123456"), 5);
  ASSERT_TRUE(cache.Get("d"));
  EXPECT_EQ(cache.Get("d")->view(), "123456");
  clock.Advance(std::chrono::seconds(299));
  EXPECT_TRUE(cache.Get("d"));
  clock.Advance(std::chrono::seconds(1));
  EXPECT_FALSE(cache.Get("d"));
  cache.Put("d", SecureBuffer::FromString("123456"), 0);
  EXPECT_FALSE(cache.Get("d"));
}

TEST(PinCacheSettingTest, OnlyTheManualsChoices) {
  EXPECT_EQ(*client::ParsePinCacheSetting("10m"), 10);
  EXPECT_EQ(*client::ParsePinCacheSetting("1h"), 60);
  EXPECT_EQ(*client::ParsePinCacheSetting("off"), 0);
  EXPECT_EQ(*client::ParsePinCacheSetting("1"), 1);
  for (const char* bad : {"7m", "2h", "", "abc", "-5"}) {
    auto r = client::ParsePinCacheSetting(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().field, "pin-cache");
  }
}

}  // namespace
}  // namespace sealkey
