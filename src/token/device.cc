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

namespace {
tl::unexpected<Error> NotOnThisMedium(const char* what) {
  return Fail(ErrorCode::kUnsupported, std::string(what) + " is not supported by this medium",
              "device");
}
}  // namespace

Result<std::unique_ptr<crypto::Signer>> Device::OpenKeySigner(const SecureBuffer&,
                                                               std::string_view, KeyUsage) {
  return NotOnThisMedium("signing with a key that has no certificate");
}
Status Device::DeleteKeyPair(const SecureBuffer&, std::string_view, KeyUsage) {
  return NotOnThisMedium("deleting key pairs");
}
Result<std::string> Device::ImportEnvelopedKey(const SecureBuffer&, std::string_view, ByteView,
                                              ByteView) {
  return NotOnThisMedium("enveloped key import");
}
Result<std::string> Device::ImportPkcs12(const SecureBuffer&, ByteView, const SecureBuffer&) {
  return NotOnThisMedium("PKCS#12 import");
}
Result<std::vector<SealEntry>> Device::ListSeals() { return NotOnThisMedium("seal storage"); }
Result<std::string> Device::WriteSeal(const SecureBuffer&, std::string_view, ByteView) {
  return NotOnThisMedium("seal storage");
}
Result<Bytes> Device::ReadSeal(const SecureBuffer&, std::string_view) {
  return NotOnThisMedium("seal storage");
}
Status Device::DeleteSeal(const SecureBuffer&, std::string_view) {
  return NotOnThisMedium("seal storage");
}

}  // namespace sealkey::token
