#include "token/pkcs11/objects.h"

#include <algorithm>
#include <cctype>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/ossl.h"
#include "crypto/ossl_error.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::token::pkcs11 {
namespace {

std::string RefFor(ByteView id, ByteView der) {
  return id.empty() ? HexEncode(crypto::Hash(crypto::HashAlg::kSha1, der)) : HexEncode(id);
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// CKA_EC_POINT is a DER OCTET STRING holding 04||X||Y (PKCS#11 2.40
// section 2.3.3); some modules return the bare point. Accept both.
Bytes UnwrapEcPoint(ByteView value) {
  der::Reader reader(value, "CKA_EC_POINT");
  auto inner = reader.Read(der::kOctetString);
  if (inner && reader.AtEnd()) return Bytes(inner->begin(), inner->end());
  return Bytes(value.begin(), value.end());
}

Result<crypto::PublicKey> RsaPublicKey(ByteView modulus, ByteView exponent) {
  using crypto::UniquePtr;
  UniquePtr<BIGNUM> n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
  UniquePtr<BIGNUM> e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
  UniquePtr<OSSL_PARAM_BLD> bld(OSSL_PARAM_BLD_new());
  if (!n || !e || !bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get())) {
    return Fail(crypto::OpensslError(ErrorCode::kCrypto, "building RSA key parameters failed"));
  }
  UniquePtr<OSSL_PARAM> params(OSSL_PARAM_BLD_to_param(bld.get()));
  UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return Fail(crypto::OpensslError(ErrorCode::kMalformed, "token RSA public key is invalid"));
  }
  return crypto::PublicKey::Adopt(UniquePtr<EVP_PKEY>(raw));
}

Result<crypto::KeyType> EcKeyType(Session& session, CK_OBJECT_HANDLE key) {
  auto params = session.RequiredAttribute(key, CKA_EC_PARAMS, "CKA_EC_PARAMS");
  if (!params) return Fail(params.error());
  if (std::ranges::equal(*params, kEcParamsP256)) return crypto::KeyType::kEcP256;
  if (std::ranges::equal(*params, kEcParamsSm2)) return crypto::KeyType::kSm2;
  return Fail(ErrorCode::kUnsupported,
              "token key is on an unsupported curve (CKA_EC_PARAMS " + HexEncode(*params) + ")");
}

}  // namespace

Result<std::vector<CertObject>> FindCertificates(Session& session) {
  Template match;
  match.AddUlong(CKA_CLASS, CKO_CERTIFICATE).AddUlong(CKA_CERTIFICATE_TYPE, CKC_X_509);
  auto handles = session.Find(match);
  if (!handles) return Fail(handles.error());
  std::vector<CertObject> certs;
  for (CK_OBJECT_HANDLE handle : *handles) {
    CertObject cert;
    cert.handle = handle;
    auto der = session.Attribute(handle, CKA_VALUE);
    if (!der) return Fail(der.error());
    // A certificate given only by CKA_URL has an empty CKA_VALUE: not ours to show.
    if (!*der || (*der)->empty()) continue;
    cert.der = std::move(**der);
    auto id = session.Attribute(handle, CKA_ID);
    if (!id) return Fail(id.error());
    if (*id) cert.id = std::move(**id);
    auto label = session.Attribute(handle, CKA_LABEL);
    if (!label) return Fail(label.error());
    if (*label) cert.label = std::string(AsChars(**label));
    cert.ref = RefFor(cert.id, cert.der);
    certs.push_back(std::move(cert));
  }
  return certs;
}

Result<CertObject> FindCertificate(Session& session, std::string_view ref) {
  auto certs = FindCertificates(session);
  if (!certs) return Fail(certs.error());
  std::string wanted = ToLower(ref);
  std::optional<CertObject> found;
  for (auto& cert : *certs) {
    if (cert.ref != wanted) continue;
    if (found) {
      return Fail(ErrorCode::kInvalidArgument,
                  "several certificates on the token share CKA_ID " + wanted, "ref");
    }
    found = std::move(cert);
  }
  if (!found) {
    return Fail(ErrorCode::kNotFound, "no certificate '" + std::string(ref) + "' on the token",
                "ref");
  }
  return std::move(*found);
}

Result<std::vector<CK_OBJECT_HANDLE>> FindById(Session& session, CK_OBJECT_CLASS object_class,
                                               ByteView id) {
  Template match;
  match.AddUlong(CKA_CLASS, object_class).Add(CKA_ID, id);
  return session.Find(match);
}

Result<std::vector<CK_OBJECT_HANDLE>> FindByLabel(Session& session,
                                                  CK_OBJECT_CLASS object_class,
                                                  std::string_view label) {
  Template match;
  match.AddUlong(CKA_CLASS, object_class).Add(CKA_LABEL, label);
  return session.Find(match);
}

