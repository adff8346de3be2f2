// OCSP client (see revocation.h): the responder's URL from the certificate,
// the issuer among the CA certificates on the medium, and the HTTP POST with
// libcurl. Encoding the request and verifying the answer: revocation_der.cc.
#include "client/revocation.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <openssl/x509v3.h>

#include "crypto/random.h"
#include "sealkey/version.h"

namespace sealkey::client {
namespace {

constexpr const char* kField = "ocsp";
constexpr size_t kMaxResponse = 1 << 20;  // a response is a few KiB

size_t AppendCapped(char* data, size_t size, size_t count, void* user) {
  auto* body = static_cast<Bytes*>(user);
  if (body->size() + size * count > kMaxResponse) return 0;  // aborts the transfer
  body->insert(body->end(), data, data + size * count);
  return size * count;
}

bool IsLoopback(const std::string& url) {
  std::unique_ptr<CURLU, void (*)(CURLU*)> u(curl_url(), curl_url_cleanup);
  char* host = nullptr;
  if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      curl_url_get(u.get(), CURLUPART_HOST, &host, 0) != CURLUE_OK) {
    return false;
  }
  std::string_view h(host);
  bool loopback = h == "localhost" || h == "[::1]" || h.starts_with("127.");
  curl_free(host);
  return loopback;
}

// POSTs `request` to `url`; the body of an HTTP 200 answer.
Result<Bytes> Post(const std::string& url, ByteView request, std::chrono::milliseconds timeout) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, void (*)(CURL*)> c(curl_easy_init(), curl_easy_cleanup);
  if (!c) return Fail(ErrorCode::kInternal, "curl_easy_init failed", kField);
  std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, curl_slist_free_all);
  for (const char* h : {"Content-Type: application/ocsp-request",
                        "Accept: application/ocsp-response"}) {
    if (curl_slist* grown = curl_slist_append(headers.get(), h)) {
      (void)headers.release();
      headers.reset(grown);
    }
  }
  char error_text[CURL_ERROR_SIZE] = {0};
  Bytes body;
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  if (IsLoopback(url)) curl_easy_setopt(c.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c.get(), CURLOPT_USERAGENT, "sealkey/" SEALKEY_VERSION);
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, AppendCapped);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, request.data());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.size()));
  CURLcode rc = curl_easy_perform(c.get());
  if (rc != CURLE_OK) {
    std::string why = error_text[0] ? error_text : curl_easy_strerror(rc);
    return Fail(ErrorCode::kIo, "cannot reach " + url + ": " + why, kField);
  }
  long status = 0;
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return Fail(ErrorCode::kIo, url + " answered HTTP " + std::to_string(status), kField);
  }
  return body;
}

}  // namespace

std::string_view CertStateToken(CertState state) {
  switch (state) {
    case CertState::kGood: return "good";
    case CertState::kRevoked: return "revoked";
    case CertState::kUnknown: break;
  }
  return "unknown";
}

std::string OcspUrl(const crypto::Certificate& cert) {
  STACK_OF(OPENSSL_STRING)* urls = X509_get1_ocsp(cert.get());
  std::string out;
  if (urls && sk_OPENSSL_STRING_num(urls) > 0) out = sk_OPENSSL_STRING_value(urls, 0);
  X509_email_free(urls);
  return out;
}

const crypto::Certificate* FindIssuer(const crypto::Certificate& cert,
                                      const std::vector<crypto::Certificate>& candidates) {
  std::string issuer = crypto::FormatName(cert.Info().issuer);
  for (const auto& ca : candidates) {
    crypto::CertificateInfo info = ca.Info();
    if (!info.is_ca || crypto::FormatName(info.subject) != issuer) continue;
    auto key = ca.PublicKeyOf();
    if (key && cert.VerifySignature(*key)) return &ca;
  }
  return nullptr;
}

Result<RevocationStatus> CheckOcsp(const crypto::Certificate& cert,
                                   const crypto::Certificate& issuer,
                                   std::chrono::milliseconds timeout, const Clock& clock) {
  std::string url = OcspUrl(cert);
  if (url.empty()) {
    return Fail(ErrorCode::kNotFound, "the certificate names no OCSP responder", kField);
  }
  Bytes nonce = crypto::RandomBytes(16);
  auto request = BuildOcspRequest(cert, issuer, nonce);
  if (!request) return Fail(request.error());
  auto answer = Post(url, *request, timeout);
  if (!answer) return Fail(answer.error());
  auto status = VerifyOcspResponse(*answer, cert, issuer, nonce, clock.NowUnixSeconds());
  if (status) status->responder = url;
  return status;
}

}  // namespace sealkey::client
