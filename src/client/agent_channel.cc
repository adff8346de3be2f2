#include "client/agent_channel.h"

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sealkey::client {

Result<std::string> ReadLine(int fd, size_t max_size) {
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Fail(ErrorCode::kIo, std::string("agent channel: ") + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (!out.empty() && out.back() == '\n') break;
    if (out.size() > max_size) {
      return Fail(ErrorCode::kInvalidArgument, "agent message too large", "request");
    }
  }
  if (out.empty() || out.back() != '\n') {
    return Fail(ErrorCode::kIo, "agent channel closed mid-message");
  }
  out.pop_back();
  return out;
}

Status WriteAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(ErrorCode::kIo, std::string("agent channel: ") + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Ok();
}

Result<nlohmann::json> CallAgent(const Profile& profile, const nlohmann::json& request) {
  std::string path = profile.AgentSocketPath();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Fail(ErrorCode::kInvalidArgument, "SEALKEY_HOME path is too long for a socket", "home");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Fail(ErrorCode::kIo, std::string("socket: ") + std::strerror(errno));
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return Fail(ErrorCode::kNotFound, "the agent is not running", "agent");
  }
  std::string text = request.dump() + "\n";
  Status sent = WriteAll(fd, text);
  OPENSSL_cleanse(text.data(), text.size());  // may carry a PIN
  if (!sent) {
    ::close(fd);
    return Fail(sent.error());
  }
  ::shutdown(fd, SHUT_WR);
  auto line = ReadLine(fd, kMaxAgentMessage);
  ::close(fd);
  if (!line) return Fail(line.error());
  try {
    return nlohmann::json::parse(*line);
  } catch (const nlohmann::json::exception& e) {
    return Fail(ErrorCode::kMalformed, std::string("agent reply: ") + e.what(), "agent");
  }
}

}  // namespace sealkey::client
