// The client profile: $SEALKEY_HOME (default ~/.local/share/sealkey), its
// settings (config.json), the platform session (session.json) and the media
// it knows: file devices under devices/ and the tokens of the PKCS#11
// modules listed in the settings.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "token/device.h"
#include "token/file/file_device.h"

namespace sealkey::client {

// PIN cache durations the manual offers (D11), in minutes; 0 = off.
inline constexpr int kPinCacheChoices[] = {0, 1, 5, 10, 30, 60};
inline constexpr int kDefaultPinCacheMinutes = 30;

// The platform server used when neither --server nor the settings name one.
inline constexpr char kDefaultServer[] = "http://127.0.0.1:8080";

struct Settings {
  int pin_cache_minutes = kDefaultPinCacheMinutes;
  std::vector<std::string> pkcs11_modules;
  std::string server;  // platform server URL; empty = kDefaultServer
};

// A logged-in platform session. The token is a bearer secret; it is only
// ever sent to `server`, the URL it was issued by.
struct StoredSession {
  std::string server;
  SecureBuffer token;
  int64_t expires_at = 0;  // Unix seconds
  std::string phone;       // E.164
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

  // session.json (mode 0600, replaced atomically); `name` "operator" keeps
  // an operator's session apart in operator-session.json (its `phone` holds
  // the user name). LoadSession gives nullopt when there is none;
  // RemoveSession succeeds when there was none.
  Result<std::optional<StoredSession>> LoadSession(std::string_view name = "") const;
  Status SaveSession(const StoredSession& session, std::string_view name = "") const;
  Status RemoveSession(std::string_view name = "") const;

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
  std::string SessionPath(std::string_view name) const {
    return home_ + "/" + (name.empty() ? std::string() : std::string(name) + "-") + "session.json";
  }

  std::string home_;
};

}  // namespace sealkey::client
