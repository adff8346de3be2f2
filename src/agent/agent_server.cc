#include "agent/agent_server.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "client/agent_channel.h"
#include "client/operations.h"

namespace sealkey::agent {

using nlohmann::json;

AgentServer::AgentServer(const client::Profile& profile, const Clock& clock)
    : profile_(profile), clock_(clock), cache_(clock) {}

AgentServer::~AgentServer() {
  cache_.Clear();
  if (listen_fd_ >= 0) {
    ::close(listen_fd_);
    ::unlink(profile_.AgentSocketPath().c_str());
  }
  for (int fd : wake_pipe_) {
    if (fd >= 0) ::close(fd);
  }
}

Status AgentServer::Bind() {
  if (client::CallAgent(profile_, json{{"op", "agent.status"}})) {
    return Fail(ErrorCode::kAlreadyExists, "an agent is already running", "agent");
  }
  std::string path = profile_.AgentSocketPath();
  ::unlink(path.c_str());  // stale socket from an agent that died
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) {
    return Fail(ErrorCode::kInvalidArgument, "SEALKEY_HOME path is too long for a socket", "home");
  }
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  mode_t old_mask = ::umask(0177);  // the socket is created 0600
  int rc = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old_mask);
  if (rc != 0 || ::chmod(path.c_str(), 0600) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kIo, "cannot listen on " + path + ": " + std::strerror(errno), "agent");
  }
  return Ok();
}

void AgentServer::Stop() {
  stopping_ = true;
  if (wake_pipe_[1] >= 0) {
    char c = 1;
    ssize_t ignored = ::write(wake_pipe_[1], &c, 1);
    (void)ignored;
  }
}

void AgentServer::Serve() {
  while (!stopping_) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents) break;
    if (!(fds[0].revents & POLLIN)) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    HandleConnection(fd);
    ::close(fd);
  }
  cache_.Clear();
}

void AgentServer::HandleConnection(int fd) {
  ucred peer{};
  socklen_t len = sizeof peer;
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0 || peer.uid != ::getuid()) {
    (void)client::WriteAll(fd, client::ErrorResponse(Error{ErrorCode::kPermissionDenied, "agent",
                                                           "connection from another user"})
                                       .dump() + "\n");
    return;
  }
  timeval timeout{10, 0};  // a client that stalls cannot block the agent
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  auto line = client::ReadLine(fd, client::kMaxAgentMessage);
  if (!line) return;
  json response;
  try {
    json request = json::parse(*line);
    OPENSSL_cleanse(line->data(), line->size());
    std::string op = request.value("op", "");
    if (op == "agent.status") {
      response = {{"ok", true},
                  {"result", {{"pid", ::getpid()}, {"cached_devices", cache_.size()}}}};
    } else if (op == "agent.forget") {
      cache_.Erase(request.value("device", ""));
      response = {{"ok", true}, {"result", json::object()}};
    } else if (op == "agent.shutdown") {
      Stop();
      response = {{"ok", true}, {"result", json::object()}};
    } else {
      client::ExecContext ctx{profile_, &cache_, clock_};
      response = client::Execute(ctx, request);
    }
  } catch (const json::exception& e) {
    response = client::ErrorResponse(
        Error{ErrorCode::kMalformed, "request", std::string("not JSON: ") + e.what()});
  }
  (void)client::WriteAll(fd, response.dump() + "\n");
}

}  // namespace sealkey::agent
