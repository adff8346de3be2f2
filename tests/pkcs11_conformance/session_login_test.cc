// Session management (PKCS#11 v2.40 section 5.6): C_OpenSession,
// C_CloseSession, C_CloseAllSessions, C_GetSessionInfo, C_Login, C_Logout,
// and the session states of the base specification, section 6.7:
//
//   no login      RO: CKS_RO_PUBLIC_SESSION   RW: CKS_RW_PUBLIC_SESSION
//   user          RO: CKS_RO_USER_FUNCTIONS   RW: CKS_RW_USER_FUNCTIONS
//   SO            (no RO sessions)            RW: CKS_RW_SO_FUNCTIONS
#include <algorithm>

#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

class SessionTest : public ConformanceTest {};

TEST_P(SessionTest, OpenSessionNeedsSerialFlagAndValidSlot) {
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_SESSION_PARALLEL_NOT_SUPPORTED,
             p11()->C_OpenSession(slot(), 0, nullptr, nullptr, &session));
  EXPECT_CKR(CKR_SESSION_PARALLEL_NOT_SUPPORTED,
             p11()->C_OpenSession(slot(), CKF_RW_SESSION, nullptr, nullptr, &session));
  auto all = Slots(false);
  CK_SLOT_ID invalid = *std::max_element(all.begin(), all.end()) + 1;
  EXPECT_CKR(CKR_SLOT_ID_INVALID,
             p11()->C_OpenSession(invalid, CKF_SERIAL_SESSION, nullptr, nullptr, &session));
}

TEST_P(SessionTest, StatesFollowUserLogin) {
  CK_SESSION_HANDLE ro = OpenSession(false);
  CK_SESSION_HANDLE rw = OpenSession(true);
  ASSERT_NE(ro, CK_INVALID_HANDLE);
  ASSERT_NE(rw, CK_INVALID_HANDLE);
  EXPECT_NE(ro, rw);
  EXPECT_EQ(SessionState(ro), CKS_RO_PUBLIC_SESSION);
  EXPECT_EQ(SessionState(rw), CKS_RW_PUBLIC_SESSION);

  CK_SESSION_INFO info{};
  ASSERT_CKR(CKR_OK, p11()->C_GetSessionInfo(rw, &info));
  EXPECT_EQ(info.slotID, slot());
  EXPECT_EQ(info.flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION),
            CKF_SERIAL_SESSION | CKF_RW_SESSION);
  ASSERT_CKR(CKR_OK, p11()->C_GetSessionInfo(ro, &info));
  EXPECT_EQ(info.flags & (CKF_SERIAL_SESSION | CKF_RW_SESSION), CKF_SERIAL_SESSION);

  CK_TOKEN_INFO token = TokenInfo();
  ExpectCount(token.ulSessionCount, 2, "ulSessionCount");
  ExpectCount(token.ulRwSessionCount, 1, "ulRwSessionCount");

  // A login applies to every session of the application.
  ASSERT_CKR(CKR_OK, Login(ro, CKU_USER, kUserPin));
  EXPECT_EQ(SessionState(ro), CKS_RO_USER_FUNCTIONS);
  EXPECT_EQ(SessionState(rw), CKS_RW_USER_FUNCTIONS);

  ASSERT_CKR(CKR_OK, p11()->C_Logout(rw));
  EXPECT_EQ(SessionState(ro), CKS_RO_PUBLIC_SESSION);
  EXPECT_EQ(SessionState(rw), CKS_RW_PUBLIC_SESSION);
  ExpectCkr(CKR_USER_NOT_LOGGED_IN, p11()->C_Logout(rw), Deviation::kLogoutWithoutLoginIsOk,
            CKR_OK, "C_Logout with nobody logged in returns CKR_OK");
}

TEST_P(SessionTest, SoLoginGivesRwSoFunctions) {
  CK_SESSION_HANDLE rw = OpenSession(true);
  ASSERT_NE(rw, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, Login(rw, CKU_SO, kSoPin));
  EXPECT_EQ(SessionState(rw), CKS_RW_SO_FUNCTIONS);
  CK_SESSION_HANDLE ro = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_SESSION_READ_WRITE_SO_EXISTS,
             p11()->C_OpenSession(slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &ro));
  EXPECT_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, Login(rw, CKU_USER, kUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_Logout(rw));
  EXPECT_EQ(SessionState(rw), CKS_RW_PUBLIC_SESSION);
}

