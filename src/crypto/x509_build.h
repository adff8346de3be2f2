// Building X.509 objects: distinguished names from text, PKCS#10
// certificate requests, and certificates (self-signed or issued by a CA key).
// Signing goes through sign.h, so SM2 always uses SM3 with the explicit ID.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "crypto/sign.h"
#include "crypto/signer.h"
#include "crypto/x509.h"

namespace sealkey::crypto {

// Parses "/C=CN/O=测试单位/CN=张三" or "CN=张三, O=测试单位, C=CN"; a '\' escapes
// the separator. Types are OpenSSL short names or dotted OIDs; C must be two
// letters. Errors name the field "subject".
Result<std::vector<NameEntry>> ParseDistinguishedName(std::string_view text);

// A DER PKCS#10 request for `key`'s public key, signed by `key`.
Result<Bytes> BuildCsr(const PrivateKey& key, const std::vector<NameEntry>& subject,
                       const SignOptions& options = {});

// The same, signed through `signer` (a key inside a medium) for `public_key`.
Result<Bytes> BuildCsrWithSigner(Signer& signer, const PublicKey& public_key,
                                 const std::vector<NameEntry>& subject,
                                 const SignOptions& options = {});

struct CsrInfo {
  std::vector<NameEntry> subject;
  PublicKey public_key;
};
// Parses a PEM or DER request and checks its proof of possession.
Result<CsrInfo> VerifyCsr(ByteView pem_or_der, const SignOptions& options = {});

struct CertificateTemplate {
  std::vector<NameEntry> subject;
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  bool is_ca = false;
  std::optional<int> path_length;             // CA only
  CertUsage usage = CertUsage::kSigning;      // end-entity only
  Bytes serial;                               // empty: 127 random bits
};

// Issues a certificate for `subject_key` signed by `issuer_key`. With
// `issuer` null the certificate is self-signed (issuer name = subject) and
// `subject_key` must be `issuer_key`'s public key.
Result<Certificate> IssueCertificate(const CertificateTemplate& tmpl, const PublicKey& subject_key,
                                     const PrivateKey& issuer_key, const Certificate* issuer,
                                     const SignOptions& options = {});

// Self-signed convenience wrapper.
Result<Certificate> SelfSign(const PrivateKey& key, const CertificateTemplate& tmpl,
                             const SignOptions& options = {});

}  // namespace sealkey::crypto
