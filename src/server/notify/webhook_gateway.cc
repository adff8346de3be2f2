#include "server/notify/webhook_gateway.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <mutex>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "base/encoding.h"
#include "crypto/mac.h"
#include "sealkey/version.h"

namespace sealkey::server {
namespace {

struct CurlCleanup {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlUrlCleanup {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringFree {
  void operator()(char* s) const { curl_free(s); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlString = std::unique_ptr<char, CurlStringFree>;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

CurlString UrlPart(CURLU* url, CURLUPart part) {
  char* out = nullptr;
  if (curl_url_get(url, part, &out, 0) != CURLUE_OK) return nullptr;
  return CurlString(out);
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host == "::1" || host.starts_with("127.");
}

// The answer's body is not used; at most this much is read before giving up.
constexpr size_t kMaxResponseBody = 1 << 20;

size_t DiscardBody(char*, size_t size, size_t count, void* user) {
  size_t& total = *static_cast<size_t*>(user);
  total += size * count;
  return total > kMaxResponseBody ? 0 : size * count;
}

Error ProviderError(const std::string& kind, std::string en, std::string zh) {
  const char* who_en = kind == "sms" ? "the SMS provider" : "the mail provider";
  const char* who_zh = kind == "sms" ? "短信服务商" : "邮件服务商";
  Error e;
  e.code = ErrorCode::kIo;
  e.message = std::string(who_en) + " " + en;
  e.message_zh = std::string(who_zh) + zh;
  return e;
}

bool IsLoopbackUrl(const std::string& text) {
  std::unique_ptr<CURLU, CurlUrlCleanup> url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) return false;
  CurlString host = UrlPart(url.get(), CURLUPART_HOST);
  return host && IsLoopbackHost(host.get());
}

}  // namespace

Status CheckWebhookUrl(const std::string& text, const std::string& field) {
  GlobalInit();
  std::unique_ptr<CURLU, CurlUrlCleanup> url(curl_url());
  if (!url || text.empty() ||
      curl_url_set(url.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + text + "' is not a URL like https://sms.example.com/send", field);
  }
  CurlString scheme = UrlPart(url.get(), CURLUPART_SCHEME);
  CurlString host = UrlPart(url.get(), CURLUPART_HOST);
  std::string scheme_text = scheme ? scheme.get() : "";
  // libcurl repairs "https:/host" and "https:///host"; a webhook is spelled out.
  size_t authority = scheme_text.size() + 3;
  bool spelled = text.compare(0, authority, scheme_text + "://") == 0 && text.size() > authority &&
                 text[authority] != '/';
  if ((scheme_text != "http" && scheme_text != "https") || !spelled || !host || !*host.get() ||
      UrlPart(url.get(), CURLUPART_USER) || UrlPart(url.get(), CURLUPART_FRAGMENT)) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "'" + text + "' must be http(s)://HOST[:PORT][/PATH][?QUERY] without user or fragment",
        field);
  }
  if (scheme_text == "http" && !IsLoopbackHost(host.get())) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + text +
                    "': plain http is allowed only on this machine (127.0.0.1, localhost); "
                    "use https",
                field);
  }
  return Ok();
}

Result<WebhookClient> WebhookClient::Create(WebhookOptions options, std::string kind) {
  SEALKEY_RETURN_IF_ERROR(CheckWebhookUrl(options.url, options.field));
  if (options.timeout.count() <= 0) {
    return Fail(ErrorCode::kInvalidArgument, "the webhook timeout must be positive", options.field);
  }
  return WebhookClient(std::move(options), std::move(kind));
}

Status WebhookClient::Post(const std::string& body, const std::string& to) const {
  GlobalInit();
  std::unique_ptr<CURL, CurlCleanup> curl(curl_easy_init());
  if (!curl) return Fail(ErrorCode::kInternal, "curl_easy_init failed");
  std::unique_ptr<curl_slist, SlistFree> headers;
  auto add_header = [&headers](const std::string& line) {
    if (curl_slist* grown = curl_slist_append(headers.get(), line.c_str())) {
      headers.release();
      headers.reset(grown);
      return true;
    }
    return false;
  };
  bool ok = add_header("Content-Type: application/json") && add_header("Expect:");
  if (!options_.secret.empty()) {
    std::string timestamp = std::to_string(static_cast<long long>(std::time(nullptr)));
    std::string signed_text = timestamp + "." + body;
    std::string mac = HexEncode(
        crypto::Hmac(crypto::HashAlg::kSha256, options_.secret.span(), AsBytes(signed_text)));
    OPENSSL_cleanse(signed_text.data(), signed_text.size());
    ok = ok && add_header("X-Sealkey-Timestamp: " + timestamp) &&
         add_header("X-Sealkey-Signature: sha256=" + mac);
  }
  if (!ok) return Fail(ErrorCode::kInternal, "curl_slist_append failed");

  CURL* c = curl.get();
  char error_text[CURL_ERROR_SIZE] = {};
  size_t response_size = 0;
  long timeout_ms = static_cast<long>(options_.timeout.count());
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 5000L));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  if (IsLoopbackUrl(options_.url)) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "sealkeyd/" SEALKEY_VERSION);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response_size);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);

  if (rc != CURLE_OK && !(rc == CURLE_WRITE_ERROR && status >= 200)) {
    std::string detail = error_text[0] ? error_text : curl_easy_strerror(rc);
    std::fprintf(stderr, "sealkeyd: %s to %s via webhook: failed: %s\n", kind_.c_str(), to.c_str(),
                 detail.c_str());
    // The curl text names the provider's address: it goes to the log only.
    return Fail(ProviderError(
        kind_, std::string("cannot be reached (") + curl_easy_strerror(rc) + "); try again later",
        std::string("暂时无法连接（") + curl_easy_strerror(rc) + "），请稍后再试"));
  }
  std::fprintf(stderr, "sealkeyd: %s to %s via webhook: HTTP %ld\n", kind_.c_str(), to.c_str(),
               status);
  if (status < 200 || status > 299) {
    std::string s = std::to_string(status);
    return Fail(ProviderError(kind_, "did not accept the message (HTTP " + s + ")",
                              "未接受该消息（HTTP " + s + "）"));
  }
  return Ok();
}

Result<std::unique_ptr<WebhookSmsGateway>> WebhookSmsGateway::Create(WebhookOptions options) {
  auto client = WebhookClient::Create(std::move(options), "sms");
  if (!client) return Fail(client.error());
  return std::unique_ptr<WebhookSmsGateway>(new WebhookSmsGateway(std::move(*client)));
}

Status WebhookSmsGateway::Send(const SmsMessage& m) {
  // The provider gets the text; the code travels only inside it.
  nlohmann::json j = {
      {"type", "sms"}, {"time", m.time}, {"to", m.to}, {"purpose", m.purpose}, {"text", m.text}};
  std::string body = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Status st = client_.Post(body, m.to);
  OPENSSL_cleanse(body.data(), body.size());
  std::string& text = j["text"].get_ref<std::string&>();
  OPENSSL_cleanse(text.data(), text.size());
  return st;
}

Result<std::unique_ptr<WebhookMailGateway>> WebhookMailGateway::Create(WebhookOptions options) {
  auto client = WebhookClient::Create(std::move(options), "mail");
  if (!client) return Fail(client.error());
  return std::unique_ptr<WebhookMailGateway>(new WebhookMailGateway(std::move(*client)));
}

Status WebhookMailGateway::Send(const MailMessage& m) {
  return client_.Post(MailMessageJson(m, "mail"), m.to);
}

}  // namespace sealkey::server
