// Signing, verification, encryption, decryption (PKCS#11 v2.40 5.8-5.12).
//
// Operations take what they need under the module lock and compute outside
// it. Length queries (output pointer NULL) and CKR_BUFFER_TOO_SMALL leave
// the operation active; any other result ends it.
#include <openssl/crypto.h>

#include "pkcs11/api.h"
#include "pkcs11/errors.h"
#include "pkcs11/mechanisms.h"
#include "pkcs11/module.h"

using namespace sealkey::p11;  // NOLINT
using sealkey::Bytes;
using sealkey::ByteView;

namespace {

using OpSlot = std::optional<KeyOperation> Session::*;

CK_RV Init(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key, KeyOp kind,
           OpSlot slot) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t, /*refresh=*/false);
  if (rv != CKR_OK) return rv;
  if ((*s).*slot) return CKR_OPERATION_ACTIVE;
  std::string ref;
  if ((rv = m.Resolve(s->slot, key, *t, &ref)) != CKR_OK) return CKR_KEY_HANDLE_INVALID;
  const ObjectView* v = t->View(ref);
  bool wants_private = kind == KeyOp::kSign || kind == KeyOp::kDecrypt;
  if (v->cls != (wants_private ? CKO_PRIVATE_KEY : CKO_PUBLIC_KEY)) return CKR_KEY_TYPE_INCONSISTENT;
  CK_ATTRIBUTE_TYPE permit = kind == KeyOp::kSign      ? CKA_SIGN
                             : kind == KeyOp::kVerify  ? CKA_VERIFY
                             : kind == KeyOp::kEncrypt ? CKA_ENCRYPT
                                                       : CKA_DECRYPT;
  auto allowed = v->attrs.find(permit);
  if (allowed == v->attrs.end() || allowed->second != BoolValue(true)) {
    return CKR_KEY_FUNCTION_NOT_PERMITTED;
  }
  KeyOperation op;
  sealkey::crypto::KeyType type;
  if (wants_private) {
    if ((rv = t->PrivateKeyFor(ref, &op.private_key)) != CKR_OK) return rv;
    type = op.private_key->key.type();
  } else {
    if ((rv = t->PublicKeyFor(ref, &op.public_key)) != CKR_OK) return rv;
    type = op.public_key->type();
  }
  if ((rv = PrepareOperation(mech, kind, type, &op)) != CKR_OK) return rv;
  (*s).*slot = std::move(op);
  return CKR_OK;
}

// The operation's input: data given to C_*Update first, then `data`.
ByteView WithBuffered(const KeyOperation& op, ByteView data, Bytes* storage) {
  if (op.buffered.empty()) return data;
  *storage = sealkey::Concat({op.buffered, data});
  return *storage;
}

// Runs the operation in `slot` over `data` (plus any buffered Update data).
CK_RV Finish(CK_SESSION_HANDLE h, OpSlot slot, KeyOp kind, ByteView data, CK_BYTE_PTR out,
             CK_ULONG_PTR out_len) {
  KeyOperation op;
  {
    SEALKEY_P11_LOCK();
    auto it = m.sessions.find(h);
    if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
    auto& pending = (*it->second).*slot;
    if (!pending) return CKR_OPERATION_NOT_INITIALIZED;
    if (!out_len) {
      pending.reset();
      return CKR_ARGUMENTS_BAD;
    }
    size_t bound = OutputBound(*pending, kind, pending->buffered.size() + data.size());
    if (!out) {
      *out_len = bound;
      return CKR_OK;
    }
    if (*out_len < bound) {
      *out_len = bound;
      return CKR_BUFFER_TOO_SMALL;
    }
    op = std::move(*pending);
    pending.reset();
  }
  Bytes input;
  data = WithBuffered(op, data, &input);
  Bytes result;
  CK_RV rv = kind == KeyOp::kSign      ? Sign(op, data, &result)
             : kind == KeyOp::kEncrypt ? Encrypt(op, data, &result)
                                       : Decrypt(op, data, &result);
  if (rv == CKR_OK) {
    std::memcpy(out, result.data(), result.size());
    *out_len = result.size();
  }
  if (!result.empty()) OPENSSL_cleanse(result.data(), result.size());
  return rv;
}

