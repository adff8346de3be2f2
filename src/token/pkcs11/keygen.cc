#include "token/pkcs11/containers.h"

#include "base/encoding.h"
#include "crypto/random.h"
#include "token/pkcs11/objects.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::token::pkcs11 {
namespace {

constexpr size_t kContainerIdBytes = 16;
constexpr uint8_t kRsaPublicExponent[] = {0x01, 0x00, 0x01};  // 65537

}  // namespace

Result<CK_MECHANISM_TYPE> KeyGenMechanism(const std::vector<CK_MECHANISM_TYPE>& mechanisms,
                                          crypto::KeyAlg alg) {
  switch (alg) {
    case crypto::KeyAlg::kEcP256:
      if (HasMechanism(mechanisms, CKM_EC_KEY_PAIR_GEN)) return CKM_EC_KEY_PAIR_GEN;
      return Fail(ErrorCode::kUnsupported,
                  "the token cannot generate EC keys (no CKM_EC_KEY_PAIR_GEN)", "alg");
    case crypto::KeyAlg::kRsa2048:
    case crypto::KeyAlg::kRsa3072:
      if (HasMechanism(mechanisms, CKM_RSA_PKCS_KEY_PAIR_GEN)) return CKM_RSA_PKCS_KEY_PAIR_GEN;
      return Fail(ErrorCode::kUnsupported,
                  "the token cannot generate RSA keys (no CKM_RSA_PKCS_KEY_PAIR_GEN)", "alg");
    case crypto::KeyAlg::kSm2:
      if (HasMechanism(mechanisms, kCkmSm2KeyPairGen)) return kCkmSm2KeyPairGen;
      return Fail(ErrorCode::kUnsupported,
                  "the token cannot generate SM2 keys (no vendor CKM_SM2_KEY_PAIR_GEN, "
                  "CKM_VENDOR_DEFINED+0x8001)",
                  "alg");
  }
  return Fail(ErrorCode::kUnsupported, "unknown key algorithm", "alg");
}

Result<GeneratedKey> GenerateContainer(Session& session, CK_MECHANISM_TYPE mechanism,
                                       crypto::KeyAlg alg, KeyUsage usage,
                                       std::string_view container) {
  Bytes id = crypto::RandomBytes(kContainerIdBytes);
  std::string label = container.empty() ? HexEncode(id) : std::string(container);
  // Like a file device's, a container holds one key pair per usage (a
  // signing and an encryption pair for dual certificates).
  auto taken = FindContainerKeyIds(session, label, usage);
  if (!taken) return Fail(taken.error());
  if (!taken->empty()) {
    return Fail(ErrorCode::kAlreadyExists,
                "container '" + label + "' already has a " + std::string(KeyUsageToken(usage)) +
                    " key pair",
                "container");
  }

  const bool sign = usage == KeyUsage::kSign;
  Template pub;
  pub.AddUlong(CKA_CLASS, CKO_PUBLIC_KEY)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, false)
      .Add(CKA_ID, id)
      .Add(CKA_LABEL, label)
      .AddBool(CKA_VERIFY, sign);
  Template priv;
  priv.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, true)
      .AddBool(CKA_SENSITIVE, true)
      .AddBool(CKA_EXTRACTABLE, false)
      .Add(CKA_ID, id)
      .Add(CKA_LABEL, label)
      .AddBool(CKA_SIGN, sign);
  switch (alg) {
    case crypto::KeyAlg::kEcP256:
    case crypto::KeyAlg::kSm2:
      if (alg == crypto::KeyAlg::kSm2) {
        pub.AddUlong(CKA_KEY_TYPE, kCkkSm2).Add(CKA_EC_PARAMS, kEcParamsSm2);
        priv.AddUlong(CKA_KEY_TYPE, kCkkSm2);
      } else {
        pub.Add(CKA_EC_PARAMS, kEcParamsP256);
      }
      pub.AddBool(CKA_DERIVE, !sign);
      priv.AddBool(CKA_DERIVE, !sign);
      break;
    case crypto::KeyAlg::kRsa2048:
    case crypto::KeyAlg::kRsa3072:
      pub.AddUlong(CKA_MODULUS_BITS, alg == crypto::KeyAlg::kRsa2048 ? 2048 : 3072)
          .Add(CKA_PUBLIC_EXPONENT, kRsaPublicExponent)
          .AddBool(CKA_ENCRYPT, !sign)
          .AddBool(CKA_WRAP, !sign);
      priv.AddBool(CKA_DECRYPT, !sign).AddBool(CKA_UNWRAP, !sign);
      break;
  }

  CK_MECHANISM generate{mechanism, nullptr, 0};
  auto keys = session.GenerateKeyPair(generate, pub, priv);
  if (!keys) return Fail(keys.error());
  auto public_key = ReadPublicKey(session, keys->first);
  if (!public_key) {
    // Leave the token as it was: a key pair sealkey cannot read is no container.
    (void)session.DestroyObject(keys->second);
    (void)session.DestroyObject(keys->first);
    return Fail(public_key.error());
  }
  return GeneratedKey{label, std::move(*public_key)};
}

}  // namespace sealkey::token::pkcs11
