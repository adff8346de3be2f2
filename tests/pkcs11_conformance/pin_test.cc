// PIN management (PKCS#11 v2.40 section 5.5: C_InitPIN, C_SetPIN) and the
// token flags that report PIN state (CK_TOKEN_INFO, section 3.2):
// CKF_USER_PIN_COUNT_LOW after a wrong PIN, CKF_USER_PIN_FINAL_TRY when one
// try is left, CKF_USER_PIN_LOCKED when locked. Lockout is per provider:
// sealkey locks after 6 wrong tries, SoftHSM never locks.
#include <string>

#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr std::string_view kNewUserPin = "654321";
constexpr std::string_view kWrongPin = "000111";

class PinTest : public ConformanceTest {
 protected:
  CK_RV SetPin(CK_SESSION_HANDLE session, std::string_view old_pin, std::string_view new_pin) {
    return p11()->C_SetPIN(session, PinPtr(old_pin), old_pin.size(), PinPtr(new_pin),
                           new_pin.size());
  }
  CK_RV InitPin(CK_SESSION_HANDLE session, std::string_view pin) {
    return p11()->C_InitPIN(session, PinPtr(pin), pin.size());
  }
};

TEST_P(PinTest, SetPinChangesTheUserPin) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_PIN_INCORRECT, SetPin(session, kWrongPin, kNewUserPin));
  ASSERT_CKR(CKR_OK, SetPin(session, kUserPin, kNewUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));
  EXPECT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_USER, kUserPin));
  EXPECT_CKR(CKR_OK, Login(session, CKU_USER, kNewUserPin));
  // The change is stored on the token, not in the loaded module.
  ASSERT_NO_FATAL_FAILURE(Reload());
  session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_OK, Login(session, CKU_USER, kNewUserPin));
}

TEST_P(PinTest, SetPinNeedsReadWriteSession) {
  CK_SESSION_HANDLE session = OpenSession(false);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  EXPECT_CKR(CKR_SESSION_READ_ONLY, SetPin(session, kUserPin, kNewUserPin));
}

TEST_P(PinTest, InitPinAsSoResetsTheUserPin) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_USER_NOT_LOGGED_IN, InitPin(session, kNewUserPin));
  ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  EXPECT_CKR(CKR_USER_NOT_LOGGED_IN, InitPin(session, kNewUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));

  ASSERT_CKR(CKR_OK, Login(session, CKU_SO, kSoPin));
  ASSERT_CKR(CKR_OK, InitPin(session, kNewUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));
  EXPECT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_USER, kUserPin));
  EXPECT_CKR(CKR_OK, Login(session, CKU_USER, kNewUserPin));
  EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_INITIALIZED);
}

TEST_P(PinTest, WrongPinSetsCountLow) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_USER, kWrongPin));
  CK_TOKEN_INFO info = TokenInfo();
  EXPECT_FALSE(info.flags & CKF_USER_PIN_LOCKED);
  if (provider().traits.user_pin_max_tries > 0) {
    EXPECT_TRUE(info.flags & CKF_USER_PIN_COUNT_LOW);
  } else if (!(info.flags & CKF_USER_PIN_COUNT_LOW)) {
    RecordDifference("no CKF_USER_PIN_COUNT_LOW after a wrong user PIN");
  }
  ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  EXPECT_FALSE(TokenInfo().flags & (CKF_USER_PIN_COUNT_LOW | CKF_USER_PIN_FINAL_TRY))
      << "a successful login resets the count";
}

TEST_P(PinTest, WrongPinsLockPerProvider) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  const int max_tries = provider().traits.user_pin_max_tries;
  if (max_tries == 0) {
    for (int i = 0; i < 7; ++i) ASSERT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_USER, kWrongPin));
    EXPECT_FALSE(TokenInfo().flags & CKF_USER_PIN_LOCKED);
    ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
    RecordDifference("no user PIN lockout: after 7 wrong PINs the right one logs in");
    return;
  }
  for (int i = 1; i < max_tries; ++i) {
    ASSERT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_USER, kWrongPin)) << "try " << i;
  }
  CK_TOKEN_INFO info = TokenInfo();
  EXPECT_TRUE(info.flags & CKF_USER_PIN_FINAL_TRY) << "one try left";
  EXPECT_FALSE(info.flags & CKF_USER_PIN_LOCKED);

  CK_RV last = Login(session, CKU_USER, kWrongPin);
  EXPECT_TRUE(last == CKR_PIN_INCORRECT || last == CKR_PIN_LOCKED) << CkrName(last);
  RecordDifference("user PIN locks on wrong PIN " + std::to_string(max_tries) + " (which returns " +
                   CkrName(last) + "); C_InitPIN by the SO unlocks");
  EXPECT_TRUE(TokenInfo().flags & CKF_USER_PIN_LOCKED);
  EXPECT_CKR(CKR_PIN_LOCKED, Login(session, CKU_USER, kUserPin));
  EXPECT_EQ(SessionState(session), CKS_RW_PUBLIC_SESSION);

  // The lock survives a new C_Initialize, and the SO lifts it with C_InitPIN.
  ASSERT_NO_FATAL_FAILURE(Reload());
  session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_PIN_LOCKED, Login(session, CKU_USER, kUserPin));
  ASSERT_CKR(CKR_OK, Login(session, CKU_SO, kSoPin));
  ASSERT_CKR(CKR_OK, InitPin(session, kNewUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));
  EXPECT_FALSE(TokenInfo().flags & CKF_USER_PIN_LOCKED);
  EXPECT_CKR(CKR_OK, Login(session, CKU_USER, kNewUserPin));
}

INSTANTIATE_CONFORMANCE_SUITE(PinTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
