// One slot's token: a file device as the PKCS#11 module sees it, or the
// spare slot where C_InitToken creates a new file device.
//
// While the user is logged in the token holds the device's master key, and
// private keys are decrypted once and kept (as SoftHSM does), so signing
// costs what OpenSSL costs. Logout wipes both. The token rereads
// device.skd when it changed on disk (the CLI or the agent wrote it), and
// writes through FileDevice::Update, under the device's lock, so the module
// and the CLI never corrupt each other's changes.
//
// Not thread-safe: the module calls it under its global lock. Entries
// returned by PrivateKeyFor may be used outside that lock.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "base/secure_buffer.h"
#include "crypto/key.h"
#include "pkcs11/ck.h"
#include "pkcs11/object_view.h"
#include "token/file/file_device.h"

namespace sealkey::p11 {

inline constexpr CK_USER_TYPE kNobody = ~CK_USER_TYPE{0};

struct PrivateKeyEntry {
  crypto::PrivateKey key;
  crypto::PublicKey public_key;
  Bytes z;                 // SM2 only: Z for the default ID
  size_t signature_size;   // raw r||s (64), DER SM2 (at most 72) or the RSA modulus
  bool can_sign = false;
  bool can_decrypt = false;
};

class Token {
 public:
  // `dir` empty: the spare slot; C_InitToken creates the device in `devices_dir`.
  Token(std::string dir, std::string devices_dir);

  bool initialised() const { return device_ != nullptr; }
  // Rereads the device if its file changed. CKR_DEVICE_REMOVED if it is gone.
  CK_RV Refresh();
  void FillTokenInfo(CK_TOKEN_INFO* info) const;

  CK_USER_TYPE logged_in() const { return login_; }
  CK_RV Login(CK_USER_TYPE user, const SecureBuffer& pin);
  void Logout();
  CK_RV InitToken(const SecureBuffer& so_pin, const std::string& label);
  CK_RV InitPin(const SecureBuffer& pin);                                   // SO logged in
  CK_RV SetPin(const SecureBuffer& old_pin, const SecureBuffer& new_pin);  // user or SO

  const std::vector<ObjectView>& views() const { return views_; }
  const ObjectView* View(const std::string& ref) const;
  // C_GetAttributeValue, decrypting private data values on demand.
  CK_RV ReadAttributes(const std::string& ref, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count);

  // Objects with CKA_TOKEN = FALSE are session objects: kept in memory,
  // owned by session `owner` and dropped with it (DropSessionObjects).
  CK_RV CreateObject(const AttrMap& tmpl, CK_SESSION_HANDLE owner, std::string* ref);
  CK_RV DestroyObject(const std::string& ref);
  CK_RV SetAttributes(const std::string& ref, const AttrMap& tmpl);
  CK_RV GenerateKeyPair(CK_MECHANISM_TYPE mechanism, const AttrMap& pub, const AttrMap& priv,
                        CK_SESSION_HANDLE owner, std::string* pub_ref, std::string* priv_ref);
  void DropSessionObjects(CK_SESSION_HANDLE owner);
  bool IsSessionObject(const std::string& ref) const { return owners_.count(ref) != 0; }

  // The decrypted private key behind private-key object `ref` (user logged in).
  CK_RV PrivateKeyFor(const std::string& ref, std::shared_ptr<const PrivateKeyEntry>* out);
  // The public key behind public-key object `ref`.
  CK_RV PublicKeyFor(const std::string& ref, std::shared_ptr<const crypto::PublicKey>* out);

 private:
  CK_RV Reload();
  void RebuildViews();
  // Applies `fn` to the device (token objects) or to the session store.
  CK_RV Change(bool session, const std::function<Status(token::file::DeviceState&)>& fn,
               bool growing);
  // Writes through the device and reloads.
  CK_RV Write(const std::function<Status(token::file::DeviceState&)>& fn, bool growing);
  const token::file::StoredObject* Stored(const std::string& ref) const;

  std::string dir_;
  std::string devices_dir_;
  std::unique_ptr<token::file::FileDevice> device_;
  token::file::DeviceState state_;
  token::file::DeviceState session_;               // session objects (same serial/AEAD)
  std::map<std::string, CK_SESSION_HANDLE> owners_;  // session object ref -> owner
  std::vector<ObjectView> views_;
  struct ::stat seen_ {};
  CK_USER_TYPE login_ = kNobody;
  SecureBuffer master_key_;
  std::map<std::string, std::shared_ptr<const PrivateKeyEntry>> keys_;
};

}  // namespace sealkey::p11
