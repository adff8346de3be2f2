// VerifyCsr (x509_build.h): PKCS#10 parsing and the proof-of-possession check.
//
// The requests a CA sees almost all have one shape: an SM2 key signed
// SM3withSM2, or a P-256 key signed ecdsa-with-SHA256. Those are read with
// sealkey's DER reader and their key imported from its point, which is
// several times faster than OpenSSL 3.0's d2i_X509_REQ (it rebuilds a
// provider decoder chain for the key on every call). Every other request, and
// any request the fast reader does not take whole, goes through OpenSSL as
// before, so what is accepted and the errors given do not change.
#include <algorithm>
#include <optional>
#include <string>

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "base/der.h"
#include "base/encoding.h"
#include "crypto/cms_oids.h"
#include "crypto/ec_spki.h"
#include "crypto/ossl_error.h"
#include "crypto/signed_der.h"
#include "crypto/x509_build.h"

namespace sealkey::crypto {
namespace {

using cms::kOidEcdsaSha256;
using cms::kOidSm3WithSm2;
constexpr uint8_t kContext0 = 0xa0;  // [0] attributes

Error NoPossession(const Error& why) {
  return Error{ErrorCode::kVerifyFailed, "csr",
               "the request's signature does not verify (no proof of possession): " + why.message,
               ""};
}

// The DER inside the first PEM "CERTIFICATE REQUEST" block (or the older
// "NEW CERTIFICATE REQUEST" label); nullopt when there is none or it does not
// decode (OpenSSL then gives its own answer).
std::optional<Bytes> PemCsrDer(std::string_view text) {
  for (std::string_view label : {"CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"}) {
    auto der = PemDecode(text, label);
    if (der) return std::move(*der);
  }
  return std::nullopt;
}

// The fast reader: nullopt hands the request to OpenSSL.
std::optional<Result<CsrInfo>> VerifyCommonShape(ByteView der, const SignOptions& options) {
  der::Reader outer(der, "csr");
  auto req = outer.ReadSequence();
  if (!req || !outer.AtEnd()) return std::nullopt;
  auto info = req->ReadSequence();
  auto alg = req->ReadSequence();
  auto sig = req->ReadBitStringBytes();
  if (!info || !alg || !sig || !req->AtEnd()) return std::nullopt;
  auto alg_oid = alg->Read(der::kOid);
  if (!alg_oid || !alg->AtEnd()) return std::nullopt;

  auto version = info->Read(der::kInteger);
  if (!version || version->size() != 1 || (*version)[0] != 0) return std::nullopt;
  auto name = info->ReadRaw(der::kSequence);
  auto spki = info->ReadRaw(der::kSequence);
  if (!name || !spki) return std::nullopt;
  if (!info->AtEnd() && (!info->Read(kContext0) || !info->AtEnd())) return std::nullopt;

  auto ec = ParseEcSpki(*spki);
  if (!ec) return std::nullopt;
  bool sm2 = ec->type == KeyType::kSm2 && std::ranges::equal(*alg_oid, kOidSm3WithSm2);
  bool p256 = ec->type == KeyType::kEcP256 && std::ranges::equal(*alg_oid, kOidEcdsaSha256) &&
              options.hash == HashAlg::kSha256 && !options.rsa_pss;
  if (!sm2 && !p256) return std::nullopt;
  auto key = PublicKey::FromDer(*spki);
  if (!key) return std::nullopt;

  const unsigned char* p = name->data();
  UniquePtr<X509_NAME> subject(d2i_X509_NAME(nullptr, &p, static_cast<long>(name->size())));
  if (!subject || p != name->data() + name->size()) {
    ClearOpensslErrors();
    return std::nullopt;
  }
  if (Status ok = VerifySignedDer(der, *key, options, "csr"); !ok) {
    return Result<CsrInfo>(Fail(NoPossession(ok.error())));
  }
  return Result<CsrInfo>(CsrInfo{ReadName(subject.get()), std::move(*key)});
}

// Any request OpenSSL can read.
Result<CsrInfo> VerifyWithOpenssl(ByteView data, const SignOptions& options) {
  UniquePtr<X509_REQ> req;
  if (AsChars(data).find("-----BEGIN") != std::string_view::npos) {
    UniquePtr<BIO> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    req.reset(PEM_read_bio_X509_REQ(bio.get(), nullptr, nullptr, nullptr));
  } else {
    const unsigned char* p = data.data();
    req.reset(d2i_X509_REQ(nullptr, &p, static_cast<long>(data.size())));
    if (req && p != data.data() + data.size()) {
      return Fail(ErrorCode::kMalformed, "trailing data after the request", "csr");
    }
  }
  if (!req) return Fail(OpensslError(ErrorCode::kMalformed, "not a PKCS#10 request", "csr"));
  EVP_PKEY* raw = X509_REQ_get_pubkey(req.get());  // new reference
  auto pub = PublicKey::Adopt(UniquePtr<EVP_PKEY>(raw));
  if (!pub) return Fail(pub.error());

  // Proof of possession. SM2 goes over the exact TBS bytes with the explicit
  // ID (see signed_der.h); other algorithms through OpenSSL, which honours the
  // request's own digest choice.
  Status ok = Ok();
  if (pub->type() == KeyType::kSm2) {
    unsigned char* der = nullptr;
    int len = i2d_X509_REQ(req.get(), &der);
    Bytes der_bytes(der, der + (len > 0 ? len : 0));
    OPENSSL_free(der);
    ok = VerifySignedDer(der_bytes, *pub, options, "csr");
  } else if (X509_REQ_verify(req.get(), pub->get()) != 1) {
    ClearOpensslErrors();
    ok = Fail(ErrorCode::kVerifyFailed, "signature does not verify", "csr");
  }
  if (!ok) return Fail(NoPossession(ok.error()));
  return CsrInfo{ReadName(X509_REQ_get_subject_name(req.get())), std::move(*pub)};
}

}  // namespace

Result<CsrInfo> VerifyCsr(ByteView data, const SignOptions& options) {
  std::optional<Bytes> pem_der;
  ByteView der = data;
  if (AsChars(data).find("-----BEGIN") != std::string_view::npos) {
    pem_der = PemCsrDer(AsChars(data));
    der = pem_der ? ByteView(*pem_der) : ByteView();
  }
  if (!der.empty()) {
    if (auto fast = VerifyCommonShape(der, options)) return std::move(*fast);
  }
  return VerifyWithOpenssl(data, options);
}

}  // namespace sealkey::crypto
