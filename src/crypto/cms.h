// Detached CMS SignedData (RFC 5652), encoded and verified by sealkey itself.
//
// OpenSSL 3.0's CMS cannot sign with SM2 and cannot use a key that lives in
// a token, so signing goes through the Signer seam (signer.h) and the DER is
// written here. The encoding is fixed (RFC 5652 section 5):
//
//   ContentInfo { id-signedData, [0] EXPLICIT SignedData {
//     version 1, digestAlgorithms SET { digest },
//     encapContentInfo { id-data }                      -- no eContent: detached
//     certificates [0] IMPLICIT SET OF Certificate,     -- signer + extra_certs
//     signerInfos SET { SignerInfo {
//       version 1, sid IssuerAndSerialNumber, digestAlgorithm,
//       signedAttrs [0] IMPLICIT { contentType, signingTime?, messageDigest,
//                                  signingCertificateV2? },
//       signatureAlgorithm, signature OCTET STRING } } } }
//
// Algorithms by key type:
//   SM2    SM3 (1.2.156.10197.1.401), SM3withSM2 (1.2.156.10197.1.501)
//   P-256  SHA-256/384/512 (no parameters), ecdsa-with-SHA256/384/512
//   RSA    SHA-256/384/512 (NULL parameters), rsaEncryption (PKCS#1 v1.5)
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/digest.h"
#include "crypto/sign.h"
#include "crypto/signer.h"
#include "crypto/x509.h"

namespace sealkey::crypto {

struct CmsSignParams {
  // Unix seconds; 0 omits the signingTime attribute. Encoded as UTCTime for
  // 1950..2049 and GeneralizedTime otherwise (RFC 5652 section 11.3).
  int64_t signing_time = 0;
  // Chain certificates to embed besides the signer's; the caller keeps them
  // alive for the call. Duplicates (of each other or of the signer's
  // certificate) are embedded once.
  std::vector<const Certificate*> extra_certs;
  // hash: the digest for ECDSA and RSA (SHA-256, -384 or -512; SM2 always
  // uses SM3). sm2_id: the SM2 distinguishing ID. rsa_pss must be false.
  SignOptions options;
  // Adds the ESS signing-certificate-v2 signed attribute (RFC 5035 section 3;
  // CAdES, ETSI EN 319 122-1 section 5.2.2, and so PAdES ETSI.CAdES.detached):
  // one ESSCertIDv2 with the signer certificate's hash under the CMS digest
  // (hashAlgorithm omitted for SHA-256, its DEFAULT) and its issuerSerial.
  bool signing_certificate_v2 = false;
};

// Returns the DER ContentInfo of a detached SignedData over `content`,
// signed once through `signer` over the DER signed attributes.
//
// `signer_cert` must hold the public key of `signer`: the signature is
// checked against it before returning, so a wrong certificate or a token
// that signs with another key fails here rather than at the relying party.
//
// Errors: kInvalidArgument (key and certificate disagree, bad signing time),
// kUnsupported (a hash the key type cannot use in CMS, RSA-PSS), and
// whatever `signer` returns.
Result<Bytes> CmsSignDetached(Signer& signer, const Certificate& signer_cert, ByteView content,
                              const CmsSignParams& params = {});

struct CmsVerifyResult {
  Certificate signer;                     // the certificate that verified
  std::vector<Certificate> certificates;  // every embedded certificate, in order
  std::optional<int64_t> signing_time;    // Unix seconds, if the attribute is present
  HashAlg digest;                         // the SignerInfo's digestAlgorithm
};

// Verifies a detached SignedData with exactly one SignerInfo over `content`.
// `cms` is DER, or PEM with a "CMS" or "PKCS7" label; the input must be
// strict DER (BER indefinite lengths are rejected). The signer certificate
// is looked up among the embedded certificates by IssuerAndSerialNumber or
// subjectKeyIdentifier. With signed attributes, contentType must be id-data
// and messageDigest must equal the hash of `content`; without them the
// signature covers `content` directly. `options.sm2_id` is the SM2 ID;
// `options.hash` is ignored (the CMS names its digest).
//
// Does NOT check certificate chains, validity periods or key usage.
//
// Errors (field "signature"):
//   kMalformed     not CMS, truncated, non-DER, or a badly formed signature
//   kVerifyFailed  "content does not match the signature" (messageDigest) or
//                  "signature does not verify" (signature, key or SM2 ID)
//   kNotFound      the signer's certificate is not embedded
//   kUnsupported   unknown algorithms, attached content, several signers
Result<CmsVerifyResult> CmsVerifyDetached(ByteView cms, ByteView content,
                                          const SignOptions& options = {});

}  // namespace sealkey::crypto
