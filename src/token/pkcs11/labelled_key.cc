#include "token/pkcs11/labelled_key.h"

#include <mutex>

#include "token/pkcs11/module.h"
#include "token/pkcs11/objects.h"
#include "token/pkcs11/pkcs11_signer.h"
#include "token/pkcs11/session.h"

namespace sealkey::token {
namespace {

using pkcs11::Module;
using pkcs11::Session;

// The slot of the one initialised token labelled `label`.
Result<CK_SLOT_ID> FindTokenSlot(Module& module, std::string_view label) {
  auto slots = module.SlotsWithToken();
  if (!slots) return Fail(slots.error());
  std::vector<CK_SLOT_ID> found;
  for (CK_SLOT_ID slot : *slots) {
    auto info = module.TokenInfo(slot);
    if (!info && info.error().code == ErrorCode::kNotFound) continue;  // removed meanwhile
    if (!info) return Fail(info.error());
    if (!(info->flags & CKF_TOKEN_INITIALIZED)) continue;
    if (pkcs11::TrimPadded(info->label, sizeof info->label) == label) found.push_back(slot);
  }
  if (found.empty()) {
    return Fail(ErrorCode::kNotFound,
                "no token labelled '" + std::string(label) + "' in " + module.path(),
                "token_label");
  }
  if (found.size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "several tokens are labelled '" + std::string(label) + "'", "token_label");
  }
  return found.front();
}

}  // namespace

Result<std::unique_ptr<crypto::Signer>> OpenPkcs11KeyByLabel(const std::string& module_path,
                                                             std::string_view token_label,
                                                             std::string_view key_label,
                                                             const SecureBuffer& pin,
                                                             const crypto::PublicKey& expected) {
  auto module = Module::Load(module_path);
  if (!module) return Fail(module.error());
  auto slot = FindTokenSlot(**module, token_label);
  if (!slot) return Fail(slot.error());
  auto token = (*module)->TokenInfo(*slot);
  if (!token) return Fail(token.error());
  SEALKEY_RETURN_IF_ERROR(pkcs11::CheckPinLength(*token, pin, "pin"));
  auto mechanisms = (*module)->Mechanisms(*slot);
  if (!mechanisms) return Fail(mechanisms.error());

  // Declared before the session, so a failing path logs out and closes the
  // session while the lock is still held (session.h).
  std::unique_lock<std::mutex> lock((*module)->auth_mutex());
  // R/W for the reason pkcs11_device.cc's OpenSigner gives: a read-only
  // session would block SO logins while the Signer lives.
  auto session = Session::Open(*module, *slot, true);
  if (!session) return Fail(session.error());
  SEALKEY_RETURN_IF_ERROR(session->Login(CKU_USER, pin, "pin"));

  auto keys = pkcs11::FindByLabel(*session, CKO_PRIVATE_KEY, key_label);
  if (!keys) return Fail(keys.error());
  if (keys->empty()) {
    return Fail(ErrorCode::kNotFound,
                "no private key labelled '" + std::string(key_label) + "' on the token",
                "key_label");
  }
  if (keys->size() > 1) {
    return Fail(ErrorCode::kInvalidArgument,
                "several private keys are labelled '" + std::string(key_label) + "'",
                "key_label");
  }
  auto id = session->Attribute(keys->front(), CKA_ID);
  if (!id) return Fail(id.error());
  if (!*id || (*id)->empty()) {
    return Fail(ErrorCode::kUnsupported,
                "the private key labelled '" + std::string(key_label) + "' has no CKA_ID",
                "key_label");
  }

  auto shown = pkcs11::ReadKeyPairPublicKey(*session, keys->front(), **id);
  if (!shown && shown.error().code != ErrorCode::kNotFound) return Fail(shown.error());
  if (shown && !shown->Equals(expected)) {
    return Fail(ErrorCode::kVerifyFailed,
                "the token key labelled '" + std::string(key_label) +
                    "' is not the expected key pair",
                "key");
  }
  auto public_key = shown ? std::move(shown) : crypto::PublicKey::FromDer(expected.ToDer());
  if (!public_key) return Fail(public_key.error());

  session->KeepLogin();
  return pkcs11::NewPkcs11Signer(std::move(*session), std::move(**id), std::move(*public_key),
                                 std::move(*mechanisms));
}

}  // namespace sealkey::token
