#include "token/pkcs11/pkcs11_device.h"

#include <filesystem>
#include <mutex>

#include "crypto/x509.h"
#include "token/pkcs11/containers.h"
#include "token/pkcs11/module.h"
#include "token/pkcs11/objects.h"
#include "token/pkcs11/pkcs11_signer.h"
#include "token/pkcs11/session.h"

namespace sealkey::token {
namespace {

using pkcs11::Module;
using pkcs11::Session;

PinStatus PinStatusFrom(CK_FLAGS flags, bool so) {
  PinStatus status;
  if (flags & (so ? CKF_SO_PIN_LOCKED : CKF_USER_PIN_LOCKED)) {
    status.state = PinState::kLocked;
    status.tries_left = 0;
  } else if (flags & (so ? CKF_SO_PIN_FINAL_TRY : CKF_USER_PIN_FINAL_TRY)) {
    status.state = PinState::kFinalTry;
    status.tries_left = 1;
  } else if (flags & (so ? CKF_SO_PIN_COUNT_LOW : CKF_USER_PIN_COUNT_LOW)) {
    status.state = PinState::kCountLow;
  }
  return status;
}

// "libsofthsm2" for /usr/lib/softhsm/libsofthsm2.so, "libfoo" for libfoo.so.1.
std::string ModuleStem(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  return name.substr(0, name.find('.'));
}

// An authenticated operation. Members die in reverse order: the session
// logs out and closes while the module's auth lock is still held.
struct LoginScope {
  std::unique_lock<std::mutex> lock;
  Session session;
};

class Pkcs11Device final : public Device {
 public:
  Pkcs11Device(std::shared_ptr<Module> module, CK_SLOT_ID slot, std::string module_stem)
      : module_(std::move(module)), slot_(slot), module_stem_(std::move(module_stem)) {}

  Result<DeviceInfo> Info() override {
    auto token = module_->TokenInfo(slot_);
    if (!token) return Fail(token.error());
    DeviceInfo info;
    info.kind = DeviceKind::kPkcs11;
    info.label = pkcs11::TrimPadded(token->label, sizeof token->label);
    info.serial = pkcs11::TrimPadded(token->serialNumber, sizeof token->serialNumber);
    info.manufacturer = pkcs11::TrimPadded(token->manufacturerID, sizeof token->manufacturerID);
    info.model = pkcs11::TrimPadded(token->model, sizeof token->model);
    info.id = "pkcs11:" + module_stem_ + ":" + info.serial;
    info.user_pin = PinStatusFrom(token->flags, false);
    info.so_pin = PinStatusFrom(token->flags, true);
    auto session = Session::Open(module_, slot_, false);
    if (!session) return Fail(session.error());
    auto certs = pkcs11::FindCertificates(*session);
    if (!certs) return Fail(certs.error());
    info.certificate_count = certs->size();
    return info;
  }

  Result<std::vector<CertificateEntry>> ListCertificates() override {
    auto session = Session::Open(module_, slot_, false);
    if (!session) return Fail(session.error());
    auto certs = pkcs11::FindCertificates(*session);
    if (!certs) return Fail(certs.error());
    std::vector<CertificateEntry> entries;
    for (auto& cert : *certs) {
      CertificateEntry entry;
      entry.ref = cert.ref;
      entry.der = std::move(cert.der);
      auto has_key = HasKeyPair(*session, cert.id);
      if (!has_key) return Fail(has_key.error());
      if (*has_key) {
        entry.has_private_key = true;
        entry.container = cert.label;
        auto usage = pkcs11::ContainerUsage(*session, cert.id);
        if (!usage) return Fail(usage.error());
        entry.usage = *usage;
      }
      entries.push_back(std::move(entry));
    }
    return entries;
  }

  Status VerifyPin(const SecureBuffer& pin) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto scope = Login(CKU_USER, pin, "pin", false);
    if (!scope) return Fail(scope.error());
    return Ok();
  }

