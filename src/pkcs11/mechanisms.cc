#include "pkcs11/mechanisms.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "base/der.h"
#include "crypto/ec_signature.h"
#include "crypto/ossl.h"
#include "crypto/ossl_error.h"
#include "crypto/sign.h"
#include "crypto/sm2.h"

namespace sealkey::p11 {
namespace {

using crypto::KeyType;

struct Mech {
  CK_MECHANISM_TYPE type;
  CK_ULONG min_bits, max_bits;
  CK_FLAGS flags;
  int key;  // 0 none, 1 P-256, 2 RSA, 3 SM2
};

constexpr CK_FLAGS kEcFlags = CKF_EC_F_P | CKF_EC_NAMEDCURVE | CKF_EC_UNCOMPRESS;
const Mech kMechs[] = {
    {CKM_SHA_1, 0, 0, CKF_DIGEST, 0},
    {CKM_SHA256, 0, 0, CKF_DIGEST, 0},
    {CKM_EC_KEY_PAIR_GEN, 256, 256, CKF_GENERATE_KEY_PAIR | kEcFlags, 1},
    {CKM_ECDSA, 256, 256, CKF_SIGN | CKF_VERIFY | kEcFlags, 1},
    {CKM_ECDSA_SHA1, 256, 256, CKF_SIGN | CKF_VERIFY | kEcFlags, 1},  // legacy (pkcs11-tool --test-ec)
    {CKM_ECDSA_SHA256, 256, 256, CKF_SIGN | CKF_VERIFY | kEcFlags, 1},
    {CKM_RSA_PKCS_KEY_PAIR_GEN, 2048, 3072, CKF_GENERATE_KEY_PAIR, 2},
    {CKM_RSA_PKCS, 2048, 3072, CKF_SIGN | CKF_VERIFY | CKF_ENCRYPT | CKF_DECRYPT, 2},
    {CKM_SHA256_RSA_PKCS, 2048, 3072, CKF_SIGN | CKF_VERIFY, 2},
    {CKM_RSA_PKCS_PSS, 2048, 3072, CKF_SIGN | CKF_VERIFY, 2},
    {CKM_SHA256_RSA_PKCS_PSS, 2048, 3072, CKF_SIGN | CKF_VERIFY, 2},
    {kCkmSm2KeyPairGen, 256, 256, CKF_GENERATE_KEY_PAIR, 3},
    {kCkmSm3Sm2, 256, 256, CKF_SIGN | CKF_VERIFY, 3},
    {kCkmSm2Sign, 256, 256, CKF_SIGN | CKF_VERIFY, 3},
    {kCkmSm2SignRaw, 256, 256, CKF_SIGN | CKF_VERIFY, 3},
    {kCkmSm2Raw, 256, 256, CKF_ENCRYPT | CKF_DECRYPT, 3},
    {kCkmSm3, 0, 0, CKF_DIGEST, 0},
};

const Mech* FindMech(CK_MECHANISM_TYPE t) {
  for (const auto& m : kMechs) {
    if (m.type == t) return &m;
  }
  return nullptr;
}

int KeyClassOf(KeyType t) {
  return t == KeyType::kEcP256 ? 1 : t == KeyType::kRsa ? 2 : 3;
}

CK_RV HashOfMgf(CK_RSA_PKCS_MGF_TYPE mgf, const EVP_MD** md) {
  switch (mgf) {
    case CKG_MGF1_SHA1: *md = crypto::EvpMd(crypto::HashAlg::kSha1); return CKR_OK;
    case CKG_MGF1_SHA256: *md = crypto::EvpMd(crypto::HashAlg::kSha256); return CKR_OK;
    case CKG_MGF1_SHA384: *md = crypto::EvpMd(crypto::HashAlg::kSha384); return CKR_OK;
    case CKG_MGF1_SHA512: *md = crypto::EvpMd(crypto::HashAlg::kSha512); return CKR_OK;
    default: return CKR_MECHANISM_PARAM_INVALID;
  }
}

CK_RV HashOfMech(CK_MECHANISM_TYPE h, const EVP_MD** md, size_t* size) {
  crypto::HashAlg alg;
  switch (h) {
    case CKM_SHA_1: alg = crypto::HashAlg::kSha1; break;
    case CKM_SHA256: alg = crypto::HashAlg::kSha256; break;
    case CKM_SHA384: alg = crypto::HashAlg::kSha384; break;
    case CKM_SHA512: alg = crypto::HashAlg::kSha512; break;
    default: return CKR_MECHANISM_PARAM_INVALID;
  }
  *md = crypto::EvpMd(alg);
  *size = crypto::HashSize(alg);
  return CKR_OK;
}

// A DER ECDSA signature made by OpenSSL, as raw r||s (no range checks
// needed for our own output).
bool DerToRaw(ByteView der, Bytes* raw) {
  der::Reader outer(der, "signature");
  auto seq = outer.ReadSequence();
  if (!seq) return false;
  auto r = seq->ReadUnsignedInteger();
  auto s = r ? seq->ReadUnsignedInteger() : r;
  if (!r || !s) return false;
  auto r32 = der::FixedWidth(*r, 32, "r");
  auto s32 = der::FixedWidth(*s, 32, "s");
  if (!r32 || !s32) return false;
  *raw = Concat({*r32, *s32});
  return true;
}

// EVP_PKEY_sign/verify/encrypt/decrypt on `pkey` with RSA padding set up.
crypto::UniquePtr<EVP_PKEY_CTX> PkeyCtx(EVP_PKEY* pkey, int (*init)(EVP_PKEY_CTX*),
                                        const KeyOperation& op) {
  crypto::UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
  if (!ctx || init(ctx.get()) != 1) return nullptr;
  if (op.mechanism == CKM_RSA_PKCS) {
    if (EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1) return nullptr;
  } else if (op.mechanism == CKM_RSA_PKCS_PSS) {
    const EVP_MD *md = nullptr, *mgf = nullptr;
    size_t size = 0;
    if (HashOfMech(op.pss.hashAlg, &md, &size) != CKR_OK ||
        HashOfMgf(op.pss.mgf, &mgf) != CKR_OK ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_signature_md(ctx.get(), md) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx.get(), mgf) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(ctx.get(), static_cast<int>(op.pss.sLen)) != 1) {
      return nullptr;
    }
  }
  return ctx;
}

// Sign options of the mechanisms that hash the message themselves.
crypto::SignOptions HashAndSignOptions(CK_MECHANISM_TYPE mechanism) {
  crypto::SignOptions opt;
  opt.rsa_pss = mechanism == CKM_SHA256_RSA_PKCS_PSS;
  if (mechanism == CKM_ECDSA_SHA1) opt.hash = crypto::HashAlg::kSha1;
  return opt;
}

}  // namespace

