#include "crypto/cipher.h"

#include <string>

#include <openssl/evp.h>

#include "crypto/ossl.h"
#include "crypto/ossl_error.h"

namespace sealkey::crypto {
namespace {

Status CheckSize(ByteView v, size_t size, const char* field) {
  if (v.size() != size) {
    return Fail(ErrorCode::kInvalidArgument,
                "must be " + std::to_string(size) + " bytes, got " + std::to_string(v.size()),
                field);
  }
  return Ok();
}

// Fetched once per name, owned by a static (freed at unload).
UniquePtr<EVP_CIPHER> FetchCipher(const char* name) {
  return UniquePtr<EVP_CIPHER>(EVP_CIPHER_fetch(nullptr, name, nullptr));
}

const EVP_CIPHER* Sm4Ecb() { static const auto c = FetchCipher("SM4-ECB"); return c.get(); }
const EVP_CIPHER* Sm4Cbc() { static const auto c = FetchCipher("SM4-CBC"); return c.get(); }
const EVP_CIPHER* Sm4CtrCipher() { static const auto c = FetchCipher("SM4-CTR"); return c.get(); }
const EVP_CIPHER* Aes256Gcm() { static const auto c = FetchCipher("AES-256-GCM"); return c.get(); }

// One-shot run of a non-AEAD cipher. `out` must hold in.size() + one block.
Result<size_t> Run(const EVP_CIPHER* cipher, bool encrypt, bool padding, ByteView key,
                   ByteView iv, ByteView in, uint8_t* out) {
  if (cipher == nullptr) return Fail(ErrorCode::kUnsupported, "cipher not available");
  UniquePtr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher, key.data(),
                                 iv.empty() ? nullptr : iv.data(), encrypt ? 1 : 0,
                                 nullptr) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "cipher initialisation failed"));
  }
  EVP_CIPHER_CTX_set_padding(ctx.get(), padding ? 1 : 0);
  int n1 = 0, n2 = 0;
  if (EVP_CipherUpdate(ctx.get(), out, &n1, in.data(), static_cast<int>(in.size())) != 1 ||
      EVP_CipherFinal_ex(ctx.get(), out + n1, &n2) != 1) {
    // With padding on decrypt, this is the padding check failing.
    return Fail(OpensslError(encrypt ? ErrorCode::kCrypto : ErrorCode::kVerifyFailed,
                             encrypt ? "encryption failed" : "decryption failed (bad key or padding)",
                             encrypt ? "" : "ciphertext"));
  }
  return static_cast<size_t>(n1 + n2);
}

}  // namespace

Result<Bytes> Sm4EcbEncrypt(ByteView key, ByteView plain) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kSm4KeySize, "key"));
  if (plain.size() % kSm4BlockSize != 0) {
    return Fail(ErrorCode::kInvalidArgument, "must be a multiple of 16 bytes", "plaintext");
  }
  Bytes out(plain.size() + kSm4BlockSize);
  auto n = Run(Sm4Ecb(), true, false, key, {}, plain, out.data());
  if (!n) return Fail(n.error());
  out.resize(*n);
  return out;
}

Result<SecureBuffer> Sm4EcbDecrypt(ByteView key, ByteView cipher) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kSm4KeySize, "key"));
  if (cipher.size() % kSm4BlockSize != 0) {
    return Fail(ErrorCode::kInvalidArgument, "must be a multiple of 16 bytes", "ciphertext");
  }
  SecureBuffer out(cipher.size() + kSm4BlockSize);
  auto n = Run(Sm4Ecb(), false, false, key, {}, cipher, out.data());
  if (!n) return Fail(n.error());
  out.Truncate(*n);
  return out;
}

Result<Bytes> Sm4CbcEncrypt(ByteView key, ByteView iv, ByteView plain) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kSm4KeySize, "key"));
  SEALKEY_RETURN_IF_ERROR(CheckSize(iv, kSm4BlockSize, "iv"));
  Bytes out(plain.size() + kSm4BlockSize);
  auto n = Run(Sm4Cbc(), true, true, key, iv, plain, out.data());
  if (!n) return Fail(n.error());
  out.resize(*n);
  return out;
}

Result<SecureBuffer> Sm4CbcDecrypt(ByteView key, ByteView iv, ByteView cipher) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kSm4KeySize, "key"));
  SEALKEY_RETURN_IF_ERROR(CheckSize(iv, kSm4BlockSize, "iv"));
  if (cipher.empty() || cipher.size() % kSm4BlockSize != 0) {
    return Fail(ErrorCode::kMalformed, "must be a non-empty multiple of 16 bytes",
                "ciphertext");
  }
  SecureBuffer out(cipher.size() + kSm4BlockSize);
  auto n = Run(Sm4Cbc(), false, true, key, iv, cipher, out.data());
  if (!n) return Fail(n.error());
  out.Truncate(*n);
  return out;
}

Result<Bytes> Sm4Ctr(ByteView key, ByteView iv, ByteView in) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kSm4KeySize, "key"));
  SEALKEY_RETURN_IF_ERROR(CheckSize(iv, kSm4BlockSize, "iv"));
  Bytes out(in.size() + kSm4BlockSize);
  auto n = Run(Sm4CtrCipher(), true, false, key, iv, in, out.data());
  if (!n) return Fail(n.error());
  out.resize(*n);
  return out;
}

Result<Bytes> Aes256GcmSeal(ByteView key, ByteView nonce, ByteView aad, ByteView plain) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kAes256KeySize, "key"));
  SEALKEY_RETURN_IF_ERROR(CheckSize(nonce, kGcmNonceSize, "nonce"));
  UniquePtr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  Bytes out(plain.size() + kGcmTagSize);
  int n = 0, fin = 0;
  if (!ctx || EVP_EncryptInit_ex2(ctx.get(), Aes256Gcm(), key.data(), nonce.data(), nullptr) != 1 ||
      (!aad.empty() &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1) ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, plain.data(), static_cast<int>(plain.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out.data() + n, &fin) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagSize,
                          out.data() + plain.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "AES-256-GCM encryption failed"));
  }
  return out;
}

Result<SecureBuffer> Aes256GcmOpen(ByteView key, ByteView nonce, ByteView aad,
                                   ByteView sealed) {
  SEALKEY_RETURN_IF_ERROR(CheckSize(key, kAes256KeySize, "key"));
  SEALKEY_RETURN_IF_ERROR(CheckSize(nonce, kGcmNonceSize, "nonce"));
  if (sealed.size() < kGcmTagSize) {
    return Fail(ErrorCode::kMalformed, "shorter than the 16-byte tag", "ciphertext");
  }
  size_t ct_len = sealed.size() - kGcmTagSize;
  UniquePtr<EVP_CIPHER_CTX> ctx(EVP_CIPHER_CTX_new());
  SecureBuffer out(ct_len + 1);  // +1: never a zero-size allocation
  int n = 0, fin = 0;
  Bytes tag(sealed.begin() + ct_len, sealed.end());
  if (!ctx || EVP_DecryptInit_ex2(ctx.get(), Aes256Gcm(), key.data(), nonce.data(), nullptr) != 1 ||
      (!aad.empty() &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1) ||
      EVP_DecryptUpdate(ctx.get(), out.data(), &n, sealed.data(), static_cast<int>(ct_len)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagSize, tag.data()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "AES-256-GCM decryption failed"));
  }
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + n, &fin) != 1) {
    ClearOpensslErrors();
    return Fail(ErrorCode::kVerifyFailed, "authentication tag does not match", "ciphertext");
  }
  out.Truncate(ct_len);
  return out;
}

}  // namespace sealkey::crypto
