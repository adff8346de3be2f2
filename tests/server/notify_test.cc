// Outgoing SMS and e-mail (server/notify): the JSON-lines outbox (fields,
// one line per message, 0600) and the HTTP webhooks against a real receiver
// on 127.0.0.1 (body, HMAC-SHA256 signature, refused and unreachable
// providers, timeouts, URL checks).
#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "base/encoding.h"
#include "crypto/mac.h"
#include "server/notify/mail_gateway.h"
#include "server/notify/sms_gateway.h"
#include "server/notify/webhook_gateway.h"
#include "testutil/testutil.h"
#include "webhook_receiver.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

std::vector<json> ReadLines(const std::string& path) {
  std::ifstream in(path);
  std::vector<json> out;
  for (std::string line; std::getline(in, line);) {
    out.push_back(json::parse(line));  // throws (fails the test) on a bad line
  }
  return out;
}

int ModeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return static_cast<int>(st.st_mode & 07777);
}

const char kSecret[] = "0123456789abcdef-shared-secret";

WebhookOptions Options(const std::string& url, bool signed_ = true) {
  WebhookOptions o;
  o.url = url;
  if (signed_) o.secret = SecureBuffer::FromString(kSecret);
  o.field = "--sms-webhook";
  return o;
}

// The receiver's check: HMAC-SHA256(secret, "<timestamp>.<body>"), fresh.
void ExpectSigned(const testing::ReceivedRequest& r) {
  ASSERT_TRUE(r.headers.count("x-sealkey-timestamp"));
  ASSERT_TRUE(r.headers.count("x-sealkey-signature"));
  const std::string& ts = r.headers.at("x-sealkey-timestamp");
  EXPECT_LE(std::llabs(std::stoll(ts) - static_cast<long long>(std::time(nullptr))), 60);
  std::string sig = r.headers.at("x-sealkey-signature");
  ASSERT_EQ(sig.rfind("sha256=", 0), 0u) << sig;
  auto tag = HexDecode(sig.substr(7));
  ASSERT_OK(tag);
  EXPECT_OK(crypto::HmacVerify(crypto::HashAlg::kSha256, AsBytes(kSecret),
                               AsBytes(ts + "." + r.body), *tag));
  // Any change to the body breaks it.
  EXPECT_FALSE(crypto::HmacVerify(crypto::HashAlg::kSha256, AsBytes(kSecret),
                                  AsBytes(ts + "." + r.body + " "), *tag));
}

SmsMessage Sms(const std::string& to, const std::string& code) {
  return {to, "login", code, "【sealkey】您的登录验证码是 " + code + "，5 分钟内有效。",
          1700000000};
}

MailMessage Mail() {
  MailMessage m;
  m.to = "alice@example.com";
  m.subject = "合同已签署";
  m.text = "Your contract is attached.\n";
  m.attachments.push_back({"contract.pdf", "application/pdf", Bytes{'%', 'P', 'D', 'F', 0, 0xff}});
  m.time = 1700000001;
  return m;
}

TEST(OutboxTest, SmsLinesAreJsonAppendedAndPrivate) {
  testing::TempDir dir;
  OutboxSmsGateway gw(dir.File("outbox"));
  ASSERT_OK(gw.Send(Sms("+8613800138000", "123456")));
  ASSERT_OK(gw.Send(Sms("+8613900139000", "654321")));
  EXPECT_EQ(gw.path(), dir.File("outbox/sms.jsonl"));
  auto lines = ReadLines(gw.path());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["to"], "+8613800138000");
  EXPECT_EQ(lines[0]["purpose"], "login");
  EXPECT_EQ(lines[0]["code"], "123456");
  EXPECT_EQ(lines[0]["time"], 1700000000);
  EXPECT_NE(lines[0]["text"].get<std::string>().find("123456"), std::string::npos);
  EXPECT_EQ(lines[1]["code"], "654321");
  EXPECT_EQ(ModeOf(gw.path()), 0600);
  EXPECT_EQ(ModeOf(dir.File("outbox")), 0700);
}

