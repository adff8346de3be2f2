// The fixture every conformance test runs in, once per provider: a fresh
// directory, a freshly provisioned token (provider.h), and the module loaded
// with dlopen and initialised with CKF_OS_LOCKING_OK. TearDown finalises and
// unloads it, so each test sees the module's state as C_Initialize builds it.
//
// Helpers report PKCS#11 failures with ADD_FAILURE and return an empty or
// invalid value; tests then assert on that value.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "pkcs11_conformance/pkcs11_module.h"
#include "pkcs11_conformance/provider.h"
#include "testutil/testutil.h"

namespace sealkey::pkcs11_conformance {

struct KeyPair {
  CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
  bool ok() const { return public_key != CK_INVALID_HANDLE && private_key != CK_INVALID_HANDLE; }
};

enum class KeyKind { kEcP256, kRsa2048, kSm2 };

class ConformanceTest : public ::testing::TestWithParam<ProviderId> {
 protected:
  void SetUp() override;
  void TearDown() override;

  const Provider& provider() const { return *provider_; }
  CK_FUNCTION_LIST_PTR p11() const { return module_->functions(); }
  const Module& module() const { return *module_; }
  CK_SLOT_ID slot() const { return slot_; }

  // C_Finalize; TearDown will not finalise again unless Initialize succeeds.
  CK_RV Finalize();
  CK_RV Initialize(CK_VOID_PTR args);
  // Finalises, unloads, loads and initialises the module again, and finds
  // the token's slot anew: what a new process would see.
  void Reload();

  std::vector<CK_SLOT_ID> Slots(bool token_present);
  CK_TOKEN_INFO TokenInfo();
  std::vector<CK_MECHANISM_TYPE> Mechanisms();
  // True when C_GetMechanismList lists `mechanism`. Otherwise records the
  // gap, fails the test when the provider must support it (a standard
  // mechanism not in Traits' missing_mechanisms; the vendor SM ones when
  // Traits say so), and returns false.
  bool Supports(CK_MECHANISM_TYPE mechanism, std::string_view name);

  CK_SESSION_HANDLE OpenSession(bool read_write = true);
  // A read-write session logged in as the user.
  CK_SESSION_HANDLE OpenUserSession();
  CK_RV Login(CK_SESSION_HANDLE session, CK_USER_TYPE user, std::string_view pin);
  CK_STATE SessionState(CK_SESSION_HANDLE session);

  // CKA value bytes; empty with a failure recorded when C_GetAttributeValue fails.
  Bytes Attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  CK_ULONG UlongAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                          CK_ATTRIBUTE_TYPE type);
  bool BoolAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
  // C_FindObjectsInit / C_FindObjects (one handle per call) / C_FindObjectsFinal.
  std::vector<CK_OBJECT_HANDLE> Find(CK_SESSION_HANDLE session, Template& match);
  CK_OBJECT_HANDLE CreateDataObject(CK_SESSION_HANDLE session, std::string_view label,
                                    bool is_private, ByteView value);

  // A token key pair for signing (and, for RSA and SM2, encryption) sharing `id`
  // and `label`; the private key is sensitive and not extractable. An empty
  // `id` leaves CKA_ID out of both templates.
  KeyPair GenerateKeyPair(CK_SESSION_HANDLE session, KeyKind kind, std::string_view label,
                          ByteView id);
  // C_SignInit + C_Sign with a length query first.
  Bytes Sign(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key,
             ByteView data);
  // C_SignInit + C_SignUpdate per chunk + C_SignFinal.
  Bytes SignMultiPart(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key,
                      const std::vector<ByteView>& chunks);
  // C_VerifyInit + C_Verify; returns the C_Verify result.
  CK_RV Verify(CK_SESSION_HANDLE session, CK_MECHANISM mechanism, CK_OBJECT_HANDLE key,
               ByteView data, ByteView signature);

  // EXPECT_CKR(expected, actual), except that `deviant` from a provider that
  // declares `deviation` passes and is recorded as `note`.
  void ExpectCkr(CK_RV expected, CK_RV actual, Deviation deviation, CK_RV deviant,
                 const std::string& note);
  // A CK_TOKEN_INFO count: `expected`, or CK_UNAVAILABLE_INFORMATION (allowed
  // by the specification, recorded).
  void ExpectCount(CK_ULONG reported, CK_ULONG expected, const char* field);
  void RecordDifference(const std::string& note) const;

 private:
  void LoadAndInitialize();

  const Provider* provider_ = nullptr;
  testing::TempDir dir_;  // outlives module_
  std::unique_ptr<Module> module_;
  bool initialized_ = false;
  CK_SLOT_ID slot_ = 0;
  std::vector<CK_MECHANISM_TYPE> mechanisms_;
};

inline CK_BYTE_PTR Ptr(ByteView data) { return const_cast<CK_BYTE_PTR>(data.data()); }

std::string ProviderName(const ::testing::TestParamInfo<ProviderId>& info);

#define INSTANTIATE_CONFORMANCE_SUITE(suite)                                             \
  INSTANTIATE_TEST_SUITE_P(                                                              \
      Providers, suite,                                                                  \
      ::testing::Values(::sealkey::pkcs11_conformance::ProviderId::kSoftHsm,             \
                        ::sealkey::pkcs11_conformance::ProviderId::kSealkey),            \
      ::sealkey::pkcs11_conformance::ProviderName)

}  // namespace sealkey::pkcs11_conformance
