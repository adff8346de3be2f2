// FileDevice: key pairs, certificates and signing.
#include <algorithm>

#include "crypto/sm2_envelope.h"
#include "crypto/x509.h"
#include "token/file/file_device.h"
#include "token/file/objects.h"
#include "token/file/transaction.h"

namespace sealkey::token::file {
namespace {

// A private key opened inside the device for the life of one signing job.
class FileKeySigner final : public crypto::Signer {
 public:
  explicit FileKeySigner(crypto::PrivateKey key) : key_(std::move(key)) {}
  crypto::KeyType key_type() const override { return key_.type(); }
  Result<Bytes> Sign(ByteView msg, const crypto::SignOptions& options) override {
    return crypto::SignMessage(key_, msg, options);
  }

 private:
  crypto::PrivateKey key_;
};

bool ValidContainerName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

StoredObject* FindObject(DeviceState& s, ObjectClass cls, std::string_view ref) {
  for (auto& o : s.objects) {
    if (o.cls == cls && o.ref == ref) return &o;
  }
  return nullptr;
}

StoredObject* FindKey(DeviceState& s, ObjectClass cls, std::string_view container,
                      std::optional<KeyUsage> usage) {
  for (auto& o : s.objects) {
    if (o.cls == cls && o.container == container && o.usage == usage) return &o;
  }
  return nullptr;
}

}  // namespace

std::string NewObjectRef(const DeviceState& s) { return NewRef(s); }

Status StoreKeyPair(DeviceState& s, const SecureBuffer& master, const crypto::PrivateKey& key,
                    const std::string& container, KeyUsage usage, const Bytes& id,
                    const std::string& label) {
  auto pkcs8 = key.ToPkcs8Der();
  if (!pkcs8) return Fail(pkcs8.error());
  auto pub = key.Public();
  if (!pub) return Fail(pub.error());
  StoredObject priv;
  priv.ref = NewRef(s);
  priv.cls = ObjectClass::kPrivateKey;
  priv.container = container;
  priv.usage = usage;
  priv.id = id;
  priv.name = label;
  priv.is_private = true;
  auto sealed = crypto::AeadSeal(s.aead, master.span(), ObjectAad(s, priv.ref), pkcs8->span());
  if (!sealed) return Fail(sealed.error());
  priv.value = std::move(*sealed);
  s.objects.push_back(std::move(priv));
  StoredObject pubo;
  pubo.ref = NewRef(s);
  pubo.cls = ObjectClass::kPublicKey;
  pubo.container = container;
  pubo.usage = usage;
  pubo.id = id;
  pubo.name = label;
  pubo.value = pub->ToDer();
  s.objects.push_back(std::move(pubo));
  return Ok();
}

Result<std::string> StoreCertificate(DeviceState& s, const crypto::Certificate& cert,
                                     const Bytes& id, const std::string& label) {
  Bytes der = cert.Der();
  for (const auto& o : s.objects) {
    if (o.cls == ObjectClass::kCertificate && o.value == der) {
      return Fail(ErrorCode::kAlreadyExists, "this certificate is already on the device",
                  "certificate");
    }
  }
  auto pub = cert.PublicKeyOf();
  Bytes spki = pub ? pub->ToDer() : Bytes{};
  StoredObject c;
  c.ref = NewRef(s);
  c.cls = ObjectClass::kCertificate;
  c.value = std::move(der);
  c.id = id;
  c.name = label;
  for (const auto& o : s.objects) {
    if (o.cls == ObjectClass::kPublicKey && o.value == spki) {
      c.container = o.container;
      c.usage = o.usage;
      if (c.id.empty()) c.id = o.id;  // keep the pair's CKA_ID
    }
  }
  if (!c.container.empty()) {
    std::erase_if(s.objects, [&](const StoredObject& o) {
      return o.cls == ObjectClass::kCertificate && o.container == c.container &&
             o.usage == c.usage;
    });
  }
  std::string ref = c.ref;
  s.objects.push_back(std::move(c));
  return ref;
}

Result<std::vector<CertificateEntry>> FileDevice::ListCertificates() {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  DeviceState& s = txn->state();
  std::vector<CertificateEntry> out;
  for (const auto& o : s.objects) {
    if (o.cls != ObjectClass::kCertificate) continue;
    CertificateEntry e;
    e.ref = o.ref;
    e.container = o.container;
    e.usage = o.usage;
    e.has_private_key =
        !o.container.empty() && FindKey(s, ObjectClass::kPrivateKey, o.container, o.usage);
    e.der = o.value;
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::string> FileDevice::ImportCertificate(const SecureBuffer& pin, ByteView data) {
  auto cert = crypto::Certificate::Parse(data);
  if (!cert) return Fail(cert.error());
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  auto ref = StoreCertificate(txn->state(), *cert);
  if (!ref) return Fail(ref.error());
  SEALKEY_RETURN_IF_ERROR(txn->Commit(true));
  return *ref;
}

Status FileDevice::DeleteCertificate(const SecureBuffer& pin, std::string_view ref) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  if (!FindObject(txn->state(), ObjectClass::kCertificate, ref)) {
    return Fail(ErrorCode::kNotFound, "no certificate " + std::string(ref) + " on this device",
                "certificate");
  }
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  std::erase_if(txn->state().objects, [&](const StoredObject& o) {
    return o.cls == ObjectClass::kCertificate && o.ref == ref;
  });
  return txn->Commit();
}

Status FileDevice::DeleteKeyPair(const SecureBuffer& pin, std::string_view container,
                                 KeyUsage usage) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  if (!FindKey(txn->state(), ObjectClass::kPrivateKey, container, usage)) {
    return Fail(ErrorCode::kNotFound, "no such key pair on this device", "container");
  }
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  std::erase_if(txn->state().objects, [&](const StoredObject& o) {
    return o.container == container && o.usage == usage;
  });
  return txn->Commit();
}

Result<GeneratedKey> FileDevice::GenerateKeyPair(const SecureBuffer& pin, crypto::KeyAlg alg,
                                                 KeyUsage usage, std::string_view container) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  DeviceState& s = txn->state();
  std::string name(container);
  if (name.empty()) name = "key-" + NewRef(s).substr(0, 8);
  if (!ValidContainerName(name)) {
    return Fail(ErrorCode::kInvalidArgument,
                "must be 1-64 characters of letters, digits, '.', '_' or '-'", "container");
  }
  if (FindKey(s, ObjectClass::kPrivateKey, name, usage)) {
    return Fail(ErrorCode::kAlreadyExists,
                "container " + name + " already has a " + std::string(KeyUsageToken(usage)) +
                    " key pair",
                "container");
  }
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  auto key = crypto::PrivateKey::Generate(alg);
  if (!key) return Fail(key.error());
  SEALKEY_RETURN_IF_ERROR(StoreKeyPair(s, *master, *key, name, usage));
  SEALKEY_RETURN_IF_ERROR(txn->Commit(true));
  auto pub = key->Public();
  if (!pub) return Fail(pub.error());
  return GeneratedKey{name, std::move(*pub)};
}

