// Process-wide state of libsealkey-pkcs11.so: slots (one per file device in
// $SEALKEY_HOME/devices, plus one spare slot for C_InitToken), sessions,
// object handles and the operation state of each session.
//
// Locking: one mutex guards all of it. Cryptographic work (C_Sign ...) takes
// what it needs under the lock and runs outside it, so threads with their
// own sessions sign in parallel.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/digest.h"
#include "pkcs11/ck.h"
#include "pkcs11/token.h"

namespace sealkey::p11 {

// A sign, verify, encrypt or decrypt operation in progress.
struct KeyOperation {
  CK_MECHANISM_TYPE mechanism = 0;
  std::shared_ptr<const PrivateKeyEntry> private_key;
  std::shared_ptr<const crypto::PublicKey> public_key;
  CK_RSA_PKCS_PSS_PARAMS pss{};
  Bytes buffered;  // C_*Update data, for the hash-and-sign mechanisms
};

struct Session {
  CK_SLOT_ID slot = 0;
  CK_FLAGS flags = 0;
  std::optional<KeyOperation> sign, verify, encrypt, decrypt;
  std::optional<crypto::Hasher> digest;
  bool finding = false;
  std::vector<CK_OBJECT_HANDLE> found;
  size_t found_pos = 0;
};

struct Module {
  std::mutex mu;
  bool initialized = false;
  std::string devices_dir;
  std::vector<std::unique_ptr<Token>> slots;  // CK_SLOT_ID = index
  std::map<CK_SESSION_HANDLE, std::shared_ptr<Session>> sessions;
  CK_SESSION_HANDLE next_session = 1;
  std::map<std::pair<CK_SLOT_ID, std::string>, CK_OBJECT_HANDLE> handle_of;
  std::map<CK_OBJECT_HANDLE, std::pair<CK_SLOT_ID, std::string>> object_of;
  CK_OBJECT_HANDLE next_object = 1;

  // Reads $SEALKEY_HOME and builds the slots.
  CK_RV Load();
  void Unload();
  // Keeps exactly one spare (uninitialised) slot at the end.
  void EnsureSpareSlot();

  Token* TokenOf(CK_SLOT_ID slot);
  // The session and its token; CKR_SESSION_HANDLE_INVALID when unknown.
  // With `refresh` the token first rereads its device if the file changed;
  // the cryptographic *Init calls skip that (a stat per signature would cost
  // more than a tenth of an ECDSA signature) and use what the last lookup saw.
  CK_RV Find(CK_SESSION_HANDLE h, std::shared_ptr<Session>* session, Token** token,
             bool refresh = true);
  CK_OBJECT_HANDLE HandleFor(CK_SLOT_ID slot, const std::string& ref);
  // The ref of object `h` on `slot`, visible to the session's login state.
  CK_RV Resolve(CK_SLOT_ID slot, CK_OBJECT_HANDLE h, const Token& token, std::string* ref);
  bool HasReadOnlySession(CK_SLOT_ID slot) const;
  size_t SessionCount(CK_SLOT_ID slot) const;
  CK_STATE StateOf(const Session& s, const Token& t) const;
};

Module& TheModule();

// Guards an API function: the module must be initialised.
#define SEALKEY_P11_LOCK()                               \
  Module& m = TheModule();                               \
  std::unique_lock<std::mutex> lock(m.mu);               \
  if (!m.initialized) return CKR_CRYPTOKI_NOT_INITIALIZED

}  // namespace sealkey::p11
