#include "client/platform_client.h"

#include <cstring>
#include <mutex>

#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "base/encoding.h"
#include "sealkey/version.h"

namespace sealkey::client {
namespace {

using nlohmann::json;

void WipeString(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

struct CurlCleanup {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct CurlUrlCleanup {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlStringFree {
  void operator()(char* s) const { curl_free(s); }
};
// Header lists may hold the bearer token: wiped before they are freed.
struct SlistWipeFree {
  void operator()(curl_slist* list) const {
    for (curl_slist* i = list; i; i = i->next) OPENSSL_cleanse(i->data, std::strlen(i->data));
    curl_slist_free_all(list);
  }
};
using CurlString = std::unique_ptr<char, CurlStringFree>;
using HeaderList = std::unique_ptr<curl_slist, SlistWipeFree>;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t AppendBody(char* data, size_t size, size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

CurlString UrlPart(CURLU* url, CURLUPart part) {
  char* out = nullptr;
  if (curl_url_get(url, part, &out, 0) != CURLUE_OK) return nullptr;
  return CurlString(out);
}

bool IsLoopbackHost(std::string_view host) {
  return host == "localhost" || host == "[::1]" || host == "::1" || host.starts_with("127.");
}

// Serialises `body` and wipes every string it held (some are secrets).
SecureBuffer SealBody(json& body) {
  std::string text = body.dump();
  SecureBuffer out = SecureBuffer::FromString(text);
  WipeString(text);
  for (auto& item : body.items()) {
    if (item.value().is_string()) WipeString(item.value().get_ref<std::string&>());
  }
  return out;
}

// A JSON string member set without leaving an unwiped copy of `secret`.
void SetSecret(json& body, const char* key, const SecureBuffer& secret) {
  body[key] = "";
  body[key].get_ref<std::string&>().assign(secret.view());
}

// Turns an answer into its JSON document (null for an empty 2xx body) or
// into the Error the server described (see the header's contract).
Result<json> Decode(const std::string& url, HttpResponse& response) {
  bool empty = response.body.empty();
  json doc = empty ? json() : json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  bool parsed = !empty && !doc.is_discarded();
  WipeString(response.body);
  if (response.status >= 200 && response.status < 300) {
    if (empty) return json();
    if (parsed) return doc;
    return Fail(
        ErrorCode::kIo,
        url + " answered HTTP " + std::to_string(response.status) + " with a body that is not JSON",
        "server");
  }
  if (parsed && doc.is_object() && doc.contains("message") && doc["message"].is_string()) {
    Error error;
    bool named = doc.contains("code") && doc["code"].is_string();
    auto code = ErrorCodeFromName(named ? doc["code"].get<std::string>() : "");
    error.code = code ? *code : ErrorCode::kInternal;
    if (doc.contains("field") && doc["field"].is_string()) error.field = doc["field"];
    error.message = doc["message"];
    return Fail(std::move(error));
  }
  return Fail(
      ErrorCode::kIo,
      url + " answered HTTP " + std::to_string(response.status) + " without a problem JSON body",
      "server");
}

Result<json> CallJson(PlatformClient& client, std::string_view method, std::string_view path,
                      std::string_view body) {
  auto response = client.Send(method, path, body);
  if (!response) return Fail(response.error());
  return Decode(client.api_root() + std::string(path), *response);
}

Result<json> CallJson(PlatformClient& client, std::string_view path, json& body) {
  SecureBuffer text = SealBody(body);
  return CallJson(client, "POST", path, text.view());
}

// Reads the typed members of an answer; a wrong type is the server's fault.
template <typename T, typename F>
Result<T> Read(const std::string& url, json& doc, F&& read) {
  if (!doc.is_object()) {
    return Fail(ErrorCode::kIo, url + " answered something other than a JSON object", "server");
  }
  try {
    return read(doc);
  } catch (const json::exception& e) {
    return Fail(ErrorCode::kIo, url + " answered an unexpected document: " + e.what(), "server");
  }
}

Account ReadAccount(const json& j) {
  return Account{j.value("id", int64_t{0}), j.value("phone", ""), j.value("created_at", int64_t{0}),
                 j.value("has_password", false), j.value("deletion_effective_at", int64_t{0}),
                 j.value("identity_id", int64_t{0})};
}

}  // namespace

struct PlatformClient::Handle {
  std::unique_ptr<CURL, CurlCleanup> curl;
  bool loopback = false;
};

Result<PlatformClient> PlatformClient::Create(PlatformOptions options) {
  GlobalInit();
  std::string root = options.server;
  while (!root.empty() && root.back() == '/') root.pop_back();
  std::unique_ptr<CURLU, CurlUrlCleanup> url(curl_url());
  if (!url || root.empty() ||
      curl_url_set(url.get(), CURLUPART_URL, root.c_str(), 0) != CURLUE_OK) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + options.server + "' is not a URL like http://127.0.0.1:8080", "server");
  }
  CurlString scheme = UrlPart(url.get(), CURLUPART_SCHEME);
  CurlString host = UrlPart(url.get(), CURLUPART_HOST);
  std::string scheme_text = scheme ? scheme.get() : "";
  if ((scheme_text != "http" && scheme_text != "https") || !host ||
      UrlPart(url.get(), CURLUPART_USER) || UrlPart(url.get(), CURLUPART_QUERY) ||
      UrlPart(url.get(), CURLUPART_FRAGMENT)) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + options.server +
                    "' must be http(s)://HOST[:PORT][/PATH] without user, query or fragment",
                "server");
  }
  auto handle = std::make_unique<Handle>();
  handle->loopback = IsLoopbackHost(host.get());
  if (scheme_text == "http" && !handle->loopback) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + options.server +
                    "': plain http is allowed only on this machine "
                    "(127.0.0.1, localhost); use https",
                "server");
  }
  handle->curl.reset(curl_easy_init());
  if (!handle->curl) return Fail(ErrorCode::kInternal, "curl_easy_init failed");
  if (!root.ends_with("/api/v1")) root += "/api/v1";
  return PlatformClient(std::move(options), std::move(root), std::move(handle));
}

