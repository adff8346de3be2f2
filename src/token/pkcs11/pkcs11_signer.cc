#include "token/pkcs11/pkcs11_signer.h"

#include <mutex>
#include <optional>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "crypto/ec_signature.h"
#include "crypto/sm2.h"
#include "token/pkcs11/objects.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::token::pkcs11 {
namespace {

using crypto::HashAlg;
using crypto::KeyType;

// PKCS#11 names of one hash, and its DigestInfo prefix for CKM_RSA_PKCS
// (RFC 8017 section 9.2, notes 1).
struct HashMechanisms {
  CK_MECHANISM_TYPE digest;
  CK_MECHANISM_TYPE rsa_pkcs;
  CK_MECHANISM_TYPE rsa_pss;
  CK_RSA_PKCS_MGF_TYPE mgf;
  ByteView digest_info_prefix;
};

constexpr uint8_t kSha1Prefix[] = {0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e,
                                   0x03, 0x02, 0x1a, 0x05, 0x00, 0x04, 0x14};
constexpr uint8_t kSha256Prefix[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20};
constexpr uint8_t kSha384Prefix[] = {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30};
constexpr uint8_t kSha512Prefix[] = {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                     0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40};

std::optional<HashMechanisms> MechanismsFor(HashAlg hash) {
  switch (hash) {
    case HashAlg::kSha1:
      return HashMechanisms{CKM_SHA_1, CKM_SHA1_RSA_PKCS, CKM_SHA1_RSA_PKCS_PSS, CKG_MGF1_SHA1,
                            kSha1Prefix};
    case HashAlg::kSha256:
      return HashMechanisms{CKM_SHA256, CKM_SHA256_RSA_PKCS, CKM_SHA256_RSA_PKCS_PSS,
                            CKG_MGF1_SHA256, kSha256Prefix};
    case HashAlg::kSha384:
      return HashMechanisms{CKM_SHA384, CKM_SHA384_RSA_PKCS, CKM_SHA384_RSA_PKCS_PSS,
                            CKG_MGF1_SHA384, kSha384Prefix};
    case HashAlg::kSha512:
      return HashMechanisms{CKM_SHA512, CKM_SHA512_RSA_PKCS, CKM_SHA512_RSA_PKCS_PSS,
                            CKG_MGF1_SHA512, kSha512Prefix};
    default:
      return std::nullopt;
  }
}

Error NoMechanism(std::string_view what) {
  return Error{ErrorCode::kUnsupported, {}, "the token offers no mechanism for " + std::string(what)};
}

class Pkcs11Signer final : public crypto::Signer {
 public:
  Pkcs11Signer(Session session, Bytes key_id, crypto::PublicKey public_key,
               std::vector<CK_MECHANISM_TYPE> mechanisms)
      : session_(std::move(session)),
        key_id_(std::move(key_id)),
        public_key_(std::move(public_key)),
        mechanisms_(std::move(mechanisms)) {}

  ~Pkcs11Signer() override {
    std::lock_guard<std::mutex> lock(session_->module().auth_mutex());
    session_.reset();
  }

  crypto::KeyType key_type() const override { return public_key_.type(); }

  Result<Bytes> Sign(ByteView msg, const crypto::SignOptions& options) override {
    if (key_type() != KeyType::kRsa && options.rsa_pss) {
      return Fail(ErrorCode::kInvalidArgument, "PSS applies to RSA keys only", "padding");
    }
    std::lock_guard<std::mutex> lock(session_->module().auth_mutex());
    switch (key_type()) {
      case KeyType::kEcP256: return SignEcdsa(msg, options);
      case KeyType::kRsa: return SignRsa(msg, options);
      case KeyType::kSm2: return SignSm2(msg, options);
    }
    return Fail(ErrorCode::kUnsupported, "unknown key type");
  }

 private:
  bool Has(CK_MECHANISM_TYPE mechanism) const { return HasMechanism(mechanisms_, mechanism); }

  Result<CK_OBJECT_HANDLE> FindKey() {
    auto logged_in = session_->UserLoggedIn();
    if (!logged_in) return Fail(logged_in.error());
    if (!*logged_in) {
      return Fail(ErrorCode::kPermissionDenied,
                  "the token login of this signer has ended (a wrong PIN or an unblock on the "
                  "device ends it); open a new signer");
    }
    auto keys = FindById(*session_, CKO_PRIVATE_KEY, key_id_);
    if (!keys) return Fail(keys.error());
    if (keys->empty()) {
      return Fail(ErrorCode::kNotFound,
                  "the private key " + HexEncode(key_id_) + " is no longer on the token");
    }
    return keys->front();
  }

  Result<Bytes> SignWith(CK_MECHANISM_TYPE type, ByteView data, void* param = nullptr,
                         CK_ULONG param_len = 0) {
    auto key = FindKey();
    if (!key) return Fail(key.error());
    CK_MECHANISM mechanism{type, param, param_len};
    return session_->Sign(mechanism, *key, data);
  }

