// The media model: a Device is a file device (soft token) or an external
// PKCS#11 token. The CLI, the agent and (later) the PKCS#11 module see media
// only through this interface.
//
// Operations are stateless with respect to authentication: every operation
// that needs the user PIN takes it and verifies it (consuming a try when it
// is wrong). PIN caching is the agent's job, not the device's.
//
// Errors: kPinIncorrect (message says how many tries remain), kPinLocked,
// kNotFound (no such object), kUnsupported (the medium cannot do this),
// kInvalidArgument (bad input, naming the field). A failed operation changes
// nothing on the medium except the PIN retry counter.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/key.h"
#include "crypto/signer.h"

namespace sealkey::token {

enum class DeviceKind { kFile, kPkcs11 };
std::string_view DeviceKindToken(DeviceKind kind);  // "file", "pkcs11"

// PIN retry state, as PKCS#11 token flags express it.
enum class PinState { kOk, kCountLow, kFinalTry, kLocked };
std::string_view PinStateToken(PinState state);  // "ok", "count_low", "final_try", "locked"

struct PinStatus {
  bool initialized = true;  // false: a token whose user PIN is not set yet
  PinState state = PinState::kOk;
  int tries_left = -1;  // -1 when the medium does not say
  int max_tries = -1;
};

struct DeviceInfo {
  std::string id;  // stable selector: "file:<serial>" or "pkcs11:<module>:<serial>"
  DeviceKind kind = DeviceKind::kFile;
  std::string label;
  std::string serial;
  std::string manufacturer;
  std::string model;
  int64_t created = 0;                  // Unix seconds, 0 when unknown
  std::optional<uint64_t> capacity;     // bytes, when limited
  std::optional<uint64_t> free_space;   // bytes, when limited
  PinStatus user_pin;
  PinStatus so_pin;
  size_t certificate_count = 0;
};

enum class KeyUsage { kSign, kEncrypt };
std::string_view KeyUsageToken(KeyUsage usage);  // "sign", "encrypt"

struct CertificateEntry {
  std::string ref;        // object reference, stable within the device (hex)
  std::string container;  // container name; empty for stand-alone (CA) certificates
  std::optional<KeyUsage> usage;  // of the container's key pair it belongs to
  bool has_private_key = false;   // a matching private key is on the medium
  Bytes der;
};

struct SealEntry {
  std::string ref;
  std::string name;
  std::string mime;  // "image/png" or "image/jpeg"
  size_t size = 0;
};

struct GeneratedKey {
  std::string container;
  crypto::PublicKey public_key;
};

class Device {
 public:
  virtual ~Device() = default;

  virtual Result<DeviceInfo> Info() = 0;
  // Public objects: no PIN needed.
  virtual Result<std::vector<CertificateEntry>> ListCertificates() = 0;

  virtual Status VerifyPin(const SecureBuffer& pin) = 0;
  virtual Status ChangePin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) = 0;
  // With the administrator (SO) PIN: sets a new user PIN and resets its tries.
  virtual Status Unblock(const SecureBuffer& so_pin, const SecureBuffer& new_user_pin) = 0;

  virtual Status DeleteCertificate(const SecureBuffer& pin, std::string_view ref) = 0;
  // Imports a certificate; it joins the container whose public key it
  // matches, or is stored stand-alone. Returns its ref.
  virtual Result<std::string> ImportCertificate(const SecureBuffer& pin, ByteView der) = 0;
  // Generates a key pair inside the medium in a new container.
  virtual Result<GeneratedKey> GenerateKeyPair(const SecureBuffer& pin, crypto::KeyAlg alg,
                                               KeyUsage usage, std::string_view container) = 0;
  // A signer for the private key belonging to certificate `cert_ref`. The
  // signer may hold the medium open; it must not outlive the Device.
  virtual Result<std::unique_ptr<crypto::Signer>> OpenSigner(const SecureBuffer& pin,
                                                             std::string_view cert_ref) = 0;

  // A signer for the private key of `container` with `usage` (for example to
  // sign a CSR before any certificate exists).
  virtual Result<std::unique_ptr<crypto::Signer>> OpenKeySigner(const SecureBuffer& pin,
                                                                std::string_view container,
                                                                KeyUsage usage);

  // The optional capabilities below return kUnsupported unless a medium
  // implements them.

  // Removes the key pair of `container` with `usage` (after its certificate).
  virtual Status DeleteKeyPair(const SecureBuffer& pin, std::string_view container,
                               KeyUsage usage);
  // Dual certificates (STANDARDS.md 3): opens a GM/T 0009 SM2EnvelopedKey
  // inside the medium with the signing key of `container`, checks that the
  // enclosed key matches `encryption_cert` and stores the pair as the
  // container's encryption key with that certificate. Returns the
  // certificate's ref. A tampered or misdirected envelope changes nothing
  // (kVerifyFailed).
  virtual Result<std::string> ImportEnvelopedKey(const SecureBuffer& pin,
                                                 std::string_view container, ByteView envelope,
                                                 ByteView encryption_cert);
  // PKCS#12: the key goes inside the medium with its certificate; chain
  // certificates are stored stand-alone. Returns the certificate's ref.
  virtual Result<std::string> ImportPkcs12(const SecureBuffer& pin, ByteView p12,
                                           const SecureBuffer& password);
  // Seals (D10): names are public, images need the PIN.
  virtual Result<std::vector<SealEntry>> ListSeals();
  virtual Result<std::string> WriteSeal(const SecureBuffer& pin, std::string_view name,
                                        ByteView image);
  virtual Result<Bytes> ReadSeal(const SecureBuffer& pin, std::string_view ref);
  virtual Status DeleteSeal(const SecureBuffer& pin, std::string_view ref);
};

}  // namespace sealkey::token