PlatformClient::PlatformClient(PlatformOptions options, std::string api_root,
                               std::unique_ptr<Handle> handle)
    : options_(std::move(options)), api_root_(std::move(api_root)), handle_(std::move(handle)) {}
PlatformClient::PlatformClient(PlatformClient&&) noexcept = default;
PlatformClient& PlatformClient::operator=(PlatformClient&&) noexcept = default;
PlatformClient::~PlatformClient() = default;

Result<HttpResponse> PlatformClient::Send(std::string_view method, std::string_view path,
                                          std::string_view body) {
  CURL* c = handle_->curl.get();
  curl_easy_reset(c);
  std::string url = api_root_ + std::string(path);
  std::string method_text(method);
  char error_text[CURL_ERROR_SIZE] = {0};
  HttpResponse response;

  HeaderList headers;
  auto add_header = [&headers](const std::string& line) {
    if (curl_slist* grown = curl_slist_append(headers.get(), line.c_str())) {
      (void)headers.release();  // the same list, possibly a new head
      headers.reset(grown);
    }
  };
  add_header("Accept: application/json, application/problem+json");
  add_header("Accept-Language: " + options_.accept_language);
  if (!body.empty()) add_header("Content-Type: application/json");
  if (!token_.empty()) {
    std::string auth = "Authorization: Bearer ";
    auth.append(token_.view());
    add_header(auth);
    WipeString(auth);
  }

  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
  // http_proxy and friends must not see loopback traffic (tokens, passwords).
  if (handle_->loopback) curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(c, CURLOPT_USERAGENT, "sealkey/" SEALKEY_VERSION);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response.body);
  if (method_text == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    // Never NULL: curl would then read the body from stdin.
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    if (method_text != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method_text.c_str());
  }

  CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);
  if (rc != CURLE_OK) {
    WipeString(response.body);
    std::string why = error_text[0] ? error_text : curl_easy_strerror(rc);
    return Fail(ErrorCode::kIo, "cannot reach " + url + ": " + why, "server");
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
  char* content_type = nullptr;
  curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &content_type);
  if (content_type) response.content_type = content_type;
  return response;
}

Result<std::string> PlatformClient::Call(std::string_view method, std::string_view path,
                                         std::string_view json_body) {
  auto response = Send(method, path, json_body);
  if (!response) return Fail(response.error());
  if (response->status >= 200 && response->status < 300) return std::move(response->body);
  auto error = Decode(api_root_ + std::string(path), *response);
  if (!error) return Fail(error.error());
  return Fail(ErrorCode::kIo, api_root_ + std::string(path) + " answered HTTP " +
                                  std::to_string(response->status), "server");
}

Result<Health> PlatformClient::GetHealth() {
  auto doc = CallJson(*this, "GET", "/health", "");
  if (!doc) return Fail(doc.error());
  return Read<Health>(api_root_ + "/health", *doc, [](const json& j) {
    return Health{j.value("status", ""), j.value("database", ""),
                  j.value("schema_version", int64_t{0})};
  });
}

Result<SmsCodeSent> PlatformClient::SendSmsCode(std::string_view phone, std::string_view purpose) {
  json body = {{"phone", phone}, {"purpose", purpose}};
  auto doc = CallJson(*this, "/sms/codes", body);
  if (!doc) return Fail(doc.error());
  return Read<SmsCodeSent>(api_root_ + "/sms/codes", *doc, [](const json& j) {
    return SmsCodeSent{j.value("phone", ""), j.value("expires_in", int64_t{0}),
                       j.value("resend_after", int64_t{0})};
  });
}

Result<LoginTicket> PlatformClient::VerifySmsCode(std::string_view phone, std::string_view code) {
  json body = {{"phone", phone}, {"code", code}};
  auto doc = CallJson(*this, "/auth/sms", body);
  if (!doc) return Fail(doc.error());
  return Read<LoginTicket>(api_root_ + "/auth/sms", *doc, [](const json& j) {
    return LoginTicket{j.value("ticket", ""), j.value("next_step", ""),
                       j.value("new_account", false)};
  });
}

