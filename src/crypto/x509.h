// X.509 certificates: parsing into the details the app shows (D4), and
// thumbprints. Accepts PEM, DER, or bare base64 DER (as Chinese CAs often
// ship .cer files).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <openssl/types.h>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/digest.h"
#include "crypto/key.h"
#include "crypto/ossl.h"

namespace sealkey::crypto {

// One attribute of a distinguished name, e.g. {"CN", "张三"}. `type` is the
// OpenSSL short name (CN, O, OU, C, ST, L, emailAddress ...) or a dotted OID.
struct NameEntry {
  std::string type;
  std::string value;  // UTF-8
  bool operator==(const NameEntry&) const = default;
};

// "C=CN, O=测试单位, CN=张三" in encoded order.
std::string FormatName(const std::vector<NameEntry>& name);

// What a certificate is for, from its key usage extension.
enum class CertUsage { kSigning, kEncryption, kSigningAndEncryption, kUnspecified };
std::string_view CertUsageToken(CertUsage usage);  // "signing", "encryption", ...

struct CertificateExtension {
  std::string oid;   // dotted
  std::string name;  // OpenSSL long name or the OID
  bool critical = false;
  std::string value;  // OpenSSL's text rendering
};

struct CertificateInfo {
  int version = 0;          // 1, 2 or 3
  std::string serial;       // upper-case hex, no separators
  std::vector<NameEntry> subject;
  std::vector<NameEntry> issuer;
  int64_t not_before = 0;   // Unix seconds
  int64_t not_after = 0;
  std::string public_key_algorithm;  // "SM2", "ECDSA P-256", "RSA" or the OID name
  int public_key_bits = 0;
  std::string signature_algorithm;   // "SM3withSM2", "SHA256withRSA", ...
  std::vector<std::string> key_usage;           // "digitalSignature", ...
  std::vector<std::string> extended_key_usage;  // "clientAuth", ...
  CertUsage usage = CertUsage::kUnspecified;
  bool is_ca = false;
  std::vector<CertificateExtension> extensions;
};

class Certificate {
 public:
  // PEM, DER or bare base64; exactly one certificate, no trailing data.
  static Result<Certificate> Parse(ByteView data);
  static Result<Certificate> FromDer(ByteView der);
  // Takes ownership.
  static Certificate Adopt(UniquePtr<X509> x509) { return Certificate(std::move(x509)); }

  Certificate(Certificate&&) noexcept = default;
  Certificate& operator=(Certificate&&) noexcept = default;
  Certificate Clone() const;

  CertificateInfo Info() const;
  Bytes Der() const;
  std::string Pem() const;
  Bytes Thumbprint(HashAlg alg) const;
  Result<PublicKey> PublicKeyOf() const;
  // Checks this certificate's signature with `issuer_key`.
  Status VerifySignature(const PublicKey& issuer_key) const;

  X509* get() const { return x509_.get(); }

 private:
  explicit Certificate(UniquePtr<X509> x509) : x509_(std::move(x509)) {}
  UniquePtr<X509> x509_;
};

// Reads an X509_NAME into entries (UTF-8 values).
std::vector<NameEntry> ReadName(const X509_NAME* name);

}  // namespace sealkey::crypto
