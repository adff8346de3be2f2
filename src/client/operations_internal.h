// Internal to the executor: the handler table shared by operations*.cc.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "base/secure_buffer.h"
#include "client/operations.h"
#include "token/device.h"

namespace sealkey::client::ops {

using nlohmann::json;

// `pin` is null for operations that do not need one.
using Handler = Result<json> (*)(const ExecContext& ctx, const json& req, token::Device* dev,
                                 const SecureBuffer* pin);

struct OpSpec {
  const char* name;
  bool needs_device;
  bool needs_pin;
  Handler handler;
};

// Table of every operation (operations_table.cc).
const OpSpec* FindOp(std::string_view name);

// Field access with errors naming the field.
Result<std::string> StringField(const json& req, const char* key);
Result<Bytes> HexField(const json& req, const char* key);
Result<SecureBuffer> SecretField(const json& req, const char* key);

json InfoToJson(const token::DeviceInfo& info);
json CertToJson(const token::DeviceInfo& dev, const token::CertificateEntry& e, int64_t now);

// Handlers.
Result<json> DeviceList(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> DeviceInfo(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> DeviceChangePin(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> DeviceUnblock(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> DeviceVerifyPin(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> CertList(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> CertGet(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> CertDelete(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> CertImport(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> KeyGenerate(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> Sign(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> KeyCsr(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> CertInstall(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> KeyDelete(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> SealList(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> SealWrite(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> SealRead(const ExecContext&, const json&, token::Device*, const SecureBuffer*);
Result<json> SealDelete(const ExecContext&, const json&, token::Device*, const SecureBuffer*);

// Finds the certificate `sel` (ref or SHA-1 thumbprint) on `dev`.
Result<token::CertificateEntry> FindCert(token::Device& dev, std::string_view sel);

}  // namespace sealkey::client::ops
