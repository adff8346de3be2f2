#include "server/order/payment_provider.h"

#include <chrono>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/mac.h"

namespace sealkey::server {
namespace {

using nlohmann::json;

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// POSTs `body` with the signature; true on a 2xx answer.
bool Post(const std::string& url, const std::string& body, const std::string& signature) {
  CURL* curl = curl_easy_init();
  if (!curl) return false;
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/json");
  headers = curl_slist_append(headers, ("X-Sandbox-Signature: " + signature).c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK && status >= 200 && status < 300;
}

std::string Html(const std::string& title, const std::string& body) {
  return "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + title +
         "</title></head><body><h1>" + title + "</h1>" + body + "</body></html>";
}

std::string Yuan(int64_t fen) {
  return std::to_string(fen / 100) + "." + (fen % 100 < 10 ? "0" : "") + std::to_string(fen % 100);
}

}  // namespace

SandboxProvider::~SandboxProvider() {
  for (auto& t : senders_) {
    if (t.joinable()) t.join();
  }
}

void SandboxProvider::SetBaseUrl(const std::string& base) {
  std::lock_guard<std::mutex> lock(mu_);
  base_ = base;
}

Result<std::string> SandboxProvider::Start(const std::string& ref, int64_t amount_fen,
                                           const std::string& subject) {
  std::lock_guard<std::mutex> lock(mu_);
  pending_[ref] = {amount_fen, subject, false};
  return base_ + "/sandbox/pay/" + ref;
}

std::string SandboxProvider::Sign(const std::string& body) const {
  return HexEncode(crypto::Hmac(crypto::HashAlg::kSha256, secret_.span(), AsBytes(body)));
}

Result<PaymentNotice> SandboxProvider::Verify(const std::string& body, const std::string& signature) {
  auto tag = HexDecode(signature);
  if (!tag || !crypto::HmacVerify(crypto::HashAlg::kSha256, secret_.span(), AsBytes(body), *tag)) {
    return Fail(Bilingual(ErrorCode::kVerifyFailed, "the notification's signature does not verify",
                          "支付通知签名验证失败", "signature"));
  }
  auto doc = json::parse(body, nullptr, false);
  if (!doc.is_object() || doc.value("status", "") != "paid" || !doc.contains("ref") ||
      !doc["ref"].is_string() || !doc.contains("amount_fen") || !doc["amount_fen"].is_number_integer()) {
    return Fail(Bilingual(ErrorCode::kMalformed, "not a payment notification", "不是支付通知",
                          "body"));
  }
  return PaymentNotice{doc["ref"].get<std::string>(), doc["amount_fen"].get<int64_t>()};
}

Status SandboxProvider::Confirm(const std::string& ref) {
  std::string url, body;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(ref);
    if (it == pending_.end()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no such payment", "没有该支付", "ref"));
    }
    if (it->second.confirmed) {
      return Fail(Bilingual(ErrorCode::kFailedPrecondition, "already paid", "已支付", "ref"));
    }
    it->second.confirmed = true;
    url = base_ + "/api/v1/payments/notify/sandbox";
    body = json{{"ref", ref}, {"amount_fen", it->second.amount_fen}, {"status", "paid"}}.dump();
  }
  std::string signature = Sign(body);
  std::lock_guard<std::mutex> lock(mu_);
  senders_.emplace_back([url, body, signature] {
    // Asynchronous, retried like a real provider's notifications.
    for (int attempt = 0; attempt < 5; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * (attempt + 1)));
      if (Post(url, body, signature)) return;
    }
  });
  return Ok();
}

void SandboxProvider::RegisterRoutes(Router& router) {
  router.Add("GET", "/sandbox/pay/{ref}", [this](const HttpRequest& req) -> Result<HttpResponse> {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(req.Param("ref"));
    if (it == pending_.end()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no such payment", "没有该支付", "ref"));
    }
    std::string page = Html(
        "sealkey 沙箱支付",
        "<p>" + it->second.subject + "</p><p>金额：¥" + Yuan(it->second.amount_fen) +
            "</p><form method=\"post\" action=\"/sandbox/pay/" + req.Param("ref") +
            "/confirm\"><button type=\"submit\">确认支付</button></form>");
    return HttpResponse{200, "text/html; charset=utf-8", page, {}};
  });
  router.Add("POST", "/sandbox/pay/{ref}/confirm",
             [this](const HttpRequest& req) -> Result<HttpResponse> {
               SEALKEY_RETURN_IF_ERROR(Confirm(req.Param("ref")));
               return HttpResponse{200, "text/html; charset=utf-8",
                                   Html("支付成功", "<p>正在通知商户，请返回 sealkey。</p>"), {}};
             });
}

}  // namespace sealkey::server
