// Token: slot state, token information, login and PINs.
#include "pkcs11/token.h"

#include <filesystem>

#include "base/encoding.h"
#include "crypto/random.h"
#include "pkcs11/errors.h"

#include <openssl/crypto.h>

namespace sealkey::p11 {

namespace {

bool SameFile(const struct ::stat& a, const struct ::stat& b) {
  return a.st_ino == b.st_ino && a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec &&
         a.st_mtim.tv_nsec == b.st_mtim.tv_nsec;
}

}  // namespace

Token::Token(std::string dir, std::string devices_dir)
    : dir_(std::move(dir)), devices_dir_(std::move(devices_dir)) {
  if (dir_.empty()) return;
  auto dev = token::file::FileDevice::Open(dir_);
  if (dev) {
    device_ = std::move(*dev);
    Reload();
  }
}

CK_RV Token::Reload() {
  struct ::stat st {};
  if (::stat((dir_ + "/device.skd").c_str(), &st) != 0) return CKR_DEVICE_REMOVED;
  auto state = device_->ReadState();
  if (!state) return ToCkr(state.error());
  state_ = std::move(*state);
  seen_ = st;
  RebuildViews();
  // Drop cached keys whose objects are gone.
  std::erase_if(keys_, [&](const auto& kv) { return Stored(kv.first) == nullptr; });
  return CKR_OK;
}

void Token::RebuildViews() {
  session_.serial = state_.serial;
  session_.aead = state_.aead;
  views_ = BuildViews(state_);
  auto session_views = BuildViews(session_, false);
  views_.insert(views_.end(), std::make_move_iterator(session_views.begin()),
                std::make_move_iterator(session_views.end()));
}

CK_RV Token::Refresh() {
  if (!device_) return CKR_OK;
  struct ::stat st {};
  if (::stat((dir_ + "/device.skd").c_str(), &st) != 0) return CKR_DEVICE_REMOVED;
  if (SameFile(st, seen_)) return CKR_OK;
  return Reload();
}

void Token::FillTokenInfo(CK_TOKEN_INFO* info) const {
  std::memset(info, 0, sizeof *info);
  PadCopy(info->label, sizeof info->label, device_ ? state_.label : "");
  PadCopy(info->manufacturerID, sizeof info->manufacturerID, "sealkey");
  PadCopy(info->model, sizeof info->model, "file device");
  PadCopy(info->serialNumber, sizeof info->serialNumber, device_ ? state_.serial : "");
  info->flags = CKF_RNG | CKF_LOGIN_REQUIRED;
  if (device_) {
    info->flags |= CKF_TOKEN_INITIALIZED;
    auto pin_flags = [&](const token::file::PinRecord& r, CK_FLAGS low, CK_FLAGS final_try,
                         CK_FLAGS locked) {
      if (r.tries_left <= 0) info->flags |= locked;
      else if (r.tries_left == 1) info->flags |= final_try;
      else if (r.tries_left < r.max_tries) info->flags |= low;
    };
    if (state_.user.initialized()) {
      info->flags |= CKF_USER_PIN_INITIALIZED;
      pin_flags(state_.user, CKF_USER_PIN_COUNT_LOW, CKF_USER_PIN_FINAL_TRY, CKF_USER_PIN_LOCKED);
    }
    pin_flags(state_.so, CKF_SO_PIN_COUNT_LOW, CKF_SO_PIN_FINAL_TRY, CKF_SO_PIN_LOCKED);
  }
  info->ulMaxSessionCount = CK_EFFECTIVELY_INFINITE;
  info->ulSessionCount = CK_UNAVAILABLE_INFORMATION;
  info->ulMaxRwSessionCount = CK_EFFECTIVELY_INFINITE;
  info->ulRwSessionCount = CK_UNAVAILABLE_INFORMATION;
  info->ulMaxPinLen = 16;
  info->ulMinPinLen = 6;
  uint64_t used = device_ ? token::file::SerializeState(state_).size() : 0;
  if (device_ && state_.capacity) {
    info->ulTotalPublicMemory = info->ulTotalPrivateMemory = *state_.capacity;
    info->ulFreePublicMemory = info->ulFreePrivateMemory =
        used < *state_.capacity ? *state_.capacity - used : 0;
  } else {
    info->ulTotalPublicMemory = info->ulFreePublicMemory = CK_UNAVAILABLE_INFORMATION;
    info->ulTotalPrivateMemory = info->ulFreePrivateMemory = CK_UNAVAILABLE_INFORMATION;
  }
  info->hardwareVersion = {0, 1};
  info->firmwareVersion = {0, 1};
  PadCopy(info->utcTime, sizeof info->utcTime, "");
}

CK_RV Token::Login(CK_USER_TYPE user, const SecureBuffer& pin) {
  if (!device_) return CKR_TOKEN_NOT_RECOGNIZED;
  if (user != CKU_USER && user != CKU_SO) return CKR_USER_TYPE_INVALID;
  auto master = device_->UnlockMasterKey(user == CKU_SO, pin);
  CK_RV reload = Reload();  // the try counter changed on disk either way
  if (!master) return ToCkr(master.error(), true);
  if (reload != CKR_OK) return reload;
  master_key_ = std::move(*master);
  login_ = user;
  return CKR_OK;
}

void Token::Logout() {
  // Private session objects were sealed under the master key: they go too.
  std::erase_if(session_.objects, [&](const token::file::StoredObject& o) {
    if (!o.is_private) return false;
    owners_.erase(o.ref);
    return true;
  });
  RebuildViews();
  master_key_ = SecureBuffer();
  keys_.clear();
  login_ = kNobody;
}

CK_RV Token::InitToken(const SecureBuffer& so_pin, const std::string& label) {
  if (label.empty()) return CKR_ARGUMENTS_BAD;
  if (device_) {
    auto st = device_->Reinitialize(so_pin, label);
    if (!st) return ToCkr(st.error(), true);
    Logout();
    return Reload();
  }
  token::file::CreateParams p;
  p.label = label;
  p.so_pin = so_pin.Clone();
  std::error_code ec;
  std::filesystem::create_directories(devices_dir_, ec);
  std::string dir = devices_dir_ + "/" + HexEncode(crypto::RandomBytes(8));
  auto dev = token::file::FileDevice::Create(dir, p);
  if (!dev) return ToCkr(dev.error(), dev.error().field == "so_pin");
  dir_ = dir;
  device_ = std::move(*dev);
  return Reload();
}

CK_RV Token::InitPin(const SecureBuffer& pin) {
  if (login_ != CKU_SO) return CKR_USER_NOT_LOGGED_IN;
  auto st = device_->SetUserPin(master_key_, pin);
  if (!st) return ToCkr(st.error(), true);
  return Reload();
}

CK_RV Token::SetPin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) {
  if (!device_) return CKR_TOKEN_NOT_RECOGNIZED;
  auto st = login_ == CKU_SO ? device_->ChangeSoPin(old_pin, new_pin)
                             : device_->ChangePin(old_pin, new_pin);
  CK_RV reload = Reload();
  if (!st) return ToCkr(st.error(), true);
  return reload;
}