TEST(OutboxTest, MailLinesCarryAttachmentsInBase64) {
  testing::TempDir dir;
  OutboxMailGateway gw(dir.File("outbox"));
  MailMessage m = Mail();
  ASSERT_OK(gw.Send(m));
  m.attachments.clear();
  m.subject = "second";
  ASSERT_OK(gw.Send(m));
  auto lines = ReadLines(dir.File("outbox/mail.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0]["to"], "alice@example.com");
  EXPECT_EQ(lines[0]["subject"], "合同已签署");
  EXPECT_EQ(lines[0]["text"], "Your contract is attached.\n");
  EXPECT_EQ(lines[0]["time"], 1700000001);
  ASSERT_EQ(lines[0]["attachments"].size(), 1u);
  const json& a = lines[0]["attachments"][0];
  EXPECT_EQ(a["name"], "contract.pdf");
  EXPECT_EQ(a["mime"], "application/pdf");
  EXPECT_EQ(a["size"], 6);
  auto bytes = Base64Decode(a["base64"].get<std::string>());
  ASSERT_OK(bytes);
  EXPECT_EQ(*bytes, (Bytes{'%', 'P', 'D', 'F', 0, 0xff}));
  EXPECT_EQ(lines[1]["subject"], "second");
  EXPECT_TRUE(lines[1]["attachments"].empty());
  EXPECT_EQ(ModeOf(dir.File("outbox/mail.jsonl")), 0600);
  // Both outboxes share a directory without touching each other's file.
  OutboxSmsGateway sms(dir.File("outbox"));
  ASSERT_OK(sms.Send(Sms("+8613800138000", "111111")));
  EXPECT_EQ(ReadLines(dir.File("outbox/mail.jsonl")).size(), 2u);
  EXPECT_EQ(ReadLines(dir.File("outbox/sms.jsonl")).size(), 1u);
}

TEST(OutboxTest, UnwritableDirectoryFailsWithIo) {
  testing::TempDir dir;
  testing::WriteFile(dir.File("file"), AsBytes("x"));
  OutboxSmsGateway gw(dir.File("file/outbox"));  // a parent that is a file
  EXPECT_FALSE(gw.Send(Sms("+8613800138000", "123456")));
}

TEST(WebhookTest, SmsIsPostedAsSignedJson) {
  testing::WebhookReceiver receiver;
  auto gw = WebhookSmsGateway::Create(Options(receiver.url("/sms?tenant=1")));
  ASSERT_OK(gw);
  ASSERT_OK((*gw)->Send(Sms("+8613800138000", "123456")));
  ASSERT_OK((*gw)->Send(Sms("+8613900139000", "654321")));
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].method, "POST");
  EXPECT_EQ(got[0].target, "/sms?tenant=1");
  EXPECT_EQ(got[0].headers["content-type"], "application/json");
  json body = json::parse(got[0].body);
  EXPECT_EQ(body["type"], "sms");
  EXPECT_EQ(body["to"], "+8613800138000");
  EXPECT_EQ(body["purpose"], "login");
  EXPECT_EQ(body["time"], 1700000000);
  EXPECT_NE(body["text"].get<std::string>().find("123456"), std::string::npos);
  EXPECT_FALSE(body.contains("code"));  // a provider gets the text only
  ExpectSigned(got[0]);
  ExpectSigned(got[1]);
  EXPECT_EQ(json::parse(got[1].body)["to"], "+8613900139000");
}

TEST(WebhookTest, MailIsPostedWithAttachments) {
  testing::WebhookReceiver receiver;
  auto gw = WebhookMailGateway::Create(Options(receiver.url()));
  ASSERT_OK(gw);
  ASSERT_OK((*gw)->Send(Mail()));
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  json body = json::parse(got[0].body);
  EXPECT_EQ(body["type"], "mail");
  EXPECT_EQ(body["to"], "alice@example.com");
  EXPECT_EQ(body["subject"], "合同已签署");
  ASSERT_EQ(body["attachments"].size(), 1u);
  EXPECT_EQ(body["attachments"][0]["name"], "contract.pdf");
  EXPECT_EQ(*Base64Decode(body["attachments"][0]["base64"].get<std::string>()),
            (Bytes{'%', 'P', 'D', 'F', 0, 0xff}));
  ExpectSigned(got[0]);
}

