#include "crypto/sm2_envelope.h"

#include <algorithm>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/der.h"
#include "crypto/cipher.h"
#include "crypto/ossl_error.h"
#include "crypto/random.h"
#include "crypto/sm2.h"

namespace sealkey::crypto {
namespace {

// sm4-ecb, 1.2.156.10197.1.104.1 (GM/T 0006), as DER contents octets.
constexpr uint8_t kOidSm4Ecb[] = {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x68, 0x01};
constexpr size_t kScalarSize = 32;
constexpr size_t kPaddedScalarSize = 64;  // SKF-style 512-bit buffer (GmSSL)
constexpr size_t kPointSize = 65;         // 04 || X || Y

tl::unexpected<Error> Malformed(std::string message) {
  return Fail(ErrorCode::kMalformed, std::move(message), "envelope");
}
tl::unexpected<Error> Mismatch(std::string message, std::string field = "envelope") {
  return Fail(ErrorCode::kVerifyFailed, std::move(message), std::move(field));
}

// The 32-byte big-endian private scalar d of an SM2 key.
Result<SecureBuffer> ScalarOf(const PrivateKey& key) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key.get(), OSSL_PKEY_PARAM_PRIV_KEY, &raw) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "cannot read the private scalar"));
  }
  SecureBuffer d(kScalarSize);
  int n = BN_bn2binpad(raw, d.data(), static_cast<int>(d.size()));
  BN_clear_free(raw);
  if (n != static_cast<int>(kScalarSize)) {
    return Fail(ErrorCode::kInternal, "private scalar is wider than 32 bytes", "key");
  }
  return d;
}

struct EnvelopeFields {
  ByteView sym_cipher;    // the whole SM2Cipher TLV
  ByteView public_point;  // 04 || X || Y
  ByteView encrypted_d;   // 32 or 64 bytes of SM4-ECB
};

Result<EnvelopeFields> ParseEnvelope(ByteView der) {
  der::Reader outer(der, "envelope");
  auto seq = outer.ReadSequence();
  if (!seq) return Fail(seq.error());
  SEALKEY_RETURN_IF_ERROR(outer.ExpectEnd());
  // symAlgID: sm4-ecb with absent or NULL parameters.
  auto alg = seq->ReadSequence();
  if (!alg) return Fail(alg.error());
  auto oid = alg->Read(der::kOid);
  if (!oid) return Fail(oid.error());
  if (!std::equal(oid->begin(), oid->end(), std::begin(kOidSm4Ecb), std::end(kOidSm4Ecb))) {
    return Fail(ErrorCode::kUnsupported,
                "symAlgID is not sm4-ecb (1.2.156.10197.1.104.1)", "envelope");
  }
  if (!alg->AtEnd()) {
    auto null = alg->Read(der::kNull);
    if (!null) return Fail(null.error());
    if (!null->empty()) return Malformed("symAlgID parameters must be absent or NULL");
    SEALKEY_RETURN_IF_ERROR(alg->ExpectEnd());
  }
  EnvelopeFields f;
  auto sym = seq->ReadRaw(der::kSequence);
  if (!sym) return Fail(sym.error());
  f.sym_cipher = *sym;
  auto pub = seq->ReadBitStringBytes();
  if (!pub) return Fail(pub.error());
  f.public_point = *pub;
  auto enc = seq->ReadBitStringBytes();
  if (!enc) return Fail(enc.error());
  f.encrypted_d = *enc;
  SEALKEY_RETURN_IF_ERROR(seq->ExpectEnd());
  if (f.public_point.size() != kPointSize || f.public_point[0] != 0x04) {
    return Malformed("sm2PublicKey must be an uncompressed point 04||X||Y (65 bytes)");
  }
  if (f.encrypted_d.size() != kScalarSize && f.encrypted_d.size() != kPaddedScalarSize) {
    return Malformed("sm2EncryptedPrivateKey must be 32 or 64 bytes");
  }
  return f;
}

