#include "pkcs11_conformance/differences.h"

#include <cstdio>
#include <map>
#include <mutex>
#include <set>

#include <gtest/gtest.h>

namespace sealkey::pkcs11_conformance {
namespace {

std::mutex& Mutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::set<std::string>>& Notes() {
  static std::map<std::string, std::set<std::string>> notes;
  return notes;
}

class DifferencesTable : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard<std::mutex> lock(Mutex());
    if (Notes().empty()) return;
    std::printf("\nPKCS#11 conformance: recorded differences\n");
    std::printf("%-10s | %s\n", "provider", "behaviour");
    std::printf("-----------+------------------------------------------------------------\n");
    for (const auto& [provider, notes] : Notes()) {
      for (const auto& note : notes) std::printf("%-10s | %s\n", provider.c_str(), note.c_str());
    }
    std::fflush(stdout);
  }
};

[[maybe_unused]] ::testing::Environment* const kTable =
    ::testing::AddGlobalTestEnvironment(new DifferencesTable);

}  // namespace

void RecordDifference(const std::string& provider, const std::string& note) {
  std::lock_guard<std::mutex> lock(Mutex());
  Notes()[provider].insert(note);
}

}  // namespace sealkey::pkcs11_conformance
