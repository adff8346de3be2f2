// The PKCS#11 side of the conformance suite: a module loaded with dlopen,
// readable CK_RV names for assertions, attribute templates that own their
// values, and the blank-padded text fields of CK_INFO / CK_TOKEN_INFO.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "base/error.h"

namespace sealkey::pkcs11_conformance {

// A module mapped with dlopen(RTLD_NOW | RTLD_LOCAL) and its function list.
// Loading calls only C_GetFunctionList; the caller owns C_Initialize and
// C_Finalize, and must finalize before destroying the Module (dlclose).
class Module {
 public:
  // kNotFound when the file is missing, kInternal when dlopen or
  // C_GetFunctionList fails (the message carries dlerror / the CK_RV).
  static Result<std::unique_ptr<Module>> Load(const std::string& path);

  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  CK_FUNCTION_LIST_PTR operator->() const { return functions_; }
  CK_FUNCTION_LIST_PTR functions() const { return functions_; }
  // The module's exported C_GetFunctionList, for calling it again.
  CK_C_GetFunctionList get_function_list() const { return get_function_list_; }

 private:
  Module(void* handle, CK_C_GetFunctionList get, CK_FUNCTION_LIST_PTR functions)
      : handle_(handle), get_function_list_(get), functions_(functions) {}

  void* handle_;
  CK_C_GetFunctionList get_function_list_;
  CK_FUNCTION_LIST_PTR functions_;
};

// "CKR_PIN_INCORRECT", or "CKR_0x..." for codes without a name here.
std::string CkrName(CK_RV rv);

// Compares return values by name, so a failure reads
// `"CKR_PIN_INCORRECT" vs "CKR_OK"` instead of two numbers.
#define ASSERT_CKR(expected, expr) \
  ASSERT_EQ(::sealkey::pkcs11_conformance::CkrName(expected), \
            ::sealkey::pkcs11_conformance::CkrName(expr))
#define EXPECT_CKR(expected, expr) \
  EXPECT_EQ(::sealkey::pkcs11_conformance::CkrName(expected), \
            ::sealkey::pkcs11_conformance::CkrName(expr))

// An attribute template that owns its values. data() stays valid until the
// next Add*; the CK_ATTRIBUTE array is rebuilt on each call to data().
class Template {
 public:
  Template& Add(CK_ATTRIBUTE_TYPE type, ByteView value);
  Template& Add(CK_ATTRIBUTE_TYPE type, std::string_view value);
  Template& AddBool(CK_ATTRIBUTE_TYPE type, bool value);
  Template& AddUlong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);

  CK_ATTRIBUTE_PTR data();
  CK_ULONG size() const { return static_cast<CK_ULONG>(values_.size()); }

 private:
  std::vector<std::pair<CK_ATTRIBUTE_TYPE, Bytes>> values_;
  std::vector<CK_ATTRIBUTE> attributes_;
};

// A CK_UTF8CHAR field of `size` bytes: true when it is `text` followed by
// blanks only (no NUL anywhere), as PKCS#11 requires for labels and IDs.
bool IsBlankPadded(const CK_UTF8CHAR* field, size_t size, std::string_view text);
// The field without trailing blanks.
std::string TrimPadded(const CK_UTF8CHAR* field, size_t size);
// `text` blank-padded to 32 bytes, for C_InitToken.
std::vector<CK_UTF8CHAR> PaddedLabel(std::string_view text);

inline CK_UTF8CHAR_PTR PinPtr(std::string_view pin) {
  return reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin.data()));
}

}  // namespace sealkey::pkcs11_conformance
