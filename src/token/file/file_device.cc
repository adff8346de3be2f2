// FileDevice: creation, information and PIN management.
#include "token/file/file_device.h"

#include <filesystem>

#include "base/encoding.h"
#include "crypto/random.h"
#include "token/file/transaction.h"
#include "token/pin_policy.h"

namespace sealkey::token::file {

Result<std::unique_ptr<FileDevice>> FileDevice::Create(const std::string& dir,
                                                       const CreateParams& p,
                                                       const Clock& clock) {
  if (p.label.empty() || p.label.size() > 64) {
    return Fail(ErrorCode::kInvalidArgument, "must be 1 to 64 bytes", "label");
  }
  if (!p.user_pin.empty()) SEALKEY_RETURN_IF_ERROR(CheckNewPin(p.user_pin, "pin"));
  SEALKEY_RETURN_IF_ERROR(CheckNewPin(p.so_pin, "so_pin"));
  if (p.user_pin.Equals(p.so_pin.span())) {
    return Fail(ErrorCode::kInvalidArgument, "must differ from the user PIN", "so_pin");
  }
  if (p.max_tries < 1 || p.max_tries > 15) {
    return Fail(ErrorCode::kInvalidArgument, "must be between 1 and 15", "max_tries");
  }
  SEALKEY_RETURN_IF_ERROR(crypto::ValidateKdfParams(p.kdf));
  if (p.capacity && *p.capacity < 16 * 1024) {
    return Fail(ErrorCode::kInvalidArgument, "must be at least 16 KiB", "capacity");
  }
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return Fail(ErrorCode::kAlreadyExists, dir + " already exists", "device");
  }

  DeviceState s;
  s.serial = HexEncodeUpper(crypto::RandomBytes(8));
  s.label = p.label;
  s.created = clock.NowUnixSeconds();
  s.aead = p.aead;
  s.kdf = p.kdf;
  s.capacity = p.capacity;
  s.user.max_tries = s.user.tries_left = p.max_tries;
  s.so.max_tries = s.so.tries_left = p.max_tries;
  SecureBuffer master = crypto::RandomSecret(crypto::kAeadKeySize);
  if (!p.user_pin.empty()) {
    SEALKEY_RETURN_IF_ERROR(WrapMasterKey(s, PinKind::kUser, p.user_pin, master, s.user));
  }
  SEALKEY_RETURN_IF_ERROR(WrapMasterKey(s, PinKind::kSo, p.so_pin, master, s.so));

  // Write into a temporary directory, then rename it into place, so a crash
  // never leaves a half-created device behind under its final name.
  std::string staging = dir + ".creating";
  std::filesystem::remove_all(staging, ec);
  SEALKEY_RETURN_IF_ERROR(MakeDirs(staging));
  Status written = WriteFileAtomic(StatePath(staging), SerializeState(s));
  if (!written) {
    std::filesystem::remove_all(staging, ec);
    return Fail(written.error());
  }
  std::filesystem::rename(staging, dir, ec);
  if (ec) {
    std::filesystem::remove_all(staging, ec);
    return Fail(ErrorCode::kIo, "cannot create " + dir + ": " + ec.message(), "device");
  }
  return std::unique_ptr<FileDevice>(new FileDevice(dir));
}

Result<std::unique_ptr<FileDevice>> FileDevice::Open(const std::string& dir) {
  auto txn = Transaction::Begin(dir);  // validates that the file parses
  if (!txn) return Fail(txn.error());
  return std::unique_ptr<FileDevice>(new FileDevice(dir));
}

Result<DeviceInfo> FileDevice::Info() {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  const DeviceState& s = txn->state();
  DeviceInfo info;
  info.id = "file:" + s.serial;
  info.kind = DeviceKind::kFile;
  info.label = s.label;
  info.serial = s.serial;
  info.manufacturer = s.manufacturer;
  info.model = s.model;
  info.created = s.created;
  info.user_pin = StatusOf(s.user);
  info.so_pin = StatusOf(s.so);
  for (const auto& o : s.objects) info.certificate_count += o.cls == ObjectClass::kCertificate;
  if (s.capacity) {
    info.capacity = s.capacity;
    size_t used = SerializeState(s).size();
    info.free_space = used < *s.capacity ? *s.capacity - used : 0;
  }
  return info;
}

