// A PKCS#11 session on one token, and the attribute templates passed to it.
//
// Login state: PKCS#11 logs a user in per token for the whole application,
// not per session, and C_Logout in any session ends it for all. Sessions
// therefore log in and out only with the module's auth_mutex() held, and a
// session that logged in logs out when destroyed unless a Signer still keeps
// the login (Module::user_login_holds). A login that finds the user already
// logged in logs out and in again, so a PIN is always really checked.
//
// Thread-safety: a Session is used from one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "token/pkcs11/module.h"

namespace sealkey::token::pkcs11 {

// Owns the values its CK_ATTRIBUTEs point to.
class Template {
 public:
  Template& Add(CK_ATTRIBUTE_TYPE type, ByteView value);
  Template& Add(CK_ATTRIBUTE_TYPE type, std::string_view value) {
    return Add(type, AsBytes(value));
  }
  Template& AddBool(CK_ATTRIBUTE_TYPE type, bool value);
  Template& AddUlong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);

  // Valid until the next Add.
  CK_ATTRIBUTE* data();
  CK_ULONG size() const { return static_cast<CK_ULONG>(values_.size()); }

 private:
  std::vector<std::pair<CK_ATTRIBUTE_TYPE, Bytes>> values_;
  std::vector<CK_ATTRIBUTE> attributes_;
};

// Fails with kInvalidArgument naming `field` when `pin` is empty or outside
// the token's ulMinPinLen..ulMaxPinLen, so a malformed PIN never costs a try.
Status CheckPinLength(const CK_TOKEN_INFO& info, const SecureBuffer& pin, std::string_view field);

class Session {
 public:
  // C_OpenSession with CKF_SERIAL_SESSION (and CKF_RW_SESSION).
  static Result<Session> Open(std::shared_ptr<Module> module, CK_SLOT_ID slot, bool read_write);

  Session(Session&& other) noexcept;
  Session& operator=(Session&&) = delete;
  Session(const Session&) = delete;
  ~Session();  // see the file comment; a logged-in Session dies with auth_mutex() held

  // C_Login. The caller holds module().auth_mutex() and has checked the PIN
  // length. Errors come from PinRvError, naming `field`.
  Status Login(CK_USER_TYPE user, const SecureBuffer& pin, std::string_view field);
  // Makes this session's user login outlive other sessions' logouts until
  // it is destroyed (for Signers). Requires a CKU_USER login.
  void KeepLogin();

  // Whether the user is logged in, from C_GetSessionInfo (CKS_R*_USER_FUNCTIONS).
  Result<bool> UserLoggedIn() const;

  // C_SetPIN / C_InitPIN; errors from PinRvError (field "new_pin" for
  // rejected new PINs).
  Status SetPin(const SecureBuffer& old_pin, const SecureBuffer& new_pin);
  Status InitPin(const SecureBuffer& new_pin);

  // C_FindObjectsInit / C_FindObjects / C_FindObjectsFinal.
  Result<std::vector<CK_OBJECT_HANDLE>> Find(Template& match);
  // The value of one attribute; nullopt when the object has no such
  // attribute or will not reveal it.
  Result<std::optional<Bytes>> Attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  // As Attribute, failing with kMalformed naming `name` when it is absent.
  Result<Bytes> RequiredAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type,
                                  std::string_view name);
  // A CK_BBOOL or CK_ULONG attribute; nullopt when absent.
  Result<std::optional<bool>> BoolAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  Result<std::optional<CK_ULONG>> UlongAttribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);

  Result<CK_OBJECT_HANDLE> CreateObject(Template& attributes);
  Status DestroyObject(CK_OBJECT_HANDLE object);
  // C_GenerateKeyPair; returns {public, private}.
  Result<std::pair<CK_OBJECT_HANDLE, CK_OBJECT_HANDLE>> GenerateKeyPair(
      CK_MECHANISM& mechanism, Template& public_template, Template& private_template);
  // C_SignInit + C_Sign (single part).
  Result<Bytes> Sign(CK_MECHANISM& mechanism, CK_OBJECT_HANDLE key, ByteView data);

  Module& module() const { return *module_; }
  CK_SLOT_ID slot() const { return slot_; }

 private:
  Session(std::shared_ptr<Module> module, CK_SLOT_ID slot, CK_SESSION_HANDLE handle)
      : module_(std::move(module)), slot_(slot), handle_(handle) {}
  const CK_FUNCTION_LIST& api() const { return module_->api(); }
  CK_FLAGS TokenFlags() const;

  std::shared_ptr<Module> module_;
  CK_SLOT_ID slot_;
  CK_SESSION_HANDLE handle_;
  bool open_ = true;
  bool logged_in_ = false;
  CK_USER_TYPE user_ = CKU_USER;
  bool keeps_login_ = false;
};

}  // namespace sealkey::token::pkcs11