TEST_P(SessionTest, SoLoginWithReadOnlySessionOpenIsRejected) {
  CK_SESSION_HANDLE ro = OpenSession(false);
  CK_SESSION_HANDLE rw = OpenSession(true);
  ASSERT_NE(ro, CK_INVALID_HANDLE);
  ASSERT_NE(rw, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_SESSION_READ_ONLY_EXISTS, Login(rw, CKU_SO, kSoPin));
  EXPECT_EQ(SessionState(rw), CKS_RW_PUBLIC_SESSION);
  ASSERT_CKR(CKR_OK, p11()->C_CloseSession(ro));
  EXPECT_CKR(CKR_OK, Login(rw, CKU_SO, kSoPin));
}

TEST_P(SessionTest, SecondLoginIsRejected) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  EXPECT_CKR(CKR_USER_ALREADY_LOGGED_IN, Login(session, CKU_USER, kUserPin));
  EXPECT_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN, Login(session, CKU_SO, kSoPin));
  EXPECT_EQ(SessionState(session), CKS_RW_USER_FUNCTIONS);
}

TEST_P(SessionTest, WrongPinIsRejected) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_USER, "654321"));
  EXPECT_EQ(SessionState(session), CKS_RW_PUBLIC_SESSION);
  EXPECT_CKR(CKR_PIN_INCORRECT, Login(session, CKU_SO, "87654321"));
  EXPECT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
}

TEST_P(SessionTest, UnknownUserTypeIsRejected) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  EXPECT_CKR(CKR_USER_TYPE_INVALID, Login(session, 7, kUserPin));
}

TEST_P(SessionTest, CloseAllSessionsInvalidatesHandlesAndLogsOut) {
  CK_SESSION_HANDLE first = OpenSession(true);
  CK_SESSION_HANDLE second = OpenSession(false);
  ASSERT_NE(first, CK_INVALID_HANDLE);
  ASSERT_NE(second, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, Login(first, CKU_USER, kUserPin));
  ASSERT_CKR(CKR_OK, p11()->C_CloseAllSessions(slot()));
  CK_SESSION_INFO info{};
  EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_GetSessionInfo(first, &info));
  EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_GetSessionInfo(second, &info));
  ExpectCount(TokenInfo().ulSessionCount, 0, "ulSessionCount");
  // Closing the last session logs the user out.
  CK_SESSION_HANDLE fresh = OpenSession(true);
  ASSERT_NE(fresh, CK_INVALID_HANDLE);
  EXPECT_EQ(SessionState(fresh), CKS_RW_PUBLIC_SESSION);

  auto all = Slots(false);
  CK_SLOT_ID invalid = *std::max_element(all.begin(), all.end()) + 1;
  EXPECT_CKR(CKR_SLOT_ID_INVALID, p11()->C_CloseAllSessions(invalid));
}

TEST_P(SessionTest, ClosingTheLastSessionLogsOut) {
  CK_SESSION_HANDLE first = OpenUserSession();
  CK_SESSION_HANDLE second = OpenSession(false);
  ASSERT_NE(first, CK_INVALID_HANDLE);
  ASSERT_NE(second, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, p11()->C_CloseSession(first));
  EXPECT_EQ(SessionState(second), CKS_RO_USER_FUNCTIONS) << "another session is still open";
  ASSERT_CKR(CKR_OK, p11()->C_CloseSession(second));
  CK_SESSION_HANDLE fresh = OpenSession(false);
  ASSERT_NE(fresh, CK_INVALID_HANDLE);
  EXPECT_EQ(SessionState(fresh), CKS_RO_PUBLIC_SESSION);
}

TEST_P(SessionTest, InvalidSessionHandleIsRejected) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, p11()->C_CloseSession(session));
  CK_SESSION_INFO info{};
  for (CK_SESSION_HANDLE bad : {session, CK_SESSION_HANDLE{CK_INVALID_HANDLE}}) {
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_GetSessionInfo(bad, &info));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_CloseSession(bad));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, Login(bad, CKU_USER, kUserPin));
    EXPECT_CKR(CKR_SESSION_HANDLE_INVALID, p11()->C_Logout(bad));
  }
}

INSTANTIATE_CONFORMANCE_SUITE(SessionTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
