#include "crypto/x509_build.h"

#include <cctype>
#include <string>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/ossl_error.h"
#include "crypto/signed_der.h"
#include "crypto/random.h"

namespace sealkey::crypto {
namespace {

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> SplitEscaped(std::string_view text, char sep) {
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      cur.push_back(text[++i]);
    } else if (text[i] == sep) {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur.push_back(text[i]);
    }
  }
  parts.push_back(cur);
  return parts;
}

Result<UniquePtr<X509_NAME>> BuildName(const std::vector<NameEntry>& entries) {
  if (entries.empty()) return Fail(ErrorCode::kInvalidArgument, "must not be empty", "subject");
  UniquePtr<X509_NAME> name(X509_NAME_new());
  for (const auto& e : entries) {
    if (!X509_NAME_add_entry_by_txt(name.get(), e.type.c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(e.value.data()),
                                    static_cast<int>(e.value.size()), -1, 0)) {
      return Fail(OpensslError(ErrorCode::kInvalidArgument,
                               "cannot encode " + e.type + "=" + e.value, "subject"));
    }
  }
  return name;
}

Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const std::string& value) {
  UniquePtr<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value.c_str()));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) {
    return Fail(OpensslError(ErrorCode::kCrypto, std::string("adding extension ") +
                                                     OBJ_nid2sn(nid) + " failed"));
  }
  return Ok();
}

std::string KeyUsageValue(const CertificateTemplate& t) {
  if (t.is_ca) return "critical,keyCertSign,cRLSign,digitalSignature";
  switch (t.usage) {
    case CertUsage::kEncryption:
      return "critical,keyEncipherment,dataEncipherment,keyAgreement";
    case CertUsage::kSigningAndEncryption:
      return "critical,digitalSignature,nonRepudiation,keyEncipherment,dataEncipherment";
    default:
      return "critical,digitalSignature,nonRepudiation";
  }
}

Result<Bytes> ToDer(int (*i2d)(const X509_REQ*, unsigned char**), const X509_REQ* obj) {
  unsigned char* out = nullptr;
  int len = i2d(obj, &out);
  if (len <= 0) return Fail(OpensslError(ErrorCode::kCrypto, "DER encoding failed"));
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

}  // namespace

Result<std::vector<NameEntry>> ParseDistinguishedName(std::string_view text) {
  std::string trimmed = Trim(text);
  if (trimmed.empty()) return Fail(ErrorCode::kInvalidArgument, "must not be empty", "subject");
  bool slash_form = trimmed[0] == '/';
  std::vector<std::string> parts =
      SplitEscaped(slash_form ? std::string_view(trimmed).substr(1) : trimmed,
                   slash_form ? '/' : ',');
  std::vector<NameEntry> out;
  for (const auto& raw : parts) {
    std::string part = Trim(raw);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string::npos) {
      return Fail(ErrorCode::kInvalidArgument, "'" + part + "' is not TYPE=VALUE", "subject");
    }
    std::string type = Trim(part.substr(0, eq));
    std::string value = Trim(part.substr(eq + 1));
    if (OBJ_txt2nid(type.c_str()) == NID_undef) {
      UniquePtr<ASN1_OBJECT> obj(OBJ_txt2obj(type.c_str(), 1));
      ClearOpensslErrors();
      if (!obj) {
        return Fail(ErrorCode::kInvalidArgument, "unknown attribute type '" + type + "'",
                    "subject");
      }
    }
    if (value.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "empty value for " + type, "subject");
    }
    if (type == "C" && (value.size() != 2 || !std::isalpha(static_cast<unsigned char>(value[0])) ||
                        !std::isalpha(static_cast<unsigned char>(value[1])))) {
      return Fail(ErrorCode::kInvalidArgument, "country (C) must be a two-letter code",
                  "subject");
    }
    out.push_back({type, value});
  }
  if (out.empty()) return Fail(ErrorCode::kInvalidArgument, "no attributes", "subject");
  return out;
}

Result<Bytes> BuildCsr(const PrivateKey& key, const std::vector<NameEntry>& subject,
                       const SignOptions& options) {
  auto pub = key.Public();
  if (!pub) return Fail(pub.error());
  KeySigner signer(key);
  return BuildCsrWithSigner(signer, *pub, subject, options);
}

