#include "pkcs11/ck.h"

namespace sealkey::p11 {

bool ReadUlong(const AttrMap& t, CK_ATTRIBUTE_TYPE type, CK_ULONG* out) {
  auto it = t.find(type);
  if (it == t.end() || it->second.size() != sizeof(CK_ULONG)) return false;
  std::memcpy(out, it->second.data(), sizeof(CK_ULONG));
  return true;
}

bool ReadBool(const AttrMap& t, CK_ATTRIBUTE_TYPE type, bool* out) {
  auto it = t.find(type);
  if (it == t.end() || it->second.size() != 1) return false;
  *out = it->second[0] != CK_FALSE;
  return true;
}

CK_RV ParseTemplate(CK_ATTRIBUTE_PTR tmpl, CK_ULONG count, AttrMap* out) {
  out->clear();
  if (count && !tmpl) return CKR_ARGUMENTS_BAD;
  for (CK_ULONG i = 0; i < count; ++i) {
    const auto* v = static_cast<const uint8_t*>(tmpl[i].pValue);
    if (!v && tmpl[i].ulValueLen) return CKR_ARGUMENTS_BAD;
    (*out)[tmpl[i].type] = v ? Bytes(v, v + tmpl[i].ulValueLen) : Bytes{};
  }
  return CKR_OK;
}

void PadCopy(CK_UTF8CHAR* dst, size_t size, std::string_view text) {
  std::memset(dst, ' ', size);
  std::memcpy(dst, text.data(), std::min(size, text.size()));
}

}  // namespace sealkey::p11
