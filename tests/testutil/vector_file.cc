#include "testutil/vector_file.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "base/encoding.h"

namespace sealkey::testing {
namespace {

[[noreturn]] void Die(const std::string& msg) {
  std::fprintf(stderr, "vector file error: %s\n", msg.c_str());
  std::abort();
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  size_t e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

}  // namespace

const std::string& Vector::Get(const std::string& key) const {
  auto it = values.find(key);
  if (it == values.end()) Die("missing key " + key + " in block at line " + std::to_string(line));
  return it->second;
}

Bytes Vector::Hex(const std::string& key) const {
  auto b = HexDecode(Get(key));
  if (!b) Die("bad hex for " + key + " at line " + std::to_string(line));
  return *b;
}

std::vector<Vector> ReadVectors(const std::string& name) {
  std::string path = std::string(SEALKEY_TESTDATA_DIR) + "/" + name;
  std::ifstream in(path);
  if (!in) Die("cannot open " + path);
  std::vector<Vector> out;
  Vector cur;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string t = Trim(line);
    if (!t.empty() && t[0] == '#') continue;
    if (t.empty()) {
      if (!cur.values.empty()) out.push_back(std::move(cur));
      cur = Vector{};
      continue;
    }
    size_t eq = t.find('=');
    if (eq == std::string::npos) Die(path + ":" + std::to_string(n) + ": expected Key = value");
    if (cur.values.empty()) cur.line = n;
    cur.values[Trim(t.substr(0, eq))] = Trim(t.substr(eq + 1));
  }
  if (!cur.values.empty()) out.push_back(std::move(cur));
  if (out.empty()) Die(path + ": no vectors");
  return out;
}

}  // namespace sealkey::testing
