#include "ca/tbs_der.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "ca/revocation_der.h"
#include "crypto/digest.h"
#include "crypto/ossl_error.h"

namespace sealkey::ca::detail {
namespace {

using crypto::CertUsage;
using crypto::KeyType;
using crypto::UniquePtr;

constexpr uint8_t kContextPrimitive0 = 0x80;  // [0] IMPLICIT, primitive
constexpr uint8_t kUri = 0x86;                // GeneralName uniformResourceIdentifier [6]

Result<Bytes> NameDer(const X509_NAME* name) {
  unsigned char* out = nullptr;
  int len = i2d_X509_NAME(name, &out);
  if (len <= 0) return Fail(crypto::OpensslError(ErrorCode::kCrypto, "encoding a name failed"));
  Bytes der(out, out + len);
  OPENSSL_free(out);
  return der;
}

// UTF-8 values; OpenSSL picks the string type per attribute (UTF8String,
// PrintableString for C and serialNumber), as X509_NAME_add_entry_by_txt
// always has for sealkey's certificates.
Result<Bytes> SubjectDer(const std::vector<crypto::NameEntry>& entries) {
  UniquePtr<X509_NAME> name(X509_NAME_new());
  if (!name) return Fail(crypto::OpensslError(ErrorCode::kCrypto, "out of memory"));
  for (const auto& e : entries) {
    if (!X509_NAME_add_entry_by_txt(name.get(), e.type.c_str(), MBSTRING_UTF8,
                                    reinterpret_cast<const unsigned char*>(e.value.data()),
                                    static_cast<int>(e.value.size()), -1, 0)) {
      return Fail(crypto::OpensslError(ErrorCode::kInvalidArgument,
                                       "cannot encode " + e.type + "=" + e.value, "subject"));
    }
  }
  return NameDer(name.get());
}

// KeyUsage (RFC 5280 4.2.1.3) as a minimal DER BIT STRING: signing is
// digitalSignature (0) + nonRepudiation (1); encryption keyEncipherment (2)
// + dataEncipherment (3), and keyAgreement (4) for EC keys.
Bytes KeyUsage(CertUsage usage, KeyType key) {
  uint8_t bits = usage == CertUsage::kSigning ? 0xc0 : key == KeyType::kRsa ? 0x30 : 0x38;
  uint8_t unused = 0;
  while (((bits >> unused) & 1) == 0) ++unused;
  const uint8_t body[] = {unused, bits};
  return der::Tlv(der::kBitString, body);
}

}  // namespace

Result<Bytes> EndEntityTbs(const CaContext& ca, const IssueRequest& r, ByteView serial,
                           KeyType ca_type) {
  const ASN1_OCTET_STRING* ca_ski = X509_get0_subject_key_id(ca.cert.get());
  if (ca_ski == nullptr) {
    return Fail(ErrorCode::kFailedPrecondition,
                "the CA certificate has no subject key identifier", "ca");
  }
  auto issuer = NameDer(X509_get_subject_name(ca.cert.get()));
  if (!issuer) return Fail(issuer.error());
  auto subject = SubjectDer(r.subject);
  if (!subject) return Fail(subject.error());
  auto not_before = X509Time(r.not_before, "not_before");
  if (!not_before) return Fail(not_before.error());
  auto not_after = X509Time(r.not_after, "not_after");
  if (!not_after) return Fail(not_after.error());

  // SubjectPublicKeyInfo as the key writes it (crypto/ec_spki.h for EC keys);
  // the SKI is the SHA-1 of its BIT STRING (RFC 5280 4.2.1.2 method 1).
  Bytes spki = r.subject_key->ToDer();
  der::Reader outer(spki, "key");
  auto spki_seq = outer.ReadSequence();
  if (!spki_seq) return Fail(spki_seq.error());
  if (auto alg = spki_seq->Read(der::kSequence); !alg) return Fail(alg.error());
  auto key_bits = spki_seq->ReadBitStringBytes();
  if (!key_bits) return Fail(key_bits.error());

  Bytes extensions[7];
  size_t n = 0;
  extensions[n++] = Extension("2.5.29.19", true, der::Sequence({}));  // basicConstraints CA:FALSE
  extensions[n++] = Extension("2.5.29.15", true, KeyUsage(r.usage, r.subject_key->type()));
  extensions[n++] = Extension(  // extKeyUsage: clientAuth, emailProtection
      "2.5.29.37", false, der::Sequence({Oid("1.3.6.1.5.5.7.3.2"), Oid("1.3.6.1.5.5.7.3.4")}));
  extensions[n++] = Extension(  // subjectKeyIdentifier
      "2.5.29.14", false, der::OctetString(crypto::Hash(crypto::HashAlg::kSha1, *key_bits)));
  extensions[n++] = Extension(  // authorityKeyIdentifier: keyIdentifier [0] = the CA's SKI
      "2.5.29.35", false,
      der::Sequence({der::Tlv(kContextPrimitive0,
                              ByteView(ASN1_STRING_get0_data(ca_ski),
                                       static_cast<size_t>(ASN1_STRING_length(ca_ski))))}));
  if (!ca.crl_url.empty()) {
    // cRLDistributionPoints: one DistributionPoint whose distributionPoint
    // [0] is the fullName [0] of one URI.
    Bytes uri = der::Tlv(kUri, AsBytes(ca.crl_url));
    extensions[n++] = Extension("2.5.29.31", false,
                                der::Sequence({der::Sequence({Explicit(0, Explicit(0, uri))})}));
  }
  if (!ca.ocsp_url.empty()) {
    // authorityInfoAccess: id-ad-ocsp with one URI.
    Bytes uri = der::Tlv(kUri, AsBytes(ca.ocsp_url));
    extensions[n++] = Extension("1.3.6.1.5.5.7.1.1", false,
                                der::Sequence({der::Sequence({Oid("1.3.6.1.5.5.7.48.1"), uri})}));
  }
  Bytes ext_list;
  for (size_t i = 0; i < n; ++i) ext_list.insert(ext_list.end(), extensions[i].begin(),
                                                 extensions[i].end());
  const uint8_t v3[] = {2};
  return der::Sequence({Explicit(0, der::UnsignedInteger(v3)), der::UnsignedInteger(serial),
                        SignatureAlgorithm(ca_type), *issuer,
                        der::Sequence({*not_before, *not_after}), *subject, spki,
                        Explicit(3, der::Tlv(der::kSequence, ext_list))});
}

}  // namespace sealkey::ca::detail
