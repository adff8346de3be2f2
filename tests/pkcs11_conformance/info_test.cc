// General-purpose and slot/token management functions (PKCS#11 v2.40
// sections 5.4-5.5): C_Initialize, C_Finalize, C_GetInfo,
// C_GetFunctionList, C_GetSlotList, C_GetSlotInfo, C_GetTokenInfo,
// C_GetMechanismList, C_GetMechanismInfo.
#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

class InfoTest : public ConformanceTest {};

// A text field PKCS#11 wants blank-padded: no NUL, something before the blanks.
void ExpectPaddedText(const CK_UTF8CHAR* field, size_t size, const char* what) {
  std::string text = TrimPadded(field, size);
  EXPECT_FALSE(text.empty()) << what << " is blank";
  EXPECT_EQ(text.find('\0'), std::string::npos) << what << " holds a NUL: not blank-padded";
}

TEST_P(InfoTest, GetInfoReportsVersionAndPaddedFields) {
  CK_INFO info{};
  ASSERT_CKR(CKR_OK, p11()->C_GetInfo(&info));
  const std::string version = std::to_string(info.cryptokiVersion.major) + "." +
                              std::to_string(info.cryptokiVersion.minor);
  if (provider().traits.cryptoki_2_40) {
    EXPECT_EQ(version, "2.40");
  } else {
    RecordDifference("C_GetInfo reports cryptokiVersion " + version);
  }
  EXPECT_EQ(info.flags, 0u);
  ExpectPaddedText(info.manufacturerID, sizeof info.manufacturerID, "manufacturerID");
  ExpectPaddedText(info.libraryDescription, sizeof info.libraryDescription, "libraryDescription");
  EXPECT_CKR(CKR_ARGUMENTS_BAD, p11()->C_GetInfo(nullptr));
}

TEST_P(InfoTest, GetFunctionListIsComplete) {
  CK_FUNCTION_LIST_PTR list = nullptr;
  ASSERT_CKR(CKR_OK, module().get_function_list()(&list));
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->version.major, 2);
  EXPECT_CKR(CKR_ARGUMENTS_BAD, module().get_function_list()(nullptr));
  // Every entry from C_Initialize to C_WaitForSlotEvent must be set; a
  // module without a function fills in one returning CKR_FUNCTION_NOT_SUPPORTED.
  constexpr size_t kFirst = offsetof(CK_FUNCTION_LIST, C_Initialize);
  constexpr size_t kCount = (sizeof(CK_FUNCTION_LIST) - kFirst) / sizeof(void*);
  const auto* entries = reinterpret_cast<const void* const*>(
      reinterpret_cast<const unsigned char*>(list) + kFirst);
  for (size_t i = 0; i < kCount; ++i) EXPECT_NE(entries[i], nullptr) << "function " << i;
  EXPECT_EQ(list->C_Initialize, p11()->C_Initialize);
}

TEST_P(InfoTest, SlotListHasTheTokenAndOneSpareSlot) {
  auto all = Slots(false);
  auto present = Slots(true);
  ASSERT_FALSE(present.empty());
  for (CK_SLOT_ID slot : present) {
    EXPECT_NE(std::find(all.begin(), all.end(), slot), all.end()) << "slot " << slot;
  }
  int initialised = 0;
  int spare = 0;
  for (CK_SLOT_ID slot : present) {
    CK_SLOT_INFO slot_info{};
    ASSERT_CKR(CKR_OK, p11()->C_GetSlotInfo(slot, &slot_info));
    EXPECT_TRUE(slot_info.flags & CKF_TOKEN_PRESENT) << "slot " << slot;
    CK_TOKEN_INFO info{};
    ASSERT_CKR(CKR_OK, p11()->C_GetTokenInfo(slot, &info));
    if (info.flags & CKF_TOKEN_INITIALIZED) {
      ++initialised;
      EXPECT_TRUE(IsBlankPadded(info.label, sizeof info.label, kTokenLabel));
    } else {
      ++spare;
      EXPECT_FALSE(info.flags & CKF_USER_PIN_INITIALIZED) << "spare slot " << slot;
    }
  }
  EXPECT_EQ(initialised, 1);
  EXPECT_EQ(spare, 1);

  CK_ULONG count = 0;
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotList(CK_FALSE, nullptr, &count));
  EXPECT_EQ(count, all.size());
  ASSERT_GE(count, 2u);
  std::vector<CK_SLOT_ID> small(1);
  count = 1;
  EXPECT_CKR(CKR_BUFFER_TOO_SMALL, p11()->C_GetSlotList(CK_FALSE, small.data(), &count));
  EXPECT_EQ(count, all.size());
}

TEST_P(InfoTest, SlotInfoFieldsArePadded) {
  CK_SLOT_INFO info{};
  ASSERT_CKR(CKR_OK, p11()->C_GetSlotInfo(slot(), &info));
  ExpectPaddedText(info.slotDescription, sizeof info.slotDescription, "slotDescription");
  ExpectPaddedText(info.manufacturerID, sizeof info.manufacturerID, "manufacturerID");
  EXPECT_TRUE(info.flags & CKF_TOKEN_PRESENT);

  auto all = Slots(false);
  CK_SLOT_ID invalid = *std::max_element(all.begin(), all.end()) + 1;
  EXPECT_CKR(CKR_SLOT_ID_INVALID, p11()->C_GetSlotInfo(invalid, &info));
  CK_TOKEN_INFO token{};
  EXPECT_CKR(CKR_SLOT_ID_INVALID, p11()->C_GetTokenInfo(invalid, &token));
}