Result<Bytes> BuildCsrWithSigner(Signer& signer, const PublicKey& public_key,
                                 const std::vector<NameEntry>& subject,
                                 const SignOptions& options) {
  if (signer.key_type() != public_key.type()) {
    return Fail(ErrorCode::kInvalidArgument, "the signer's key does not match the public key",
                "key");
  }
  auto name = BuildName(subject);
  if (!name) return Fail(name.error());
  UniquePtr<X509_REQ> req(X509_REQ_new());
  if (!req || !X509_REQ_set_version(req.get(), 0) ||
      !X509_REQ_set_subject_name(req.get(), name->get()) ||
      !X509_REQ_set_pubkey(req.get(), public_key.get())) {
    return Fail(OpensslError(ErrorCode::kCrypto, "building the request failed"));
  }
  // The signature algorithm goes into the request before the TBS is taken.
  X509_ALGOR* alg = X509_ALGOR_new();
  int nid = public_key.type() == KeyType::kSm2     ? NID_SM2_with_SM3
            : public_key.type() == KeyType::kEcP256 ? NID_ecdsa_with_SHA256
                                                    : NID_sha256WithRSAEncryption;
  if (public_key.type() == KeyType::kRsa && options.rsa_pss) {
    X509_ALGOR_free(alg);
    return Fail(ErrorCode::kUnsupported, "PSS-signed requests are not supported", "padding");
  }
  X509_ALGOR_set0(alg, OBJ_nid2obj(nid),
                  public_key.type() == KeyType::kRsa ? V_ASN1_NULL : V_ASN1_UNDEF, nullptr);
  X509_REQ_set1_signature_algo(req.get(), alg);
  X509_ALGOR_free(alg);
  unsigned char* tbs = nullptr;
  int tbs_len = i2d_re_X509_REQ_tbs(req.get(), &tbs);
  if (tbs_len <= 0) return Fail(OpensslError(ErrorCode::kCrypto, "encoding the request failed"));
  Bytes tbs_bytes(tbs, tbs + tbs_len);
  OPENSSL_free(tbs);
  SignOptions opt = options;
  opt.hash = HashAlg::kSha256;
  auto sig = signer.Sign(tbs_bytes, opt);
  if (!sig) return Fail(sig.error());
  ASN1_BIT_STRING* bits = ASN1_BIT_STRING_new();
  ASN1_BIT_STRING_set(bits, sig->data(), static_cast<int>(sig->size()));
  // Whole octets: without this flag OpenSSL derives "unused bits" from the
  // last byte's trailing zeros and corrupts the signature.
  bits->flags &= ~(ASN1_STRING_FLAG_BITS_LEFT | 0x07);
  bits->flags |= ASN1_STRING_FLAG_BITS_LEFT;
  X509_REQ_set0_signature(req.get(), bits);
  return ToDer(i2d_X509_REQ, req.get());
}

Result<Certificate> IssueCertificate(const CertificateTemplate& t, const PublicKey& subject_key,
                                     const PrivateKey& issuer_key, const Certificate* issuer,
                                     const SignOptions& options) {
  if (t.not_after <= t.not_before) {
    return Fail(ErrorCode::kInvalidArgument, "not_after must be later than not_before",
                "validity");
  }
  auto name = BuildName(t.subject);
  if (!name) return Fail(name.error());
  Bytes serial = t.serial;
  if (serial.empty()) {
    serial = RandomBytes(16);
    serial[0] = (serial[0] & 0x7f) | 0x40;  // positive, full length
  }
  UniquePtr<X509> x(X509_new());
  UniquePtr<BIGNUM> bn(BN_bin2bn(serial.data(), static_cast<int>(serial.size()), nullptr));
  if (!x || !bn || !X509_set_version(x.get(), 2) ||
      !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get())) ||
      !ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(t.not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(t.not_after)) ||
      !X509_set_subject_name(x.get(), name->get()) ||
      !X509_set_issuer_name(x.get(),
                            issuer ? X509_get_subject_name(issuer->get()) : name->get()) ||
      !X509_set_pubkey(x.get(), subject_key.get())) {
    return Fail(OpensslError(ErrorCode::kCrypto, "building the certificate failed"));
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer ? issuer->get() : x.get(), x.get(), nullptr, nullptr, 0);
  std::string bc = t.is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
  if (t.is_ca && t.path_length) bc += ",pathlen:" + std::to_string(*t.path_length);
  SEALKEY_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_basic_constraints, bc));
  SEALKEY_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_key_usage, KeyUsageValue(t)));
  SEALKEY_RETURN_IF_ERROR(AddExtension(x.get(), &ctx, NID_subject_key_identifier, "hash"));
  SEALKEY_RETURN_IF_ERROR(
      AddExtension(x.get(), &ctx, NID_authority_key_identifier, "keyid:always"));

  auto sign_ctx = NewSignContext(issuer_key, options);
  if (!sign_ctx) return Fail(sign_ctx.error());
  if (X509_sign_ctx(x.get(), sign_ctx->get()) <= 0) {
    return Fail(OpensslError(ErrorCode::kCrypto, "signing the certificate failed"));
  }
  return Certificate::Adopt(std::move(x));
}

Result<Certificate> SelfSign(const PrivateKey& key, const CertificateTemplate& tmpl,
                             const SignOptions& options) {
  auto pub = key.Public();
  if (!pub) return Fail(pub.error());
  return IssueCertificate(tmpl, *pub, key, nullptr, options);
}

}  // namespace sealkey::crypto
