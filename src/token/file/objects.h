// Object-level operations on a DeviceState, shared by FileDevice and by
// long-lived clients (the PKCS#11 module) that hold the master key. The
// caller commits the state (FileDevice::Update).
#pragma once

#include <string>

#include "base/secure_buffer.h"
#include "crypto/key.h"
#include "crypto/x509.h"
#include "token/file/device_state.h"

namespace sealkey::token::file {

// A new object ref not used in the device.
std::string NewObjectRef(const DeviceState& s);

// Stores `key` (sealed) and its public key in `container` for `usage`.
// `id` and `label` are the PKCS#11 CKA_ID and CKA_LABEL when a client gave them.
Status StoreKeyPair(DeviceState& s, const SecureBuffer& master, const crypto::PrivateKey& key,
                    const std::string& container, KeyUsage usage, const Bytes& id = {},
                    const std::string& label = {});

// Adds a certificate into the container whose public key it carries
// (replacing an older certificate there) or stand-alone; kAlreadyExists for
// a duplicate. Returns its ref.
Result<std::string> StoreCertificate(DeviceState& s, const crypto::Certificate& cert,
                                     const Bytes& id = {}, const std::string& label = {});

}  // namespace sealkey::token::file
