// C_InitToken (PKCS#11 v2.40 section 5.5): initialising the spare slot's
// token from inside the module (how `sealkey` and `softhsm2-util
// --init-token` make tokens), re-initialising a token, and the guards:
// CKR_SESSION_EXISTS while a session is open, CKR_PIN_INCORRECT for a wrong
// SO PIN.
#include <algorithm>
#include <optional>

#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr uint8_t kValue[] = {0x01, 0x02, 0x03};

class TokenInitTest : public ConformanceTest {
 protected:
  std::optional<CK_SLOT_ID> SlotWhere(bool initialised, std::string_view label = {}) {
    for (CK_SLOT_ID slot : Slots(true)) {
      CK_TOKEN_INFO info{};
      if (p11()->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
      if (static_cast<bool>(info.flags & CKF_TOKEN_INITIALIZED) != initialised) continue;
      if (!label.empty() && !IsBlankPadded(info.label, sizeof info.label, label)) continue;
      return slot;
    }
    return std::nullopt;
  }

  CK_RV InitToken(CK_SLOT_ID slot, std::string_view so_pin, std::string_view label) {
    auto padded = PaddedLabel(label);
    return p11()->C_InitToken(slot, PinPtr(so_pin), so_pin.size(), padded.data());
  }
};

TEST_P(TokenInitTest, SpareSlotBecomesASecondToken) {
  auto spare = SlotWhere(false);
  ASSERT_TRUE(spare.has_value()) << "no slot whose token lacks CKF_TOKEN_INITIALIZED";
  ASSERT_CKR(CKR_OK, InitToken(*spare, kSoPin, "second"));
  auto second = SlotWhere(true, "second");
  ASSERT_TRUE(second.has_value()) << "no initialised token labelled 'second'";
  CK_TOKEN_INFO info{};
  ASSERT_CKR(CKR_OK, p11()->C_GetTokenInfo(*second, &info));
  EXPECT_FALSE(info.flags & CKF_USER_PIN_INITIALIZED) << "C_InitToken sets no user PIN";
  if (!SlotWhere(false).has_value()) {
    RecordDifference("no new spare slot until the next C_Initialize after C_InitToken");
  }

  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  ASSERT_CKR(CKR_OK, p11()->C_OpenSession(*second, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr,
                                          nullptr, &session));
  EXPECT_CKR(CKR_USER_PIN_NOT_INITIALIZED, Login(session, CKU_USER, kUserPin));
  ASSERT_CKR(CKR_OK, Login(session, CKU_SO, kSoPin));
  ASSERT_CKR(CKR_OK, p11()->C_InitPIN(session, PinPtr(kUserPin), kUserPin.size()));
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));
  EXPECT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_GetTokenInfo(*second, &info));
  EXPECT_TRUE(info.flags & CKF_USER_PIN_INITIALIZED);

  // Both tokens, and one spare slot again, in a fresh C_Initialize.
  ASSERT_NO_FATAL_FAILURE(Reload());
  EXPECT_TRUE(SlotWhere(true, "second").has_value());
  EXPECT_TRUE(SlotWhere(true, kTokenLabel).has_value());
  EXPECT_TRUE(SlotWhere(false).has_value()) << "no spare slot after two C_InitToken";
}

TEST_P(TokenInitTest, InitTokenGuards) {
  CK_SESSION_HANDLE session = OpenSession(false);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_SESSION_EXISTS, InitToken(slot(), kSoPin, kTokenLabel));
  ASSERT_CKR(CKR_OK, p11()->C_CloseSession(session));
  EXPECT_CKR(CKR_PIN_INCORRECT, InitToken(slot(), "87654321", kTokenLabel));
  EXPECT_TRUE(IsBlankPadded(TokenInfo().label, 32, kTokenLabel));
}

TEST_P(TokenInitTest, InitTokenReinitialisesTheToken) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_NE(CreateDataObject(session, "old object", false, kValue), CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, p11()->C_CloseAllSessions(slot()));

  ASSERT_CKR(CKR_OK, InitToken(slot(), kSoPin, "renewed"));
  CK_TOKEN_INFO info = TokenInfo();
  EXPECT_TRUE(IsBlankPadded(info.label, sizeof info.label, "renewed"));
  EXPECT_TRUE(info.flags & CKF_TOKEN_INITIALIZED);
  EXPECT_FALSE(info.flags & CKF_USER_PIN_INITIALIZED);
  session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  Template everything;
  EXPECT_TRUE(Find(session, everything).empty()) << "objects survived C_InitToken";
  EXPECT_CKR(CKR_USER_PIN_NOT_INITIALIZED, Login(session, CKU_USER, kUserPin));
}

INSTANTIATE_CONFORMANCE_SUITE(TokenInitTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
