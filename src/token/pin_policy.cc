#include "token/pin_policy.h"

namespace sealkey::token {

Status CheckNewPin(const SecureBuffer& pin, const std::string& field) {
  // Length in characters, so a Chinese PIN is not penalised for UTF-8 bytes.
  size_t chars = 0;
  for (uint8_t c : pin.span()) chars += (c & 0xc0) != 0x80;
  if (chars < kMinPinLength || chars > kMaxPinLength) {
    return Fail(ErrorCode::kInvalidArgument,
                "must be 6 to 16 characters (got " + std::to_string(chars) + ")", field);
  }
  bool all_same = true;
  for (uint8_t c : pin.span()) all_same = all_same && c == pin.data()[0];
  if (all_same) {
    return Fail(ErrorCode::kInvalidArgument, "must not be one character repeated", field);
  }
  return Ok();
}

Status CheckPresentedPin(const SecureBuffer& pin, const std::string& field) {
  if (pin.empty()) return Fail(ErrorCode::kInvalidArgument, "is empty", field);
  if (pin.size() > kMaxPresentedPinLength) {
    return Fail(ErrorCode::kInvalidArgument, "is too long", field);
  }
  return Ok();
}

}  // namespace sealkey::token
