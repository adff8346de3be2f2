// FileDevice: seal images (D10) and PKCS#12 import.
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "crypto/ossl.h"
#include "crypto/ossl_error.h"
#include "crypto/x509.h"
#include "token/file/file_device.h"
#include "token/file/objects.h"
#include "token/file/transaction.h"

namespace sealkey::token::file {

namespace {

constexpr size_t kMaxSealImage = 1 << 20;

// Content sniffing: only PNG and JPEG images are accepted as seals.
std::string SniffImage(ByteView b) {
  static const uint8_t kPng[] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};
  if (b.size() > 8 && std::equal(kPng, kPng + 8, b.begin())) return "image/png";
  if (b.size() > 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff) return "image/jpeg";
  return "";
}

}  // namespace

Result<std::vector<SealEntry>> FileDevice::ListSeals() {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  std::vector<SealEntry> out;
  for (const auto& o : txn->state().objects) {
    if (o.cls != ObjectClass::kSeal) continue;
    // Sealed size minus the AEAD overhead is the image size.
    size_t overhead = txn->state().aead == crypto::AeadAlg::kAes256Gcm ? 28 : 48;
    out.push_back({o.ref, o.name, o.mime, o.value.size() - overhead});
  }
  return out;
}

Result<std::string> FileDevice::WriteSeal(const SecureBuffer& pin, std::string_view name,
                                          ByteView image) {
  if (name.empty() || name.size() > 128) {
    return Fail(ErrorCode::kInvalidArgument, "must be 1 to 128 bytes", "name");
  }
  if (image.size() > kMaxSealImage) {
    return Fail(ErrorCode::kInvalidArgument, "larger than 1 MiB", "image");
  }
  std::string mime = SniffImage(image);
  if (mime.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "is not a PNG or JPEG image", "image");
  }
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  DeviceState& s = txn->state();
  for (const auto& o : s.objects) {
    if (o.cls == ObjectClass::kSeal && o.name == name) {
      return Fail(ErrorCode::kAlreadyExists, "a seal named '" + std::string(name) + "' exists",
                  "name");
    }
  }
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  StoredObject seal;
  seal.ref = NewRef(s);
  seal.cls = ObjectClass::kSeal;
  seal.name = std::string(name);
  seal.mime = mime;
  seal.is_private = true;
  auto sealed = crypto::AeadSeal(s.aead, master->span(), ObjectAad(s, seal.ref), image);
  if (!sealed) return Fail(sealed.error());
  seal.value = std::move(*sealed);
  std::string ref = seal.ref;
  s.objects.push_back(std::move(seal));
  SEALKEY_RETURN_IF_ERROR(txn->Commit(true));
  return ref;
}

Result<Bytes> FileDevice::ReadSeal(const SecureBuffer& pin, std::string_view ref) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  DeviceState& s = txn->state();
  const StoredObject* seal = nullptr;
  for (const auto& o : s.objects) {
    if (o.cls == ObjectClass::kSeal && (o.ref == ref || o.name == ref)) seal = &o;
  }
  if (!seal) return Fail(ErrorCode::kNotFound, "no seal " + std::string(ref), "seal");
  std::string seal_ref = seal->ref;
  Bytes sealed = seal->value;
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  auto image = crypto::AeadOpen(s.aead, master->span(), ObjectAad(s, seal_ref), sealed);
  if (!image) {
    return Fail(ErrorCode::kMalformed, "the seal object is damaged: " + image.error().message,
                "device");
  }
  return Bytes(image->span().begin(), image->span().end());
}

Status FileDevice::DeleteSeal(const SecureBuffer& pin, std::string_view ref) {
  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto matches = [&](const StoredObject& o) {
    return o.cls == ObjectClass::kSeal && (o.ref == ref || o.name == ref);
  };
  auto& objs = txn->state().objects;
  if (std::none_of(objs.begin(), objs.end(), matches)) {
    return Fail(ErrorCode::kNotFound, "no seal " + std::string(ref), "seal");
  }
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  std::erase_if(txn->state().objects, matches);
  return txn->Commit();
}

Result<std::string> FileDevice::ImportPkcs12(const SecureBuffer& pin, ByteView p12_der,
                                             const SecureBuffer& password) {
  const unsigned char* p = p12_der.data();
  PKCS12* p12 = d2i_PKCS12(nullptr, &p, static_cast<long>(p12_der.size()));
  if (!p12) {
    return Fail(crypto::OpensslError(ErrorCode::kMalformed, "not a PKCS#12 file", "file"));
  }
  std::string pass(password.view());  // OpenSSL wants a NUL-terminated string
  EVP_PKEY* raw_key = nullptr;
  X509* raw_cert = nullptr;
  STACK_OF(X509)* chain = nullptr;
  int ok = PKCS12_parse(p12, pass.c_str(), &raw_key, &raw_cert, &chain);
  OPENSSL_cleanse(pass.data(), pass.size());
  PKCS12_free(p12);
  crypto::UniquePtr<EVP_PKEY> pkey(raw_key);
  crypto::UniquePtr<X509> cert(raw_cert);
  std::vector<crypto::Certificate> ca;
  for (int i = 0; chain && i < sk_X509_num(chain); ++i) {
    ca.push_back(crypto::Certificate::Adopt(crypto::UniquePtr<X509>(sk_X509_value(chain, i))));
  }
  sk_X509_free(chain);
  if (ok != 1) {
    return Fail(crypto::OpensslError(ErrorCode::kVerifyFailed,
                                     "wrong PKCS#12 password or damaged file", "password"));
  }
  if (!pkey || !cert) {
    return Fail(ErrorCode::kInvalidArgument, "the PKCS#12 file holds no key and certificate",
                "file");
  }
  if (X509_check_private_key(cert.get(), pkey.get()) != 1) {
    crypto::ClearOpensslErrors();
    return Fail(ErrorCode::kInvalidArgument, "the key does not match the certificate", "file");
  }
  auto key = crypto::PrivateKey::Adopt(std::move(pkey));
  if (!key) return Fail(key.error());
  crypto::Certificate leaf = crypto::Certificate::Adopt(std::move(cert));
  crypto::CertUsage cu = leaf.Info().usage;
  KeyUsage usage = cu == crypto::CertUsage::kEncryption ? KeyUsage::kEncrypt : KeyUsage::kSign;

  auto txn = Transaction::Begin(dir_);
  if (!txn) return Fail(txn.error());
  auto master = txn->Unlock(PinKind::kUser, pin);
  if (!master) return Fail(master.error());
  DeviceState& s = txn->state();
  SEALKEY_RETURN_IF_ERROR(StoreKeyPair(s, *master, *key, "p12-" + NewRef(s).substr(0, 8), usage));
  auto ref = StoreCertificate(s, leaf);
  if (!ref) return Fail(ref.error());
  for (const auto& c : ca) {
    auto added = StoreCertificate(s, c);  // a chain certificate already present is fine
    if (!added && added.error().code != ErrorCode::kAlreadyExists) return Fail(added.error());
  }
  SEALKEY_RETURN_IF_ERROR(txn->Commit(true));
  return *ref;
}

}  // namespace sealkey::token::file
