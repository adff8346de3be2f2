#include "token/file/transaction.h"

#include "base/encoding.h"
#include "base/file.h"
#include "crypto/random.h"
#include "token/pin_policy.h"

namespace sealkey::token::file {

Result<FileDevice::Transaction> FileDevice::Transaction::Begin(const std::string& dir) {
  auto lock = FileLock::Acquire(LockPath(dir));
  if (!lock) return Fail(lock.error());
  auto data = ReadFile(StatePath(dir), "device");
  if (!data) {
    if (data.error().code == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound, "no device file in " + dir, "device");
    }
    return Fail(data.error());
  }
  auto state = ParseState(*data);
  if (!state) {
    return Fail(state.error().code, dir + ": " + state.error().message, "device");
  }
  return Transaction(std::move(*lock), dir, std::make_unique<DeviceState>(std::move(*state)));
}

Status FileDevice::Transaction::Commit(bool growing) {
  Bytes data = SerializeState(*state_);
  if (growing && state_->capacity && data.size() > *state_->capacity) {
    return Fail(ErrorCode::kOutOfRange,
                "device is full: needs " + std::to_string(data.size()) + " bytes of " +
                    std::to_string(*state_->capacity),
                "device");
  }
  return WriteFileAtomic(StatePath(dir_), data);
}

Result<SecureBuffer> FileDevice::Transaction::Unlock(PinKind kind, const SecureBuffer& pin) {
  const char* field = kind == PinKind::kUser ? "pin" : "so_pin";
  const char* who = kind == PinKind::kUser ? "user PIN" : "administrator PIN";
  SEALKEY_RETURN_IF_ERROR(CheckPresentedPin(pin, field));
  PinRecord& rec = kind == PinKind::kUser ? state_->user : state_->so;
  if (!rec.initialized()) {
    return Fail(ErrorCode::kNotFound,
                std::string("the ") + who + " is not set; set it with the administrator PIN",
                field);
  }
  if (rec.tries_left <= 0) {
    return Fail(ErrorCode::kPinLocked,
                std::string("the ") + who + " is locked" +
                    (kind == PinKind::kUser ? "; unblock it with the administrator PIN" : ""),
                field);
  }
  rec.tries_left -= 1;
  SEALKEY_RETURN_IF_ERROR(Commit());
  auto kek = PinKek(*state_, pin, rec.salt);
  if (!kek) return Fail(kek.error());
  auto master = crypto::AeadOpen(state_->aead, kek->span(), WrapAad(*state_, kind),
                                 rec.wrapped_key);
  if (!master) {
    if (master.error().code != ErrorCode::kVerifyFailed) return Fail(master.error());
    if (rec.tries_left == 0) {
      return Fail(ErrorCode::kPinLocked,
                  std::string("wrong ") + who + "; it is now locked" +
                      (kind == PinKind::kUser ? ": unblock it with the administrator PIN" : ""),
                  field);
    }
    return Fail(ErrorCode::kPinIncorrect,
                std::string("wrong ") + who + "; " + std::to_string(rec.tries_left) +
                    (rec.tries_left == 1 ? " try" : " tries") + " left",
                field);
  }
  if (rec.tries_left != rec.max_tries) {
    rec.tries_left = rec.max_tries;
    SEALKEY_RETURN_IF_ERROR(Commit());
  }
  return std::move(*master);
}

Bytes WrapAad(const DeviceState& s, PinKind kind) {
  return ToBytes("sealkey/master-key/" + s.serial + (kind == PinKind::kUser ? "/user" : "/so"));
}

Bytes ObjectAad(const DeviceState& s, const std::string& ref) {
  return ToBytes("sealkey/object/" + s.serial + "/" + ref);
}

Result<SecureBuffer> PinKek(const DeviceState& s, const SecureBuffer& pin, ByteView salt) {
  return crypto::DeriveKeyFromPassword(s.kdf, pin.span(), salt, crypto::kAeadKeySize);
}

Status WrapMasterKey(const DeviceState& s, PinKind kind, const SecureBuffer& pin,
                     const SecureBuffer& master_key, PinRecord& record) {
  Bytes salt = crypto::RandomBytes(crypto::kKdfSaltSize);
  auto kek = PinKek(s, pin, salt);
  if (!kek) return Fail(kek.error());
  auto wrapped = crypto::AeadSeal(s.aead, kek->span(), WrapAad(s, kind), master_key.span());
  if (!wrapped) return Fail(wrapped.error());
  record.salt = std::move(salt);
  record.wrapped_key = std::move(*wrapped);
  return Ok();
}

std::string NewRef(const DeviceState& s) {
  for (;;) {
    std::string ref = HexEncode(crypto::RandomBytes(8));
    bool used = false;
    for (const auto& o : s.objects) used = used || o.ref == ref;
    if (!used) return ref;
  }
}

PinStatus StatusOf(const PinRecord& r) {
  PinStatus st;
  st.initialized = r.initialized();
  st.tries_left = r.tries_left;
  st.max_tries = r.max_tries;
  if (r.tries_left <= 0) st.state = PinState::kLocked;
  else if (r.tries_left == 1) st.state = PinState::kFinalTry;
  else if (r.tries_left < r.max_tries) st.state = PinState::kCountLow;
  else st.state = PinState::kOk;
  return st;
}

}  // namespace sealkey::token::file
