// The in-memory model of one file device and its on-disk encoding.
// The format is documented in docs/file-device.md; keep the two in step.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/aead.h"
#include "crypto/password_kdf.h"
#include "token/device.h"

namespace sealkey::token::file {

inline constexpr int kFormatVersion = 1;

struct PinRecord {
  int max_tries = 6;
  int tries_left = 6;
  Bytes salt;         // KDF salt, 16 bytes
  Bytes wrapped_key;  // AEAD(KEK(PIN), master key); empty: PIN not set yet
  bool initialized() const { return !wrapped_key.empty(); }
};

enum class ObjectClass { kPrivateKey, kPublicKey, kCertificate, kSeal, kData };

struct StoredObject {
  std::string ref;  // 16 lower-case hex characters, unique in the device
  ObjectClass cls = ObjectClass::kCertificate;
  std::string container;           // keys and their certificates
  std::optional<KeyUsage> usage;   // keys and their certificates
  std::string name;                // seal name; label of keys, certificates, data
  std::string mime;                // seal image type; application of data objects
  Bytes id;                        // PKCS#11 CKA_ID when one was given; else derived
  Bytes subject;                   // PKCS#11 CKA_SUBJECT of a key, when one was set
  bool is_private = false;         // value is AEAD-sealed under the master key
  bool sign_and_decrypt = false;   // a key pair for both signing and decryption (PKCS#11)
  Bytes value;  // private key: sealed PKCS#8; public key: SPKI DER;
                // certificate: DER; seal: sealed image bytes; data: the value,
                // sealed when private
};

struct DeviceState {
  std::string serial;  // 16 upper-case hex characters
  std::string label;
  std::string manufacturer = "sealkey";
  std::string model = "file device";
  int64_t created = 0;
  crypto::AeadAlg aead = crypto::AeadAlg::kSm4CtrHmacSm3;
  crypto::KdfParams kdf;
  std::optional<uint64_t> capacity;
  PinRecord user;
  PinRecord so;
  std::vector<StoredObject> objects;
};

// "SEALKEY-DEVICE 1 sm3=<hex of SM3(body)>\n" followed by the JSON body.
Bytes SerializeState(const DeviceState& state);
// Rejects a bad magic, an unknown version, a checksum mismatch (corrupted
// or truncated file) and malformed fields, each with a specific message.
Result<DeviceState> ParseState(ByteView file);

std::string_view ObjectClassToken(ObjectClass cls);

}  // namespace sealkey::token::file
