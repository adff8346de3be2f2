// Message digesting (PKCS#11 v2.40 section 5.10) and random number
// generation (section 5.15), as `pkcs11-tool --test` exercises them: the
// first CKF_DIGEST mechanism one-shot vs C_DigestUpdate/C_DigestFinal, and
// C_GenerateRandom of 10, 100 and 0 bytes. Digests must equal sealkey's.
#include <algorithm>
#include <optional>
#include <string_view>

#include "crypto/digest.h"
#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr std::string_view kMessage =
    "The quick brown fox jumps over the lazy dog; sealkey digests it in pieces.";

std::optional<crypto::HashAlg> HashFor(CK_MECHANISM_TYPE mechanism) {
  switch (mechanism) {
    case CKM_MD5: return crypto::HashAlg::kMd5;
    case CKM_SHA_1: return crypto::HashAlg::kSha1;
    case CKM_SHA256: return crypto::HashAlg::kSha256;
    case CKM_SHA384: return crypto::HashAlg::kSha384;
    case CKM_SHA512: return crypto::HashAlg::kSha512;
    default: return std::nullopt;
  }
}

class DigestRandomTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session_ = OpenSession(false);
    ASSERT_NE(session_, CK_INVALID_HANDLE);
  }

  Bytes DigestOneShot(CK_MECHANISM_TYPE type, ByteView data) {
    CK_MECHANISM mechanism{type, nullptr, 0};
    EXPECT_CKR(CKR_OK, p11()->C_DigestInit(session_, &mechanism));
    CK_ULONG length = 0;
    EXPECT_CKR(CKR_OK, p11()->C_Digest(session_, Ptr(data), data.size(), nullptr, &length));
    Bytes digest(length);
    EXPECT_CKR(CKR_OK,
               p11()->C_Digest(session_, Ptr(data), data.size(), digest.data(), &length));
    digest.resize(length);
    return digest;
  }

  Bytes DigestMultiPart(CK_MECHANISM_TYPE type, ByteView data) {
    CK_MECHANISM mechanism{type, nullptr, 0};
    EXPECT_CKR(CKR_OK, p11()->C_DigestInit(session_, &mechanism));
    for (size_t at = 0; at < data.size(); at += 13) {
      ByteView piece = data.subspan(at, std::min<size_t>(13, data.size() - at));
      EXPECT_CKR(CKR_OK, p11()->C_DigestUpdate(session_, Ptr(piece), piece.size()));
    }
    CK_ULONG length = 0;
    EXPECT_CKR(CKR_OK, p11()->C_DigestFinal(session_, nullptr, &length));
    Bytes digest(length);
    EXPECT_CKR(CKR_OK, p11()->C_DigestFinal(session_, digest.data(), &length));
    digest.resize(length);
    return digest;
  }

  void ExpectDigestMatches(CK_MECHANISM_TYPE type, crypto::HashAlg alg) {
    Bytes expected = crypto::Hash(alg, AsBytes(kMessage));
    EXPECT_EQ(DigestOneShot(type, AsBytes(kMessage)), expected);
    EXPECT_EQ(DigestMultiPart(type, AsBytes(kMessage)), expected);
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
};

TEST_P(DigestRandomTest, FirstDigestMechanismOneShotEqualsMultiPart) {
  std::optional<CK_MECHANISM_TYPE> first;
  for (CK_MECHANISM_TYPE mechanism : Mechanisms()) {
    CK_MECHANISM_INFO info{};
    ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot(), mechanism, &info));
    if (info.flags & CKF_DIGEST) {
      first = mechanism;
      break;
    }
  }
  ASSERT_TRUE(first.has_value()) << "no mechanism with CKF_DIGEST";
  Bytes one_shot = DigestOneShot(*first, AsBytes(kMessage));
  EXPECT_FALSE(one_shot.empty());
  EXPECT_EQ(DigestMultiPart(*first, AsBytes(kMessage)), one_shot);
  if (auto alg = HashFor(*first)) {
    EXPECT_EQ(one_shot, crypto::Hash(*alg, AsBytes(kMessage)));
  }
}

TEST_P(DigestRandomTest, Sha256MatchesSealkey) {
  ASSERT_TRUE(Supports(CKM_SHA256, "CKM_SHA256"));
  ExpectDigestMatches(CKM_SHA256, crypto::HashAlg::kSha256);
  const uint8_t nothing[1] = {};
  EXPECT_EQ(DigestOneShot(CKM_SHA256, ByteView(nothing, 0)),
            crypto::Hash(crypto::HashAlg::kSha256, {}));
}

TEST_P(DigestRandomTest, Sha1MatchesSealkey) {
  ASSERT_TRUE(Supports(CKM_SHA_1, "CKM_SHA_1"));
  ExpectDigestMatches(CKM_SHA_1, crypto::HashAlg::kSha1);
}

TEST_P(DigestRandomTest, DigestOperationState) {
  Bytes digest(32);
  CK_ULONG length = digest.size();
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED,
             p11()->C_Digest(session_, Ptr(AsBytes(kMessage)), kMessage.size(), digest.data(),
                             &length));
  CK_MECHANISM mechanism{CKM_SHA256, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_DigestInit(session_, &mechanism));
  EXPECT_CKR(CKR_OPERATION_ACTIVE, p11()->C_DigestInit(session_, &mechanism));
  length = 16;
  ASSERT_CKR(CKR_BUFFER_TOO_SMALL, p11()->C_Digest(session_, Ptr(AsBytes(kMessage)),
                                                   kMessage.size(), digest.data(), &length));
  EXPECT_EQ(length, 32u);
  length = digest.size();
  ASSERT_CKR(CKR_OK, p11()->C_Digest(session_, Ptr(AsBytes(kMessage)), kMessage.size(),
                                     digest.data(), &length));
  EXPECT_EQ(digest, crypto::Hash(crypto::HashAlg::kSha256, AsBytes(kMessage)));
  CK_MECHANISM invalid{CKM_VENDOR_DEFINED + 0x7ffffff0, nullptr, 0};
  EXPECT_CKR(CKR_MECHANISM_INVALID, p11()->C_DigestInit(session_, &invalid));
}

TEST_P(DigestRandomTest, GenerateRandomOfTenHundredAndZeroBytes) {
  Bytes ten(10);
  ASSERT_CKR(CKR_OK, p11()->C_GenerateRandom(session_, ten.data(), ten.size()));
  Bytes first(100);
  Bytes second(100);
  ASSERT_CKR(CKR_OK, p11()->C_GenerateRandom(session_, first.data(), first.size()));
  ASSERT_CKR(CKR_OK, p11()->C_GenerateRandom(session_, second.data(), second.size()));
  EXPECT_NE(first, Bytes(100, 0));
  EXPECT_NE(first, second);
  uint8_t untouched = 0x5a;
  EXPECT_CKR(CKR_OK, p11()->C_GenerateRandom(session_, &untouched, 0));
  EXPECT_EQ(untouched, 0x5a);
  EXPECT_CKR(CKR_SESSION_HANDLE_INVALID,
             p11()->C_GenerateRandom(CK_INVALID_HANDLE, ten.data(), ten.size()));
}

INSTANTIATE_CONFORMANCE_SUITE(DigestRandomTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
