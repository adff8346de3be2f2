// Shared by the platform-account command files (account_commands.cc,
// account_deletion_commands.cc): the connection to sealkeyd, the stored
// session, and obtaining an SMS code.
#pragma once

#include <string>
#include <string_view>

#include "cli/command.h"
#include "client/platform_client.h"
#include "client/profile.h"

namespace sealkey::cli {

struct Connection {
  client::Profile profile;
  client::PlatformClient api;
};

// --server, else the settings, else client::kDefaultServer.
Result<Connection> Connect(const GlobalOptions& g);
// Gives the API client the stored token, if it was issued by this server.
Result<client::StoredSession> UseSession(Connection& c);
// Connect() then UseSession(): for commands that need to be logged in.
Result<Connection> ConnectWithSession(const GlobalOptions& g);
// One line typed on the terminal after `prompt`; without a terminal, an
// error that says to pass `flag` (e.g. "--code") instead.
Result<std::string> PromptLine(std::string_view prompt, std::string_view flag);
// The code given on the command line, else one sent now and typed in.
Result<std::string> ObtainCode(Connection& c, const std::string& phone, const std::string& code,
                               std::string_view purpose);

}  // namespace sealkey::cli