TEST(WebhookTest, WithoutASecretThereIsNoSignature) {
  testing::WebhookReceiver receiver;
  auto gw = WebhookSmsGateway::Create(Options(receiver.url(), /*signed_=*/false));
  ASSERT_OK(gw);
  ASSERT_OK((*gw)->Send(Sms("+8613800138000", "123456")));
  auto got = receiver.requests();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].headers.count("x-sealkey-signature"));
  EXPECT_FALSE(got[0].headers.count("x-sealkey-timestamp"));
}

TEST(WebhookTest, ARefusalFailsTheSendWithTheStatus) {
  testing::WebhookReceiver receiver;
  receiver.set_status(500);
  auto sms = WebhookSmsGateway::Create(Options(receiver.url()));
  ASSERT_OK(sms);
  auto st = (*sms)->Send(Sms("+8613800138000", "123456"));
  EXPECT_ERROR_CODE(st, ErrorCode::kIo);
  EXPECT_NE(st.error().message.find("HTTP 500"), std::string::npos) << st.error().message;
  EXPECT_NE(st.error().message.find("SMS provider"), std::string::npos);
  EXPECT_NE(st.error().message_zh.find("HTTP 500"), std::string::npos);
  receiver.set_status(302);  // redirects are not followed: not sent
  auto mail = WebhookMailGateway::Create(Options(receiver.url()));
  ASSERT_OK(mail);
  auto redirected = (*mail)->Send(Mail());
  EXPECT_ERROR_CODE(redirected, ErrorCode::kIo);
  EXPECT_NE(redirected.error().message.find("HTTP 302"), std::string::npos);
  receiver.set_status(204);
  EXPECT_OK((*mail)->Send(Mail()));
}

TEST(WebhookTest, UnreachableAndSilentProvidersFail) {
  std::string closed_url;
  {
    testing::WebhookReceiver gone;  // a port that was free a moment ago
    closed_url = gone.url();
  }
  auto gw = WebhookSmsGateway::Create(Options(closed_url));
  ASSERT_OK(gw);
  auto st = (*gw)->Send(Sms("+8613800138000", "123456"));
  EXPECT_ERROR_CODE(st, ErrorCode::kIo);
  EXPECT_NE(st.error().message.find("cannot be reached"), std::string::npos) << st.error().message;

  testing::WebhookReceiver silent;
  silent.set_hang(true);
  WebhookOptions o = Options(silent.url());
  o.timeout = std::chrono::milliseconds(300);
  auto slow = WebhookSmsGateway::Create(std::move(o));
  ASSERT_OK(slow);
  auto start = std::chrono::steady_clock::now();
  auto timed_out = (*slow)->Send(Sms("+8613800138000", "123456"));
  EXPECT_ERROR_CODE(timed_out, ErrorCode::kIo);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(silent.requests().size(), 1u);
}

TEST(WebhookTest, BadUrlsAreRejectedNamingTheOption) {
  for (const char* bad : {"", "not a url", "ftp://sms.example.com/send", "file:///etc/passwd",
                          "http://sms.example.com/send", "https://user:pw@sms.example.com/",
                          "https://sms.example.com/send#frag", "https:///path"}) {
    SCOPED_TRACE(bad);
    WebhookOptions o = Options(bad);
    o.field = "--mail-webhook";
    auto gw = WebhookMailGateway::Create(std::move(o));
    EXPECT_ERROR_CODE(gw, ErrorCode::kInvalidArgument);
    EXPECT_EQ(gw.error().field, "--mail-webhook") << bad;
  }
  for (const char* ok : {"https://sms.example.com/send", "https://sms.example.com:8443/a?key=1",
                         "http://127.0.0.1:9000/hook", "http://localhost/hook"}) {
    EXPECT_OK(CheckWebhookUrl(ok, "--sms-webhook"));
  }
}

}  // namespace
}  // namespace sealkey::server