Result<crypto::PublicKey> ReadPublicKey(Session& session, CK_OBJECT_HANDLE key) {
  auto key_type = session.UlongAttribute(key, CKA_KEY_TYPE);
  if (!key_type) return Fail(key_type.error());
  if (!*key_type) return Fail(ErrorCode::kMalformed, "token key object has no CKA_KEY_TYPE");
  if (**key_type == CKK_RSA) {
    auto n = session.Attribute(key, CKA_MODULUS);
    if (!n) return Fail(n.error());
    auto e = session.Attribute(key, CKA_PUBLIC_EXPONENT);
    if (!e) return Fail(e.error());
    if (!*n || !*e) return Fail(ErrorCode::kNotFound, "token key shows no RSA public key");
    return RsaPublicKey(**n, **e);
  }
  if (**key_type == CKK_EC || **key_type == kCkkSm2) {
    auto point = session.Attribute(key, CKA_EC_POINT);
    if (!point) return Fail(point.error());
    if (!*point) return Fail(ErrorCode::kNotFound, "token key shows no CKA_EC_POINT");
    auto type = **key_type == kCkkSm2 ? crypto::KeyType::kSm2 : EcKeyType(session, key);
    if (!type) return Fail(type.error());
    return crypto::PublicKey::FromEcPoint(*type, UnwrapEcPoint(**point));
  }
  return Fail(ErrorCode::kUnsupported,
              "token key type " + std::to_string(**key_type) + " is not EC or RSA");
}

Result<crypto::PublicKey> ReadKeyPairPublicKey(Session& session, CK_OBJECT_HANDLE private_key,
                                               ByteView id) {
  auto direct = ReadPublicKey(session, private_key);
  if (direct || direct.error().code != ErrorCode::kNotFound || id.empty()) return direct;
  auto publics = FindById(session, CKO_PUBLIC_KEY, id);
  if (!publics) return Fail(publics.error());
  if (publics->empty()) {
    return Fail(ErrorCode::kNotFound,
                "token private key " + HexEncode(id) + " has no readable public key");
  }
  return ReadPublicKey(session, publics->front());
}

Result<std::optional<KeyUsage>> ContainerUsage(Session& session, ByteView id) {
  for (CK_OBJECT_CLASS object_class : {CKO_PUBLIC_KEY, CKO_PRIVATE_KEY}) {
    auto keys = FindById(session, object_class, id);
    if (!keys) return Fail(keys.error());
    for (CK_OBJECT_HANDLE key : *keys) {
      const bool is_public = object_class == CKO_PUBLIC_KEY;
      auto sign = session.BoolAttribute(key, is_public ? CKA_VERIFY : CKA_SIGN);
      if (!sign) return Fail(sign.error());
      if (sign->value_or(false)) return std::optional<KeyUsage>(KeyUsage::kSign);
      for (CK_ATTRIBUTE_TYPE type : {is_public ? CKA_ENCRYPT : CKA_DECRYPT,
                                     is_public ? CKA_WRAP : CKA_UNWRAP, CKA_DERIVE}) {
        auto encrypt = session.BoolAttribute(key, type);
        if (!encrypt) return Fail(encrypt.error());
        if (encrypt->value_or(false)) return std::optional<KeyUsage>(KeyUsage::kEncrypt);
      }
    }
  }
  return std::optional<KeyUsage>();
}

Result<std::vector<Bytes>> FindContainerKeyIds(Session& session, std::string_view label,
                                               KeyUsage usage) {
  std::vector<Bytes> ids;
  for (CK_OBJECT_CLASS object_class : {CKO_PRIVATE_KEY, CKO_PUBLIC_KEY}) {
    auto keys = FindByLabel(session, object_class, label);
    if (!keys) return Fail(keys.error());
    for (CK_OBJECT_HANDLE key : *keys) {
      auto id = session.Attribute(key, CKA_ID);
      if (!id) return Fail(id.error());
      if (!*id || (*id)->empty() || std::ranges::find(ids, **id) != ids.end()) continue;
      auto key_usage = ContainerUsage(session, **id);
      if (!key_usage) return Fail(key_usage.error());
      if (*key_usage == usage) ids.push_back(std::move(**id));
    }
  }
  return ids;
}

std::string TrimPadded(const CK_UTF8CHAR* field, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(field), size);
  size_t end = text.find_last_not_of(std::string_view(" \0", 2));
  return std::string(end == std::string_view::npos ? std::string_view() : text.substr(0, end + 1));
}

}  // namespace sealkey::token::pkcs11
