// Session and login functions (PKCS#11 v2.40 5.6).
//
// Login state belongs to the token, shared by all sessions of the
// application on that slot:
//   state                 RO session              RW session
//   nobody logged in      CKS_RO_PUBLIC_SESSION   CKS_RW_PUBLIC_SESSION
//   user (CKU_USER)       CKS_RO_USER_FUNCTIONS   CKS_RW_USER_FUNCTIONS
//   SO (CKU_SO)           (not allowed)           CKS_RW_SO_FUNCTIONS
// Closing the last session of a slot logs out.
#include "pkcs11/api.h"
#include "pkcs11/errors.h"
#include "pkcs11/module.h"

using namespace sealkey::p11;  // NOLINT
using sealkey::SecureBuffer;

SEALKEY_P11_API C_OpenSession(CK_SLOT_ID slot, CK_FLAGS flags, CK_VOID_PTR, CK_NOTIFY,
                              CK_SESSION_HANDLE_PTR session) {
  SEALKEY_P11_LOCK();
  if (!session) return CKR_ARGUMENTS_BAD;
  Token* t = m.TokenOf(slot);
  if (!t) return CKR_SLOT_ID_INVALID;
  if (!(flags & CKF_SERIAL_SESSION)) return CKR_SESSION_PARALLEL_NOT_SUPPORTED;
  if (!t->initialised()) return CKR_TOKEN_NOT_RECOGNIZED;
  if (!(flags & CKF_RW_SESSION) && t->logged_in() == CKU_SO) return CKR_SESSION_READ_WRITE_SO_EXISTS;
  auto s = std::make_shared<Session>();
  s->slot = slot;
  s->flags = flags;
  *session = m.next_session++;
  m.sessions[*session] = std::move(s);
  return CKR_OK;
}

static void LogoutIfLast(Module& m, CK_SLOT_ID slot) {
  if (m.SessionCount(slot) == 0) {
    if (Token* t = m.TokenOf(slot)) t->Logout();
  }
}

SEALKEY_P11_API C_CloseSession(CK_SESSION_HANDLE h) {
  SEALKEY_P11_LOCK();
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  CK_SLOT_ID slot = it->second->slot;
  m.sessions.erase(it);
  m.TokenOf(slot)->DropSessionObjects(h);
  LogoutIfLast(m, slot);
  return CKR_OK;
}

SEALKEY_P11_API C_CloseAllSessions(CK_SLOT_ID slot) {
  SEALKEY_P11_LOCK();
  if (!m.TokenOf(slot)) return CKR_SLOT_ID_INVALID;
  std::erase_if(m.sessions, [&](const auto& kv) {
    if (kv.second->slot != slot) return false;
    m.TokenOf(slot)->DropSessionObjects(kv.first);
    return true;
  });
  LogoutIfLast(m, slot);
  return CKR_OK;
}

SEALKEY_P11_API C_GetSessionInfo(CK_SESSION_HANDLE h, CK_SESSION_INFO_PTR info) {
  SEALKEY_P11_LOCK();
  if (!info) return CKR_ARGUMENTS_BAD;
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  info->slotID = s->slot;
  info->state = m.StateOf(*s, *t);
  info->flags = s->flags;
  info->ulDeviceError = 0;
  return CKR_OK;
}

SEALKEY_P11_API C_Login(CK_SESSION_HANDLE h, CK_USER_TYPE user, CK_UTF8CHAR_PTR pin,
                        CK_ULONG pin_len) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  if (user == CKU_CONTEXT_SPECIFIC) return CKR_OPERATION_NOT_INITIALIZED;
  if (user != CKU_USER && user != CKU_SO) return CKR_USER_TYPE_INVALID;
  if (t->logged_in() == user) return CKR_USER_ALREADY_LOGGED_IN;
  if (t->logged_in() != kNobody) return CKR_USER_ANOTHER_ALREADY_LOGGED_IN;
  if (user == CKU_SO && m.HasReadOnlySession(s->slot)) return CKR_SESSION_READ_ONLY_EXISTS;
  if (!pin) return CKR_ARGUMENTS_BAD;
  return t->Login(user, SecureBuffer(sealkey::ByteView(pin, pin_len)));
}

SEALKEY_P11_API C_Logout(CK_SESSION_HANDLE h) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  if (t->logged_in() == kNobody) return CKR_USER_NOT_LOGGED_IN;
  t->Logout();
  return CKR_OK;
}

SEALKEY_P11_API C_InitPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  if (!(s->flags & CKF_RW_SESSION)) return CKR_SESSION_READ_ONLY;
  if (t->logged_in() != CKU_SO) return CKR_USER_NOT_LOGGED_IN;
  if (!pin) return CKR_ARGUMENTS_BAD;
  return t->InitPin(SecureBuffer(sealkey::ByteView(pin, pin_len)));
}

SEALKEY_P11_API C_SetPIN(CK_SESSION_HANDLE h, CK_UTF8CHAR_PTR old_pin, CK_ULONG old_len,
                         CK_UTF8CHAR_PTR new_pin, CK_ULONG new_len) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  if (!(s->flags & CKF_RW_SESSION)) return CKR_SESSION_READ_ONLY;
  if (!old_pin || !new_pin) return CKR_ARGUMENTS_BAD;
  return t->SetPin(SecureBuffer(sealkey::ByteView(old_pin, old_len)),
                   SecureBuffer(sealkey::ByteView(new_pin, new_len)));
}

SEALKEY_P11_API C_GetOperationState(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR) {
  return CKR_FUNCTION_NOT_SUPPORTED;
}

SEALKEY_P11_API C_SetOperationState(CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_OBJECT_HANDLE,
                                    CK_OBJECT_HANDLE) {
  return CKR_FUNCTION_NOT_SUPPORTED;
}
