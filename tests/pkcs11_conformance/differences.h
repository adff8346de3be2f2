// Behaviours in which a module departs from PKCS#11 v2.40 or from the other
// modules, recorded by the tests that observe them and printed as one table
// when the test program ends (a gtest Environment's TearDown).
//
// Thread-safe. Recording the same note twice keeps one copy.
#pragma once

#include <string>

namespace sealkey::pkcs11_conformance {

void RecordDifference(const std::string& provider, const std::string& note);

}  // namespace sealkey::pkcs11_conformance
