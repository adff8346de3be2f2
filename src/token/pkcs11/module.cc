#include "token/pkcs11/module.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace sealkey::token::pkcs11 {
namespace {

// Loaded modules by canonical path. Entries expire with their Module; the
// deleter unloads under the same lock, so a module is never C_Initialize'd
// again before its previous instance has been C_Finalize'd.
std::mutex& RegistryMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::string, std::weak_ptr<Module>>& Registry() {
  static auto* registry = new std::map<std::string, std::weak_ptr<Module>>;
  return *registry;
}

Error ModuleError(ErrorCode code, const std::string& path, const std::string& detail) {
  return Error{code, "module", "PKCS#11 module '" + path + "': " + detail};
}

ErrorCode CodeFor(CK_RV rv) {
  switch (rv) {
    case CKR_PIN_INCORRECT: return ErrorCode::kPinIncorrect;
    case CKR_PIN_LOCKED: return ErrorCode::kPinLocked;
    case CKR_PIN_INVALID:
    case CKR_PIN_LEN_RANGE:
    case CKR_PIN_TOO_WEAK:
    case CKR_ARGUMENTS_BAD:
    case CKR_ATTRIBUTE_VALUE_INVALID:
    case CKR_TEMPLATE_INCOMPLETE:
    case CKR_TEMPLATE_INCONSISTENT:
    case CKR_DATA_INVALID:
    case CKR_DATA_LEN_RANGE:
      return ErrorCode::kInvalidArgument;
    case CKR_PIN_EXPIRED:
    case CKR_USER_NOT_LOGGED_IN:
    case CKR_USER_PIN_NOT_INITIALIZED:
    case CKR_USER_ANOTHER_ALREADY_LOGGED_IN:
    case CKR_USER_TOO_MANY_TYPES:
    case CKR_SESSION_READ_ONLY:
    case CKR_SESSION_READ_ONLY_EXISTS:
    case CKR_SESSION_READ_WRITE_SO_EXISTS:
    case CKR_TOKEN_WRITE_PROTECTED:
    case CKR_KEY_FUNCTION_NOT_PERMITTED:
    case CKR_ACTION_PROHIBITED:
    case CKR_ATTRIBUTE_READ_ONLY:
    case CKR_ATTRIBUTE_SENSITIVE:
    case CKR_FUNCTION_REJECTED:
      return ErrorCode::kPermissionDenied;
    case CKR_FUNCTION_NOT_SUPPORTED:
    case CKR_MECHANISM_INVALID:
    case CKR_MECHANISM_PARAM_INVALID:
    case CKR_ATTRIBUTE_TYPE_INVALID:
    case CKR_KEY_TYPE_INCONSISTENT:
    case CKR_KEY_SIZE_RANGE:
    case CKR_CURVE_NOT_SUPPORTED:
    case CKR_DOMAIN_PARAMS_INVALID:
      return ErrorCode::kUnsupported;
    case CKR_SLOT_ID_INVALID:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_DEVICE_REMOVED:
    case CKR_OBJECT_HANDLE_INVALID:
    case CKR_KEY_HANDLE_INVALID:
      return ErrorCode::kNotFound;
    case CKR_DEVICE_ERROR:
    case CKR_DEVICE_MEMORY:
    case CKR_TOKEN_NOT_RECOGNIZED:
    case CKR_SESSION_COUNT:
      return ErrorCode::kIo;
    default:
      return ErrorCode::kInternal;
  }
}

bool IsPinSyntaxError(CK_RV rv) {
  return rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE || rv == CKR_PIN_TOO_WEAK;
}

}  // namespace

Result<std::shared_ptr<Module>> Module::Load(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Fail(ModuleError(ErrorCode::kNotFound, path, "no such file"));
  }
  std::string canonical = std::filesystem::canonical(path, ec).string();
  if (ec) canonical = path;

  std::lock_guard<std::mutex> registry_lock(RegistryMutex());
  if (auto it = Registry().find(canonical); it != Registry().end()) {
    if (auto loaded = it->second.lock()) return loaded;
  }

  void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    return Fail(ModuleError(ErrorCode::kInvalidArgument, path,
                            std::string("cannot be loaded: ") + (why ? why : "dlopen failed")));
  }
  auto get_function_list =
      reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  if (get_function_list == nullptr) {
    dlclose(handle);
    return Fail(ModuleError(ErrorCode::kInvalidArgument, path,
                            "not a PKCS#11 module (no C_GetFunctionList)"));
  }
  CK_FUNCTION_LIST* functions = nullptr;
  CK_RV rv = get_function_list(&functions);
  if (rv != CKR_OK || functions == nullptr) {
    dlclose(handle);
    Error error = RvError(rv == CKR_OK ? CKR_GENERAL_ERROR : rv, "C_GetFunctionList");
    return Fail(ModuleError(error.code, path, error.message));
  }
  if (functions->version.major != 2 && functions->version.major != 3) {
    dlclose(handle);
    return Fail(ModuleError(ErrorCode::kUnsupported, path,
                            "unsupported Cryptoki version " +
                                std::to_string(functions->version.major)));
  }

  // The module creates its own mutexes; no threads are needed from it.
  CK_C_INITIALIZE_ARGS init_args{};
  init_args.flags = CKF_OS_LOCKING_OK;
  rv = functions->C_Initialize(&init_args);
  // Another library in this process (p11-kit's proxy, an engine) may have
  // initialised it first; it then also owns the C_Finalize.
  bool finalize = rv == CKR_OK;
  if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
    dlclose(handle);
    Error error = RvError(rv, "C_Initialize");
    return Fail(ModuleError(error.code, path, error.message));
  }

  std::shared_ptr<Module> module(new Module(canonical, handle, functions, finalize),
                                 [](Module* m) {
                                   std::lock_guard<std::mutex> lock(RegistryMutex());
                                   delete m;
                                 });
  Registry()[canonical] = module;
  return module;
}

