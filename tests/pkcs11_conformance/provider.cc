#include "pkcs11_conformance/provider.h"

#include <cstdlib>
#include <filesystem>
#include <vector>

#include "pkcs11_conformance/pkcs11_module.h"
#include "testutil/testutil.h"

namespace sealkey::pkcs11_conformance {
namespace {

std::string SealkeyModulePath() {
  std::filesystem::path lib =
      std::filesystem::path(SEALKEY_BIN_DIR).parent_path() / "lib" / "libsealkey-pkcs11.so";
  return lib.lexically_normal().string();
}

Status SoftHsmProvision(const std::string& dir) {
  const std::string tokens = dir + "/tokens";
  std::filesystem::create_directory(tokens);
  const std::string conf = dir + "/softhsm2.conf";
  testing::WriteFile(conf, AsBytes("directories.tokendir = " + tokens +
                                   "\nobjectstore.backend = file\nlog.level = ERROR\n"));
  setenv("SOFTHSM2_CONF", conf.c_str(), 1);
  auto init = testing::RunCommand({"softhsm2-util", "--init-token", "--free", "--label",
                                   std::string(kTokenLabel), "--pin", std::string(kUserPin),
                                   "--so-pin", std::string(kSoPin)});
  if (init.exit_code != 0) {
    return Fail(ErrorCode::kInternal, "softhsm2-util --init-token: " + init.out + init.err);
  }
  return Ok();
}

Status Check(CK_RV rv, const std::string& call) {
  if (rv == CKR_OK) return Ok();
  return Fail(ErrorCode::kInternal, call + ": " + CkrName(rv));
}

// C_InitToken on the spare slot, then the user PIN set by the SO.
Status InitTokenThroughModule(CK_FUNCTION_LIST_PTR p11) {
  CK_ULONG count = 0;
  SEALKEY_RETURN_IF_ERROR(Check(p11->C_GetSlotList(CK_FALSE, nullptr, &count), "C_GetSlotList"));
  std::vector<CK_SLOT_ID> slots(count);
  SEALKEY_RETURN_IF_ERROR(
      Check(p11->C_GetSlotList(CK_FALSE, slots.data(), &count), "C_GetSlotList"));
  slots.resize(count);
  CK_SLOT_ID spare = 0;
  bool found = false;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (p11->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if (!(info.flags & CKF_TOKEN_INITIALIZED)) {
      spare = slot;
      found = true;
      break;
    }
  }
  if (!found) {
    return Fail(ErrorCode::kNotFound, "no slot whose token lacks CKF_TOKEN_INITIALIZED");
  }
  auto label = PaddedLabel(kTokenLabel);
  SEALKEY_RETURN_IF_ERROR(Check(
      p11->C_InitToken(spare, PinPtr(kSoPin), kSoPin.size(), label.data()), "C_InitToken"));

  // The new token may have moved to another slot; find it by label.
  SEALKEY_RETURN_IF_ERROR(Check(p11->C_GetSlotList(CK_TRUE, nullptr, &count), "C_GetSlotList"));
  slots.assign(count, 0);
  SEALKEY_RETURN_IF_ERROR(
      Check(p11->C_GetSlotList(CK_TRUE, slots.data(), &count), "C_GetSlotList"));
  slots.resize(count);
  found = false;
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (p11->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if ((info.flags & CKF_TOKEN_INITIALIZED) &&
        IsBlankPadded(info.label, sizeof info.label, kTokenLabel)) {
      spare = slot;
      found = true;
      break;
    }
  }
  if (!found) return Fail(ErrorCode::kNotFound, "C_InitToken left no token labelled conformance");

  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  SEALKEY_RETURN_IF_ERROR(
      Check(p11->C_OpenSession(spare, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                               &session),
            "C_OpenSession"));
  Status status = Check(p11->C_Login(session, CKU_SO, PinPtr(kSoPin), kSoPin.size()),
                        "C_Login(CKU_SO)");
  if (status) status = Check(p11->C_InitPIN(session, PinPtr(kUserPin), kUserPin.size()),
                             "C_InitPIN");
  p11->C_CloseSession(session);
  return status;
}

Status SealkeyProvision(const Provider& provider, const std::string& dir) {
  setenv("SEALKEY_HOME", dir.c_str(), 1);
  auto module = Module::Load(provider.module_path);
  if (!module) return Fail(module.error());
  CK_FUNCTION_LIST_PTR p11 = (*module)->functions();
  SEALKEY_RETURN_IF_ERROR(Check(p11->C_Initialize(nullptr), "C_Initialize"));
  Status status = InitTokenThroughModule(p11);
  CK_RV finalized = p11->C_Finalize(nullptr);
  if (!status) return status;
  return Check(finalized, "C_Finalize");
}

}  // namespace

void PrintTo(ProviderId id, std::ostream* os) { *os << GetProvider(id).name; }

// SoftHSM 2.6.1 as Debian ships it.
const Provider& GetProvider(ProviderId id) {
  static const Provider kSoftHsm{ProviderId::kSoftHsm, "SoftHsm",
                                 "/usr/lib/softhsm/libsofthsm2.so",
                                 {.user_pin_max_tries = 0,
                                  .cryptoki_2_40 = false,
                                  .sm_mechanisms = false,
                                  .missing_mechanisms = {CKM_ECDSA_SHA256},
                                  .deviations = {Deviation::kLogoutWithoutLoginIsOk,
                                                 Deviation::kSignInitIgnoresKeyType,
                                                 Deviation::kKeyHandleIsObjectHandle}}};
  static const Provider kSealkey{ProviderId::kSealkey, "Sealkey", SealkeyModulePath(),
                                 {.user_pin_max_tries = 6,
                                  .cryptoki_2_40 = true,
                                  .sm_mechanisms = true}};
  return id == ProviderId::kSoftHsm ? kSoftHsm : kSealkey;
}

Status Provision(const Provider& provider, const std::string& dir) {
  switch (provider.id) {
    case ProviderId::kSoftHsm: return SoftHsmProvision(dir);
    case ProviderId::kSealkey: return SealkeyProvision(provider, dir);
  }
  return Fail(ErrorCode::kInternal, "unknown provider");
}

}  // namespace sealkey::pkcs11_conformance