CK_RV MechanismList(CK_MECHANISM_TYPE_PTR list, CK_ULONG_PTR count) {
  CK_ULONG n = sizeof kMechs / sizeof kMechs[0];
  if (!list) {
    *count = n;
    return CKR_OK;
  }
  if (*count < n) {
    *count = n;
    return CKR_BUFFER_TOO_SMALL;
  }
  for (CK_ULONG i = 0; i < n; ++i) list[i] = kMechs[i].type;
  *count = n;
  return CKR_OK;
}

CK_RV MechanismInfo(CK_MECHANISM_TYPE type, CK_MECHANISM_INFO_PTR info) {
  const Mech* m = FindMech(type);
  if (!m) return CKR_MECHANISM_INVALID;
  info->ulMinKeySize = m->min_bits;
  info->ulMaxKeySize = m->max_bits;
  info->flags = m->flags;
  return CKR_OK;
}

bool IsMultipart(CK_MECHANISM_TYPE t) {
  return t == CKM_ECDSA_SHA1 || t == CKM_ECDSA_SHA256 || t == CKM_SHA256_RSA_PKCS || t == CKM_SHA256_RSA_PKCS_PSS ||
         t == kCkmSm3Sm2;
}

CK_RV DigestAlg(CK_MECHANISM_TYPE t, crypto::HashAlg* alg) {
  if (t == CKM_SHA_1) *alg = crypto::HashAlg::kSha1;
  else if (t == CKM_SHA256) *alg = crypto::HashAlg::kSha256;
  else if (t == kCkmSm3) *alg = crypto::HashAlg::kSm3;
  else return CKR_MECHANISM_INVALID;
  return CKR_OK;
}