Module::~Module() {
  if (finalize_) functions_->C_Finalize(nullptr);
  dlclose(handle_);
}

Result<std::vector<CK_SLOT_ID>> Module::SlotsWithToken() const {
  CK_ULONG count = 0;
  CK_RV rv = functions_->C_GetSlotList(CK_TRUE, nullptr, &count);
  std::vector<CK_SLOT_ID> slots;
  // The list may grow between the two calls (a token inserted).
  while (rv == CKR_OK) {
    slots.resize(count);
    rv = functions_->C_GetSlotList(CK_TRUE, slots.data(), &count);
    if (rv == CKR_OK) {
      slots.resize(count);
      return slots;
    }
    if (rv == CKR_BUFFER_TOO_SMALL) rv = CKR_OK;
  }
  return Fail(RvError(rv, "C_GetSlotList"));
}

Result<CK_TOKEN_INFO> Module::TokenInfo(CK_SLOT_ID slot) const {
  CK_TOKEN_INFO info{};
  CK_RV rv = functions_->C_GetTokenInfo(slot, &info);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GetTokenInfo"));
  return info;
}

Result<std::vector<CK_MECHANISM_TYPE>> Module::Mechanisms(CK_SLOT_ID slot) const {
  CK_ULONG count = 0;
  CK_RV rv = functions_->C_GetMechanismList(slot, nullptr, &count);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GetMechanismList"));
  std::vector<CK_MECHANISM_TYPE> mechanisms(count);
  rv = functions_->C_GetMechanismList(slot, mechanisms.data(), &count);
  if (rv != CKR_OK) return Fail(RvError(rv, "C_GetMechanismList"));
  mechanisms.resize(count);
  return mechanisms;
}

bool HasMechanism(const std::vector<CK_MECHANISM_TYPE>& mechanisms, CK_MECHANISM_TYPE mechanism) {
  return std::find(mechanisms.begin(), mechanisms.end(), mechanism) != mechanisms.end();
}

