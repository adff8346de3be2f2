// The client profile: $SEALKEY_HOME (default ~/.local/share/sealkey), its
// settings (config.json) and the media it knows: file devices under
// devices/ and the tokens of the PKCS#11 modules listed in the settings.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "token/device.h"
#include "token/file/file_device.h"

namespace sealkey::client {

// PIN cache durations the manual offers (D11), in minutes; 0 = off.
inline constexpr int kPinCacheChoices[] = {0, 1, 5, 10, 30, 60};
inline constexpr int kDefaultPinCacheMinutes = 30;

struct Settings {
  int pin_cache_minutes = kDefaultPinCacheMinutes;
  std::vector<std::string> pkcs11_modules;
};

// "10m", "1h", "60", "off" -> minutes; only the manual's choices are valid.
Result<int> ParsePinCacheSetting(std::string_view text);

// A medium the profile knows, or why it could not be opened.
struct MediumSlot {
  std::string where;  // device directory or module path
  std::unique_ptr<token::Device> device;
  std::optional<Error> error;
};

class Profile {
 public:
  // Uses $SEALKEY_HOME, else $HOME/.local/share/sealkey; creates it (0700).
  static Result<Profile> Open();
  static Result<Profile> OpenAt(std::string home);

  const std::string& home() const { return home_; }
  std::string AgentSocketPath() const { return home_ + "/agent.sock"; }

  Result<Settings> LoadSettings() const;
  Status SaveSettings(const Settings& settings) const;

  // Every medium: file devices, then PKCS#11 tokens. A medium that cannot be
  // opened is listed with its error; it does not hide the others.
  std::vector<MediumSlot> ListMedia() const;
  // By id ("file:SERIAL"), serial or label; an ambiguous label is an error.
  Result<std::unique_ptr<token::Device>> FindDevice(std::string_view selector) const;

  Result<std::unique_ptr<token::file::FileDevice>> CreateFileDevice(
      const token::file::CreateParams& params) const;
  // Removes a file device's directory (the caller has checked the PIN).
  Status DeleteFileDevice(std::string_view selector) const;

 private:
  explicit Profile(std::string home) : home_(std::move(home)) {}
  std::string DevicesDir() const { return home_ + "/devices"; }

  std::string home_;
};

}  // namespace sealkey::client
