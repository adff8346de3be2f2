// The HTTP/1.1 server of sealkeyd (Boost.Beast): one io_context served by
// one thread per core, keep-alive, a request body limit, and graceful
// shutdown: on Stop() or SIGTERM/SIGINT it stops accepting, lets requests in
// flight finish (up to 5 s), then returns from Run().
//
// Handlers run on the I/O threads (they may block on the database pool).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/error.h"
#include "server/http/router.h"

namespace sealkey::server {

class HttpServer {
 public:
  HttpServer(const Router& router, size_t threads, size_t max_body_bytes);
  ~HttpServer();

  // Binds and listens; returns the bound port (useful with port 0).
  Result<uint16_t> Listen(const std::string& address, uint16_t port);
  // Serves until stopped; with `handle_signals`, SIGTERM/SIGINT stop it.
  void Run(bool handle_signals);
  // Thread-safe.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sealkey::server
