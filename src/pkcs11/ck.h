// Shared PKCS#11 plumbing for libsealkey-pkcs11.so: the v2.40 header (from
// p11-kit), the vendor SM mechanism ids (one header for the whole project),
// attribute encoding helpers and templates.
#pragma once

#include <cstring>
#include <map>
#include <string>
#include <string_view>

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::p11 {

using token::pkcs11::kCkkSm2;
using token::pkcs11::kCkmSm2KeyPairGen;
using token::pkcs11::kCkmSm2Raw;
using token::pkcs11::kCkmSm2Sign;
using token::pkcs11::kCkmSm2SignRaw;
using token::pkcs11::kCkmSm3;
using token::pkcs11::kCkmSm3Sm2;

// Attribute values in their PKCS#11 memory layout.
using AttrMap = std::map<CK_ATTRIBUTE_TYPE, Bytes>;

inline Bytes UlongValue(CK_ULONG v) {
  Bytes b(sizeof v);
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}
inline Bytes BoolValue(bool v) { return Bytes{static_cast<uint8_t>(v ? CK_TRUE : CK_FALSE)}; }
inline Bytes TextValue(std::string_view s) { return Bytes(s.begin(), s.end()); }

// Reads a CK_ULONG / CK_BBOOL attribute of a template; false if absent or
// of the wrong size.
bool ReadUlong(const AttrMap& t, CK_ATTRIBUTE_TYPE type, CK_ULONG* out);
bool ReadBool(const AttrMap& t, CK_ATTRIBUTE_TYPE type, bool* out);

// Copies a caller's template. CKR_ARGUMENTS_BAD for a null pointer with a
// non-zero count or a null value with a non-zero length.
CK_RV ParseTemplate(CK_ATTRIBUTE_PTR tmpl, CK_ULONG count, AttrMap* out);

// Blank-pads `text` into a fixed-size PKCS#11 text field.
void PadCopy(CK_UTF8CHAR* dst, size_t size, std::string_view text);

}  // namespace sealkey::p11
