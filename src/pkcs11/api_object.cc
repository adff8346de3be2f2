// Object management and key generation (PKCS#11 v2.40 5.7, 5.14).
#include "pkcs11/api.h"
#include "pkcs11/errors.h"
#include "pkcs11/module.h"

using namespace sealkey::p11;  // NOLINT

namespace {

// Token objects can be changed only in R/W sessions; session objects in any.
CK_RV NeedRw(const Session& s, bool token_object = true) {
  return (!token_object || (s.flags & CKF_RW_SESSION)) ? CKR_OK : CKR_SESSION_READ_ONLY;
}

// The session, its token and the ref of `object` as that session sees it.
CK_RV FindObject(Module& m, CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object,
                 std::shared_ptr<Session>* s, Token** t, std::string* ref) {
  CK_RV rv = m.Find(h, s, t);
  if (rv != CKR_OK) return rv;
  return m.Resolve((*s)->slot, object, **t, ref);
}

bool IsTokenObject(const AttrMap& t) {
  bool token = true;
  ReadBool(t, CKA_TOKEN, &token);
  return token;
}

}  // namespace

SEALKEY_P11_API C_CreateObject(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count,
                               CK_OBJECT_HANDLE_PTR object) {
  SEALKEY_P11_LOCK();
  if (!object) return CKR_ARGUMENTS_BAD;
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  AttrMap attrs;
  if ((rv = ParseTemplate(tmpl, count, &attrs)) != CKR_OK) return rv;
  if ((rv = NeedRw(*s, IsTokenObject(attrs))) != CKR_OK) return rv;
  std::string ref;
  if ((rv = t->CreateObject(attrs, h, &ref)) != CKR_OK) return rv;
  *object = m.HandleFor(s->slot, ref);
  return CKR_OK;
}

SEALKEY_P11_API C_CopyObject(CK_SESSION_HANDLE, CK_OBJECT_HANDLE, CK_ATTRIBUTE_PTR, CK_ULONG,
                             CK_OBJECT_HANDLE_PTR) {
  return CKR_FUNCTION_NOT_SUPPORTED;
}

SEALKEY_P11_API C_DestroyObject(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  std::string ref;
  CK_RV rv = FindObject(m, h, object, &s, &t, &ref);
  if (rv != CKR_OK) return rv;
  if ((rv = NeedRw(*s, !t->IsSessionObject(ref))) != CKR_OK) return rv;
  return t->DestroyObject(ref);
}

SEALKEY_P11_API C_GetObjectSize(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object, CK_ULONG_PTR size) {
  SEALKEY_P11_LOCK();
  if (!size) return CKR_ARGUMENTS_BAD;
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  std::string ref;
  CK_RV rv = FindObject(m, h, object, &s, &t, &ref);
  if (rv != CKR_OK) return rv;
  *size = CK_UNAVAILABLE_INFORMATION;
  return CKR_OK;
}

SEALKEY_P11_API C_GetAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  SEALKEY_P11_LOCK();
  if (count && !tmpl) return CKR_ARGUMENTS_BAD;
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  std::string ref;
  CK_RV rv = FindObject(m, h, object, &s, &t, &ref);
  if (rv != CKR_OK) return rv;
  return t->ReadAttributes(ref, tmpl, count);
}

SEALKEY_P11_API C_SetAttributeValue(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  std::string ref;
  CK_RV rv = FindObject(m, h, object, &s, &t, &ref);
  if (rv != CKR_OK) return rv;
  AttrMap attrs;
  if ((rv = ParseTemplate(tmpl, count, &attrs)) != CKR_OK) return rv;
  if ((rv = NeedRw(*s, !t->IsSessionObject(ref))) != CKR_OK) return rv;
  return t->SetAttributes(ref, attrs);
}

SEALKEY_P11_API C_FindObjectsInit(CK_SESSION_HANDLE h, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  SEALKEY_P11_LOCK();
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  if (s->finding) return CKR_OPERATION_ACTIVE;
  AttrMap attrs;
  if ((rv = ParseTemplate(tmpl, count, &attrs)) != CKR_OK) return rv;
  s->found.clear();
  s->found_pos = 0;
  for (const auto& v : t->views()) {
    if (v.is_private && t->logged_in() != CKU_USER) continue;
    if (Matches(v, attrs)) s->found.push_back(m.HandleFor(s->slot, v.ref));
  }
  s->finding = true;
  return CKR_OK;
}

SEALKEY_P11_API C_FindObjects(CK_SESSION_HANDLE h, CK_OBJECT_HANDLE_PTR objects, CK_ULONG max,
                              CK_ULONG_PTR count) {
  SEALKEY_P11_LOCK();
  if (!count || (max && !objects)) return CKR_ARGUMENTS_BAD;
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  Session& s = *it->second;
  if (!s.finding) return CKR_OPERATION_NOT_INITIALIZED;
  CK_ULONG n = 0;
  while (n < max && s.found_pos < s.found.size()) objects[n++] = s.found[s.found_pos++];
  *count = n;
  return CKR_OK;
}

SEALKEY_P11_API C_FindObjectsFinal(CK_SESSION_HANDLE h) {
  SEALKEY_P11_LOCK();
  auto it = m.sessions.find(h);
  if (it == m.sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  if (!it->second->finding) return CKR_OPERATION_NOT_INITIALIZED;
  it->second->finding = false;
  it->second->found.clear();
  return CKR_OK;
}

SEALKEY_P11_API C_GenerateKeyPair(CK_SESSION_HANDLE h, CK_MECHANISM_PTR mechanism,
                                  CK_ATTRIBUTE_PTR pub_tmpl, CK_ULONG pub_count,
                                  CK_ATTRIBUTE_PTR priv_tmpl, CK_ULONG priv_count,
                                  CK_OBJECT_HANDLE_PTR pub, CK_OBJECT_HANDLE_PTR priv) {
  SEALKEY_P11_LOCK();
  if (!mechanism || !pub || !priv) return CKR_ARGUMENTS_BAD;
  std::shared_ptr<Session> s;
  Token* t = nullptr;
  CK_RV rv = m.Find(h, &s, &t);
  if (rv != CKR_OK) return rv;
  AttrMap pub_attrs, priv_attrs;
  if ((rv = ParseTemplate(pub_tmpl, pub_count, &pub_attrs)) != CKR_OK) return rv;
  if ((rv = ParseTemplate(priv_tmpl, priv_count, &priv_attrs)) != CKR_OK) return rv;
  if ((rv = NeedRw(*s, IsTokenObject(pub_attrs) && IsTokenObject(priv_attrs))) != CKR_OK) {
    return rv;
  }
  std::string pub_ref, priv_ref;
  // Key generation is slow (RSA): the lock is held, which keeps other
  // threads out of this token's state while it changes.
  rv = t->GenerateKeyPair(mechanism->mechanism, pub_attrs, priv_attrs, h, &pub_ref, &priv_ref);
  if (rv != CKR_OK) return rv;
  *pub = m.HandleFor(s->slot, pub_ref);
  *priv = m.HandleFor(s->slot, priv_ref);
  return CKR_OK;
}

SEALKEY_P11_API C_GenerateKey(CK_SESSION_HANDLE, CK_MECHANISM_PTR, CK_ATTRIBUTE_PTR, CK_ULONG,
                              CK_OBJECT_HANDLE_PTR) {
  return CKR_FUNCTION_NOT_SUPPORTED;
}