CK_RV PrepareOperation(CK_MECHANISM_PTR mech, KeyOp op, KeyType type, KeyOperation* out) {
  if (!mech) return CKR_ARGUMENTS_BAD;
  const Mech* m = FindMech(mech->mechanism);
  if (!m) return CKR_MECHANISM_INVALID;
  CK_FLAGS need = op == KeyOp::kSign      ? CKF_SIGN
                  : op == KeyOp::kVerify  ? CKF_VERIFY
                  : op == KeyOp::kEncrypt ? CKF_ENCRYPT
                                          : CKF_DECRYPT;
  if (!(m->flags & need)) return CKR_MECHANISM_INVALID;
  if (m->key != KeyClassOf(type)) return CKR_KEY_TYPE_INCONSISTENT;
  out->mechanism = mech->mechanism;
  if (mech->mechanism == CKM_RSA_PKCS_PSS || mech->mechanism == CKM_SHA256_RSA_PKCS_PSS) {
    if (!mech->pParameter || mech->ulParameterLen != sizeof(CK_RSA_PKCS_PSS_PARAMS)) {
      return CKR_MECHANISM_PARAM_INVALID;
    }
    std::memcpy(&out->pss, mech->pParameter, sizeof out->pss);
    const EVP_MD* md = nullptr;
    size_t size = 0;
    if (HashOfMech(out->pss.hashAlg, &md, &size) != CKR_OK ||
        HashOfMgf(out->pss.mgf, &md) != CKR_OK) {
      return CKR_MECHANISM_PARAM_INVALID;
    }
    if (mech->mechanism == CKM_SHA256_RSA_PKCS_PSS &&
        (out->pss.hashAlg != CKM_SHA256 || out->pss.sLen != 32)) {
      return CKR_MECHANISM_PARAM_INVALID;
    }
  } else if (mech->ulParameterLen != 0) {
    return CKR_MECHANISM_PARAM_INVALID;
  }
  return CKR_OK;
}

size_t OutputBound(const KeyOperation& op, KeyOp kind, size_t input_size) {
  if (op.mechanism == kCkmSm2Raw) {
    return kind == KeyOp::kEncrypt ? input_size + 97 : input_size;
  }
  if (op.private_key) return op.private_key->signature_size;
  return static_cast<size_t>((op.public_key->bits() + 7) / 8);
}

CK_RV Sign(const KeyOperation& op, ByteView data, Bytes* sig) {
  const PrivateKeyEntry& k = *op.private_key;
  switch (op.mechanism) {
    case CKM_ECDSA:
    case CKM_RSA_PKCS:
    case CKM_RSA_PKCS_PSS: {
      auto ctx = PkeyCtx(k.key.get(), EVP_PKEY_sign_init, op);
      size_t len = k.key.type() == KeyType::kEcP256 ? 80 : k.signature_size;
      Bytes out(len);
      if (!ctx || EVP_PKEY_sign(ctx.get(), out.data(), &len, data.data(), data.size()) != 1) {
        crypto::ClearOpensslErrors();
        return CKR_DATA_LEN_RANGE;
      }
      out.resize(len);
      if (op.mechanism != CKM_ECDSA) {
        *sig = std::move(out);
        return CKR_OK;
      }
      return DerToRaw(out, sig) ? CKR_OK : CKR_FUNCTION_FAILED;
    }
    case CKM_ECDSA_SHA1:
    case CKM_ECDSA_SHA256:
    case CKM_SHA256_RSA_PKCS:
    case CKM_SHA256_RSA_PKCS_PSS: {
      auto s = crypto::SignMessage(k.key, data, HashAndSignOptions(op.mechanism));
      if (!s) return CKR_FUNCTION_FAILED;
      if (op.mechanism != CKM_ECDSA_SHA256 && op.mechanism != CKM_ECDSA_SHA1) {
        *sig = std::move(*s);
        return CKR_OK;
      }
      return DerToRaw(*s, sig) ? CKR_OK : CKR_FUNCTION_FAILED;
    }
    default: {  // SM2
      Bytes e;
      if (op.mechanism == kCkmSm3Sm2) {
        crypto::Hasher h(crypto::HashAlg::kSm3);
        h.Update(k.z);
        h.Update(data);
        e = h.Final();
      } else if (data.size() != 32) {
        return CKR_DATA_LEN_RANGE;
      } else {
        e.assign(data.begin(), data.end());
      }
      auto s = crypto::Sm2SignDigest(k.key, e);
      if (!s) return CKR_FUNCTION_FAILED;
      if (op.mechanism != kCkmSm2SignRaw) {
        *sig = std::move(*s);
        return CKR_OK;
      }
      return DerToRaw(*s, sig) ? CKR_OK : CKR_FUNCTION_FAILED;
    }
  }
}

