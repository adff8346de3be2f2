#include "base/file.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sealkey {

Result<Bytes> ReadFile(const std::string& path, std::string field, size_t max_size) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    ErrorCode code = err == ENOENT ? ErrorCode::kNotFound
                     : err == EACCES ? ErrorCode::kPermissionDenied
                                     : ErrorCode::kIo;
    return Fail(code, path + ": " + std::strerror(err), std::move(field));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument, path + ": not a regular file", std::move(field));
  }
  if (static_cast<size_t>(st.st_size) > max_size) {
    ::close(fd);
    return Fail(ErrorCode::kInvalidArgument,
                path + ": larger than " + std::to_string(max_size) + " bytes", std::move(field));
  }
  Bytes data(static_cast<size_t>(st.st_size));
  size_t got = 0;
  while (got < data.size()) {
    ssize_t n = ::read(fd, data.data() + got, data.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      return Fail(ErrorCode::kIo, path + ": read failed: " + (n == 0 ? "short read" : std::strerror(err)),
                  std::move(field));
    }
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  return data;
}

}  // namespace sealkey