std::string RvName(CK_RV rv) {
  switch (rv) {
#define SEALKEY_CKR(name) \
  case name: return #name;
    SEALKEY_CKR(CKR_OK)
    SEALKEY_CKR(CKR_CANCEL)
    SEALKEY_CKR(CKR_HOST_MEMORY)
    SEALKEY_CKR(CKR_SLOT_ID_INVALID)
    SEALKEY_CKR(CKR_GENERAL_ERROR)
    SEALKEY_CKR(CKR_FUNCTION_FAILED)
    SEALKEY_CKR(CKR_ARGUMENTS_BAD)
    SEALKEY_CKR(CKR_CANT_LOCK)
    SEALKEY_CKR(CKR_ATTRIBUTE_READ_ONLY)
    SEALKEY_CKR(CKR_ATTRIBUTE_SENSITIVE)
    SEALKEY_CKR(CKR_ATTRIBUTE_TYPE_INVALID)
    SEALKEY_CKR(CKR_ATTRIBUTE_VALUE_INVALID)
    SEALKEY_CKR(CKR_ACTION_PROHIBITED)
    SEALKEY_CKR(CKR_DATA_INVALID)
    SEALKEY_CKR(CKR_DATA_LEN_RANGE)
    SEALKEY_CKR(CKR_DEVICE_ERROR)
    SEALKEY_CKR(CKR_DEVICE_MEMORY)
    SEALKEY_CKR(CKR_DEVICE_REMOVED)
    SEALKEY_CKR(CKR_FUNCTION_CANCELED)
    SEALKEY_CKR(CKR_FUNCTION_NOT_SUPPORTED)
    SEALKEY_CKR(CKR_KEY_HANDLE_INVALID)
    SEALKEY_CKR(CKR_KEY_SIZE_RANGE)
    SEALKEY_CKR(CKR_KEY_TYPE_INCONSISTENT)
    SEALKEY_CKR(CKR_KEY_FUNCTION_NOT_PERMITTED)
    SEALKEY_CKR(CKR_MECHANISM_INVALID)
    SEALKEY_CKR(CKR_MECHANISM_PARAM_INVALID)
    SEALKEY_CKR(CKR_OBJECT_HANDLE_INVALID)
    SEALKEY_CKR(CKR_OPERATION_ACTIVE)
    SEALKEY_CKR(CKR_OPERATION_NOT_INITIALIZED)
    SEALKEY_CKR(CKR_PIN_INCORRECT)
    SEALKEY_CKR(CKR_PIN_INVALID)
    SEALKEY_CKR(CKR_PIN_LEN_RANGE)
    SEALKEY_CKR(CKR_PIN_EXPIRED)
    SEALKEY_CKR(CKR_PIN_LOCKED)
    SEALKEY_CKR(CKR_PIN_TOO_WEAK)
    SEALKEY_CKR(CKR_SESSION_CLOSED)
    SEALKEY_CKR(CKR_SESSION_COUNT)
    SEALKEY_CKR(CKR_SESSION_HANDLE_INVALID)
    SEALKEY_CKR(CKR_SESSION_PARALLEL_NOT_SUPPORTED)
    SEALKEY_CKR(CKR_SESSION_READ_ONLY)
    SEALKEY_CKR(CKR_SESSION_EXISTS)
    SEALKEY_CKR(CKR_SESSION_READ_ONLY_EXISTS)
    SEALKEY_CKR(CKR_SESSION_READ_WRITE_SO_EXISTS)
    SEALKEY_CKR(CKR_SIGNATURE_INVALID)
    SEALKEY_CKR(CKR_SIGNATURE_LEN_RANGE)
    SEALKEY_CKR(CKR_TEMPLATE_INCOMPLETE)
    SEALKEY_CKR(CKR_TEMPLATE_INCONSISTENT)
    SEALKEY_CKR(CKR_TOKEN_NOT_PRESENT)
    SEALKEY_CKR(CKR_TOKEN_NOT_RECOGNIZED)
    SEALKEY_CKR(CKR_TOKEN_WRITE_PROTECTED)
    SEALKEY_CKR(CKR_USER_ALREADY_LOGGED_IN)
    SEALKEY_CKR(CKR_USER_NOT_LOGGED_IN)
    SEALKEY_CKR(CKR_USER_PIN_NOT_INITIALIZED)
    SEALKEY_CKR(CKR_USER_TYPE_INVALID)
    SEALKEY_CKR(CKR_USER_ANOTHER_ALREADY_LOGGED_IN)
    SEALKEY_CKR(CKR_USER_TOO_MANY_TYPES)
    SEALKEY_CKR(CKR_RANDOM_NO_RNG)
    SEALKEY_CKR(CKR_DOMAIN_PARAMS_INVALID)
    SEALKEY_CKR(CKR_CURVE_NOT_SUPPORTED)
    SEALKEY_CKR(CKR_BUFFER_TOO_SMALL)
    SEALKEY_CKR(CKR_CRYPTOKI_NOT_INITIALIZED)
    SEALKEY_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED)
    SEALKEY_CKR(CKR_FUNCTION_REJECTED)
#undef SEALKEY_CKR
    default: {
      char buf[32];
      std::snprintf(buf, sizeof buf, "CKR_0x%lX", rv);
      return buf;
    }
  }
}

Error RvError(CK_RV rv, std::string_view function) {
  Error error{CodeFor(rv), {}, std::string(function) + " failed: " + RvName(rv)};
  if (IsPinSyntaxError(rv)) error.field = "pin";
  return error;
}

Error PinRvError(CK_RV rv, std::string_view function, CK_USER_TYPE user, CK_FLAGS token_flags,
                 std::string_view field) {
  Error error = RvError(rv, function);
  const bool so = user == CKU_SO;
  const std::string whose = so ? "SO PIN" : "user PIN";
  if (IsPinSyntaxError(rv)) {
    error.field = std::string(field);
    error.message = "the token rejects this " + whose + " (" + error.message + ")";
  } else if (rv == CKR_PIN_LOCKED) {
    error.field = std::string(field);
    error.message = "the " + whose + " is locked (" + error.message + ")";
  } else if (rv == CKR_PIN_INCORRECT) {
    error.field = std::string(field);
    std::string tries;
    if (token_flags & (so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED)) {
      tries = "no tries remain: the " + whose + " is now locked";
    } else if (token_flags & (so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY)) {
      tries = "1 try remains before the " + whose + " locks";
    } else if (token_flags & (so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW)) {
      tries = "the token says few tries remain (it does not say how many)";
    } else {
      tries = "the token does not say how many tries remain";
    }
    error.message = "wrong " + whose + "; " + tries + " (" + error.message + ")";
  }
  return error;
}

}  // namespace sealkey::token::pkcs11
