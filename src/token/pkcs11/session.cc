#include "token/pkcs11/session.h"

#include <cstring>

namespace sealkey::token::pkcs11 {
namespace {

CK_UTF8CHAR* PinPtr(const SecureBuffer& pin) { return const_cast<CK_UTF8CHAR*>(pin.data()); }

bool Unavailable(CK_RV rv, const CK_ATTRIBUTE& attribute) {
  return rv == CKR_ATTRIBUTE_TYPE_INVALID || rv == CKR_ATTRIBUTE_SENSITIVE ||
         attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION;
}

}  // namespace

Template& Template::Add(CK_ATTRIBUTE_TYPE type, ByteView value) {
  values_.emplace_back(type, Bytes(value.begin(), value.end()));
  return *this;
}

Template& Template::AddBool(CK_ATTRIBUTE_TYPE type, bool value) {
  CK_BBOOL b = value ? CK_TRUE : CK_FALSE;
  values_.emplace_back(type, Bytes{b});
  return *this;
}

Template& Template::AddUlong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
  Bytes bytes(sizeof value);
  std::memcpy(bytes.data(), &value, sizeof value);
  values_.emplace_back(type, std::move(bytes));
  return *this;
}

CK_ATTRIBUTE* Template::data() {
  attributes_.clear();
  for (auto& [type, value] : values_) {
    attributes_.push_back(
        CK_ATTRIBUTE{type, value.empty() ? nullptr : value.data(), value.size()});
  }
  return attributes_.data();
}

Status CheckPinLength(const CK_TOKEN_INFO& info, const SecureBuffer& pin,
                      std::string_view field) {
  if (pin.empty()) return Fail(ErrorCode::kInvalidArgument, "the PIN is empty", std::string(field));
  if (pin.size() < info.ulMinPinLen) {
    return Fail(ErrorCode::kInvalidArgument,
                "the PIN is too short: this token needs at least " +
                    std::to_string(info.ulMinPinLen) + " characters",
                std::string(field));
  }
  // Some tokens leave ulMaxPinLen 0 or below the minimum: no usable bound.
  if (info.ulMaxPinLen >= info.ulMinPinLen && info.ulMaxPinLen > 0 &&
      pin.size() > info.ulMaxPinLen) {
    return Fail(ErrorCode::kInvalidArgument,
                "the PIN is too long: this token takes at most " +
                    std::to_string(info.ulMaxPinLen) + " characters",
                std::string(field));
  }
  return Ok();
}

Result<Session> Session::Open(std::shared_ptr<Module> module, CK_SLOT_ID slot,
                              bool read_write) {
  CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
  CK_SESSION_HANDLE handle = CK_INVALID_HANDLE;
  CK_RV rv = module->api().C_OpenSession(slot, flags, nullptr, nullptr, &handle);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_OpenSession"));
  return Session(std::move(module), slot, handle);
}

Session::Session(Session&& other) noexcept
    : module_(other.module_),
      slot_(other.slot_),
      handle_(other.handle_),
      open_(other.open_),
      logged_in_(other.logged_in_),
      user_(other.user_),
      keeps_login_(other.keeps_login_) {
  other.open_ = false;
}

Session::~Session() {
  if (!open_) return;
  if (logged_in_) {
    int& holds = module_->user_login_holds(slot_);
    if (keeps_login_) --holds;
    if (user_ == CKU_SO || holds == 0) api().C_Logout(handle_);
  }
  api().C_CloseSession(handle_);
}

CK_FLAGS Session::TokenFlags() const {
  auto info = module_->TokenInfo(slot_);
  return info ? info->flags : 0;
}

Status Session::Login(CK_USER_TYPE user, const SecureBuffer& pin, std::string_view field) {
  CK_RV rv = api().C_Login(handle_, user, PinPtr(pin), pin.size());
  if (rv == CKR_USER_ALREADY_LOGGED_IN || rv == CKR_USER_ANOTHER_ALREADY_LOGGED_IN) {
    // Someone in this process (a Signer) is logged in; C_Login then checks
    // nothing, so start over to verify this PIN.
    api().C_Logout(handle_);
    rv = api().C_Login(handle_, user, PinPtr(pin), pin.size());
  }
  if (rv != CKR_OK) return Fail(PinRvError(rv, "C_Login", user, TokenFlags(), field));
  logged_in_ = true;
  user_ = user;
  return Ok();
}

void Session::KeepLogin() {
  if (!logged_in_ || user_ != CKU_USER || keeps_login_) return;
  keeps_login_ = true;
  ++module_->user_login_holds(slot_);
}

Result<bool> Session::UserLoggedIn() const {
  CK_SESSION_INFO info{};
  CK_RV rv = api().C_GetSessionInfo(handle_, &info);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GetSessionInfo"));
  return info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS;
}

Status Session::SetPin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) {
  CK_RV rv = api().C_SetPIN(handle_, PinPtr(old_pin), old_pin.size(), PinPtr(new_pin),
                            new_pin.size());
  if (rv == CKR_OK) return Ok();
  bool old_at_fault = rv == CKR_PIN_INCORRECT || rv == CKR_PIN_LOCKED;
  return Fail(PinRvError(rv, "C_SetPIN", CKU_USER, TokenFlags(), old_at_fault ? "pin" : "new_pin"));
}

