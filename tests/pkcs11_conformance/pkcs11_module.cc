#include "pkcs11_conformance/pkcs11_module.h"

#include <dlfcn.h>

#include <cstdio>
#include <filesystem>

namespace sealkey::pkcs11_conformance {

Result<std::unique_ptr<Module>> Module::Load(const std::string& path) {
  if (!std::filesystem::exists(path)) {
    return Fail(ErrorCode::kNotFound, "no module at " + path, "module");
  }
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return Fail(ErrorCode::kInternal, std::string("dlopen: ") + dlerror(), "module");
  }
  auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(handle, "C_GetFunctionList"));
  if (get == nullptr) {
    dlclose(handle);
    return Fail(ErrorCode::kInternal, path + " does not export C_GetFunctionList", "module");
  }
  CK_FUNCTION_LIST_PTR functions = nullptr;
  CK_RV rv = get(&functions);
  if (rv != CKR_OK || functions == nullptr) {
    dlclose(handle);
    return Fail(ErrorCode::kInternal, "C_GetFunctionList: " + CkrName(rv), "module");
  }
  return std::unique_ptr<Module>(new Module(handle, get, functions));
}

Module::~Module() { dlclose(handle_); }

std::string CkrName(CK_RV rv) {
  switch (rv) {
#define SEALKEY_CKR(name) \
  case name:              \
    return #name;
    SEALKEY_CKR(CKR_OK)
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
    SEALKEY_CKR(CKR_DATA_INVALID)
    SEALKEY_CKR(CKR_DATA_LEN_RANGE)
    SEALKEY_CKR(CKR_DEVICE_ERROR)
    SEALKEY_CKR(CKR_ENCRYPTED_DATA_INVALID)
    SEALKEY_CKR(CKR_ENCRYPTED_DATA_LEN_RANGE)
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
    SEALKEY_CKR(CKR_DOMAIN_PARAMS_INVALID)
    SEALKEY_CKR(CKR_CURVE_NOT_SUPPORTED)
    SEALKEY_CKR(CKR_BUFFER_TOO_SMALL)
    SEALKEY_CKR(CKR_RANDOM_NO_RNG)
    SEALKEY_CKR(CKR_CRYPTOKI_NOT_INITIALIZED)
    SEALKEY_CKR(CKR_CRYPTOKI_ALREADY_INITIALIZED)
    SEALKEY_CKR(CKR_MUTEX_BAD)
    SEALKEY_CKR(CKR_FUNCTION_REJECTED)
#undef SEALKEY_CKR
    default: {
      char text[32];
      std::snprintf(text, sizeof text, "CKR_0x%lx", static_cast<unsigned long>(rv));
      return text;
    }
  }
}

Template& Template::Add(CK_ATTRIBUTE_TYPE type, ByteView value) {
  values_.emplace_back(type, Bytes(value.begin(), value.end()));
  return *this;
}

Template& Template::Add(CK_ATTRIBUTE_TYPE type, std::string_view value) {
  return Add(type, AsBytes(value));
}

Template& Template::AddBool(CK_ATTRIBUTE_TYPE type, bool value) {
  const uint8_t byte = value ? CK_TRUE : CK_FALSE;
  return Add(type, ByteView(&byte, 1));
}

Template& Template::AddUlong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
  return Add(type, ByteView(reinterpret_cast<const uint8_t*>(&value), sizeof value));
}

CK_ATTRIBUTE_PTR Template::data() {
  attributes_.clear();
  for (auto& [type, value] : values_) {
    attributes_.push_back(CK_ATTRIBUTE{type, value.empty() ? nullptr : value.data(),
                                       static_cast<CK_ULONG>(value.size())});
  }
  return attributes_.data();
}

bool IsBlankPadded(const CK_UTF8CHAR* field, size_t size, std::string_view text) {
  if (text.size() > size) return false;
  std::string_view all(reinterpret_cast<const char*>(field), size);
  return all.substr(0, text.size()) == text &&
         all.find_first_not_of(' ', text.size()) == std::string_view::npos;
}

std::string TrimPadded(const CK_UTF8CHAR* field, size_t size) {
  std::string text(reinterpret_cast<const char*>(field), size);
  text.erase(text.find_last_not_of(' ') + 1);
  return text;
}

std::vector<CK_UTF8CHAR> PaddedLabel(std::string_view text) {
  std::vector<CK_UTF8CHAR> label(32, ' ');
  for (size_t i = 0; i < text.size() && i < label.size(); ++i) label[i] = text[i];
  return label;
}

}  // namespace sealkey::pkcs11_conformance
