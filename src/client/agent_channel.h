// The CLI <-> agent channel: a Unix stream socket at $SEALKEY_HOME/agent.sock
// (mode 0600; the agent also checks the peer's uid). One request per
// connection: the client writes one JSON document and a newline, the agent
// answers with one JSON document and a newline (see operations.h), besides
// the agent's own ops "agent.status", "agent.forget" and "agent.shutdown".
#pragma once

#include <string>

#include <nlohmann/json_fwd.hpp>

#include "base/error.h"
#include "client/profile.h"

namespace sealkey::client {

inline constexpr size_t kMaxAgentMessage = 96 << 20;  // 64 MiB of content, hex-encoded

// Sends `request` to the running agent and returns its response.
// kNotFound when no agent is listening.
Result<nlohmann::json> CallAgent(const Profile& profile, const nlohmann::json& request);

// Framing shared by both ends: one JSON document per line.
Result<std::string> ReadLine(int fd, size_t max_size);
Status WriteAll(int fd, std::string_view data);

}  // namespace sealkey::client
