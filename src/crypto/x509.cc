#include "crypto/x509.h"

#include <cctype>
#include <ctime>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/encoding.h"
#include "crypto/ossl_error.h"
#include "crypto/signed_der.h"

namespace sealkey::crypto {
namespace {

std::string ObjectName(const ASN1_OBJECT* obj, bool short_name) {
  int nid = OBJ_obj2nid(obj);
  if (nid != NID_undef) return short_name ? OBJ_nid2sn(nid) : OBJ_nid2ln(nid);
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

std::string Oid(const ASN1_OBJECT* obj) {
  char buf[128];
  OBJ_obj2txt(buf, sizeof buf, obj, 1);
  return buf;
}

int64_t ToUnix(const ASN1_TIME* t) {
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

std::string SignatureAlgorithmName(int nid) {
  switch (nid) {
    case NID_SM2_with_SM3: return "SM3withSM2";
    case NID_sha1WithRSAEncryption: return "SHA1withRSA";
    case NID_sha256WithRSAEncryption: return "SHA256withRSA";
    case NID_sha384WithRSAEncryption: return "SHA384withRSA";
    case NID_sha512WithRSAEncryption: return "SHA512withRSA";
    case NID_rsassaPss: return "RSASSA-PSS";
    case NID_ecdsa_with_SHA256: return "SHA256withECDSA";
    case NID_ecdsa_with_SHA384: return "SHA384withECDSA";
    default: return nid == NID_undef ? "unknown" : OBJ_nid2ln(nid);
  }
}

struct UsageBit {
  uint32_t bit;
  const char* name;
};
constexpr UsageBit kKeyUsages[] = {
    {KU_DIGITAL_SIGNATURE, "digitalSignature"}, {KU_NON_REPUDIATION, "nonRepudiation"},
    {KU_KEY_ENCIPHERMENT, "keyEncipherment"},   {KU_DATA_ENCIPHERMENT, "dataEncipherment"},
    {KU_KEY_AGREEMENT, "keyAgreement"},         {KU_KEY_CERT_SIGN, "keyCertSign"},
    {KU_CRL_SIGN, "cRLSign"},                   {KU_ENCIPHER_ONLY, "encipherOnly"},
    {KU_DECIPHER_ONLY, "decipherOnly"},
};

CertUsage UsageFrom(uint32_t ku) {
  if (ku == UINT32_MAX) return CertUsage::kUnspecified;  // no extension
  bool sign = ku & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION);
  bool enc = ku & (KU_KEY_ENCIPHERMENT | KU_DATA_ENCIPHERMENT | KU_KEY_AGREEMENT);
  if (sign && enc) return CertUsage::kSigningAndEncryption;
  if (sign) return CertUsage::kSigning;
  if (enc) return CertUsage::kEncryption;
  return CertUsage::kUnspecified;
}

std::string ExtensionText(X509_EXTENSION* ext) {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  if (!X509V3_EXT_print(bio.get(), ext, 0, 0)) {
    ClearOpensslErrors();
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    return HexEncode(ByteView(ASN1_STRING_get0_data(data),
                              static_cast<size_t>(ASN1_STRING_length(data))));
  }
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  std::string text(p, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

bool LooksLikeBase64(ByteView data) {
  if (data.empty()) return false;
  for (uint8_t c : data) {
    if (!(std::isalnum(c) || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r' ||
          c == ' ' || c == '\t')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string FormatName(const std::vector<NameEntry>& name) {
  std::string out;
  for (const auto& e : name) {
    if (!out.empty()) out += ", ";
    out += e.type + "=" + e.value;
  }
  return out;
}

std::string_view CertUsageToken(CertUsage usage) {
  switch (usage) {
    case CertUsage::kSigning: return "signing";
    case CertUsage::kEncryption: return "encryption";
    case CertUsage::kSigningAndEncryption: return "signing+encryption";
    case CertUsage::kUnspecified: return "unspecified";
  }
  return "unspecified";
}

std::vector<NameEntry> ReadName(const X509_NAME* name) {
  std::vector<NameEntry> out;
  for (int i = 0; i < X509_NAME_entry_count(name); ++i) {
    const X509_NAME_ENTRY* e = X509_NAME_get_entry(name, i);
    unsigned char* utf8 = nullptr;
    int len = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    std::string value = len >= 0 ? std::string(reinterpret_cast<char*>(utf8), len) : "";
    OPENSSL_free(utf8);
    out.push_back({ObjectName(X509_NAME_ENTRY_get_object(e), true), std::move(value)});
  }
  return out;
}

Result<Certificate> Certificate::FromDer(ByteView der) {
  const unsigned char* p = der.data();
  UniquePtr<X509> x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) {
    return Fail(OpensslError(ErrorCode::kMalformed, "not a DER X.509 certificate",
                             "certificate"));
  }
  if (p != der.data() + der.size()) {
    return Fail(ErrorCode::kMalformed, "trailing data after the certificate", "certificate");
  }
  return Certificate(std::move(x));
}

Result<Certificate> Certificate::Parse(ByteView data) {
  std::string_view text = AsChars(data);
  if (text.find("-----BEGIN") != std::string_view::npos) {
    UniquePtr<BIO> bio(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
    UniquePtr<X509> x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!x) {
      return Fail(OpensslError(ErrorCode::kMalformed,
                               "no PEM CERTIFICATE block could be read", "certificate"));
    }
    return Certificate(std::move(x));
  }
  if (LooksLikeBase64(data)) {
    auto der = Base64Decode(text);
    if (!der) return Fail(ErrorCode::kMalformed, "invalid base64 certificate: " +
                                                     der.error().message, "certificate");
    return FromDer(*der);
  }
  return FromDer(data);
}

Certificate Certificate::Clone() const {
  X509_up_ref(x509_.get());
  return Certificate(UniquePtr<X509>(x509_.get()));
}

Bytes Certificate::Der() const {
  unsigned char* out = nullptr;
  int len = i2d_X509(x509_.get(), &out);
  Bytes der;
  if (len > 0) der.assign(out, out + len);
  OPENSSL_free(out);
  return der;
}

std::string Certificate::Pem() const {
  UniquePtr<BIO> bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), x509_.get());
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return std::string(p, static_cast<size_t>(n));
}

Bytes Certificate::Thumbprint(HashAlg alg) const { return Hash(alg, Der()); }

Result<PublicKey> Certificate::PublicKeyOf() const {
  EVP_PKEY* pkey = X509_get_pubkey(x509_.get());  // new reference
  if (pkey == nullptr) {
    return Fail(OpensslError(ErrorCode::kUnsupported, "certificate public key cannot be read",
                             "certificate"));
  }
  return PublicKey::Adopt(UniquePtr<EVP_PKEY>(pkey));
}

Status Certificate::VerifySignature(const PublicKey& issuer_key) const {
  if (issuer_key.type() == KeyType::kSm2) {
    if (X509_get_signature_nid(x509_.get()) != NID_SM2_with_SM3) {
      return Fail(ErrorCode::kVerifyFailed, "signed with another algorithm than SM3withSM2",
                  "certificate");
    }
    return VerifySignedDer(Der(), issuer_key, SignOptions{}, "certificate");
  }
  int rc = X509_verify(x509_.get(), issuer_key.get());
  ClearOpensslErrors();
  if (rc != 1) {
    return Fail(ErrorCode::kVerifyFailed, "certificate signature does not verify",
                "certificate");
  }
  return Ok();
}

CertificateInfo Certificate::Info() const {
  X509* x = x509_.get();
  CertificateInfo info;
  info.version = static_cast<int>(X509_get_version(x)) + 1;
  UniquePtr<BIGNUM> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), nullptr));
  if (serial) {
    Bytes s(static_cast<size_t>(BN_num_bytes(serial.get())));
    BN_bn2bin(serial.get(), s.data());
    info.serial = s.empty() ? "00" : HexEncodeUpper(s);
  }
  info.subject = ReadName(X509_get_subject_name(x));
  info.issuer = ReadName(X509_get_issuer_name(x));
  info.not_before = ToUnix(X509_get0_notBefore(x));
  info.not_after = ToUnix(X509_get0_notAfter(x));

  if (EVP_PKEY* pkey = X509_get0_pubkey(x)) {
    auto type = ClassifyKey(pkey);
    if (type) {
      info.public_key_algorithm = std::string(KeyTypeName(*type));
    } else {
      info.public_key_algorithm = EVP_PKEY_get0_type_name(pkey) ? EVP_PKEY_get0_type_name(pkey)
                                                                 : "unknown";
    }
    info.public_key_bits = EVP_PKEY_get_bits(pkey);
  }
  ClearOpensslErrors();
  info.signature_algorithm = SignatureAlgorithmName(X509_get_signature_nid(x));

  uint32_t ku = X509_get_key_usage(x);
  if (ku != UINT32_MAX) {
    for (const auto& u : kKeyUsages) {
      if (ku & u.bit) info.key_usage.push_back(u.name);
    }
  }
  info.usage = UsageFrom(ku);
  if (auto* eku = static_cast<EXTENDED_KEY_USAGE*>(
          X509_get_ext_d2i(x, NID_ext_key_usage, nullptr, nullptr))) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku); ++i) {
      info.extended_key_usage.push_back(ObjectName(sk_ASN1_OBJECT_value(eku, i), true));
    }
    EXTENDED_KEY_USAGE_free(eku);
  }
  info.is_ca = (X509_get_extension_flags(x) & EXFLAG_CA) != 0;

  for (int i = 0; i < X509_get_ext_count(x); ++i) {
    X509_EXTENSION* ext = X509_get_ext(x, i);
    const ASN1_OBJECT* obj = X509_EXTENSION_get_object(ext);
    info.extensions.push_back({Oid(obj), ObjectName(obj, false),
                               X509_EXTENSION_get_critical(ext) != 0, ExtensionText(ext)});
  }
  ClearOpensslErrors();
  return info;
}

}  // namespace sealkey::crypto