  Result<Bytes> SignEcdsa(ByteView msg, const crypto::SignOptions& options) {
    auto raw = SignWith(CKM_ECDSA, crypto::Hash(options.hash, msg));
    if (!raw) return Fail(raw.error());
    return crypto::EcSignatureRawToDer(KeyType::kEcP256, *raw);
  }

  Result<Bytes> SignRsa(ByteView msg, const crypto::SignOptions& options) {
    auto hash = MechanismsFor(options.hash);
    if (!hash) {
      return Fail(ErrorCode::kUnsupported,
                  "RSA on a token signs with SHA-1 or SHA-2 only, not " +
                      std::string(crypto::HashName(options.hash)),
                  "hash");
    }
    if (options.rsa_pss) {
      CK_RSA_PKCS_PSS_PARAMS params{hash->digest, hash->mgf, crypto::HashSize(options.hash)};
      if (Has(hash->rsa_pss)) return SignWith(hash->rsa_pss, msg, &params, sizeof params);
      if (Has(CKM_RSA_PKCS_PSS)) {
        return SignWith(CKM_RSA_PKCS_PSS, crypto::Hash(options.hash, msg), &params,
                        sizeof params);
      }
      return Fail(NoMechanism("RSA-PSS"));
    }
    if (Has(hash->rsa_pkcs)) return SignWith(hash->rsa_pkcs, msg);
    if (Has(CKM_RSA_PKCS)) {
      return SignWith(CKM_RSA_PKCS,
                      Concat({hash->digest_info_prefix, crypto::Hash(options.hash, msg)}));
    }
    return Fail(NoMechanism("RSA PKCS#1 v1.5 signatures"));
  }

  // Vendor SM2 signatures come as DER or as raw r||s; both are validated
  // and returned as DER.
  static Result<Bytes> NormaliseSm2Signature(ByteView sig) {
    if (sig.size() == 2 * 32) return crypto::EcSignatureRawToDer(KeyType::kSm2, sig);
    auto parsed = crypto::ParseEcSignatureDer(KeyType::kSm2, sig);
    if (!parsed) return Fail(parsed.error());
    return crypto::EncodeEcSignatureDer(*parsed);
  }

  Result<Bytes> SignSm2(ByteView msg, const crypto::SignOptions& options) {
    for (CK_MECHANISM_TYPE over_e : {kCkmSm2Sign, kCkmSm2SignRaw}) {
      if (!Has(over_e)) continue;
      auto e = crypto::Sm2ComputeE(public_key_, msg, options.sm2_id);
      if (!e) return Fail(e.error());
      auto sig = SignWith(over_e, *e);
      if (!sig) return Fail(sig.error());
      return NormaliseSm2Signature(*sig);
    }
    if (Has(kCkmSm3Sm2)) {
      if (options.sm2_id != crypto::kSm2DefaultId) {
        return Fail(ErrorCode::kUnsupported,
                    "the token's CKM_SM3_SM2 signs with the default SM2 ID only", "id");
      }
      auto sig = SignWith(kCkmSm3Sm2, msg);
      if (!sig) return Fail(sig.error());
      return NormaliseSm2Signature(*sig);
    }
    return Fail(NoMechanism("SM2 (vendor CKM_VENDOR_DEFINED+0x101, +0x104 or +0x105)"));
  }

  std::optional<Session> session_;  // reset under the auth lock
  Bytes key_id_;  // CKA_ID
  crypto::PublicKey public_key_;
  std::vector<CK_MECHANISM_TYPE> mechanisms_;
};

bool CanSign(const std::vector<CK_MECHANISM_TYPE>& mechanisms, KeyType type) {
  auto has = [&](CK_MECHANISM_TYPE m) { return HasMechanism(mechanisms, m); };
  switch (type) {
    case KeyType::kEcP256: return has(CKM_ECDSA);
    case KeyType::kRsa:
      return has(CKM_RSA_PKCS) || has(CKM_SHA256_RSA_PKCS) || has(CKM_RSA_PKCS_PSS) ||
             has(CKM_SHA256_RSA_PKCS_PSS);
    case KeyType::kSm2: return has(kCkmSm2Sign) || has(kCkmSm2SignRaw) || has(kCkmSm3Sm2);
  }
  return false;
}

}  // namespace

Result<std::unique_ptr<crypto::Signer>> NewPkcs11Signer(Session session, Bytes key_id,
                                                        crypto::PublicKey public_key,
                                                        std::vector<CK_MECHANISM_TYPE> mechanisms) {
  if (!CanSign(mechanisms, public_key.type())) {
    return Fail(NoMechanism(std::string(crypto::KeyTypeName(public_key.type())) +
                            " signatures" +
                            (public_key.type() == KeyType::kSm2
                                 ? " (vendor CKM_VENDOR_DEFINED+0x101, +0x104 or +0x105)"
                                 : "")));
  }
  return std::unique_ptr<crypto::Signer>(new Pkcs11Signer(
      std::move(session), std::move(key_id), std::move(public_key), std::move(mechanisms)));
}

}  // namespace sealkey::token::pkcs11
