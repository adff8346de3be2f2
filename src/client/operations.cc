// The executor: request validation, device lookup and PIN handling.
#include "client/operations.h"

#include <algorithm>
#include <openssl/crypto.h>

#include "base/encoding.h"
#include "client/operations_internal.h"
#include "crypto/x509.h"

namespace sealkey::client {

using ops::json;

json ErrorResponse(const Error& e) {
  return {{"ok", false},
          {"error",
           {{"code", std::string(ErrorCodeName(e.code))}, {"field", e.field}, {"message", e.message}}}};
}

Result<json> ResultOf(const json& response) {
  if (response.value("ok", false)) return response.value("result", json::object());
  const json& e = response.value("error", json::object());
  auto code = ErrorCodeFromName(e.value("code", "internal"));
  return Fail(code ? *code : ErrorCode::kInternal, e.value("message", "unknown error"),
              e.value("field", ""));
}

bool OpNeedsPin(std::string_view op) {
  const ops::OpSpec* spec = ops::FindOp(op);
  return spec && spec->needs_pin;
}

namespace {

// Wipes every secret the request carries; called on every path.
void WipeSecrets(json& req) {
  for (const char* key : {"pin", "new_pin", "so_pin", "password"}) {
    if (req.contains(key) && req[key].is_string()) {
      std::string& s = req[key].get_ref<std::string&>();
      OPENSSL_cleanse(s.data(), s.size());
    }
  }
}

Result<json> Run(const ExecContext& ctx, json& req) {
  auto op = ops::StringField(req, "op");
  if (!op) return Fail(op.error());
  const ops::OpSpec* spec = ops::FindOp(*op);
  if (!spec) return Fail(ErrorCode::kInvalidArgument, "unknown operation '" + *op + "'", "op");

  std::unique_ptr<token::Device> dev;
  std::string device_id;
  if (spec->needs_device) {
    auto sel = ops::StringField(req, "device");
    if (!sel) return Fail(sel.error());
    auto found = ctx.profile.FindDevice(*sel);
    if (!found) return Fail(found.error());
    dev = std::move(*found);
    auto info = dev->Info();
    if (!info) return Fail(info.error());
    device_id = info->id;
  }
  if (!spec->needs_pin) {
    auto result = spec->handler(ctx, req, dev.get(), nullptr);
    // A PIN change or unblock makes any cached PIN for the device stale.
    if (ctx.cache && !device_id.empty() && (*op == "device.change_pin" || *op == "device.unblock")) {
      ctx.cache->Erase(device_id);
    }
    return result;
  }

  std::optional<SecureBuffer> pin;
  bool from_cache = false;
  if (req.contains("pin")) {
    auto given = ops::SecretField(req, "pin");
    if (!given) return Fail(given.error());
    pin = std::move(*given);
  } else if (ctx.cache) {
    pin = ctx.cache->Get(device_id);
    from_cache = pin.has_value();
  }
  if (!pin) return Fail(ErrorCode::kPinRequired, "this operation needs the device PIN", "pin");

  auto result = spec->handler(ctx, req, dev.get(), &*pin);
  if (!result) {
    ErrorCode code = result.error().code;
    if (code == ErrorCode::kPinIncorrect || code == ErrorCode::kPinLocked) {
      if (ctx.cache) ctx.cache->Erase(device_id);  // a wrong PIN is never kept
      if (from_cache && code == ErrorCode::kPinIncorrect) {
        return Fail(ErrorCode::kPinRequired,
                    "the cached PIN is no longer valid (" + result.error().message + ")", "pin");
      }
    }
    return result;
  }
  if (ctx.cache && !from_cache) {
    auto settings = ctx.profile.LoadSettings();  // read now: changes apply at the next PIN entry
    if (settings) ctx.cache->Put(device_id, *pin, settings->pin_cache_minutes);
  }
  return result;
}

}  // namespace

json Execute(const ExecContext& ctx, json& request) {
  Result<json> result = Fail(ErrorCode::kInternal, "not run");
  try {
    result = Run(ctx, request);
  } catch (const std::exception& e) {
    result = Fail(ErrorCode::kInternal, std::string("unexpected failure: ") + e.what());
  }
  WipeSecrets(request);
  if (!result) return ErrorResponse(result.error());
  return {{"ok", true}, {"result", std::move(*result)}};
}

namespace ops {

Result<std::string> StringField(const json& req, const char* key) {
  if (!req.contains(key) || !req[key].is_string()) {
    return Fail(ErrorCode::kInvalidArgument, "is required", key);
  }
  return req[key].get<std::string>();
}

Result<Bytes> HexField(const json& req, const char* key) {
  auto s = StringField(req, key);
  if (!s) return Fail(s.error());
  auto b = HexDecode(*s);
  if (!b) return Fail(ErrorCode::kMalformed, "is not hex", key);
  return *b;
}

Result<SecureBuffer> SecretField(const json& req, const char* key) {
  if (!req.contains(key) || !req[key].is_string()) {
    return Fail(ErrorCode::kInvalidArgument, "is required", key);
  }
  const std::string& hex = req[key].get_ref<const std::string&>();
  auto b = HexDecode(hex);
  if (!b) return Fail(ErrorCode::kMalformed, "is not hex", key);
  SecureBuffer out(*b);
  OPENSSL_cleanse(b->data(), b->size());
  return out;
}

json InfoToJson(const token::DeviceInfo& i) {
  auto pin = [](const token::PinStatus& p) {
    return json{{"state", std::string(token::PinStateToken(p.state))},
                {"tries_left", p.tries_left},
                {"max_tries", p.max_tries}};
  };
  json j = {{"id", i.id},
            {"kind", std::string(token::DeviceKindToken(i.kind))},
            {"label", i.label},
            {"serial", i.serial},
            {"manufacturer", i.manufacturer},
            {"model", i.model},
            {"created", i.created},
            {"user_pin", pin(i.user_pin)},
            {"so_pin", pin(i.so_pin)},
            {"certificates", i.certificate_count}};
  if (i.capacity) j["capacity"] = *i.capacity;
  if (i.free_space) j["free"] = *i.free_space;
  return j;
}

json CertToJson(const token::DeviceInfo& dev, const token::CertificateEntry& e, int64_t now) {
  json j = {{"device", dev.id}, {"device_label", dev.label}, {"ref", e.ref},
            {"container", e.container}, {"has_private_key", e.has_private_key},
            {"der", HexEncode(e.der)}};
  if (e.usage) j["usage"] = std::string(token::KeyUsageToken(*e.usage));
  auto cert = crypto::Certificate::FromDer(e.der);
  if (cert) {
    crypto::CertificateInfo info = cert->Info();
    j["subject"] = crypto::FormatName(info.subject);
    j["issuer"] = crypto::FormatName(info.issuer);
    j["serial"] = info.serial;
    j["not_before"] = info.not_before;
    j["not_after"] = info.not_after;
    j["type"] = std::string(crypto::CertUsageToken(info.usage));
    j["algorithm"] = info.public_key_algorithm;
    j["sha1"] = HexEncode(cert->Thumbprint(crypto::HashAlg::kSha1));
    // Near expiry: inside the renewal window, the last third of the
    // validity (issue 6), or the last 30 days, whichever starts first.
    std::string status = "valid";
    int64_t window = std::max<int64_t>((info.not_after - info.not_before) / 3, 30 * 86400);
    if (now >= info.not_after) status = "expired";
    else if (now < info.not_before) status = "not_yet_valid";
    else if (info.not_after - now < window) status = "expiring";
    j["status"] = status;
  }
  return j;
}

}  // namespace ops
}  // namespace sealkey::client
