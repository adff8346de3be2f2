#include "base/atomic_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace sealkey {
namespace {

Error IoError(const std::string& what, const std::string& path) {
  return Error{ErrorCode::kIo, "", what + " " + path + ": " + std::strerror(errno)};
}

bool WriteAll(int fd, ByteView data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status WriteFileAtomic(const std::string& path, ByteView data, int mode) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return Fail(IoError("cannot create", tmp));
  if (!WriteAll(fd, data) || ::fsync(fd) != 0) {
    Error e = IoError("cannot write", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return Fail(e);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Error e = IoError("cannot replace", path);
    ::unlink(tmp.c_str());
    return Fail(e);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Fail(IoError("cannot open directory", dir));
  int rc = ::fsync(dfd);
  ::close(dfd);
  if (rc != 0) return Fail(IoError("cannot sync directory", dir));
  return Ok();
}

Status MakeDirs(const std::string& path, int mode) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail(ErrorCode::kIo, "cannot create directory " + path + ": " + ec.message());
  if (::chmod(path.c_str(), static_cast<mode_t>(mode)) != 0) {
    return Fail(IoError("cannot set permissions on", path));
  }
  return Ok();
}

Result<FileLock> FileLock::Acquire(const std::string& lock_path) {
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Fail(IoError("cannot open lock", lock_path));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      Error e = IoError("cannot lock", lock_path);
      ::close(fd);
      return Fail(e);
    }
  }
  return FileLock(fd);
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace sealkey
