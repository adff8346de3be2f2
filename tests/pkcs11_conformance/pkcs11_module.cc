#include "pkcs11_conformance/pkcs11_module.h"

#include "token/pkcs11/module.h"

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

std::string CkrName(CK_RV rv) { return token::pkcs11::RvName(rv); }

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
