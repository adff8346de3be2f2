// Multi-threaded use (PKCS#11 v2.40 section 6.6): with CKF_OS_LOCKING_OK
// the application may call the module from several threads at once. Two
// threads, each in its own session, sign with the same key 200 times; every
// signature must verify with sealkey's crypto.
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/digest.h"
#include "crypto/ec_signature.h"
#include "crypto/sign.h"
#include "pkcs11_conformance/key_util.h"
#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr int kThreads = 2;
constexpr int kSignaturesPerThread = 200;

struct Signed {
  std::string message;
  Bytes signature;
  CK_RV rv = CKR_OK;
};

class ConcurrencyTest : public ConformanceTest {
 protected:
  // Runs in a worker thread: no gtest assertions, results only.
  void SignMany(int thread, CK_OBJECT_HANDLE key, std::vector<Signed>* results) {
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_RV rv = p11()->C_OpenSession(slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &session);
    for (int i = 0; i < kSignaturesPerThread; ++i) {
      Signed one;
      one.message = "thread " + std::to_string(thread) + " message " + std::to_string(i);
      one.rv = rv;
      if (rv == CKR_OK) {
        Bytes hash = crypto::Hash(crypto::HashAlg::kSha256, AsBytes(one.message));
        CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
        one.signature.resize(64);
        CK_ULONG length = one.signature.size();
        one.rv = p11()->C_SignInit(session, &mechanism, key);
        if (one.rv == CKR_OK) {
          one.rv = p11()->C_Sign(session, hash.data(), hash.size(), one.signature.data(), &length);
        }
        one.signature.resize(one.rv == CKR_OK ? length : 0);
      }
      results->push_back(std::move(one));
    }
    if (rv == CKR_OK) p11()->C_CloseSession(session);
  }
};

TEST_P(ConcurrencyTest, TwoThreadsSignWithOneKey) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  const uint8_t id[] = {0x7e, 0xad};
  KeyPair pair = GenerateKeyPair(session, KeyKind::kEcP256, "shared key", id);
  ASSERT_TRUE(pair.ok());
  auto public_key =
      EcPublicKey(crypto::KeyType::kEcP256, Attribute(session, pair.public_key, CKA_EC_POINT));
  ASSERT_OK(public_key);

  std::vector<std::vector<Signed>> results(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back(
        [this, t, &pair, &results] { SignMany(t, pair.private_key, &results[t]); });
  }
  for (auto& thread : threads) thread.join();

  int verified = 0;
  for (const auto& per_thread : results) {
    ASSERT_EQ(per_thread.size(), static_cast<size_t>(kSignaturesPerThread));
    for (const Signed& one : per_thread) {
      ASSERT_CKR(CKR_OK, one.rv) << one.message;
      auto der = crypto::EcSignatureRawToDer(crypto::KeyType::kEcP256, one.signature);
      ASSERT_OK(der);
      auto status = crypto::VerifyMessage(*public_key, AsBytes(one.message), *der);
      EXPECT_TRUE(status.has_value()) << one.message << ": " << status.error().ToString();
      if (status) ++verified;
    }
  }
  EXPECT_EQ(verified, kThreads * kSignaturesPerThread);
  // The user stays logged in: the threads' sessions closing did not end it.
  EXPECT_EQ(SessionState(session), CKS_RW_USER_FUNCTIONS);
}

INSTANTIATE_CONFORMANCE_SUITE(ConcurrencyTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