const token::file::StoredObject* Token::Stored(const std::string& ref) const {
  for (const auto* store : {&state_, &session_}) {
    for (const auto& o : store->objects) {
      if (o.ref == ref) return &o;
    }
  }
  return nullptr;
}

const ObjectView* Token::View(const std::string& ref) const {
  for (const auto& v : views_) {
    if (v.ref == ref) return &v;
  }
  return nullptr;
}

CK_RV Token::ReadAttributes(const std::string& ref, CK_ATTRIBUTE_PTR tmpl, CK_ULONG count) {
  const ObjectView* v = View(ref);
  if (!v) return CKR_OBJECT_HANDLE_INVALID;
  if (!v->sealed_value) return p11::ReadAttributes(*v, v->attrs, tmpl, count);
  AttrMap attrs = v->attrs;
  if (login_ == CKU_USER) {
    auto plain = token::file::FileDevice::OpenPrivate(state_, master_key_, *Stored(ref));
    if (!plain) return ToCkr(plain.error());
    attrs[CKA_VALUE] = Bytes(plain->span().begin(), plain->span().end());
  }
  CK_RV rv = p11::ReadAttributes(*v, attrs, tmpl, count);
  if (attrs.count(CKA_VALUE)) OPENSSL_cleanse(attrs[CKA_VALUE].data(), attrs[CKA_VALUE].size());
  return rv;
}

CK_RV Token::Change(bool session,
                    const std::function<Status(token::file::DeviceState&)>& fn, bool growing) {
  if (!session) return Write(fn, growing);
  auto st = fn(session_);
  RebuildViews();
  return st ? CKR_OK : ToCkr(st.error());
}

void Token::DropSessionObjects(CK_SESSION_HANDLE owner) {
  std::erase_if(session_.objects, [&](const token::file::StoredObject& o) {
    auto it = owners_.find(o.ref);
    if (it == owners_.end() || it->second != owner) return false;
    keys_.erase(o.ref);
    owners_.erase(it);
    return true;
  });
  RebuildViews();
}

CK_RV Token::Write(const std::function<Status(token::file::DeviceState&)>& fn, bool growing) {
  auto st = device_->Update(fn, growing);
  CK_RV reload = Reload();
  if (!st) return ToCkr(st.error());
  return reload;
}

}  // namespace sealkey::p11
