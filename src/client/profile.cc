#include "client/profile.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/random.h"
#include "token/pkcs11/pkcs11_device.h"

namespace sealkey::client {
namespace fs = std::filesystem;

Result<int> ParsePinCacheSetting(std::string_view text) {
  int minutes = -1;
  std::string t(text);
  if (t == "off" || t == "0") {
    minutes = 0;
  } else if (t == "1h" || t == "60m" || t == "60") {
    minutes = 60;
  } else {
    if (!t.empty() && t.back() == 'm') t.pop_back();
    if (!t.empty() && std::all_of(t.begin(), t.end(), ::isdigit) && t.size() < 4) {
      minutes = std::stoi(t);
    }
  }
  if (std::find(std::begin(kPinCacheChoices), std::end(kPinCacheChoices), minutes) ==
      std::end(kPinCacheChoices)) {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(text) + "' is not one of 1m, 5m, 10m, 30m, 60m (1h) or off",
                "pin-cache");
  }
  return minutes;
}

Result<Profile> Profile::Open() {
  const char* home = std::getenv("SEALKEY_HOME");
  if (home && *home) return OpenAt(home);
  const char* user_home = std::getenv("HOME");
  if (!user_home || !*user_home) {
    return Fail(ErrorCode::kInvalidArgument, "neither SEALKEY_HOME nor HOME is set", "home");
  }
  return OpenAt(std::string(user_home) + "/.local/share/sealkey");
}

Result<Profile> Profile::OpenAt(std::string home) {
  SEALKEY_RETURN_IF_ERROR(MakeDirs(home, 0700));
  return Profile(std::move(home));
}

Result<Settings> Profile::LoadSettings() const {
  Settings s;
  auto data = ReadFile(home_ + "/config.json", "config");
  if (!data) {
    if (data.error().code == ErrorCode::kNotFound) return s;
    return Fail(data.error());
  }
  try {
    auto j = nlohmann::json::parse(AsChars(*data));
    s.pin_cache_minutes = j.value("pin_cache_minutes", kDefaultPinCacheMinutes);
    s.pkcs11_modules = j.value("pkcs11_modules", std::vector<std::string>{});
    s.server = j.value("server", "");
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kMalformed, home_ + "/config.json: " + e.what(), "config");
  }
  if (std::find(std::begin(kPinCacheChoices), std::end(kPinCacheChoices), s.pin_cache_minutes) ==
      std::end(kPinCacheChoices)) {
    return Fail(ErrorCode::kOutOfRange, home_ + "/config.json: pin_cache_minutes is invalid",
                "config");
  }
  return s;
}

Status Profile::SaveSettings(const Settings& s) const {
  nlohmann::json j = {{"pin_cache_minutes", s.pin_cache_minutes},
                      {"pkcs11_modules", s.pkcs11_modules}};
  if (!s.server.empty()) j["server"] = s.server;
  return WriteFileAtomic(home_ + "/config.json", AsBytes(j.dump(2) + "\n"));
}

namespace {

void WipeBytes(std::span<uint8_t> b) {
  if (!b.empty()) OPENSSL_cleanse(b.data(), b.size());
}

}  // namespace

Result<std::optional<StoredSession>> Profile::LoadSession(std::string_view name) const {
  auto data = ReadFile(SessionPath(name), "session");
  if (!data) {
    if (data.error().code == ErrorCode::kNotFound) return std::optional<StoredSession>();
    return Fail(data.error());
  }
  auto j = nlohmann::json::parse(AsChars(*data), nullptr, /*allow_exceptions=*/false);
  WipeBytes(*data);
  StoredSession s;
  bool valid = j.is_object() && j.contains("token") && j["token"].is_string();
  if (valid) {
    try {
      s.server = j.value("server", "");
      s.expires_at = j.value("expires_at", int64_t{0});
      s.phone = j.value("phone", "");
    } catch (const nlohmann::json::exception&) {
      valid = false;
    }
  }
  if (valid) {
    auto& token = j["token"].get_ref<std::string&>();
    s.token = SecureBuffer::FromString(token);
    OPENSSL_cleanse(token.data(), token.size());
  }
  if (!valid || s.token.empty() || s.server.empty()) {
    return Fail(ErrorCode::kMalformed,
                SessionPath(name) + " is damaged; run `sealkey logout` and log in again", "session");
  }
  return std::optional<StoredSession>(std::move(s));
}