  Status ChangePin(const SecureBuffer& old_pin, const SecureBuffer& new_pin) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&old_pin, "pin"}, {&new_pin, "new_pin"}}));
    auto scope = Login(CKU_USER, old_pin, "pin", true);
    if (!scope) return Fail(scope.error());
    return scope->session.SetPin(old_pin, new_pin);
  }

  Status Unblock(const SecureBuffer& so_pin, const SecureBuffer& new_user_pin) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&so_pin, "so_pin"}, {&new_user_pin, "new_pin"}}));
    auto scope = Login(CKU_SO, so_pin, "so_pin", true);
    if (!scope) return Fail(scope.error());
    return scope->session.InitPin(new_user_pin);
  }

  Status DeleteCertificate(const SecureBuffer& pin, std::string_view ref) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto scope = Login(CKU_USER, pin, "pin", true);
    if (!scope) return Fail(scope.error());
    auto cert = pkcs11::FindCertificate(scope->session, ref);
    if (!cert) return Fail(cert.error());
    return scope->session.DestroyObject(cert->handle);
  }

  Result<std::unique_ptr<crypto::Signer>> OpenKeySigner(const SecureBuffer& pin,
                                                        std::string_view container,
                                                        KeyUsage usage) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto mechanisms = module_->Mechanisms(slot_);
    if (!mechanisms) return Fail(mechanisms.error());
    auto scope = Login(CKU_USER, pin, "pin", true);  // R/W: see OpenSigner
    if (!scope) return Fail(scope.error());
    auto ids = ContainerIds(scope->session, container, usage);
    if (!ids) return Fail(ids.error());
    Bytes id = ids->front();
    auto keys = pkcs11::FindById(scope->session, CKO_PRIVATE_KEY, id);
    if (!keys) return Fail(keys.error());
    if (keys->empty()) {
      return Fail(ErrorCode::kNotFound, "the container's private key is missing", "container");
    }
    auto public_key = pkcs11::ReadKeyPairPublicKey(scope->session, keys->front(), id);
    if (!public_key) return Fail(public_key.error());
    scope->session.KeepLogin();
    return pkcs11::NewPkcs11Signer(std::move(scope->session), id, std::move(*public_key),
                                   std::move(*mechanisms));
  }

  Status DeleteKeyPair(const SecureBuffer& pin, std::string_view container,
                       KeyUsage usage) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto scope = Login(CKU_USER, pin, "pin", true);
    if (!scope) return Fail(scope.error());
    Session& session = scope->session;
    auto ids = ContainerIds(session, container, usage);
    if (!ids) return Fail(ids.error());
    // Certificate first, private key last: if the module fails midway, what
    // is left is still a usable key pair, never a certificate without its key.
    for (const Bytes& id : *ids) {
      for (CK_OBJECT_CLASS object_class : {CKO_CERTIFICATE, CKO_PUBLIC_KEY, CKO_PRIVATE_KEY}) {
        auto objects = pkcs11::FindById(session, object_class, id);
        if (!objects) return Fail(objects.error());
        for (CK_OBJECT_HANDLE object : *objects) {
          SEALKEY_RETURN_IF_ERROR(session.DestroyObject(object));
        }
      }
    }
    return Ok();
  }

  Result<std::string> ImportCertificate(const SecureBuffer& pin, ByteView der) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto scope = Login(CKU_USER, pin, "pin", true);
    if (!scope) return Fail(scope.error());
    return pkcs11::ImportCertificateObject(scope->session, der);
  }

  Result<GeneratedKey> GenerateKeyPair(const SecureBuffer& pin, crypto::KeyAlg alg,
                                       KeyUsage usage, std::string_view container) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto mechanisms = module_->Mechanisms(slot_);
    if (!mechanisms) return Fail(mechanisms.error());
    auto mechanism = pkcs11::KeyGenMechanism(*mechanisms, alg);
    if (!mechanism) return Fail(mechanism.error());
    auto scope = Login(CKU_USER, pin, "pin", true);
    if (!scope) return Fail(scope.error());
    return pkcs11::GenerateContainer(scope->session, *mechanism, alg, usage, container);
  }

  Result<std::unique_ptr<crypto::Signer>> OpenSigner(const SecureBuffer& pin,
                                                     std::string_view cert_ref) override {
    SEALKEY_RETURN_IF_ERROR(CheckPins({{&pin, "pin"}}));
    auto mechanisms = module_->Mechanisms(slot_);
    if (!mechanisms) return Fail(mechanisms.error());
    // R/W: while any read-only session is open, C_Login(CKU_SO) fails with
    // CKR_SESSION_READ_ONLY_EXISTS, and an open Signer must not block Unblock.
    auto scope = Login(CKU_USER, pin, "pin", true);
    if (!scope) return Fail(scope.error());
    auto cert = pkcs11::FindCertificate(scope->session, cert_ref);
    if (!cert) return Fail(cert.error());
    auto parsed = crypto::Certificate::FromDer(cert->der);
    if (!parsed) return Fail(parsed.error());
    auto public_key = parsed->PublicKeyOf();
    if (!public_key) return Fail(public_key.error());
    auto keys = cert->id.empty() ? Result<std::vector<CK_OBJECT_HANDLE>>()
                                 : pkcs11::FindById(scope->session, CKO_PRIVATE_KEY, cert->id);
    if (!keys) return Fail(keys.error());
    if (keys->empty()) {
      return Fail(ErrorCode::kNotFound,
                  "no private key on the token for certificate '" + cert->ref + "'", "ref");
    }
    scope->session.KeepLogin();
    return pkcs11::NewPkcs11Signer(std::move(scope->session), cert->id, std::move(*public_key),
                                   std::move(*mechanisms));
  }

 private:
  // The CKA_IDs of `container`'s key pair for `usage`; kNotFound when none.
  static Result<std::vector<Bytes>> ContainerIds(Session& session, std::string_view container,
                                                 KeyUsage usage) {
    auto ids = pkcs11::FindContainerKeyIds(session, container, usage);
    if (!ids) return Fail(ids.error());
    if (ids->empty()) {
      return Fail(ErrorCode::kNotFound,
                  "container '" + std::string(container) + "' has no " +
                      std::string(KeyUsageToken(usage)) + " key pair on the token",
                  "container");
    }
    return ids;
  }

  struct PinArg {
    const SecureBuffer* pin;
    std::string_view field;
  };

  Status CheckPins(std::initializer_list<PinArg> pins) {
    auto token = module_->TokenInfo(slot_);
    if (!token) return Fail(token.error());
    for (const auto& arg : pins) {
      SEALKEY_RETURN_IF_ERROR(pkcs11::CheckPinLength(*token, *arg.pin, arg.field));
    }
    return Ok();
  }

  Result<LoginScope> Login(CK_USER_TYPE user, const SecureBuffer& pin, std::string_view field,
                           bool read_write) {
    std::unique_lock<std::mutex> lock(module_->auth_mutex());
    auto session = Session::Open(module_, slot_, read_write);
    if (!session) return Fail(session.error());
    SEALKEY_RETURN_IF_ERROR(session->Login(user, pin, field));
    return LoginScope{std::move(lock), std::move(*session)};
  }

  // Whether a key pair shares CKA_ID `id`: private keys are usually hidden
  // before login, so their public key objects stand in for them.
  static Result<bool> HasKeyPair(Session& session, ByteView id) {
    if (id.empty()) return false;
    for (CK_OBJECT_CLASS object_class : {CKO_PUBLIC_KEY, CKO_PRIVATE_KEY}) {
      auto keys = pkcs11::FindById(session, object_class, id);
      if (!keys) return Fail(keys.error());
      if (!keys->empty()) return true;
    }
    return false;
  }

  std::shared_ptr<Module> module_;
  CK_SLOT_ID slot_;
  std::string module_stem_;
};

}  // namespace

Result<std::vector<std::unique_ptr<Device>>> OpenPkcs11Devices(const std::string& module_path) {
  auto module = Module::Load(module_path);
  if (!module) return Fail(module.error());
  auto slots = (*module)->SlotsWithToken();
  if (!slots) return Fail(slots.error());
  std::vector<std::unique_ptr<Device>> devices;
  for (CK_SLOT_ID slot : *slots) {
    auto token = (*module)->TokenInfo(slot);
    // A token removed since C_GetSlotList is simply not listed.
    if (!token && token.error().code == ErrorCode::kNotFound) continue;
    if (!token) return Fail(token.error());
    if (!(token->flags & CKF_TOKEN_INITIALIZED)) continue;
    devices.push_back(std::make_unique<Pkcs11Device>(*module, slot, ModuleStem(module_path)));
  }
  return devices;
}

}  // namespace sealkey::token
