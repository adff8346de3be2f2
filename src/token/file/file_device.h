// FileDevice: sealkey's own soft token, one directory holding `device.skd`
// (format: docs/file-device.md) and `device.lock`.
//
// A random 32-byte master key seals every private object (private keys, seal
// images) with the device's AEAD; the master key is wrapped separately under
// keys derived from the user PIN and the administrator (SO) PIN with the
// device's slow KDF. Certificates and public keys are public objects, as on a
// hardware token, so media and certificates can be listed without a PIN.
//
// Every operation is one transaction: take the directory's flock, read the
// file, change it, replace it atomically (base/atomic_file.h). A PIN try is
// recorded on disk *before* the PIN is checked and given back on success, so
// killing the process mid-check cannot be used to guess for free.
//
// Thread-compatible: use one FileDevice from one thread at a time; several
// processes may use the same device concurrently.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "crypto/aead.h"
#include "crypto/password_kdf.h"
#include "token/device.h"

namespace sealkey::token::file {

struct DeviceState;
struct StoredObject;

struct CreateParams {
  std::string label;
  SecureBuffer user_pin;  // may be empty: set later with SetUserPin (PKCS#11 C_InitPIN)
  SecureBuffer so_pin;
  int max_tries = 6;
  crypto::AeadAlg aead = crypto::AeadAlg::kSm4CtrHmacSm3;
  crypto::KdfParams kdf;
  std::optional<uint64_t> capacity;  // bytes; unlimited when absent
};

class FileDevice final : public Device {
 public:
  // Creates a device in `dir`, which must not exist yet.
  static Result<std::unique_ptr<FileDevice>> Create(const std::string& dir,
                                                    const CreateParams& params,
                                                    const Clock& clock = SystemClock::Instance());
  // Opens an existing device; fails with a clear error if the file is
  // missing, corrupted or truncated.
  static Result<std::unique_ptr<FileDevice>> Open(const std::string& dir);

  const std::string& dir() const { return dir_; }

  // --- For long-lived clients (the PKCS#11 module): check a PIN once, then
  // work with the master key, without the KDF on every operation.

  // Verifies the user (or SO) PIN like every operation does, consuming and
  // restoring a try, and returns the master key.
  Result<SecureBuffer> UnlockMasterKey(bool so, const SecureBuffer& pin);
  // A snapshot of the device as it is on disk (no PIN).
  Result<DeviceState> ReadState() const;
  // Runs `fn` on the current state under the device lock; commits when it
  // succeeds (enforcing the capacity if `growing`), changes nothing if not.
  Status Update(const std::function<Status(DeviceState&)>& fn, bool growing = false);
  // Changes the administrator (SO) PIN.
  Status ChangeSoPin(const SecureBuffer& old_pin, const SecureBuffer& new_pin);
  // Sets the user PIN with a master key obtained through the SO PIN (C_InitPIN).
  Status SetUserPin(const SecureBuffer& master_key, const SecureBuffer& new_pin);
  // C_InitToken on an initialised device: checks the SO PIN, then removes
  // every object, sets `label` and leaves the user PIN unset.
  Status Reinitialize(const SecureBuffer& so_pin, const std::string& label);
  // Decrypts a private object (key PKCS#8, seal, private data) with the master key.
  static Result<SecureBuffer> OpenPrivate(const DeviceState& state, const SecureBuffer& master_key,
                                          const StoredObject& object);
  // Seals `plain` for a new private object `ref` of this device.
  static Result<Bytes> SealPrivate(const DeviceState& state, const SecureBuffer& master_key,
                                   const std::string& ref, ByteView plain);

  Result<DeviceInfo> Info() override;
  Result<std::vector<CertificateEntry>> ListCertificates() override;
  Status VerifyPin(const SecureBuffer& pin) override;
  Status ChangePin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) override;
  Status Unblock(const SecureBuffer& so_pin, const SecureBuffer& new_user_pin) override;
  Status DeleteCertificate(const SecureBuffer& pin, std::string_view ref) override;
  Result<std::string> ImportCertificate(const SecureBuffer& pin, ByteView der) override;
  Result<GeneratedKey> GenerateKeyPair(const SecureBuffer& pin, crypto::KeyAlg alg,
                                       KeyUsage usage, std::string_view container) override;
  Result<std::unique_ptr<crypto::Signer>> OpenSigner(const SecureBuffer& pin,
                                                     std::string_view cert_ref) override;
  Result<std::unique_ptr<crypto::Signer>> OpenKeySigner(const SecureBuffer& pin,
                                                        std::string_view container,
                                                        KeyUsage usage) override;
  Status DeleteKeyPair(const SecureBuffer& pin, std::string_view container,
                       KeyUsage usage) override;
  Result<std::string> ImportEnvelopedKey(const SecureBuffer& pin, std::string_view container,
                                         ByteView envelope, ByteView encryption_cert) override;
  Result<std::string> ImportPkcs12(const SecureBuffer& pin, ByteView p12,
                                   const SecureBuffer& password) override;
  Result<std::vector<SealEntry>> ListSeals() override;
  Result<std::string> WriteSeal(const SecureBuffer& pin, std::string_view name,
                                ByteView image) override;
  Result<Bytes> ReadSeal(const SecureBuffer& pin, std::string_view ref) override;
  Status DeleteSeal(const SecureBuffer& pin, std::string_view ref) override;

 private:
  class Transaction;
  explicit FileDevice(std::string dir) : dir_(std::move(dir)) {}
  // Checks `pin` (the SO PIN if `with_so_pin`, else the user PIN), then wraps
  // the master key under `new_user_pin` and gives the user PIN all its tries.
  Status RewrapUserPin(bool with_so_pin, const SecureBuffer& pin,
                       const SecureBuffer& new_user_pin);

  std::string dir_;
};

}  // namespace sealkey::token::file