CK_RV Verify(const KeyOperation& op, ByteView data, ByteView sig) {
  const crypto::PublicKey& pub = *op.public_key;
  Bytes der_sig;
  bool raw_ec = op.mechanism == CKM_ECDSA || op.mechanism == CKM_ECDSA_SHA1 ||
                op.mechanism == CKM_ECDSA_SHA256 ||
                op.mechanism == kCkmSm2SignRaw;
  if (raw_ec) {
    if (sig.size() != 64) return CKR_SIGNATURE_LEN_RANGE;
    auto d = crypto::EcSignatureRawToDer(pub.type(), sig);
    if (!d) return CKR_SIGNATURE_INVALID;
    der_sig = std::move(*d);
    sig = der_sig;
  }
  Status ok = Ok();
  switch (op.mechanism) {
    case CKM_ECDSA:
    case CKM_RSA_PKCS:
    case CKM_RSA_PKCS_PSS: {
      auto ctx = PkeyCtx(pub.get(), EVP_PKEY_verify_init, op);
      int rc = ctx ? EVP_PKEY_verify(ctx.get(), sig.data(), sig.size(), data.data(), data.size())
                   : -1;
      crypto::ClearOpensslErrors();
      return rc == 1 ? CKR_OK : CKR_SIGNATURE_INVALID;
    }
    case CKM_ECDSA_SHA1:
    case CKM_ECDSA_SHA256:
    case CKM_SHA256_RSA_PKCS:
    case CKM_SHA256_RSA_PKCS_PSS: {
      ok = crypto::VerifyMessage(pub, data, sig, HashAndSignOptions(op.mechanism));
      break;
    }
    case kCkmSm3Sm2: ok = crypto::Sm2Verify(pub, data, sig); break;
    default:
      if (data.size() != 32) return CKR_DATA_LEN_RANGE;
      ok = crypto::Sm2VerifyDigest(pub, data, sig);
  }
  if (ok) return CKR_OK;
  return ok.error().code == ErrorCode::kMalformed && !raw_ec ? CKR_SIGNATURE_LEN_RANGE
                                                             : CKR_SIGNATURE_INVALID;
}

CK_RV Encrypt(const KeyOperation& op, ByteView data, Bytes* out) {
  if (op.mechanism == kCkmSm2Raw) {
    auto c = crypto::Sm2Encrypt(*op.public_key, data);
    if (!c) return CKR_DATA_LEN_RANGE;
    *out = std::move(*c);
    return CKR_OK;
  }
  auto ctx = PkeyCtx(op.public_key->get(), EVP_PKEY_encrypt_init, op);
  size_t len = OutputBound(op, KeyOp::kEncrypt, data.size());
  Bytes buf(len);
  if (!ctx || EVP_PKEY_encrypt(ctx.get(), buf.data(), &len, data.data(), data.size()) != 1) {
    crypto::ClearOpensslErrors();
    return CKR_DATA_LEN_RANGE;
  }
  buf.resize(len);
  *out = std::move(buf);
  return CKR_OK;
}

CK_RV Decrypt(const KeyOperation& op, ByteView data, Bytes* out) {
  if (op.mechanism == kCkmSm2Raw) {
    auto p = crypto::Sm2Decrypt(op.private_key->key, data);
    if (!p) return p.error().code == ErrorCode::kVerifyFailed ? CKR_ENCRYPTED_DATA_INVALID
                                                               : CKR_ENCRYPTED_DATA_LEN_RANGE;
    *out = Bytes(p->span().begin(), p->span().end());
    return CKR_OK;
  }
  auto ctx = PkeyCtx(op.private_key->key.get(), EVP_PKEY_decrypt_init, op);
  size_t len = op.private_key->signature_size;
  Bytes buf(len);
  if (!ctx || EVP_PKEY_decrypt(ctx.get(), buf.data(), &len, data.data(), data.size()) != 1) {
    crypto::ClearOpensslErrors();
    OPENSSL_cleanse(buf.data(), buf.size());
    return CKR_ENCRYPTED_DATA_INVALID;
  }
  buf.resize(len);
  *out = std::move(buf);
  return CKR_OK;
}

}  // namespace sealkey::p11
