#include "token/pkcs11/containers.h"

#include <optional>

#include <openssl/x509.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/x509.h"
#include "token/pkcs11/objects.h"

namespace sealkey::token::pkcs11 {
namespace {

struct KeyPair {
  Bytes id;
  std::string label;
};

// i2d_* output as Bytes; empty when encoding fails.
template <typename T>
Bytes ToDer(const T* object, int (*i2d)(const T*, unsigned char**)) {
  unsigned char* out = nullptr;
  int len = i2d(object, &out);
  Bytes der;
  if (len > 0) der.assign(out, out + len);
  OPENSSL_free(out);
  return der;
}

// The subjectPublicKey BIT STRING contents of a SubjectPublicKeyInfo:
//   SubjectPublicKeyInfo ::= SEQUENCE {
//     algorithm         AlgorithmIdentifier,
//     subjectPublicKey  BIT STRING }
Result<Bytes> SubjectPublicKeyBits(ByteView spki) {
  der::Reader outer(spki, "SubjectPublicKeyInfo");
  auto info = outer.ReadSequence();
  if (!info) return Fail(info.error());
  auto algorithm = info->Read(der::kSequence);
  if (!algorithm) return Fail(algorithm.error());
  auto bits = info->ReadBitStringBytes();
  if (!bits) return Fail(bits.error());
  return Bytes(bits->begin(), bits->end());
}

// The private key on the token whose public key is `key`, if any.
Result<std::optional<KeyPair>> FindKeyPair(Session& session, const crypto::PublicKey& key) {
  Template match;
  match.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY);
  auto private_keys = session.Find(match);
  if (!private_keys) return Fail(private_keys.error());
  for (CK_OBJECT_HANDLE handle : *private_keys) {
    auto id = session.Attribute(handle, CKA_ID);
    if (!id) return Fail(id.error());
    if (!*id || (*id)->empty()) continue;
    auto candidate = ReadKeyPairPublicKey(session, handle, **id);
    // Keys sealkey cannot read (other curves, no public half) match nothing.
    if (!candidate || !candidate->Equals(key)) continue;
    auto label = session.Attribute(handle, CKA_LABEL);
    if (!label) return Fail(label.error());
    return std::optional<KeyPair>(
        KeyPair{std::move(**id), *label ? std::string(AsChars(**label)) : std::string()});
  }
  return std::optional<KeyPair>();
}

std::string SubjectCommonName(const crypto::Certificate& cert) {
  for (const auto& entry : cert.Info().subject) {
    if (entry.type == "CN") return entry.value;
  }
  return {};
}

}  // namespace

Result<std::string> ImportCertificateObject(Session& session, ByteView der) {
  auto cert = crypto::Certificate::Parse(der);
  if (!cert) return Fail(cert.error());
  Bytes value = cert->Der();
  auto public_key = cert->PublicKeyOf();
  if (!public_key) return Fail(public_key.error());

  auto existing = FindCertificates(session);
  if (!existing) return Fail(existing.error());
  for (const auto& other : *existing) {
    if (other.der == value) {
      return Fail(ErrorCode::kAlreadyExists, "the certificate is already on the token",
                  "certificate");
    }
  }

  auto pair = FindKeyPair(session, *public_key);
  if (!pair) return Fail(pair.error());
  KeyPair target;
  if (*pair) {
    target = std::move(**pair);
  } else {
    auto bits = SubjectPublicKeyBits(public_key->ToDer());
    if (!bits) return Fail(bits.error());
    target.id = crypto::Hash(crypto::HashAlg::kSha1, *bits);
    target.label = SubjectCommonName(*cert);
  }
  for (const auto& other : *existing) {
    if (other.id != target.id) continue;
    return Fail(ErrorCode::kAlreadyExists,
                *pair ? "container '" + target.label +
                            "' already holds a certificate; delete it first"
                      : std::string("a certificate for the same public key is already on the token"),
                "certificate");
  }

  Template object;
  object.AddUlong(CKA_CLASS, CKO_CERTIFICATE)
      .AddUlong(CKA_CERTIFICATE_TYPE, CKC_X_509)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, false)
      .Add(CKA_ID, target.id)
      .Add(CKA_SUBJECT, ToDer(X509_get_subject_name(cert->get()), i2d_X509_NAME))
      .Add(CKA_ISSUER, ToDer(X509_get_issuer_name(cert->get()), i2d_X509_NAME))
      .Add(CKA_SERIAL_NUMBER, ToDer(X509_get0_serialNumber(cert->get()), i2d_ASN1_INTEGER))
      .Add(CKA_VALUE, value);
  if (!target.label.empty()) object.Add(CKA_LABEL, target.label);
  auto created = session.CreateObject(object);
  if (!created) return Fail(created.error());
  return HexEncode(target.id);
}

}  // namespace sealkey::token::pkcs11
