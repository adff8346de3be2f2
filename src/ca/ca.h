// The certificate authority engine (MISSION E2, E3): one CA = its issuing
// certificate, the chain above it, and a Signer for its key (an encrypted key
// file or a PKCS#11 HSM: ca_key.h). Issuance takes a public key whose
// possession was proved (a verified CSR) or that the KMC generated, a
// profile and a validity, and returns an X.509 v3 certificate. The CA never
// sees a subscriber's signing private key.
//
// No I/O here apart from the Signer: persistence, audit and HTTP live in
// src/server/cert.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "crypto/signer.h"
#include "crypto/x509.h"
#include "crypto/x509_build.h"

namespace sealkey::ca {

// What the certificate is about (STANDARDS / Chinese CA practice: the
// subject names the person and, for organisation roles, the organisation
// and its unified social credit code).
enum class Profile { kPersonal, kOrganisation, kEmployee };
std::string_view ProfileToken(Profile p);  // "personal", "organisation", "employee"
Result<Profile> ParseProfile(std::string_view token);  // field "profile"

struct SubjectInfo {
  std::string person_name;  // personal, employee: the verified name
  std::string id_number;    // personal, employee: resident ID (GB 11643)
  std::string org_name;     // organisation, employee
  std::string credit_code;  // organisation, employee (GB 32100)
};

// The subject DN for a profile, in encoded (DER) order, values UTF-8
// (UTF8String; C and serialNumber are PrintableString):
//   personal      C=CN, serialNumber=<PersonIdentifier>, CN=<person_name>
//   organisation  C=CN, O=<org_name>, organizationIdentifier=<credit_code>,
//                 CN=<org_name>
//   employee      C=CN, O=<org_name>, organizationIdentifier=<credit_code>,
//                 serialNumber=<PersonIdentifier>, CN=<person_name>
// The credit code goes in organizationIdentifier (2.5.4.97, X.520), as is,
// without ETSI EN 319 412-1's "NTRCN-" prefix: Chinese relying parties
// expect the bare 18-character code, and it keeps serialNumber for the
// person in employee certificates. The resident ID number never appears in
// clear (see PersonIdentifier). The ID number and credit code are checked
// (length, alphabet and check character of GB 11643 / GB 32100) and
// upper-cased; names are trimmed and must be 1..64 characters without
// control characters. kInvalidArgument naming the field at fault
// ("person_name", "id_number", "org_name", "credit_code").
Result<std::vector<crypto::NameEntry>> SubjectFor(Profile profile, const SubjectInfo& info);

// The subject serialNumber of a person: the upper-case hex of the first 16
// bytes of SM3("sealkey-person-id-v1:" || ID number, upper-cased), 32
// characters. It is a stable pseudonym (the same person gets the same value
// from every sealkey CA and on renewal), not a secret: whoever already knows
// an ID number can check it against a certificate, and the ID number space
// is small enough to search, so it hides the number from casual readers and
// indexers, not from a determined attacker with the certificate. `id_number`
// must already be valid (SubjectFor checks it).
std::string PersonIdentifier(std::string_view id_number);

// One CA, ready to sign. `signer` must outlive the context. Signers are used
// from one thread at a time (a PKCS#11 Signer keeps one session), so callers
// that issue from several threads serialise per CaContext.
struct CaContext {
  std::string id;                          // stable, URL-safe: "sm2", "rsa", "p256" ...
  crypto::Certificate cert;                // the issuing CA certificate
  std::vector<crypto::Certificate> chain;  // above `cert`, up to and including the root
  crypto::Signer* signer = nullptr;
  std::string crl_url;                     // CRL distribution point, e.g. http://host/crl/sm2.crl
  std::string ocsp_url;                    // AIA OCSP, e.g. http://host/ocsp
};

struct IssueRequest {
  const crypto::PublicKey* subject_key = nullptr;
  std::vector<crypto::NameEntry> subject;
  Profile profile = Profile::kPersonal;
  crypto::CertUsage usage = crypto::CertUsage::kSigning;  // kSigning or kEncryption
  int64_t not_before = 0;  // Unix seconds
  int64_t not_after = 0;
  Bytes serial;            // empty: NewSerial()
};

// 20 bytes, positive, never zero (RFC 5280 4.1.2.2; far above the 64 random
// bits the CA/B Forum asks for): the first byte is drawn from 0x01..0x7f, so
// the DER INTEGER is always exactly 20 bytes and these bytes are the
// certificate's serial as Certificate::Info() shows it (~159 random bits).
Bytes NewSerial();

// The KeyAlg a public key is an instance of (RSA: 2048 or 3072 bits);
// kUnsupported naming "key" for other RSA sizes.
Result<crypto::KeyAlg> KeyAlgOf(const crypto::PublicKey& key);

// Algorithm policy, as real CAs do: an SM2 CA issues SM2 keys only (国密
// chain end to end); an ECDSA P-256 or RSA CA issues P-256 and RSA keys (the
// international family), never SM2.
bool CaMayIssue(crypto::KeyType ca_key, crypto::KeyType subject_key);

// An end-entity certificate signed by `ca`: v3, SKI (SHA-1 of the key bits,
// RFC 5280 4.2.1.2 method 1), AKI = the CA's SKI, basicConstraints CA:FALSE,
// keyUsage (signing: digitalSignature + nonRepudiation; encryption:
// keyEncipherment + dataEncipherment (+ keyAgreement for EC keys)),
// extendedKeyUsage clientAuth + emailProtection, CRL distribution point and
// AIA OCSP from the context (each only when its URL is set). SM2 CAs sign
// SM3withSM2 (1.2.156.10197.1.501) with the default ID, P-256 CAs
// ecdsa-with-SHA256, RSA CAs sha256WithRSAEncryption; the TBS is signed
// through `ca.signer`, and the result is verified with the CA certificate's
// key before it is returned, so a signer holding another key never yields a
// certificate. The one exception is a key-file signer from OpenCaSigner,
// which proved when it was opened that it holds the CA certificate's key
// (IsProvenKeyFileSigner in ca_key.h); PKCS#11 (HSM) signatures and those of
// any other Signer are always verified. The subject key is written as the
// SubjectPublicKeyInfo its key type has in OpenSSL (uncompressed point and
// named curve for SM2 and P-256).
//
// Checks, before anything is signed:
//   ca.signer set and of the CA key's type, ca.cert a CA   kFailedPrecondition "ca"
//   subject_key present                                    kInvalidArgument "key"
//   CaMayIssue(CA key type, subject key type)              kUnsupported "key"
//   RSA subject keys of at least 2048 bits                 kUnsupported "key"
//   usage kSigning or kEncryption                          kInvalidArgument "usage"
//   not_before < not_after                                 kInvalidArgument "validity"
//   not_after no later than the CA certificate's           kOutOfRange "not_after"
//   subject has CN (and O for organisation, employee)      kInvalidArgument "subject"
//   serial 1..20 bytes as a positive INTEGER, not zero     kOutOfRange "serial"
Result<crypto::Certificate> IssueEndEntity(const CaContext& ca, const IssueRequest& request);

// The same certificate as DER, with the serial it was given, without parsing
// it back: for callers that already hold what they need from the request
// (CertService). Parsing a certificate costs OpenSSL 3.0 a key decode, about
// a sixth of an issuance.
struct IssuedDer {
  Bytes der;
  Bytes serial;  // big-endian, as written in the certificate
};
Result<IssuedDer> IssueEndEntityDer(const CaContext& ca, const IssueRequest& request);

// Parses a CSR, checks its proof of possession and that its key algorithm is
// one of `allowed` (kUnsupported naming field "csr" otherwise).
Result<crypto::CsrInfo> CheckCsr(ByteView pem_or_der, const std::set<crypto::KeyAlg>& allowed);

// A new CA hierarchy for development and tests (`sealkeyd ca init`): a root
// (20 years) and an issuing CA under it (10 years, pathLen 0) with keys of
// `alg`, both valid from `now`. Subjects: C=CN, O=<organisation>,
// CN="sealkey <ALG> Root CA" / "sealkey <ALG> Issuing CA" with ALG one of
// SM2, P-256, RSA. CA keyUsage: keyCertSign, cRLSign, digitalSignature (the
// CA signs its own OCSP responses). kInvalidArgument "organisation" when
// empty.
struct CaHierarchy {
  crypto::Certificate root;
  crypto::PrivateKey root_key;
  crypto::Certificate issuing;
  crypto::PrivateKey issuing_key;
};
Result<CaHierarchy> CreateHierarchy(crypto::KeyAlg alg, const std::string& organisation,
                                    int64_t now);

}  // namespace sealkey::ca
