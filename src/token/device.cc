#include "token/device.h"

namespace sealkey::token {

std::string_view DeviceKindToken(DeviceKind kind) {
  return kind == DeviceKind::kFile ? "file" : "pkcs11";
}

std::string_view PinStateToken(PinState state) {
  switch (state) {
    case PinState::kOk: return "ok";
    case PinState::kCountLow: return "count_low";
    case PinState::kFinalTry: return "final_try";
    case PinState::kLocked: return "locked";
  }
  return "ok";
}

std::string_view KeyUsageToken(KeyUsage usage) {
  return usage == KeyUsage::kSign ? "sign" : "encrypt";
}

}  // namespace sealkey::token
