#include "pkcs11_conformance/key_util.h"

#include "base/der.h"

namespace sealkey::pkcs11_conformance {
namespace {

// AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }.
constexpr uint8_t kRsaEncryptionAlgorithm[] = {0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
                                               0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
// DigestInfo prefix for SHA-256 (2.16.840.1.101.3.4.2.1), RFC 8017 section 9.2 note 1.
constexpr uint8_t kSha256DigestInfoPrefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                               0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                               0x01, 0x05, 0x00, 0x04, 0x20};

}  // namespace

Result<Bytes> EcPointFromAttribute(ByteView ec_point_attribute) {
  der::Reader reader(ec_point_attribute, "CKA_EC_POINT");
  auto point = reader.Read(der::kOctetString);
  if (!point) return Fail(point.error());
  SEALKEY_RETURN_IF_ERROR(reader.ExpectEnd());
  if (point->size() != 65 || (*point)[0] != 0x04) {
    return Fail(ErrorCode::kMalformed, "not an uncompressed 256-bit point", "CKA_EC_POINT");
  }
  return Bytes(point->begin(), point->end());
}

Result<crypto::PublicKey> EcPublicKey(crypto::KeyType type, ByteView ec_point_attribute) {
  auto point = EcPointFromAttribute(ec_point_attribute);
  if (!point) return Fail(point.error());
  return crypto::PublicKey::FromEcPoint(type, *point);
}

Result<crypto::PublicKey> RsaPublicKey(ByteView modulus, ByteView public_exponent) {
  Bytes rsa_public_key =
      der::Sequence({der::UnsignedInteger(modulus), der::UnsignedInteger(public_exponent)});
  Bytes spki = der::Sequence({kRsaEncryptionAlgorithm, der::BitString(rsa_public_key)});
  return crypto::PublicKey::FromDer(spki);
}

Bytes Sha256DigestInfo(ByteView hash) { return Concat({kSha256DigestInfoPrefix, hash}); }

}  // namespace sealkey::pkcs11_conformance
