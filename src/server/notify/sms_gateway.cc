#include "server/notify/sms_gateway.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "base/atomic_file.h"

namespace sealkey::server {

Status OutboxSmsGateway::Send(const SmsMessage& m) {
  nlohmann::json j = {{"time", m.time}, {"to", m.to},     {"purpose", m.purpose},
                      {"code", m.code}, {"text", m.text}};
  std::string line = j.dump() + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  SEALKEY_RETURN_IF_ERROR(MakeDirs(dir_, 0700));
  int fd = ::open(path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(ErrorCode::kIo, "cannot open the SMS outbox: " + std::string(std::strerror(errno)));
  bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Fail(ErrorCode::kIo, "cannot write the SMS outbox");
  std::fprintf(stderr, "sealkeyd: sms to %s (%s): %s\n", m.to.c_str(), m.purpose.c_str(),
               m.text.c_str());
  return Ok();
}

}  // namespace sealkey::server
