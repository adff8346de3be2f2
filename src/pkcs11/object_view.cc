#include "pkcs11/object_view.h"

#include <map>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "base/der.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "crypto/x509.h"

namespace sealkey::p11 {
namespace {

using token::file::DeviceState;
using token::file::ObjectClass;
using token::file::StoredObject;

Bytes I2d(int (*fn)(const X509_NAME*, unsigned char**), const X509_NAME* name) {
  unsigned char* out = nullptr;
  int len = fn(name, &out);
  Bytes b;
  if (len > 0) b.assign(out, out + len);
  OPENSSL_free(out);
  return b;
}

struct KeyInfo {
  Bytes spki;
  Bytes id;
};

void AddKeyAttributes(ObjectView& v, const StoredObject& o, const KeyInfo& info) {
  auto pub = crypto::PublicKey::FromDer(info.spki);
  if (!pub) return;
  crypto::KeyType type = pub->type();
  CK_KEY_TYPE kt = type == crypto::KeyType::kRsa     ? CKK_RSA
                   : type == crypto::KeyType::kEcP256 ? CKK_EC
                                                      : kCkkSm2;
  CK_MECHANISM_TYPE gen = type == crypto::KeyType::kRsa     ? CKM_RSA_PKCS_KEY_PAIR_GEN
                          : type == crypto::KeyType::kEcP256 ? CKM_EC_KEY_PAIR_GEN
                                                             : kCkmSm2KeyPairGen;
  bool local = !o.container.starts_with("p12-");
  v.attrs[CKA_KEY_TYPE] = UlongValue(kt);
  v.attrs[CKA_ID] = info.id;
  v.attrs[CKA_LOCAL] = BoolValue(local);
  v.attrs[CKA_KEY_GEN_MECHANISM] = UlongValue(local ? gen : CK_UNAVAILABLE_INFORMATION);
  v.attrs[CKA_DERIVE] = BoolValue(false);
  v.attrs[CKA_START_DATE] = {};
  v.attrs[CKA_END_DATE] = {};
  v.attrs[CKA_SUBJECT] = o.subject;
  v.attrs[CKA_PUBLIC_KEY_INFO] = info.spki;
  if (type == crypto::KeyType::kRsa) {
    const BIGNUM* n = nullptr;
    const BIGNUM* e = nullptr;
    BIGNUM* bn_n = nullptr;
    BIGNUM* bn_e = nullptr;
    EVP_PKEY_get_bn_param(pub->get(), "n", &bn_n);
    EVP_PKEY_get_bn_param(pub->get(), "e", &bn_e);
    n = bn_n;
    e = bn_e;
    if (n && e) {
      Bytes nb(static_cast<size_t>(BN_num_bytes(n))), eb(static_cast<size_t>(BN_num_bytes(e)));
      BN_bn2bin(n, nb.data());
      BN_bn2bin(e, eb.data());
      v.attrs[CKA_MODULUS] = nb;
      v.attrs[CKA_PUBLIC_EXPONENT] = eb;
      if (v.cls == CKO_PUBLIC_KEY) v.attrs[CKA_MODULUS_BITS] = UlongValue(pub->bits());
    }
    BN_free(bn_n);
    BN_free(bn_e);
  } else {
    const auto& params = type == crypto::KeyType::kEcP256 ? token::pkcs11::kEcParamsP256
                                                          : token::pkcs11::kEcParamsSm2;
    v.attrs[CKA_EC_PARAMS] = Bytes(std::begin(params), std::end(params));
    if (v.cls == CKO_PUBLIC_KEY) {
      auto point = pub->EcPoint();
      if (point) v.attrs[CKA_EC_POINT] = der::OctetString(*point);
    }
  }
  bool sign = o.usage != token::KeyUsage::kEncrypt || o.sign_and_decrypt;
  bool decrypt = o.usage == token::KeyUsage::kEncrypt || o.sign_and_decrypt;
  if (v.cls == CKO_PUBLIC_KEY) {
    v.attrs[CKA_VERIFY] = BoolValue(sign);
    v.attrs[CKA_ENCRYPT] = BoolValue(decrypt);
    v.attrs[CKA_WRAP] = BoolValue(false);
    v.attrs[CKA_VERIFY_RECOVER] = BoolValue(false);
    v.attrs[CKA_TRUSTED] = BoolValue(false);
  } else {
    v.attrs[CKA_SIGN] = BoolValue(sign);
    v.attrs[CKA_DECRYPT] = BoolValue(decrypt);
    v.attrs[CKA_UNWRAP] = BoolValue(false);
    v.attrs[CKA_SIGN_RECOVER] = BoolValue(false);
    v.attrs[CKA_SENSITIVE] = BoolValue(true);
    v.attrs[CKA_EXTRACTABLE] = BoolValue(false);
    v.attrs[CKA_ALWAYS_SENSITIVE] = BoolValue(true);
    v.attrs[CKA_NEVER_EXTRACTABLE] = BoolValue(true);
    v.attrs[CKA_ALWAYS_AUTHENTICATE] = BoolValue(false);
    v.attrs[CKA_WRAP_WITH_TRUSTED] = BoolValue(false);
    v.sensitive = {CKA_VALUE,       CKA_PRIVATE_EXPONENT, CKA_PRIME_1,    CKA_PRIME_2,
                   CKA_EXPONENT_1,  CKA_EXPONENT_2,       CKA_COEFFICIENT};
  }
}

void AddCertificateAttributes(ObjectView& v, const StoredObject& o, const Bytes& id) {
  auto cert = crypto::Certificate::FromDer(o.value);
  v.attrs[CKA_CERTIFICATE_TYPE] = UlongValue(CKC_X_509);
  v.attrs[CKA_TRUSTED] = BoolValue(false);
  v.attrs[CKA_CERTIFICATE_CATEGORY] = UlongValue(0);
  v.attrs[CKA_VALUE] = o.value;
  v.attrs[CKA_ID] = id;
  v.attrs[CKA_START_DATE] = {};
  v.attrs[CKA_END_DATE] = {};
  if (!cert) return;
  X509* x = cert->get();
  v.attrs[CKA_SUBJECT] = I2d(i2d_X509_NAME, X509_get_subject_name(x));
  v.attrs[CKA_ISSUER] = I2d(i2d_X509_NAME, X509_get_issuer_name(x));
  unsigned char* serial = nullptr;
  int len = i2d_ASN1_INTEGER(X509_get0_serialNumber(x), &serial);
  if (len > 0) v.attrs[CKA_SERIAL_NUMBER] = Bytes(serial, serial + len);
  OPENSSL_free(serial);
}

}  // namespace

Bytes KeyIdOf(ByteView spki) {
  der::Reader outer(spki, "public_key");
  auto seq = outer.ReadSequence();
  if (!seq || !seq->Read(der::kSequence)) return {};
  auto bits = seq->ReadBitStringBytes();
  if (!bits) return {};
  return crypto::Hash(crypto::HashAlg::kSha1, *bits);
}

std::vector<ObjectView> BuildViews(const DeviceState& state, bool token_objects) {
  // Public key per container/usage, so private keys and certificates share
  // their pair's CKA_ID and key attributes.
  std::map<std::pair<std::string, int>, KeyInfo> keys;
  auto slot_of = [](const StoredObject& o) {
    return std::make_pair(o.container, o.usage ? static_cast<int>(*o.usage) : -1);
  };
  for (const auto& o : state.objects) {
    if (o.cls == ObjectClass::kPublicKey) {
      keys[slot_of(o)] = {o.value, o.id.empty() ? KeyIdOf(o.value) : o.id};
    }
  }
  std::vector<ObjectView> out;
  for (const auto& o : state.objects) {
    ObjectView v;
    v.ref = o.ref;
    v.is_private = o.is_private;
    std::string label = o.name.empty() ? o.container : o.name;
    switch (o.cls) {
      case ObjectClass::kCertificate: {
        v.cls = CKO_CERTIFICATE;
        Bytes id = o.id;
        if (id.empty()) {
          auto it = keys.find(slot_of(o));
          if (it != keys.end()) {
            id = it->second.id;
          } else if (auto cert = crypto::Certificate::FromDer(o.value)) {
            if (auto pub = cert->PublicKeyOf()) id = KeyIdOf(pub->ToDer());
          }
        }
        AddCertificateAttributes(v, o, id);
        if (label.empty()) {
          if (auto cert = crypto::Certificate::FromDer(o.value)) {
            for (const auto& e : cert->Info().subject) {
              if (e.type == "CN") label = e.value;
            }
          }
        }
        break;
      }
      case ObjectClass::kPublicKey:
      case ObjectClass::kPrivateKey: {
        v.cls = o.cls == ObjectClass::kPublicKey ? CKO_PUBLIC_KEY : CKO_PRIVATE_KEY;
        auto it = keys.find(slot_of(o));
        if (it == keys.end()) continue;  // a private key without its public half is not shown
        AddKeyAttributes(v, o, it->second);
        break;
      }
      case ObjectClass::kSeal:
      case ObjectClass::kData:
        v.cls = CKO_DATA;
        v.sealed_value = o.is_private;
        v.attrs[CKA_APPLICATION] =
            TextValue(o.cls == ObjectClass::kSeal ? "sealkey seal " + o.mime : o.mime);
        v.attrs[CKA_OBJECT_ID] = {};
        if (!o.is_private) v.attrs[CKA_VALUE] = o.value;
        break;
    }
    v.attrs[CKA_CLASS] = UlongValue(v.cls);
    v.attrs[CKA_TOKEN] = BoolValue(token_objects);
    v.attrs[CKA_PRIVATE] = BoolValue(v.is_private);
    v.attrs[CKA_MODIFIABLE] = BoolValue(true);
    v.attrs[CKA_COPYABLE] = BoolValue(false);
    v.attrs[CKA_DESTROYABLE] = BoolValue(true);
    v.attrs[CKA_LABEL] = TextValue(label);
    out.push_back(std::move(v));
  }
  return out;
}

bool Matches(const ObjectView& view, const AttrMap& tmpl) {
  for (const auto& [type, value] : tmpl) {
    auto it = view.attrs.find(type);
    if (it == view.attrs.end() || it->second != value) return false;
  }
  return true;
}

CK_RV ReadAttributes(const ObjectView& view, const AttrMap& attrs, CK_ATTRIBUTE_PTR tmpl,
                     CK_ULONG count) {
  CK_RV rv = CKR_OK;
  for (CK_ULONG i = 0; i < count; ++i) {
    CK_ATTRIBUTE& a = tmpl[i];
    if (view.sensitive.count(a.type)) {
      a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
      rv = CKR_ATTRIBUTE_SENSITIVE;
      continue;
    }
    auto it = attrs.find(a.type);
    if (it == attrs.end()) {
      a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
      rv = CKR_ATTRIBUTE_TYPE_INVALID;
      continue;
    }
    const Bytes& v = it->second;
    if (a.pValue == nullptr) {
      a.ulValueLen = v.size();
    } else if (a.ulValueLen >= v.size()) {
      if (!v.empty()) std::memcpy(a.pValue, v.data(), v.size());
      a.ulValueLen = v.size();
    } else {
      a.ulValueLen = CK_UNAVAILABLE_INFORMATION;
      rv = CKR_BUFFER_TOO_SMALL;
    }
  }
  return rv;
}

}  // namespace sealkey::p11
