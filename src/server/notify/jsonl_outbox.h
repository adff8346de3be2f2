// The development outbox shared by the SMS and e-mail gateways: one JSON
// object per line appended to DIR/NAME (directory 0700, file 0600), each
// line written with one write(2) on an O_APPEND descriptor and fsynced
// before Append returns, so a reader never sees half a message and a
// message that was reported sent survives a crash. Thread-safe.
#pragma once

#include <mutex>
#include <string>

#include "base/error.h"

namespace sealkey::server {

class JsonlOutbox {
 public:
  // `what` names the outbox in errors ("SMS outbox", "mail outbox").
  JsonlOutbox(std::string dir, std::string name, std::string what)
      : dir_(std::move(dir)), name_(std::move(name)), what_(std::move(what)) {}

  // Appends `json_line` (one serialised JSON value, no newline) and "\n".
  Status Append(const std::string& json_line);
  std::string path() const { return dir_ + "/" + name_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  std::string name_;
  std::string what_;
  std::mutex mu_;
};

}  // namespace sealkey::server
