#include "pkcs11/module.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace sealkey::p11 {

Module& TheModule() {
  static Module module;
  return module;
}

CK_RV Module::Load() {
  std::string home;
  if (const char* h = std::getenv("SEALKEY_HOME"); h && *h) {
    home = h;
  } else if (const char* u = std::getenv("HOME"); u && *u) {
    home = std::string(u) + "/.local/share/sealkey";
  } else {
    return CKR_GENERAL_ERROR;
  }
  devices_dir = home + "/devices";
  std::vector<std::string> dirs;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(devices_dir, ec)) {
    std::string name = e.path().filename().string();
    if (e.is_directory() && !name.ends_with(".creating")) dirs.push_back(e.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& d : dirs) {
    auto t = std::make_unique<Token>(d, devices_dir);
    if (t->initialised()) slots.push_back(std::move(t));  // damaged devices are left out
  }
  EnsureSpareSlot();
  return CKR_OK;
}

void Module::Unload() {
  for (auto& t : slots) t->Logout();
  slots.clear();
  sessions.clear();
  handle_of.clear();
  object_of.clear();
}

void Module::EnsureSpareSlot() {
  if (slots.empty() || slots.back()->initialised()) {
    slots.push_back(std::make_unique<Token>("", devices_dir));
  }
}

Token* Module::TokenOf(CK_SLOT_ID slot) {
  return slot < slots.size() ? slots[slot].get() : nullptr;
}

CK_RV Module::Find(CK_SESSION_HANDLE h, std::shared_ptr<Session>* session, Token** token,
                   bool refresh) {
  auto it = sessions.find(h);
  if (it == sessions.end()) return CKR_SESSION_HANDLE_INVALID;
  *session = it->second;
  *token = TokenOf(it->second->slot);
  return refresh ? (*token)->Refresh() : CKR_OK;
}

CK_OBJECT_HANDLE Module::HandleFor(CK_SLOT_ID slot, const std::string& ref) {
  auto key = std::make_pair(slot, ref);
  auto it = handle_of.find(key);
  if (it != handle_of.end()) return it->second;
  CK_OBJECT_HANDLE h = next_object++;
  handle_of[key] = h;
  object_of[h] = key;
  return h;
}

CK_RV Module::Resolve(CK_SLOT_ID slot, CK_OBJECT_HANDLE h, const Token& token, std::string* ref) {
  auto it = object_of.find(h);
  if (it == object_of.end() || it->second.first != slot) return CKR_OBJECT_HANDLE_INVALID;
  const ObjectView* v = token.View(it->second.second);
  if (!v || (v->is_private && token.logged_in() != CKU_USER)) return CKR_OBJECT_HANDLE_INVALID;
  *ref = it->second.second;
  return CKR_OK;
}

bool Module::HasReadOnlySession(CK_SLOT_ID slot) const {
  return std::any_of(sessions.begin(), sessions.end(), [slot](const auto& kv) {
    return kv.second->slot == slot && !(kv.second->flags & CKF_RW_SESSION);
  });
}

size_t Module::SessionCount(CK_SLOT_ID slot) const {
  return std::count_if(sessions.begin(), sessions.end(),
                       [slot](const auto& kv) { return kv.second->slot == slot; });
}

CK_STATE Module::StateOf(const Session& s, const Token& t) const {
  bool rw = s.flags & CKF_RW_SESSION;
  if (t.logged_in() == CKU_SO) return CKS_RW_SO_FUNCTIONS;
  if (t.logged_in() == CKU_USER) return rw ? CKS_RW_USER_FUNCTIONS : CKS_RO_USER_FUNCTIONS;
  return rw ? CKS_RW_PUBLIC_SESSION : CKS_RO_PUBLIC_SESSION;
}

}  // namespace sealkey::p11