Result<Session> PlatformClient::SubmitPassword(std::string_view ticket,
                                               const SecureBuffer& password) {
  json body = {{"ticket", ticket}};
  SetSecret(body, "password", password);
  auto doc = CallJson(*this, "/auth/password", body);
  if (!doc) return Fail(doc.error());
  auto session = Read<Session>(api_root_ + "/auth/password", *doc, [](json& j) {
    Session s;
    if (j.contains("token") && j["token"].is_string()) {
      s.token = SecureBuffer::FromString(j["token"].get_ref<const std::string&>());
      WipeString(j["token"].get_ref<std::string&>());
    }
    s.expires_at = j.value("expires_at", int64_t{0});
    if (j.contains("account")) s.account = ReadAccount(j.at("account"));
    return s;
  });
  if (session && session->token.empty()) {
    return Fail(ErrorCode::kIo, api_root_ + "/auth/password answered without a token", "server");
  }
  return session;
}

Status PlatformClient::Logout() {
  auto doc = CallJson(*this, "POST", "/auth/logout", "");
  if (!doc) return Fail(doc.error());
  return Ok();
}

Status PlatformClient::ResetPassword(std::string_view phone, std::string_view code,
                                     const SecureBuffer& new_password) {
  json body = {{"phone", phone}, {"code", code}};
  SetSecret(body, "new_password", new_password);
  auto doc = CallJson(*this, "/auth/password-reset", body);
  if (!doc) return Fail(doc.error());
  return Ok();
}

Result<Account> PlatformClient::GetMe() {
  auto doc = CallJson(*this, "GET", "/me", "");
  if (!doc) return Fail(doc.error());
  return Read<Account>(api_root_ + "/me", *doc, [](const json& j) { return ReadAccount(j); });
}

Status PlatformClient::ChangePassword(std::string_view code, const SecureBuffer& new_password) {
  json body = {{"code", code}};
  SetSecret(body, "new_password", new_password);
  auto doc = CallJson(*this, "/me/password", body);
  if (!doc) return Fail(doc.error());
  return Ok();
}

Result<int64_t> PlatformClient::RequestDeletion(std::string_view code) {
  json body = {{"code", code}};
  auto doc = CallJson(*this, "/me/deletion", body);
  if (!doc) return Fail(doc.error());
  return Read<int64_t>(api_root_ + "/me/deletion", *doc,
                       [](const json& j) { return j.at("effective_at").get<int64_t>(); });
}

Status PlatformClient::CancelDeletion() {
  auto doc = CallJson(*this, "DELETE", "/me/deletion", "");
  if (!doc) return Fail(doc.error());
  return Ok();
}

namespace {

Identity ReadIdentity(const json& j) {
  return {j.at("id").get<int64_t>(), j.at("kind").get<std::string>(),
          j.at("org_id").get<int64_t>(), j.value("org_name", "")};
}

KycRecord ReadKyc(const json& j) {
  return {j.at("id").get<int64_t>(),           j.at("status").get<std::string>(),
          j.value("reason", ""),              j.value("name", ""),
          j.value("id_number", ""),           j.value("submitted_at", int64_t{0}),
          j.value("decided_at", int64_t{0})};
}

}  // namespace

Result<KycRecord> PlatformClient::SubmitKyc(const KycForm& f) {
  json body = {{"agreement_version", f.agreement_version}, {"agreed", true},
               {"name", f.name},     {"id_number", f.id_number},
               {"phone", f.phone},   {"code", f.code},
               {"front_image", Base64Encode(f.front_image)},
               {"back_image", Base64Encode(f.back_image)}};
  auto doc = CallJson(*this, "/kyc", body);
  if (!doc) return Fail(doc.error());
  return Read<KycRecord>(api_root_ + "/kyc", *doc, [](const json& j) { return ReadKyc(j); });
}

Result<KycRecord> PlatformClient::GetKyc() {
  auto doc = CallJson(*this, "GET", "/kyc", "");
  if (!doc) return Fail(doc.error());
  return Read<KycRecord>(api_root_ + "/kyc", *doc, [](const json& j) { return ReadKyc(j); });
}

Result<Identities> PlatformClient::ListIdentities() {
  auto doc = CallJson(*this, "GET", "/me/identities", "");
  if (!doc) return Fail(doc.error());
  return Read<Identities>(api_root_ + "/me/identities", *doc, [](const json& j) {
    Identities out;
    for (const auto& i : j.at("identities")) out.identities.push_back(ReadIdentity(i));
    out.current = j.at("current").get<int64_t>();
    return out;
  });
}

Result<Identity> PlatformClient::SwitchIdentity(int64_t identity_id) {
  json body = {{"identity_id", identity_id}};
  auto doc = CallJson(*this, "/me/identity", body);
  if (!doc) return Fail(doc.error());
  return Read<Identity>(api_root_ + "/me/identity", *doc,
                        [](const json& j) { return ReadIdentity(j); });
}

}  // namespace sealkey::client