TEST_P(InfoTest, TokenInfoOfProvisionedToken) {
  CK_TOKEN_INFO info = TokenInfo();
  EXPECT_TRUE(IsBlankPadded(info.label, sizeof info.label, kTokenLabel))
      << "label '" << std::string(reinterpret_cast<char*>(info.label), sizeof info.label) << "'";
  ExpectPaddedText(info.manufacturerID, sizeof info.manufacturerID, "manufacturerID");
  ExpectPaddedText(info.model, sizeof info.model, "model");
  ExpectPaddedText(info.serialNumber, sizeof info.serialNumber, "serialNumber");
  EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
  EXPECT_TRUE(info.flags & CKF_USER_PIN_INITIALIZED);
  EXPECT_TRUE(info.flags & CKF_LOGIN_REQUIRED);
  EXPECT_TRUE(info.flags & CKF_RNG);
  EXPECT_FALSE(info.flags & CKF_WRITE_PROTECTED);
  EXPECT_FALSE(info.flags & (CKF_USER_PIN_LOCKED | CKF_USER_PIN_COUNT_LOW | CKF_SO_PIN_LOCKED));
  EXPECT_LE(info.ulMinPinLen, kUserPin.size());
  EXPECT_GE(info.ulMaxPinLen, kSoPin.size());
  ExpectCount(info.ulSessionCount, 0, "ulSessionCount");
}

TEST_P(InfoTest, SecondInitializeIsRejected) {
  EXPECT_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED, p11()->C_Initialize(nullptr));
  CK_INFO info{};
  EXPECT_CKR(CKR_OK, p11()->C_GetInfo(&info));
}

TEST_P(InfoTest, CallsBeforeInitializeAreRejected) {
  ASSERT_CKR(CKR_OK, Finalize());
  CK_INFO info{};
  EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, p11()->C_GetInfo(&info));
  CK_ULONG count = 0;
  EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, p11()->C_GetSlotList(CK_TRUE, nullptr, &count));
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED,
             p11()->C_OpenSession(slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &session));
  EXPECT_CKR(CKR_CRYPTOKI_NOT_INITIALIZED, p11()->C_Finalize(nullptr));
  ASSERT_CKR(CKR_OK, Initialize(nullptr));
  EXPECT_CKR(CKR_OK, p11()->C_GetInfo(&info));
}

TEST_P(InfoTest, InitializeArguments) {
  ASSERT_CKR(CKR_OK, Finalize());
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  ASSERT_CKR(CKR_OK, Initialize(&args));
  EXPECT_CKR(CKR_ARGUMENTS_BAD, p11()->C_Finalize(&args));
  ASSERT_CKR(CKR_OK, Finalize());

  CK_C_INITIALIZE_ARGS reserved{};
  reserved.pReserved = &args;
  EXPECT_CKR(CKR_ARGUMENTS_BAD, Initialize(&reserved));
  // Mutex functions come all or none.
  CK_C_INITIALIZE_ARGS partial{};
  partial.CreateMutex = [](CK_VOID_PTR_PTR) -> CK_RV { return CKR_OK; };
  EXPECT_CKR(CKR_ARGUMENTS_BAD, Initialize(&partial));
  ASSERT_CKR(CKR_OK, Initialize(nullptr));
}

TEST_P(InfoTest, MechanismListAndInfo) {
  for (auto [mechanism, name] : {std::pair{CKM_EC_KEY_PAIR_GEN, "CKM_EC_KEY_PAIR_GEN"},
                                 {CKM_RSA_PKCS_KEY_PAIR_GEN, "CKM_RSA_PKCS_KEY_PAIR_GEN"},
                                 {CKM_ECDSA, "CKM_ECDSA"},
                                 {CKM_ECDSA_SHA256, "CKM_ECDSA_SHA256"},
                                 {CKM_RSA_PKCS, "CKM_RSA_PKCS"},
                                 {CKM_SHA256_RSA_PKCS, "CKM_SHA256_RSA_PKCS"},
                                 {CKM_RSA_PKCS_PSS, "CKM_RSA_PKCS_PSS"},
                                 {CKM_SHA256, "CKM_SHA256"},
                                 {CKM_SHA_1, "CKM_SHA_1"}}) {
    Supports(mechanism, name);
  }
  CK_MECHANISM_INFO info{};
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot(), CKM_EC_KEY_PAIR_GEN, &info));
  EXPECT_TRUE(info.flags & CKF_GENERATE_KEY_PAIR);
  EXPECT_LE(info.ulMinKeySize, 256u);
  EXPECT_GE(info.ulMaxKeySize, 256u);
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot(), CKM_RSA_PKCS_KEY_PAIR_GEN, &info));
  EXPECT_TRUE(info.flags & CKF_GENERATE_KEY_PAIR);
  EXPECT_LE(info.ulMinKeySize, 2048u);
  EXPECT_GE(info.ulMaxKeySize, 2048u);
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot(), CKM_ECDSA, &info));
  EXPECT_EQ(info.flags & (CKF_SIGN | CKF_VERIFY), CKF_SIGN | CKF_VERIFY);
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismInfo(slot(), CKM_SHA256, &info));
  EXPECT_TRUE(info.flags & CKF_DIGEST);
  EXPECT_CKR(CKR_MECHANISM_INVALID,
             p11()->C_GetMechanismInfo(slot(), CKM_VENDOR_DEFINED + 0x7ffffff0, &info));

  CK_ULONG count = 0;
  ASSERT_CKR(CKR_OK, p11()->C_GetMechanismList(slot(), nullptr, &count));
  EXPECT_EQ(count, Mechanisms().size());
  CK_MECHANISM_TYPE one = 0;
  count = 1;
  EXPECT_CKR(CKR_BUFFER_TOO_SMALL, p11()->C_GetMechanismList(slot(), &one, &count));
  EXPECT_EQ(count, Mechanisms().size());
}

INSTANTIATE_CONFORMANCE_SUITE(InfoTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
