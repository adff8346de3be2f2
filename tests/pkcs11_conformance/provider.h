// The modules the suite runs against, and how each gets a fresh token.
//
// Every provider provisions one initialised token labelled kTokenLabel with
// user PIN kUserPin and SO PIN kSoPin in a directory of its own, and points
// its module there through an environment variable that the module reads in
// C_Initialize. Where the modules legitimately differ (PIN lockout, vendor
// mechanisms) the provider's Traits say what to expect.
#pragma once

#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include <p11-kit/pkcs11.h>

#include "base/error.h"

namespace sealkey::pkcs11_conformance {

inline constexpr std::string_view kTokenLabel = "conformance";
inline constexpr std::string_view kUserPin = "123456";
inline constexpr std::string_view kSoPin = "12345678";

enum class ProviderId { kSoftHsm, kSealkey };
void PrintTo(ProviderId id, std::ostream* os);

// Known departures of a provider from PKCS#11 v2.40. A test accepts one
// only from a provider that declares it, and records it as a difference.
enum class Deviation {
  // C_Logout with nobody logged in returns CKR_OK, not CKR_USER_NOT_LOGGED_IN.
  kLogoutWithoutLoginIsOk,
  // C_SignInit(CKM_SHA256_RSA_PKCS) accepts an EC private key.
  kSignInitIgnoresKeyType,
  // An unusable key handle gives CKR_OBJECT_HANDLE_INVALID, not CKR_KEY_HANDLE_INVALID.
  kKeyHandleIsObjectHandle,
};

struct ProviderTraits {
  // Wrong user PINs after which the PIN locks; 0 when it never locks.
  int user_pin_max_tries = 0;
  // Reports cryptokiVersion 2.40 in C_GetInfo (else only recorded).
  bool cryptoki_2_40 = false;
  // Must list the vendor SM mechanisms (else their tests skip with a note).
  bool sm_mechanisms = false;
  // Standard mechanisms of the suite the provider does not list; their
  // tests skip with a recorded note instead of failing.
  std::set<CK_MECHANISM_TYPE> missing_mechanisms;
  std::set<Deviation> deviations;

  bool Has(Deviation deviation) const { return deviations.count(deviation) != 0; }
};

struct Provider {
  ProviderId id;
  std::string name;         // "SoftHsm", "Sealkey": test name suffix and table row
  std::string module_path;
  ProviderTraits traits;
};

const Provider& GetProvider(ProviderId id);

// Makes the token in the empty directory `dir` and sets the provider's
// environment variable (SOFTHSM2_CONF or SEALKEY_HOME) to point there.
// SoftHSM: softhsm2-util --init-token --free. sealkey: through the module
// itself (C_InitToken on the slot whose token lacks CKF_TOKEN_INITIALIZED,
// then C_InitPIN as SO), leaving it finalised and unloaded.
Status Provision(const Provider& provider, const std::string& dir);

}  // namespace sealkey::pkcs11_conformance