Result<std::unique_ptr<crypto::Signer>> FileDevice::OpenSigner(const SecureBuffer& pin,
                                                               std::string_view cert_ref) {
  std::string container;
  std::optional<KeyUsage> usage;
  {
    auto txn = Transaction::Begin(dir_);
    if (!txn) return Fail(txn.error());
    StoredObject* cert = FindObject(txn->state(), ObjectClass::kCertificate, cert_ref);
    if (!cert) {
      return Fail(ErrorCode::kNotFound,
                  "no certificate " + std::string(cert_ref) + " on this device", "certificate");
    }
    container = cert->container;
    usage = cert->usage;
  }
  if (container.empty() || !usage) {
    return Fail(ErrorCode::kNotFound, "this certificate has no private key on the device",
                "certificate");
  }
  return OpenKeySigner(pin, container, *usage);
}

Result<std::unique_ptr<crypto::Signer>> FileDevice::OpenKeySigner(const SecureBuffer& pin,
                                                                  std::string_view container,
                                                                  KeyUsage usage) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  DeviceState& s = txn->state();
  StoredObject* priv = FindKey(s, ObjectClass::kPrivateKey, container, usage);
  if (!priv) {
    return Fail(ErrorCode::kNotFound, "no private key for this certificate on the device",
                "certificate");
  }
  std::string priv_ref = priv->ref;
  Bytes sealed = priv->value;
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  auto pkcs8 = crypto::AeadOpen(s.aead, master->span(), ObjectAad(s, priv_ref), sealed);
  if (!pkcs8) {
    return Fail(ErrorCode::kMalformed,
                "the private key object is damaged: " + pkcs8.error().message, "device");
  }
  auto key = crypto::PrivateKey::FromPkcs8Der(pkcs8->span());
  if (!key) return Fail(key.error());
  return std::unique_ptr<crypto::Signer>(new FileKeySigner(std::move(*key)));
}

