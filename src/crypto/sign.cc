#include "crypto/sign.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "crypto/ec_signature.h"
#include "crypto/ossl_error.h"

namespace sealkey::crypto {
namespace {

// Configures the EVP_PKEY_CTX that DigestSignInit/DigestVerifyInit created.
Status Configure(EVP_PKEY_CTX* pctx, KeyType type, const SignOptions& options) {
  if (type == KeyType::kSm2) {
    if (options.sm2_id.size() > kSm2MaxIdBytes) {
      return Fail(ErrorCode::kInvalidArgument, "SM2 ID is longer than 8191 bytes", "id");
    }
    if (EVP_PKEY_CTX_set1_id(pctx, options.sm2_id.data(), options.sm2_id.size()) != 1) {
      return Fail(OpensslError(ErrorCode::kCrypto, "setting the SM2 ID failed"));
    }
  } else if (type == KeyType::kRsa && options.rsa_pss) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
      return Fail(OpensslError(ErrorCode::kCrypto, "configuring RSA-PSS failed"));
    }
  }
  return Ok();
}

Result<UniquePtr<EVP_MD_CTX>> NewContext(EVP_PKEY* pkey, KeyType type, bool sign,
                                         const SignOptions& options) {
  if (type != KeyType::kRsa && options.rsa_pss) {
    return Fail(ErrorCode::kInvalidArgument, "PSS applies to RSA keys only", "padding");
  }
  UniquePtr<EVP_MD_CTX> ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  const EVP_MD* md = EvpMd(EffectiveHash(type, options));
  int rc = sign ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pkey)
                : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey);
  if (!ctx || rc != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "signature context setup failed"));
  }
  SEALKEY_RETURN_IF_ERROR(Configure(pctx, type, options));
  return ctx;
}

}  // namespace

HashAlg EffectiveHash(KeyType type, const SignOptions& options) {
  return type == KeyType::kSm2 ? HashAlg::kSm3 : options.hash;
}

Result<UniquePtr<EVP_MD_CTX>> NewSignContext(const PrivateKey& key, const SignOptions& options) {
  return NewContext(key.get(), key.type(), true, options);
}

Result<UniquePtr<EVP_MD_CTX>> NewVerifyContext(const PublicKey& key,
                                               const SignOptions& options) {
  return NewContext(key.get(), key.type(), false, options);
}

Result<Bytes> SignMessage(const PrivateKey& key, ByteView msg, const SignOptions& options) {
  if (key.type() == KeyType::kSm2) return Sm2Sign(key, msg, options.sm2_id);
  auto ctx = NewSignContext(key, options);
  if (!ctx) return Fail(ctx.error());
  size_t len = 0;
  if (EVP_DigestSign(ctx->get(), nullptr, &len, msg.data(), msg.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "signing failed"));
  }
  Bytes sig(len);
  if (EVP_DigestSign(ctx->get(), sig.data(), &len, msg.data(), msg.size()) != 1) {
    return Fail(OpensslError(ErrorCode::kCrypto, "signing failed"));
  }
  sig.resize(len);
  return sig;
}

Status VerifyMessage(const PublicKey& key, ByteView msg, ByteView sig,
                     const SignOptions& options) {
  if (key.type() == KeyType::kSm2) return Sm2Verify(key, msg, sig, options.sm2_id);
  if (key.type() == KeyType::kEcP256) {
    auto parsed = ParseEcSignatureDer(key.type(), sig);
    if (!parsed) return Fail(parsed.error());
  }
  auto ctx = NewVerifyContext(key, options);
  if (!ctx) return Fail(ctx.error());
  int rc = EVP_DigestVerify(ctx->get(), sig.data(), sig.size(), msg.data(), msg.size());
  ClearOpensslErrors();
  if (rc != 1) return Fail(ErrorCode::kVerifyFailed, "signature does not verify", "signature");
  return Ok();
}

}  // namespace sealkey::crypto
