#include "server/notify/jsonl_outbox.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "base/atomic_file.h"

namespace sealkey::server {

Status JsonlOutbox::Append(const std::string& json_line) {
  std::string line = json_line + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  SEALKEY_RETURN_IF_ERROR(MakeDirs(dir_, 0700));
  int fd = ::open(path().c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "cannot open the " + what_ + ": " + std::strerror(errno));
  }
  errno = 0;
  ssize_t n = ::write(fd, line.data(), line.size());
  bool ok = n == static_cast<ssize_t>(line.size()) && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok) {
    std::string why = saved != 0 ? std::strerror(saved) : "short write";
    return Fail(ErrorCode::kIo, "cannot write the " + what_ + ": " + why);
  }
  return Ok();
}

}  // namespace sealkey::server
