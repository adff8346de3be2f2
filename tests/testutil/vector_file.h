// Reads known-answer vector files: blocks of "Key = value" lines separated by
// blank lines; '#' starts a comment (used to cite the source standard).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "base/bytes.h"

namespace sealkey::testing {

struct Vector {
  int line = 0;  // first line of the block, for failure messages
  std::map<std::string, std::string> values;

  const std::string& Get(const std::string& key) const;
  Bytes Hex(const std::string& key) const;  // decodes a hex value
};

// Aborts the test binary with a message if the file cannot be read.
std::vector<Vector> ReadVectors(const std::string& name);  // relative to testdata/

}  // namespace sealkey::testing