// The recovered d as exactly 32 bytes; a 64-byte form must be left-padded
// with zeros (anything else means the key or the ciphertext is wrong).
Result<SecureBuffer> NarrowScalar(SecureBuffer plain) {
  if (plain.size() == kScalarSize) return plain;
  size_t pad = plain.size() - kScalarSize;
  uint8_t high = 0;
  for (size_t i = 0; i < pad; ++i) high |= plain.data()[i];
  if (high != 0) {
    return Mismatch("the decrypted private key is not a 32-byte scalar (altered envelope)");
  }
  return SecureBuffer(plain.span().subspan(pad));
}

}  // namespace

Result<Bytes> BuildSm2EnvelopedKey(const PrivateKey& encryption_key,
                                   const PublicKey& signing_public_key) {
  if (encryption_key.type() != KeyType::kSm2) {
    return Fail(ErrorCode::kInvalidArgument, "the enveloped key must be SM2", "key");
  }
  if (signing_public_key.type() != KeyType::kSm2) {
    return Fail(ErrorCode::kInvalidArgument, "the recipient key must be SM2", "public_key");
  }
  auto pub = encryption_key.Public();
  if (!pub) return Fail(pub.error());
  auto point = pub->EcPoint();
  if (!point) return Fail(point.error());
  auto d = ScalarOf(encryption_key);
  if (!d) return Fail(d.error());

  SecureBuffer sym_key = RandomSecret(kSm4KeySize);
  auto sym_cipher = Sm2Encrypt(signing_public_key, sym_key.span(), Sm2CipherFormat::kAsn1);
  if (!sym_cipher) return Fail(sym_cipher.error());
  auto encrypted_d = Sm4EcbEncrypt(sym_key.span(), d->span());  // two blocks, no padding
  if (!encrypted_d) return Fail(encrypted_d.error());

  Bytes alg_id = der::Sequence({der::Tlv(der::kOid, kOidSm4Ecb)});
  return der::Sequence(
      {alg_id, *sym_cipher, der::BitString(*point), der::BitString(*encrypted_d)});
}

Result<PrivateKey> OpenSm2EnvelopedKey(ByteView der, const PrivateKey& signing_key,
                                       const PublicKey* expected) {
  if (signing_key.type() != KeyType::kSm2) {
    return Fail(ErrorCode::kInvalidArgument, "the signing key must be SM2", "key");
  }
  auto f = ParseEnvelope(der);
  if (!f) return Fail(f.error());

  auto sym_key = Sm2Decrypt(signing_key, f->sym_cipher, Sm2CipherFormat::kAsn1);
  if (!sym_key) {
    const Error& e = sym_key.error();
    if (e.code == ErrorCode::kVerifyFailed) {
      return Mismatch("symEncryptedKey does not decrypt with this signing key "
                      "(misdirected or altered envelope)");
    }
    if (e.code == ErrorCode::kMalformed || e.code == ErrorCode::kOutOfRange) {
      return Malformed("symEncryptedKey: " + e.message);
    }
    return Fail(e);
  }
  if (sym_key->size() != kSm4KeySize) {
    return Malformed("symEncryptedKey does not hold a 16-byte SM4 key");
  }
  auto plain = Sm4EcbDecrypt(sym_key->span(), f->encrypted_d);
  if (!plain) return Fail(plain.error());
  auto d = NarrowScalar(std::move(*plain));
  if (!d) return Fail(d.error());

  auto key = PrivateKey::FromScalar(KeyType::kSm2, d->span());
  if (!key) {
    if (key.error().code == ErrorCode::kOutOfRange) {
      return Mismatch("the decrypted private key is out of range (altered envelope)");
    }
    return Fail(key.error());
  }
  auto derived = key->Public();
  if (!derived) return Fail(derived.error());
  auto point = derived->EcPoint();
  if (!point) return Fail(point.error());
  if (point->size() != kPointSize ||
      CRYPTO_memcmp(point->data(), f->public_point.data(), kPointSize) != 0) {
    return Mismatch("[d]G does not equal sm2PublicKey (altered envelope)");
  }
  if (expected) {
    if (expected->type() != KeyType::kSm2) {
      return Mismatch("the certificate's key is not SM2", "certificate");
    }
    auto want = expected->EcPoint();
    if (!want) return Fail(want.error());
    if (*want != *point) {
      return Mismatch("the enveloped key is not the certificate's key", "certificate");
    }
  }
  return std::move(*key);
}

}  // namespace sealkey::crypto
