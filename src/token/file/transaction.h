// Internal to the file device: one locked read-modify-write cycle, and the
// PIN check that unwraps the master key.
#pragma once

#include <memory>
#include <string>

#include "base/atomic_file.h"
#include "base/secure_buffer.h"
#include "token/file/device_state.h"
#include "token/file/file_device.h"

namespace sealkey::token::file {

enum class PinKind { kUser, kSo };

inline std::string StatePath(const std::string& dir) { return dir + "/device.skd"; }
inline std::string LockPath(const std::string& dir) { return dir + "/device.lock"; }

class FileDevice::Transaction {
 public:
  // Takes the device lock and reads the current state.
  static Result<Transaction> Begin(const std::string& dir);

  DeviceState& state() { return *state_; }
  // Writes the state atomically. With `growing`, enforces the capacity.
  Status Commit(bool growing = false);

  // Checks `pin`, recording the try on disk first. On success the try is
  // given back (written at once) and the master key returned.
  Result<SecureBuffer> Unlock(PinKind kind, const SecureBuffer& pin);

 private:
  Transaction(FileLock lock, std::string dir, std::unique_ptr<DeviceState> state)
      : lock_(std::move(lock)), dir_(std::move(dir)), state_(std::move(state)) {}

  FileLock lock_;
  std::string dir_;
  std::unique_ptr<DeviceState> state_;
};

// AAD binding a wrapped master key to its device and PIN kind.
Bytes WrapAad(const DeviceState& s, PinKind kind);
// AAD binding a sealed object to its device and ref.
Bytes ObjectAad(const DeviceState& s, const std::string& ref);

// Derives the key-encryption key for a PIN.
Result<SecureBuffer> PinKek(const DeviceState& s, const SecureBuffer& pin, ByteView salt);
// Wraps the master key under a new PIN (fresh salt) into `record`.
Status WrapMasterKey(const DeviceState& s, PinKind kind, const SecureBuffer& pin,
                     const SecureBuffer& master_key, PinRecord& record);

// A new object ref not used in the device.
std::string NewRef(const DeviceState& s);
PinStatus StatusOf(const PinRecord& record);

}  // namespace sealkey::token::file