Status Session::InitPin(const SecureBuffer& new_pin) {
  CK_RV rv = api().C_InitPIN(handle_, PinPtr(new_pin), new_pin.size());
  if (rv == CKR_OK) return Ok();
  return Fail(PinRvError(rv, "C_InitPIN", CKU_USER, TokenFlags(), "new_pin"));
}

Result<std::vector<CK_OBJECT_HANDLE>> Session::Find(Template& match) {
  CK_RV rv = api().C_FindObjectsInit(handle_, match.data(), match.size());
  if (rv != CKR_OK) return Fail(RvError(rv, "C_FindObjectsInit"));
  std::vector<CK_OBJECT_HANDLE> found;
  CK_OBJECT_HANDLE batch[64];
  for (;;) {
    CK_ULONG count = 0;
    rv = api().C_FindObjects(handle_, batch, std::size(batch), &count);
    if (rv != CKR_OK || count == 0) break;
    found.insert(found.end(), batch, batch + count);
  }
  CK_RV final_rv = api().C_FindObjectsFinal(handle_);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_FindObjects"));
  if (final_rv != CKR_OK) return Fail(RvError(final_rv, "C_FindObjectsFinal"));
  return found;
}

Result<std::optional<Bytes>> Session::Attribute(CK_OBJECT_HANDLE object,
                                                CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE attribute{type, nullptr, 0};
  CK_RV rv = api().C_GetAttributeValue(handle_, object, &attribute, 1);
  if (Unavailable(rv, attribute)) return std::optional<Bytes>();
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GetAttributeValue"));
  Bytes value(attribute.ulValueLen);
  attribute.pValue = value.data();
  rv = api().C_GetAttributeValue(handle_, object, &attribute, 1);
  if (Unavailable(rv, attribute)) return std::optional<Bytes>();
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GetAttributeValue"));
  value.resize(attribute.ulValueLen);
  return std::optional<Bytes>(std::move(value));
}

Result<Bytes> Session::RequiredAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
                                         std::string_view name) {
  auto value = Attribute(object, type);
  if (!value) return Fail(value.error());
  if (!*value) {
    return Fail(ErrorCode::kMalformed, "token object has no " + std::string(name));
  }
  return std::move(**value);
}

Result<std::optional<bool>> Session::BoolAttribute(CK_OBJECT_HANDLE object,
                                                   CK_ATTRIBUTE_TYPE type) {
  auto value = Attribute(object, type);
  if (!value) return Fail(value.error());
  if (!*value || (*value)->size() != sizeof(CK_BBOOL)) return std::optional<bool>();
  return std::optional<bool>((**value)[0] != CK_FALSE);
}

Result<std::optional<CK_ULONG>> Session::UlongAttribute(CK_OBJECT_HANDLE object,
                                                        CK_ATTRIBUTE_TYPE type) {
  auto value = Attribute(object, type);
  if (!value) return Fail(value.error());
  if (!*value || (*value)->size() != sizeof(CK_ULONG)) return std::optional<CK_ULONG>();
  CK_ULONG out = 0;
  std::memcpy(&out, (*value)->data(), sizeof out);
  return std::optional<CK_ULONG>(out);
}

Result<CK_OBJECT_HANDLE> Session::CreateObject(Template& attributes) {
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  CK_RV rv = api().C_CreateObject(handle_, attributes.data(), attributes.size(), &object);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_CreateObject"));
  return object;
}

Status Session::DestroyObject(CK_OBJECT_HANDLE object) {
  CK_RV rv = api().C_DestroyObject(handle_, object);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_DestroyObject"));
  return Ok();
}

Result<std::pair<CK_OBJECT_HANDLE, CK_OBJECT_HANDLE>> Session::GenerateKeyPair(
    CK_MECHANISM& mechanism, Template& public_template, Template& private_template) {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  CK_RV rv = api().C_GenerateKeyPair(handle_, &mechanism, public_template.data(),
                                     public_template.size(), private_template.data(),
                                     private_template.size(), &public_key, &private_key);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GenerateKeyPair"));
  return std::pair{public_key, private_key};
}

Result<Bytes> Session::Sign(CK_MECHANISM& mechanism, CK_OBJECT_HANDLE key, ByteView data) {
  CK_RV rv = api().C_SignInit(handle_, &mechanism, key);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_SignInit"));
  auto* in = const_cast<CK_BYTE*>(data.data());
  CK_ULONG length = 0;
  // The length query leaves the operation active (PKCS#11 5.2 "Conventions
  // for functions returning output in a variable-length buffer").
  rv = api().C_Sign(handle_, in, data.size(), nullptr, &length);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_Sign"));
  Bytes signature(length);
  rv = api().C_Sign(handle_, in, data.size(), signature.data(), &length);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_Sign"));
  signature.resize(length);
  return signature;
}

}  // namespace sealkey::token::pkcs11