Status Profile::SaveSession(const StoredSession& s, std::string_view name) const {
  nlohmann::json j = {{"server", s.server}, {"expires_at", s.expires_at}, {"phone", s.phone},
                      {"token", ""}};
  j["token"].get_ref<std::string&>().assign(s.token.view());
  std::string text = j.dump(2) + "\n";
  auto& token = j["token"].get_ref<std::string&>();
  OPENSSL_cleanse(token.data(), token.size());
  Status st = WriteFileAtomic(SessionPath(name), AsBytes(text), 0600);
  OPENSSL_cleanse(text.data(), text.size());
  return st;
}

Status Profile::RemoveSession(std::string_view name) const {
  std::error_code ec;
  fs::remove(SessionPath(name), ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "cannot remove " + SessionPath(name) + ": " + ec.message(), "session");
  }
  return Ok();
}

std::vector<MediumSlot> Profile::ListMedia() const {
  std::vector<MediumSlot> out;
  std::error_code ec;
  std::vector<std::string> dirs;
  for (const auto& entry : fs::directory_iterator(DevicesDir(), ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_directory() && !name.ends_with(".creating")) dirs.push_back(entry.path().string());
  }
  std::sort(dirs.begin(), dirs.end());
  for (const auto& dir : dirs) {
    MediumSlot slot{dir, nullptr, std::nullopt};
    auto dev = token::file::FileDevice::Open(dir);
    if (dev) slot.device = std::move(*dev);
    else slot.error = dev.error();
    out.push_back(std::move(slot));
  }
  auto settings = LoadSettings();
  if (!settings) {
    out.push_back({home_ + "/config.json", nullptr, settings.error()});
    return out;
  }
  for (const auto& module : settings->pkcs11_modules) {
    auto devices = token::OpenPkcs11Devices(module);
    if (!devices) {
      out.push_back({module, nullptr, devices.error()});
      continue;
    }
    for (auto& d : *devices) out.push_back({module, std::move(d), std::nullopt});
  }
  return out;
}

Result<std::unique_ptr<token::Device>> Profile::FindDevice(std::string_view selector) const {
  if (selector.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "name a device (id, serial or label)", "--device");
  }
  std::vector<MediumSlot> media = ListMedia();
  std::unique_ptr<token::Device> found;
  std::string names;
  for (auto& slot : media) {
    if (!slot.device) continue;
    auto info = slot.device->Info();
    if (!info) continue;
    if (info->id == selector || info->serial == selector) return std::move(slot.device);
    if (info->label == selector) {
      if (found) {
        return Fail(ErrorCode::kInvalidArgument,
                    "several devices are labelled '" + std::string(selector) +
                        "'; use the id or serial from `sealkey device list`",
                    "--device");
      }
      found = std::move(slot.device);
    }
  }
  if (found) return found;
  return Fail(ErrorCode::kNotFound,
              "no device '" + std::string(selector) + "' (see `sealkey device list`)", "--device");
}

Result<std::unique_ptr<token::file::FileDevice>> Profile::CreateFileDevice(
    const token::file::CreateParams& params) const {
  SEALKEY_RETURN_IF_ERROR(MakeDirs(DevicesDir(), 0700));
  return token::file::FileDevice::Create(
      DevicesDir() + "/" + HexEncode(crypto::RandomBytes(8)), params);
}

Status Profile::DeleteFileDevice(std::string_view selector) const {
  auto dev = FindDevice(selector);
  if (!dev) return Fail(dev.error());
  auto* file_dev = dynamic_cast<token::file::FileDevice*>(dev->get());
  if (!file_dev) {
    return Fail(ErrorCode::kUnsupported, "only file devices can be deleted", "--device");
  }
  std::string dir = file_dev->dir();
  dev->reset();
  // Rename first so a crash mid-removal never leaves a half-deleted device
  // that still looks like one.
  std::string doomed = dir + ".deleting.creating";
  std::error_code ec;
  fs::rename(dir, doomed, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot delete " + dir + ": " + ec.message(), "--device");
  fs::remove_all(doomed, ec);
  return Ok();
}

}  // namespace sealkey::client
