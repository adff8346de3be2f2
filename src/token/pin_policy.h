// PIN rules shared by every medium sealkey manages itself.
#pragma once

#include <string>

#include "base/error.h"
#include "base/secure_buffer.h"

namespace sealkey::token {

inline constexpr size_t kMinPinLength = 6;
inline constexpr size_t kMaxPinLength = 16;
// Longest PIN accepted for verification (longer input is rejected without
// consuming a try).
inline constexpr size_t kMaxPresentedPinLength = 64;

// A new PIN: 6-16 characters, not all the same character. `field` names it
// in the error ("pin", "new_pin", "so_pin").
Status CheckNewPin(const SecureBuffer& pin, const std::string& field);

// A PIN presented for verification: non-empty and not absurdly long.
Status CheckPresentedPin(const SecureBuffer& pin, const std::string& field);

}  // namespace sealkey::token
