// Token: creating, changing and destroying objects; key generation; keys for
// cryptographic operations.
#include "crypto/sm2.h"
#include "crypto/x509.h"
#include "pkcs11/errors.h"
#include "pkcs11/token.h"
#include "token/file/objects.h"

namespace sealkey::p11 {
namespace {

using token::file::DeviceState;
using token::file::ObjectClass;
using token::file::StoredObject;

std::string Text(const AttrMap& t, CK_ATTRIBUTE_TYPE type) {
  auto it = t.find(type);
  return it == t.end() ? "" : std::string(it->second.begin(), it->second.end());
}

Bytes Value(const AttrMap& t, CK_ATTRIBUTE_TYPE type) {
  auto it = t.find(type);
  return it == t.end() ? Bytes{} : it->second;
}

bool WantsSessionObject(const AttrMap& t) {
  bool token = true;
  return ReadBool(t, CKA_TOKEN, &token) && !token;
}

}  // namespace

CK_RV Token::CreateObject(const AttrMap& t, CK_SESSION_HANDLE owner, std::string* ref) {
  if (!device_) return CKR_TOKEN_NOT_RECOGNIZED;
  bool session = WantsSessionObject(t);
  CK_ULONG cls = 0;
  if (!ReadUlong(t, CKA_CLASS, &cls)) return CKR_TEMPLATE_INCOMPLETE;
  if (cls == CKO_CERTIFICATE) {
    CK_ULONG type = CKC_X_509;
    if (ReadUlong(t, CKA_CERTIFICATE_TYPE, &type) && type != CKC_X_509) {
      return CKR_ATTRIBUTE_VALUE_INVALID;
    }
    auto it = t.find(CKA_VALUE);
    if (it == t.end()) return CKR_TEMPLATE_INCOMPLETE;
    auto cert = crypto::Certificate::FromDer(it->second);
    if (!cert) return CKR_ATTRIBUTE_VALUE_INVALID;
    std::string new_ref;
    CK_RV rv = Change(
        session,
        [&](DeviceState& s) -> Status {
          auto r = token::file::StoreCertificate(s, *cert, Value(t, CKA_ID), Text(t, CKA_LABEL));
          if (!r) return Fail(r.error());
          new_ref = *r;
          return Ok();
        },
        true);
    if (rv == CKR_OK) {
      *ref = new_ref;
      if (session) owners_[new_ref] = owner;
    }
    return rv;
  }
  if (cls == CKO_DATA) {
    bool is_private = false;
    ReadBool(t, CKA_PRIVATE, &is_private);
    if (is_private && login_ != CKU_USER) return CKR_USER_NOT_LOGGED_IN;
    std::string new_ref;
    CK_RV rv = Change(
        session,
        [&](DeviceState& s) -> Status {
          StoredObject o;
          o.ref = (session ? "s" : "") + token::file::NewObjectRef(s);
          o.cls = ObjectClass::kData;
          o.name = Text(t, CKA_LABEL);
          o.mime = Text(t, CKA_APPLICATION);
          o.is_private = is_private;
          Bytes value = Value(t, CKA_VALUE);
          if (is_private) {
            auto sealed = token::file::FileDevice::SealPrivate(s, master_key_, o.ref, value);
            if (!sealed) return Fail(sealed.error());
            value = std::move(*sealed);
          }
          o.value = std::move(value);
          new_ref = o.ref;
          s.objects.push_back(std::move(o));
          return Ok();
        },
        true);
    if (rv == CKR_OK) {
      *ref = new_ref;
      if (session) owners_[new_ref] = owner;
    }
    return rv;
  }
  // Keys are made inside (C_GenerateKeyPair), never imported through PKCS#11.
  return CKR_TEMPLATE_INCONSISTENT;
}

CK_RV Token::DestroyObject(const std::string& ref) {
  const ObjectView* v = View(ref);
  if (!v) return CKR_OBJECT_HANDLE_INVALID;
  if (v->is_private && login_ != CKU_USER) return CKR_USER_NOT_LOGGED_IN;
  keys_.erase(ref);
  bool session = owners_.erase(ref) != 0;
  return Change(
      session,
      [&](DeviceState& s) -> Status {
        std::erase_if(s.objects, [&](const StoredObject& o) { return o.ref == ref; });
        return Ok();
      },
      false);
}

CK_RV Token::SetAttributes(const std::string& ref, const AttrMap& t) {
  const ObjectView* v = View(ref);
  if (!v) return CKR_OBJECT_HANDLE_INVALID;
  if (v->is_private && login_ != CKU_USER) return CKR_USER_NOT_LOGGED_IN;
  for (const auto& [type, value] : t) {
    bool is_key = v->cls == CKO_PUBLIC_KEY || v->cls == CKO_PRIVATE_KEY;
    bool writable = type == CKA_LABEL || (type == CKA_ID && v->cls != CKO_DATA) ||
                    (type == CKA_SUBJECT && is_key);
    auto current = v->attrs.find(type);
    if (!writable && !(current != v->attrs.end() && current->second == value)) {
      return current == v->attrs.end() ? CKR_ATTRIBUTE_TYPE_INVALID : CKR_ATTRIBUTE_READ_ONLY;
    }
  }
  return Change(
      IsSessionObject(ref),
      [&](DeviceState& s) -> Status {
        for (auto& o : s.objects) {
          if (o.ref != ref) continue;
          if (t.count(CKA_LABEL)) o.name = Text(t, CKA_LABEL);
          if (t.count(CKA_ID)) o.id = Value(t, CKA_ID);
          if (t.count(CKA_SUBJECT)) o.subject = Value(t, CKA_SUBJECT);
        }
        return Ok();
      },
      false);
}

CK_RV Token::GenerateKeyPair(CK_MECHANISM_TYPE mechanism, const AttrMap& pub, const AttrMap& priv,
                             CK_SESSION_HANDLE owner, std::string* pub_ref,
                             std::string* priv_ref) {
  if (!device_) return CKR_TOKEN_NOT_RECOGNIZED;
  if (login_ != CKU_USER) return CKR_USER_NOT_LOGGED_IN;
  // A pair is kept together: a session object if either half asks for one.
  bool session = WantsSessionObject(pub) || WantsSessionObject(priv);
  crypto::KeyAlg alg;
  if (mechanism == CKM_EC_KEY_PAIR_GEN) {
    Bytes params = Value(pub, CKA_EC_PARAMS);
    const auto& p256 = token::pkcs11::kEcParamsP256;
    const auto& sm2 = token::pkcs11::kEcParamsSm2;
    if (params == Bytes(std::begin(p256), std::end(p256))) alg = crypto::KeyAlg::kEcP256;
    else if (params == Bytes(std::begin(sm2), std::end(sm2))) alg = crypto::KeyAlg::kSm2;
    else if (params.empty()) return CKR_TEMPLATE_INCOMPLETE;
    else return CKR_CURVE_NOT_SUPPORTED;
  } else if (mechanism == kCkmSm2KeyPairGen) {
    alg = crypto::KeyAlg::kSm2;
  } else if (mechanism == CKM_RSA_PKCS_KEY_PAIR_GEN) {
    CK_ULONG bits = 0;
    if (!ReadUlong(pub, CKA_MODULUS_BITS, &bits)) return CKR_TEMPLATE_INCOMPLETE;
    if (bits != 2048 && bits != 3072) return CKR_KEY_SIZE_RANGE;
    Bytes e = Value(pub, CKA_PUBLIC_EXPONENT);
    while (!e.empty() && e[0] == 0) e.erase(e.begin());
    if (!e.empty() && e != Bytes{0x01, 0x00, 0x01}) return CKR_ATTRIBUTE_VALUE_INVALID;
    alg = bits == 2048 ? crypto::KeyAlg::kRsa2048 : crypto::KeyAlg::kRsa3072;
  } else {
    return CKR_MECHANISM_INVALID;
  }
  // Usage from the private template: CKA_SIGN (default TRUE) and CKA_DECRYPT.
  bool sign = true, decrypt = false;
  ReadBool(priv, CKA_SIGN, &sign);
  ReadBool(priv, CKA_DECRYPT, &decrypt);
  if (!sign && !decrypt) sign = true;
  auto key = crypto::PrivateKey::Generate(alg);
  if (!key) return ToCkr(key.error());
  token::KeyUsage usage = sign ? token::KeyUsage::kSign : token::KeyUsage::kEncrypt;
  Bytes id = Value(priv, CKA_ID);
  if (id.empty()) id = Value(pub, CKA_ID);
  std::string out_priv, out_pub;
  CK_RV rv = Change(
      session,
      [&](DeviceState& s) -> Status {
        std::string container = "p11-" + token::file::NewObjectRef(s).substr(0, 8);
        size_t first = s.objects.size();
        SEALKEY_RETURN_IF_ERROR(token::file::StoreKeyPair(s, master_key_, *key, container, usage,
                                                          id, Text(priv, CKA_LABEL)));
        StoredObject& p = s.objects[first];       // private half
        StoredObject& u = s.objects[first + 1];   // public half
        p.sign_and_decrypt = u.sign_and_decrypt = sign && decrypt;
        if (pub.count(CKA_LABEL)) u.name = Text(pub, CKA_LABEL);
        if (pub.count(CKA_ID)) u.id = Value(pub, CKA_ID);
        out_priv = p.ref;
        out_pub = u.ref;
        return Ok();
      },
      true);
  if (rv != CKR_OK) return rv;
  *priv_ref = out_priv;
  *pub_ref = out_pub;
  if (session) owners_[out_priv] = owners_[out_pub] = owner;
  return CKR_OK;
}

CK_RV Token::PrivateKeyFor(const std::string& ref, std::shared_ptr<const PrivateKeyEntry>* out) {
  if (login_ != CKU_USER) return CKR_USER_NOT_LOGGED_IN;
  auto cached = keys_.find(ref);
  if (cached != keys_.end()) {
    *out = cached->second;
    return CKR_OK;
  }
  const ObjectView* v = View(ref);
  const StoredObject* o = Stored(ref);
  if (!v || !o || o->cls != ObjectClass::kPrivateKey) return CKR_KEY_HANDLE_INVALID;
  auto pkcs8 = token::file::FileDevice::OpenPrivate(state_, master_key_, *o);
  if (!pkcs8) return ToCkr(pkcs8.error());
  auto key = crypto::PrivateKey::FromPkcs8Der(pkcs8->span());
  if (!key) return ToCkr(key.error());
  auto pub = crypto::PublicKey::FromDer(v->attrs.at(CKA_PUBLIC_KEY_INFO));
  if (!pub) return ToCkr(pub.error());
  Bytes z;
  size_t size = 64;
  if (key->type() == crypto::KeyType::kSm2) {
    auto zr = crypto::Sm2ComputeZ(*pub);
    if (!zr) return ToCkr(zr.error());
    z = std::move(*zr);
    size = 72;
  } else if (key->type() == crypto::KeyType::kRsa) {
    size = static_cast<size_t>((key->bits() + 7) / 8);
  }
  auto entry = std::make_shared<PrivateKeyEntry>(
      PrivateKeyEntry{std::move(*key), std::move(*pub), std::move(z), size,
                      v->attrs.at(CKA_SIGN) == BoolValue(true),
                      v->attrs.at(CKA_DECRYPT) == BoolValue(true)});
  keys_[ref] = entry;
  *out = std::move(entry);
  return CKR_OK;
}

CK_RV Token::PublicKeyFor(const std::string& ref, std::shared_ptr<const crypto::PublicKey>* out) {
  const ObjectView* v = View(ref);
  if (!v || v->cls != CKO_PUBLIC_KEY) return CKR_KEY_HANDLE_INVALID;
  auto pub = crypto::PublicKey::FromDer(v->attrs.at(CKA_PUBLIC_KEY_INFO));
  if (!pub) return ToCkr(pub.error());
  *out = std::make_shared<const crypto::PublicKey>(std::move(*pub));
  return CKR_OK;
}

}  // namespace sealkey::p11
