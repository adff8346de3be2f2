// Crash-safe file replacement and cross-process locking.
//
// WriteFileAtomic writes `path.tmp`, fsyncs it, renames it over `path` and
// fsyncs the directory: after a crash at any point `path` holds either the
// old or the new content, never a mix. A stale `path.tmp` left by a crash is
// overwritten by the next write and never read.
//
// FileLock is an exclusive flock(2) on a lock file, held for its lifetime; it
// serialises writers (and read-modify-write cycles) across processes. Not
// re-entrant within one process for the same file.
#pragma once

#include <string>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey {

// `mode` applies to the new file (default owner read/write only).
Status WriteFileAtomic(const std::string& path, ByteView data, int mode = 0600);

// Creates `path` (and missing parents) as a directory with `mode`.
Status MakeDirs(const std::string& path, int mode = 0700);

class FileLock {
 public:
  // Blocks until the lock is held; creates the lock file if needed.
  static Result<FileLock> Acquire(const std::string& lock_path);
  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&&) = delete;
  FileLock(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace sealkey
