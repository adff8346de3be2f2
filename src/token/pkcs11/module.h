// A dlopen'd PKCS#11 module (a Cryptoki library such as SoftHSM's
// libsofthsm2.so or OpenSC's opensc-pkcs11.so), and the one place where
// CK_RV values become sealkey Errors.
//
// A module may be C_Initialize'd only once per process, so Module::Load
// returns the process-wide instance for a library: every device of a module
// shares it through shared_ptr, and the last owner calls C_Finalize and
// dlclose.
//
// Thread-safety: Load may be called from any thread. The module is
// initialised with CKF_OS_LOCKING_OK, so its functions may be called
// concurrently; but PKCS#11 keeps one login state per token per application,
// shared by all sessions, so everything that logs in, uses the login or logs
// out holds auth_mutex() (see session.h).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "base/error.h"

namespace sealkey::token::pkcs11 {

class Module {
 public:
  // Loads and initialises the module at `path`, or returns the instance
  // already loaded from the same file. Fails with kNotFound when `path` does
  // not exist and kInvalidArgument when it is not a PKCS#11 library (field
  // "module", message naming the path); C_Initialize failures are mapped by
  // RvError.
  static Result<std::shared_ptr<Module>> Load(const std::string& path);

  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;
  ~Module();

  // The module's function table; valid while this Module lives.
  const CK_FUNCTION_LIST& api() const { return *functions_; }
  // The canonical path of the loaded file.
  const std::string& path() const { return path_; }

  // C_GetSlotList(tokenPresent = CK_TRUE).
  Result<std::vector<CK_SLOT_ID>> SlotsWithToken() const;
  Result<CK_TOKEN_INFO> TokenInfo(CK_SLOT_ID slot) const;
  Result<std::vector<CK_MECHANISM_TYPE>> Mechanisms(CK_SLOT_ID slot) const;

  // Held by whoever changes or relies on a token's login state.
  std::mutex& auth_mutex() { return auth_mutex_; }
  // How many live Signers keep the user of `slot` logged in. Only touched
  // with auth_mutex() held.
  int& user_login_holds(CK_SLOT_ID slot) { return user_login_holds_[slot]; }

 private:
  Module(std::string path, void* handle, CK_FUNCTION_LIST* functions, bool finalize)
      : path_(std::move(path)), handle_(handle), functions_(functions), finalize_(finalize) {}

  std::string path_;
  void* handle_;                  // from dlopen
  CK_FUNCTION_LIST* functions_;   // owned by the module
  bool finalize_;                 // false when someone else had initialised it
  std::mutex auth_mutex_;
  std::map<CK_SLOT_ID, int> user_login_holds_;
};

// Whether `mechanism` is in a C_GetMechanismList result.
bool HasMechanism(const std::vector<CK_MECHANISM_TYPE>& mechanisms, CK_MECHANISM_TYPE mechanism);

// "CKR_PIN_INCORRECT", or "CKR_0x..." for values this table does not know.
std::string RvName(CK_RV rv);

// Maps a failed call (rv != CKR_OK) to an Error whose message names the
// function and the CKR_ name: "C_Sign failed: CKR_KEY_HANDLE_INVALID".
Error RvError(CK_RV rv, std::string_view function);

// As RvError, for a call that presented a PIN of `user` (C_Login, C_SetPIN,
// C_InitPIN). `token_flags` are the token's flags read after the failure;
// for CKR_PIN_INCORRECT the message says how many tries remain when the
// flags tell (CKF_*_PIN_COUNT_LOW, CKF_*_PIN_FINAL_TRY, CKF_*_PIN_LOCKED).
// PIN syntax errors (CKR_PIN_LEN_RANGE, CKR_PIN_INVALID, CKR_PIN_TOO_WEAK)
// become kInvalidArgument naming `field`.
Error PinRvError(CK_RV rv, std::string_view function, CK_USER_TYPE user, CK_FLAGS token_flags,
                 std::string_view field = "pin");

}  // namespace sealkey::token::pkcs11
