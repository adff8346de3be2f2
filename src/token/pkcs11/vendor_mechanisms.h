// Vendor-defined PKCS#11 identifiers for SM2/SM3/SM4. PKCS#11 has no
// standard SM mechanisms (oasis-tcs/pkcs11 issue 119); these are the values
// of the common Chinese vendor family (STANDARDS.md section 5). sealkey uses
// a mechanism only when the module lists it in C_GetMechanismList.
//
//   CKM_SM2_KEY_PAIR_GEN  +0x8001  key pair on sm2p256v1
//   CKM_SM3_SM2           +0x101   sign a message: the token computes
//                                  Z (default ID) and e; DER signature
//   CKM_SM2_SIGN          +0x104   sign a 32-byte e; DER signature
//   CKM_SM2_SIGN_RAW      +0x105   sign a 32-byte e; raw r||s
//   CKM_SM2_RAW           +0x200   SM2 encryption
//   CKM_SM3               +0x9000
//   CKM_SM4               +0xA000
//   CKK_SM2               CKK_VENDOR_DEFINED+4
#pragma once

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"

namespace sealkey::token::pkcs11 {

inline constexpr CK_MECHANISM_TYPE kCkmSm2KeyPairGen = CKM_VENDOR_DEFINED + 0x8001;
inline constexpr CK_MECHANISM_TYPE kCkmSm3Sm2 = CKM_VENDOR_DEFINED + 0x101;
inline constexpr CK_MECHANISM_TYPE kCkmSm2Sign = CKM_VENDOR_DEFINED + 0x104;
inline constexpr CK_MECHANISM_TYPE kCkmSm2SignRaw = CKM_VENDOR_DEFINED + 0x105;
inline constexpr CK_MECHANISM_TYPE kCkmSm2Raw = CKM_VENDOR_DEFINED + 0x200;
inline constexpr CK_MECHANISM_TYPE kCkmSm3 = CKM_VENDOR_DEFINED + 0x9000;
inline constexpr CK_MECHANISM_TYPE kCkmSm4 = CKM_VENDOR_DEFINED + 0xA000;
inline constexpr CK_KEY_TYPE kCkkSm2 = CKK_VENDOR_DEFINED + 4;

// CKA_EC_PARAMS values: DER OBJECT IDENTIFIERs of the named curves.
// prime256v1 1.2.840.10045.3.1.7 (RFC 5480); sm2p256v1 1.2.156.10197.1.301
// (GM/T 0006).
inline constexpr uint8_t kEcParamsP256[] = {0x06, 0x08, 0x2a, 0x86, 0x48,
                                            0xce, 0x3d, 0x03, 0x01, 0x07};
inline constexpr uint8_t kEcParamsSm2[] = {0x06, 0x08, 0x2a, 0x81, 0x1c,
                                           0xcf, 0x55, 0x01, 0x82, 0x2d};

}  // namespace sealkey::token::pkcs11
