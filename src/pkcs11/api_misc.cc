// Digests, random numbers, unsupported functions and the function list.
#include <openssl/rand.h>

#include "pkcs11/api.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/module.h"

using namespace sealkey::p11;  // NOLINT

SEALKEY_P11_API C_DigestInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech) {
  SEALKEY_P11_LOCK();
  if (!mech) return CKR_ARGUMENTS_BAD;
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  if (it->second->digest) return CKR_OPERATION_ACTIVE;
  sealkey::crypto::HashAlg alg;
  CK_RV rv = DigestAlg(mech->mechanism, &alg);
  if (rv != CKR_OK) return rv;
  if (mech->ulParameterLen) return CKR_MECHANISM_PARAM_INVALID;
  it->second->digest.emplace(alg);
  return CKR_OK;
}

static CK_RV DigestOut(Session& s, CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  if (!out_len) return CKR_ARGUMENTS_BAD;
  size_t size = sealkey::crypto::HashSize(s.digest->alg());
  if (!out) {
    *out_len = size;
    return CKR_OK;
  }
  if (*out_len < size) {
    *out_len = size;
    return CKR_BUFFER_TOO_SMALL;
  }
  sealkey::Bytes d = s.digest->Final();
  std::memcpy(out, d.data(), d.size());
  *out_len = d.size();
  s.digest.reset();
  return CKR_OK;
}

SEALKEY_P11_API C_Digest(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR out,
                         CK_ULONG_PTR out_len) {
  SEALKEY_P11_LOCK();
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  Session& s = *it->second;
  if (!s.digest) return CKR_OPERATION_NOT_INITIALIZED;
  if (!data && len) return CKR_ARGUMENTS_BAD;
  if (!out) return DigestOut(s, out, out_len);
  if (out_len && *out_len < sealkey::crypto::HashSize(s.digest->alg())) {
    return DigestOut(s, out, out_len);
  }
  if (len) s.digest->Update(sealkey::ByteView(data, len));
  return DigestOut(s, out, out_len);
}

SEALKEY_P11_API C_DigestUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len) {
  SEALKEY_P11_LOCK();
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  if (!it->second->digest) return CKR_OPERATION_NOT_INITIALIZED;
  if (!part && len) return CKR_ARGUMENTS_BAD;
  if (len) it->second->digest->Update(sealkey::ByteView(part, len));
  return CKR_OK;
}

SEALKEY_P11_API C_DigestFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG_PTR out_len) {
  SEALKEY_P11_LOCK();
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  if (!it->second->digest) return CKR_OPERATION_NOT_INITIALIZED;
  return DigestOut(*it->second, out, out_len);
}

SEALKEY_P11_API C_DigestKey(CK_SESSION_HANDLE, CK_OBJECT_HANDLE) { return CKR_FUNCTION_NOT_SUPPORTED; }

SEALKEY_P11_API C_GenerateRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR out, CK_ULONG len) {
  SEALKEY_P11_LOCK();
  if (!m.sessions.count(h)) return CKR_SESSION_HANDLE_INVALID;
  if (!out && len) return CKR_ARGUMENTS_BAD;
  if (len && RAND_bytes(out, static_cast<int>(len)) != 1) return CKR_FUNCTION_FAILED;
  return CKR_OK;
}

SEALKEY_P11_API C_SeedRandom(CK_SESSION_HANDLE h, CK_BYTE_PTR seed, CK_ULONG len) {
  SEALKEY_P11_LOCK();
  if (!m.sessions.count(h)) return CKR_SESSION_HANDLE_INVALID;
  if (!seed && len) return CKR_ARGUMENTS_BAD;
  if (len) RAND_seed(seed, static_cast<int>(len));  // mixed in; never the only entropy
  return CKR_OK;
}

// Not offered: multi-part encryption, recovery, dual-function, wrapping and
// derivation, legacy parallel functions.
#define SEALKEY_P11_UNSUPPORTED(name, ...) \
  SEALKEY_P11_API name(__VA_ARGS__) { return CKR_FUNCTION_NOT_SUPPORTED; }
SEALKEY_P11_UNSUPPORTED(C_EncryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_EncryptFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_DecryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_DecryptFinal, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_SignRecoverInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
SEALKEY_P11_UNSUPPORTED(C_SignRecover, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_VerifyRecoverInit, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE)
SEALKEY_P11_UNSUPPORTED(C_VerifyRecover, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_DigestEncryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_DecryptDigestUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_SignEncryptUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_DecryptVerifyUpdate, CK_SESSION_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_WrapKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG_PTR)
SEALKEY_P11_UNSUPPORTED(C_UnwrapKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_BYTE_PTR, CK_ULONG, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
SEALKEY_P11_UNSUPPORTED(C_DeriveKey, CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG, CK_OBJECT_HANDLE_PTR)
#undef SEALKEY_P11_UNSUPPORTED

SEALKEY_P11_API C_GetFunctionStatus(CK_SESSION_HANDLE) { return CKR_FUNCTION_NOT_PARALLEL; }
SEALKEY_P11_API C_CancelFunction(CK_SESSION_HANDLE) { return CKR_FUNCTION_NOT_PARALLEL; }

namespace sealkey::p11 {

CK_FUNCTION_LIST kFunctionList = {
    {2, 40},
    C_Initialize, C_Finalize, C_GetInfo, C_GetFunctionList, C_GetSlotList, C_GetSlotInfo,
    C_GetTokenInfo, C_GetMechanismList, C_GetMechanismInfo, C_InitToken, C_InitPIN, C_SetPIN,
    C_OpenSession, C_CloseSession, C_CloseAllSessions, C_GetSessionInfo, C_GetOperationState,
    C_SetOperationState, C_Login, C_Logout, C_CreateObject, C_CopyObject, C_DestroyObject,
    C_GetObjectSize, C_GetAttributeValue, C_SetAttributeValue, C_FindObjectsInit, C_FindObjects,
    C_FindObjectsFinal, C_EncryptInit, C_Encrypt, C_EncryptUpdate, C_EncryptFinal, C_DecryptInit,
    C_Decrypt, C_DecryptUpdate, C_DecryptFinal, C_DigestInit, C_Digest, C_DigestUpdate,
    C_DigestKey, C_DigestFinal, C_SignInit, C_Sign, C_SignUpdate, C_SignFinal, C_SignRecoverInit,
    C_SignRecover, C_VerifyInit, C_Verify, C_VerifyUpdate, C_VerifyFinal, C_VerifyRecoverInit,
    C_VerifyRecover, C_DigestEncryptUpdate, C_DecryptDigestUpdate, C_SignEncryptUpdate,
    C_DecryptVerifyUpdate, C_GenerateKey, C_GenerateKeyPair, C_WrapKey, C_UnwrapKey, C_DeriveKey,
    C_SeedRandom, C_GenerateRandom, C_GetFunctionStatus, C_CancelFunction, C_WaitForSlotEvent,
};

}  // namespace sealkey::p11