Status FileDevice::VerifyPin(const SecureBuffer& pin) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  return Ok();
}

Status FileDevice::ChangePin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) {
  return RewrapUserPin(false, old_pin, new_pin);
}

Status FileDevice::Unblock(const SecureBuffer& so_pin, const SecureBuffer& new_user_pin) {
  return RewrapUserPin(true, so_pin, new_user_pin);
}

Status FileDevice::RewrapUserPin(bool with_so_pin, const SecureBuffer& pin,
                                 const SecureBuffer& new_user_pin) {
  SEALKEY_RETURN_IF_ERROR(CheckNewPin(new_user_pin, "new_pin"));
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto master = txn->Unlock(with_so_pin ? PinKind::kSo : PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  DeviceState& s = txn->state();
  SEALKEY_RETURN_IF_ERROR(WrapMasterKey(s, PinKind::kUser, new_user_pin, *master, s.user));
  s.user.tries_left = s.user.max_tries;
  return txn->Commit();
}

Result<SecureBuffer> FileDevice::UnlockMasterKey(bool so, const SecureBuffer& pin) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  return txn->Unlock(so ? PinKind::kSo : PinKind::kUser, pin);
}

Result<DeviceState> FileDevice::ReadState() const {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  return std::move(txn->state());
}

Status FileDevice::Update(const std::function<Status(DeviceState&)>& fn, bool growing) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  SEALKEY_RETURN_IF_ERROR(fn(txn->state()));
  return txn->Commit(growing);
}

Status FileDevice::ChangeSoPin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) {
  SEALKEY_RETURN_IF_ERROR(CheckNewPin(new_pin, "new_pin"));
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto master = txn->Unlock(PinKind::kSo, old_pin);
  if (!master) return Fail(master.error());
  DeviceState& s = txn->state();
  SEALKEY_RETURN_IF_ERROR(WrapMasterKey(s, PinKind::kSo, new_pin, *master, s.so));
  return txn->Commit();
}

Status FileDevice::SetUserPin(const SecureBuffer& master_key, const SecureBuffer& new_pin) {
  SEALKEY_RETURN_IF_ERROR(CheckNewPin(new_pin, "new_pin"));
  return Update([&](DeviceState& s) -> Status {
    SEALKEY_RETURN_IF_ERROR(WrapMasterKey(s, PinKind::kUser, new_pin, master_key, s.user));
    s.user.tries_left = s.user.max_tries;
    return Ok();
  });
}

Status FileDevice::Reinitialize(const SecureBuffer& so_pin, const std::string& label) {
  if (label.empty() || label.size() > 64) {
    return Fail(ErrorCode::kInvalidArgument, "must be 1 to 64 bytes", "label");
  }
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto master = txn->Unlock(PinKind::kSo, so_pin);
  if (!master) return Fail(master.error());
  DeviceState& s = txn->state();
  s.objects.clear();
  s.label = label;
  s.user.wrapped_key.clear();
  s.user.salt.clear();
  s.user.tries_left = s.user.max_tries;
  return txn->Commit();
}

Result<SecureBuffer> FileDevice::OpenPrivate(const DeviceState& state,
                                             const SecureBuffer& master_key,
                                             const StoredObject& object) {
  if (!object.is_private) return SecureBuffer(object.value);
  auto plain = crypto::AeadOpen(state.aead, master_key.span(), ObjectAad(state, object.ref),
                                object.value);
  if (!plain) {
    return Fail(ErrorCode::kMalformed,
                "object " + object.ref + " is damaged: " + plain.error().message, "device");
  }
  return plain;
}

Result<Bytes> FileDevice::SealPrivate(const DeviceState& state, const SecureBuffer& master_key,
                                      const std::string& ref, ByteView plain) {
  return crypto::AeadSeal(state.aead, master_key.span(), ObjectAad(state, ref), plain);
}

}  // namespace sealkey::token::file