Result<std::string> FileDevice::ImportEnvelopedKey(const SecureBuffer& pin,
                                                   std::string_view container, ByteView envelope,
                                                   ByteView encryption_cert) {
  auto cert = crypto::Certificate::Parse(encryption_cert);
  if (!cert) return Fail(cert.error());
  if (cert->Info().usage != crypto::CertUsage::kEncryption) {
    return Fail(ErrorCode::kInvalidArgument, "is not an encryption certificate", "certificate");
  }
  auto cert_key = cert->PublicKeyOf();
  if (!cert_key) return Fail(cert_key.error());
  if (cert_key->type() != crypto::KeyType::kSm2) {
    return Fail(ErrorCode::kUnsupported, "enveloped keys are SM2; the certificate's key is not",
                "certificate");
  }
  Bytes cert_der = cert->Der();
  Bytes cert_spki = cert_key->ToDer();

  // Everything that needs no PIN is checked first, so a refused import does
  // not spend a PIN try.
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  DeviceState& s = txn->state();
  StoredObject* sign_pub = FindKey(s, ObjectClass::kPublicKey, container, KeyUsage::kSign);
  StoredObject* sign_priv = FindKey(s, ObjectClass::kPrivateKey, container, KeyUsage::kSign);
  if (!sign_pub || !sign_priv) {
    return Fail(ErrorCode::kNotFound,
                "container " + std::string(container) + " has no signing key pair", "container");
  }
  auto sign_key_pub = crypto::PublicKey::FromDer(sign_pub->value);
  if (!sign_key_pub) return Fail(sign_key_pub.error());
  if (sign_key_pub->type() != crypto::KeyType::kSm2) {
    return Fail(ErrorCode::kUnsupported, "enveloped keys need an SM2 signing key", "container");
  }
  if (FindKey(s, ObjectClass::kPrivateKey, container, KeyUsage::kEncrypt) ||
      FindKey(s, ObjectClass::kPublicKey, container, KeyUsage::kEncrypt)) {
    return Fail(ErrorCode::kAlreadyExists,
                "container " + std::string(container) + " already has an encryption key pair",
                "container");
  }
  for (const auto& o : s.objects) {
    if (o.cls == ObjectClass::kCertificate && o.value == cert_der) {
      return Fail(ErrorCode::kAlreadyExists, "this certificate is already on the device",
                  "certificate");
    }
    if (o.cls == ObjectClass::kPublicKey && o.value == cert_spki) {
      return Fail(ErrorCode::kAlreadyExists, "this key pair is already on the device",
                  "certificate");
    }
  }
  StoredObject sealed_signing = *sign_priv;  // Unlock commits; keep a copy

  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  auto pkcs8 = OpenPrivate(s, *master, sealed_signing);
  if (!pkcs8) return Fail(pkcs8.error());
  auto signing_key = crypto::PrivateKey::FromPkcs8Der(pkcs8->span());
  if (!signing_key) return Fail(signing_key.error());
  auto key = crypto::OpenSm2EnvelopedKey(envelope, *signing_key, &*cert_key);
  if (!key) return Fail(key.error());

  SEALKEY_RETURN_IF_ERROR(
      StoreKeyPair(s, *master, *key, std::string(container), KeyUsage::kEncrypt));
  auto ref = StoreCertificate(s, *cert);
  if (!ref) return Fail(ref.error());
  SEALKEY_RETURN_IF_ERROR(txn->Commit(true));
  return *ref;
}

}  // namespace sealkey::token::file
