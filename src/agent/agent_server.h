// The sealkey agent: a background process that owns the PIN cache (D11) and
// runs media operations for the CLI over $SEALKEY_HOME/agent.sock.
//
// Connections from another uid are refused. Requests are served one at a
// time. Stop() (or the "agent.shutdown" request) ends Serve(); every cached
// secret is wiped when the server stops or is destroyed.
#pragma once

#include <atomic>
#include <string>

#include "base/clock.h"
#include "client/pin_cache.h"
#include "client/profile.h"

namespace sealkey::agent {

class AgentServer {
 public:
  AgentServer(const client::Profile& profile, const Clock& clock);
  ~AgentServer();

  // Creates the socket (mode 0600). Fails with kAlreadyExists if another
  // agent answers on it; a stale socket file is replaced.
  Status Bind();
  // Serves requests until stopped.
  void Serve();
  // Thread-safe; makes Serve() return.
  void Stop();

  client::PinCache& cache() { return cache_; }

 private:
  void HandleConnection(int fd);

  const client::Profile& profile_;
  const Clock& clock_;
  client::PinCache cache_;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::atomic<bool> stopping_{false};
};

}  // namespace sealkey::agent