CK_RV Update(CK_SESSION_HANDLE h, OpSlot slot, ByteView data) {
  SEALKEY_P11_LOCK();
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  auto& pending = (*it->second).*slot;
  if (!pending) return CKR_OPERATION_NOT_INITIALIZED;
  if (!IsMultipart(pending->mechanism)) {
    pending.reset();
    return CKR_FUNCTION_NOT_SUPPORTED;
  }
  pending->buffered.insert(pending->buffered.end(), data.begin(), data.end());
  return CKR_OK;
}

CK_RV VerifyNow(CK_SESSION_HANDLE h, ByteView data, ByteView sig) {
  KeyOperation op;
  {
    SEALKEY_P11_LOCK();
    auto it = m.sessions.find(h);
    if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
    auto& pending = it->second->verify;
    if (!pending) return CKR_OPERATION_NOT_INITIALIZED;
    op = std::move(*pending);
    pending.reset();
  }
  Bytes input;
  data = WithBuffered(op, data, &input);
  return Verify(op, data, sig);
}

ByteView View(CK_BYTE_PTR p, CK_ULONG n) { return p ? ByteView(p, n) : ByteView(); }

}  // namespace

SEALKEY_P11_API C_SignInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key) {
  return Init(h, mech, key, KeyOp::kSign, &Session::sign);
}
SEALKEY_P11_API C_Sign(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                       CK_ULONG_PTR sig_len) {
  if (!data && len) return CKR_ARGUMENTS_BAD;
  return Finish(h, &Session::sign, KeyOp::kSign, View(data, len), sig, sig_len);
}
SEALKEY_P11_API C_SignUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len) {
  if (!part && len) return CKR_ARGUMENTS_BAD;
  return Update(h, &Session::sign, View(part, len));
}
SEALKEY_P11_API C_SignFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG_PTR sig_len) {
  return Finish(h, &Session::sign, KeyOp::kSign, {}, sig, sig_len);
}

SEALKEY_P11_API C_VerifyInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key) {
  return Init(h, mech, key, KeyOp::kVerify, &Session::verify);
}
SEALKEY_P11_API C_Verify(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR sig,
                         CK_ULONG sig_len) {
  if ((!data && len) || (!sig && sig_len)) return CKR_ARGUMENTS_BAD;
  return VerifyNow(h, View(data, len), View(sig, sig_len));
}
SEALKEY_P11_API C_VerifyUpdate(CK_SESSION_HANDLE h, CK_BYTE_PTR part, CK_ULONG len) {
  if (!part && len) return CKR_ARGUMENTS_BAD;
  return Update(h, &Session::verify, View(part, len));
}
SEALKEY_P11_API C_VerifyFinal(CK_SESSION_HANDLE h, CK_BYTE_PTR sig, CK_ULONG sig_len) {
  if (!sig && sig_len) return CKR_ARGUMENTS_BAD;
  return VerifyNow(h, {}, View(sig, sig_len));
}

SEALKEY_P11_API C_EncryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key) {
  return Init(h, mech, key, KeyOp::kEncrypt, &Session::encrypt);
}
SEALKEY_P11_API C_Encrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR out,
                          CK_ULONG_PTR out_len) {
  if (!data && len) return CKR_ARGUMENTS_BAD;
  return Finish(h, &Session::encrypt, KeyOp::kEncrypt, View(data, len), out, out_len);
}
SEALKEY_P11_API C_DecryptInit(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mech, CK_OBJECT_HANDLE key) {
  return Init(h, mech, key, KeyOp::kDecrypt, &Session::decrypt);
}
SEALKEY_P11_API C_Decrypt(CK_SESSION_HANDLE h, CK_BYTE_PTR data, CK_ULONG len, CK_BYTE_PTR out,
                          CK_ULONG_PTR out_len) {
  if (!data && len) return CKR_ARGUMENTS_BAD;
  return Finish(h, &Session::decrypt, KeyOp::kDecrypt, View(data, len), out, out_len);
}
