// General-purpose, slot and token management functions (PKCS#11 v2.40 5.4-5.5).
#include "crypto/random.h"
#include "pkcs11/api.h"
#include "pkcs11/errors.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/module.h"

using namespace sealkey::p11;  // NOLINT: entry points live in the global namespace
using sealkey::SecureBuffer;

SEALKEY_P11_API C_Initialize(CK_VOID_PTR init_args) {
  Module& m = TheModule();
  std::lock_guard<std::mutex> lock(m.mu);
  if (m.initialized) return CKR_CRYPTOKI_ALREADY_INITIALIZED;
  if (init_args) {
    auto* args = static_cast<CK_C_INITIALIZE_ARGS*>(init_args);
    if (args->pReserved) return CKR_ARGUMENTS_BAD;
    bool some = args->CreateMutex || args->DestroyMutex || args->LockMutex || args->UnlockMutex;
    bool all = args->CreateMutex && args->DestroyMutex && args->LockMutex && args->UnlockMutex;
    if (some && !all) return CKR_ARGUMENTS_BAD;
    // We lock with the OS's primitives; an application that offers only its
    // own mutexes cannot be served.
    if (all && !(args->flags & CKF_OS_LOCKING_OK)) return CKR_CANT_LOCK;
  }
  CK_RV rv = m.Load();
  if (rv == CKR_OK) m.initialized = true;
  return rv;
}

SEALKEY_P11_API C_Finalize(CK_VOID_PTR reserved) {
  if (reserved) return CKR_ARGUMENTS_BAD;
  SEALKEY_P11_LOCK();
  m.Unload();
  m.initialized = false;
  return CKR_OK;
}

SEALKEY_P11_API C_GetInfo(CK_INFO_PTR info) {
  SEALKEY_P11_LOCK();
  if (!info) return CKR_ARGUMENTS_BAD;
  std::memset(info, 0, sizeof *info);
  info->cryptokiVersion = {2, 40};
  PadCopy(info->manufacturerID, sizeof info->manufacturerID, "sealkey");
  PadCopy(info->libraryDescription, sizeof info->libraryDescription, "sealkey file devices");
  info->libraryVersion = {0, 1};
  return CKR_OK;
}

SEALKEY_P11_API C_GetFunctionList(CK_FUNCTION_LIST_PTR_PTR list) {
  if (!list) return CKR_ARGUMENTS_BAD;
  *list = &kFunctionList;
  return CKR_OK;
}

SEALKEY_P11_API C_GetSlotList(CK_BBOOL token_present, CK_SLOT_ID_PTR list, CK_ULONG_PTR count) {
  SEALKEY_P11_LOCK();
  if (!count) return CKR_ARGUMENTS_BAD;
  m.EnsureSpareSlot();
  std::vector<CK_SLOT_ID> ids;
  for (CK_SLOT_ID i = 0; i < m.slots.size(); ++i) ids.push_back(i);  // every slot has a token
  (void)token_present;
  if (!list) {
    *count = ids.size();
    return CKR_OK;
  }
  if (*count < ids.size()) {
    *count = ids.size();
    return CKR_BUFFER_TOO_SMALL;
  }
  for (size_t i = 0; i < ids.size(); ++i) list[i] = ids[i];
  *count = ids.size();
  return CKR_OK;
}

SEALKEY_P11_API C_GetSlotInfo(CK_SLOT_ID slot, CK_SLOT_INFO_PTR info) {
  SEALKEY_P11_LOCK();
  if (!info) return CKR_ARGUMENTS_BAD;
  Token* t = m.TokenOf(slot);
  if (!t) return CKR_SLOT_ID_INVALID;
  std::memset(info, 0, sizeof *info);
  PadCopy(info->slotDescription, sizeof info->slotDescription,
          t->initialised() ? "sealkey file device" : "sealkey: new file device (C_InitToken)");
  PadCopy(info->manufacturerID, sizeof info->manufacturerID, "sealkey");
  info->flags = CKF_TOKEN_PRESENT;
  info->hardwareVersion = {0, 1};
  info->firmwareVersion = {0, 1};
  return CKR_OK;
}

SEALKEY_P11_API C_GetTokenInfo(CK_SLOT_ID slot, CK_TOKEN_INFO_PTR info) {
  SEALKEY_P11_LOCK();
  if (!info) return CKR_ARGUMENTS_BAD;
  Token* t = m.TokenOf(slot);
  if (!t) return CKR_SLOT_ID_INVALID;
  CK_RV rv = t->Refresh();
  if (rv != CKR_OK) return rv;
  t->FillTokenInfo(info);
  CK_ULONG total = m.SessionCount(slot), rw = 0;
  for (const auto& kv : m.sessions) {
    if (kv.second->slot == slot && (kv.second->flags & CKF_RW_SESSION)) ++rw;
  }
  info->ulSessionCount = total;
  info->ulRwSessionCount = rw;
  return CKR_OK;
}

SEALKEY_P11_API C_GetMechanismList(CK_SLOT_ID slot, CK_MECHANISM_TYPE_PTR list,
                                   CK_ULONG_PTR count) {
  SEALKEY_P11_LOCK();
  if (!count) return CKR_ARGUMENTS_BAD;
  if (!m.TokenOf(slot)) return CKR_SLOT_ID_INVALID;
  return MechanismList(list, count);
}

SEALKEY_P11_API C_GetMechanismInfo(CK_SLOT_ID slot, CK_MECHANISM_TYPE type,
                                   CK_MECHANISM_INFO_PTR info) {
  SEALKEY_P11_LOCK();
  if (!info) return CKR_ARGUMENTS_BAD;
  if (!m.TokenOf(slot)) return CKR_SLOT_ID_INVALID;
  return MechanismInfo(type, info);
}

SEALKEY_P11_API C_InitToken(CK_SLOT_ID slot, CK_UTF8CHAR_PTR pin, CK_ULONG pin_len,
                            CK_UTF8CHAR_PTR label) {
  SEALKEY_P11_LOCK();
  Token* t = m.TokenOf(slot);
  if (!t) return CKR_SLOT_ID_INVALID;
  if (!pin || !label) return CKR_ARGUMENTS_BAD;
  if (m.SessionCount(slot)) return CKR_SESSION_EXISTS;
  std::string text(reinterpret_cast<const char*>(label), 32);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) text.pop_back();
  SecureBuffer so_pin(sealkey::ByteView(pin, pin_len));
  CK_RV rv = t->InitToken(so_pin, text);
  if (rv == CKR_OK) m.EnsureSpareSlot();
  return rv;
}

SEALKEY_P11_API C_WaitForSlotEvent(CK_FLAGS, CK_SLOT_ID_PTR, CK_VOID_PTR) {
  return CKR_FUNCTION_NOT_SUPPORTED;
}
