// CA keys (ca_key.h): the encrypted key file and Signers over file and
// PKCS#11 keys, each proved to be the CA certificate's key before use.
#include "ca/ca_key.h"

#include <sys/stat.h>

#include <string>
#include <string_view>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "base/atomic_file.h"
#include "base/encoding.h"
#include "base/file.h"
#include "crypto/aead.h"
#include "crypto/random.h"
#include "crypto/sign.h"
#include "token/pkcs11/labelled_key.h"

namespace sealkey::ca {
namespace {

constexpr std::string_view kBegin = "-----BEGIN SEALKEY ENCRYPTED CA KEY-----";
constexpr std::string_view kEnd = "-----END SEALKEY ENCRYPTED CA KEY-----";
constexpr std::string_view kAeadHeader = "AEAD: ";
constexpr crypto::AeadAlg kDefaultAead = crypto::AeadAlg::kSm4CtrHmacSm3;
constexpr size_t kMaxKeyFile = 64 * 1024;
constexpr size_t kMaxPinFile = 1024;

// The AAD binds the sealed key to this format and to the AEAD the header
// names, so the header cannot be edited to mislabel the contents.
std::string Aad(crypto::AeadAlg alg) {
  return "sealkey-ca-key-v1:" + std::string(crypto::AeadToken(alg));
}

Status CheckKek(const SecureBuffer& kek) {
  if (kek.size() != crypto::kAeadKeySize) {
    return Fail(ErrorCode::kInvalidArgument, "the key-encryption key must be 32 bytes", "kek");
  }
  return Ok();
}

Error BadFile(const std::string& path, std::string_view what) {
  return Error{ErrorCode::kMalformed, "key_file",
               path + " is not a sealkey encrypted CA key file: " + std::string(what)};
}

struct SealedFile {
  crypto::AeadAlg alg;
  Bytes sealed;
};

// Splits the text into lines (LF or CRLF) and checks the envelope.
Result<SealedFile> ParseKeyFile(const std::string& path, std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  if (lines.size() < 4 || lines.front() != kBegin || lines.back() != kEnd) {
    return Fail(BadFile(path, "missing BEGIN/END lines"));
  }
  if (!lines[1].starts_with(kAeadHeader)) return Fail(BadFile(path, "missing AEAD header"));
  auto alg = crypto::ParseAeadAlg(lines[1].substr(kAeadHeader.size()));
  if (!alg) {
    return Fail(ErrorCode::kUnsupported,
                "unknown AEAD '" + std::string(lines[1].substr(kAeadHeader.size())) + "'",
                "key_file");
  }
  std::string body;
  for (size_t i = 2; i + 1 < lines.size(); ++i) body.append(lines[i]);
  auto sealed = Base64Decode(body);
  if (!sealed) return Fail(BadFile(path, "bad base64: " + sealed.error().message));
  return SealedFile{*alg, std::move(*sealed)};
}

// A Signer over a key read from a key file; it owns the key, which is freed
// (and OpenSSL clears its private components) with the Signer. Only
// OpenCaSigner makes one, and only returns it once the key is proved to be
// the CA certificate's (IsProvenKeyFileSigner relies on that).
class KeyFileSigner final : public crypto::Signer {
 public:
  explicit KeyFileSigner(crypto::PrivateKey key) : key_(std::move(key)) {}
  crypto::KeyType key_type() const override { return key_.type(); }
  Result<Bytes> Sign(ByteView msg, const crypto::SignOptions& options) override {
    return crypto::SignMessage(key_, msg, options);
  }
  const crypto::PrivateKey& key() const { return key_; }

 private:
  const crypto::PrivateKey key_;
};

Error Mismatch(std::string_view detail) {
  return Error{ErrorCode::kVerifyFailed, "key",
               "the CA key is not the CA certificate's key: " + std::string(detail)};
}

// Proof that `signer` holds the private key of `expected`: a signature over a
// fresh message that verifies under `expected`. Catches an HSM whose public
// key object does not belong to its private key, and wrong keys generally.
Status ProveKey(crypto::Signer& signer, const crypto::PublicKey& expected) {
  if (signer.key_type() != expected.type()) return Fail(Mismatch("another key type"));
  Bytes msg = ToBytes("sealkey CA key check ");
  Bytes nonce = crypto::RandomBytes(16);
  msg.insert(msg.end(), nonce.begin(), nonce.end());
  auto sig = signer.Sign(msg, crypto::SignOptions{});
  if (!sig) return Fail(sig.error());
  if (!crypto::VerifyMessage(expected, msg, *sig, crypto::SignOptions{})) {
    return Fail(Mismatch("a test signature does not verify"));
  }
  return Ok();
}

// The user PIN from `path`: one line, trailing line break removed. A file
// that group or others may read is refused, as ssh refuses such key files.
Result<SecureBuffer> ReadPinFile(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return Fail(ErrorCode::kNotFound, "cannot stat the PIN file " + path, "pin_file");
  }
  if ((st.st_mode & 077) != 0) {
    return Fail(ErrorCode::kPermissionDenied,
                "the PIN file " + path + " may be read by others (chmod 600 it)", "pin_file");
  }
  auto raw = ReadFile(path, "pin_file", kMaxPinFile);
  if (!raw) return Fail(raw.error());
  size_t len = raw->size();
  while (len > 0 && ((*raw)[len - 1] == '\n' || (*raw)[len - 1] == '\r')) --len;
  SecureBuffer pin(ByteView(raw->data(), len));
  OPENSSL_cleanse(raw->data(), raw->size());
  if (pin.empty()) return Fail(ErrorCode::kInvalidArgument, "the PIN file is empty", "pin_file");
  return pin;
}

Status Required(const std::string& value, const char* field) {
  if (value.empty()) return Fail(ErrorCode::kInvalidArgument, "is required", field);
  return Ok();
}

}  // namespace

Status WriteEncryptedKey(const std::string& path, const crypto::PrivateKey& key,
                         const SecureBuffer& kek) {
  SEALKEY_RETURN_IF_ERROR(CheckKek(kek));
  auto pkcs8 = key.ToPkcs8Der();
  if (!pkcs8) return Fail(pkcs8.error());
  auto sealed = crypto::AeadSeal(kDefaultAead, kek.span(), AsBytes(Aad(kDefaultAead)),
                                 pkcs8->span());
  if (!sealed) return Fail(sealed.error());
  std::string b64 = Base64Encode(*sealed);
  std::string text = std::string(kBegin) + "\n" + std::string(kAeadHeader) +
                     std::string(crypto::AeadToken(kDefaultAead)) + "\n";
  for (size_t i = 0; i < b64.size(); i += 64) text += b64.substr(i, 64) + "\n";
  text += std::string(kEnd) + "\n";
  return WriteFileAtomic(path, AsBytes(text), 0600);
}

Result<crypto::PrivateKey> ReadEncryptedKey(const std::string& path, const SecureBuffer& kek) {
  SEALKEY_RETURN_IF_ERROR(CheckKek(kek));
  auto text = ReadFile(path, "key_file", kMaxKeyFile);
  if (!text) return Fail(text.error());
  auto file = ParseKeyFile(path, AsChars(*text));
  if (!file) return Fail(file.error());
  auto plain = crypto::AeadOpen(file->alg, kek.span(), AsBytes(Aad(file->alg)), file->sealed);
  if (!plain) {
    return Fail(ErrorCode::kVerifyFailed,
                path + " does not open with this key-encryption key (wrong KEK or altered file)",
                "key_file");
  }
  return crypto::PrivateKey::FromPkcs8Der(plain->span());
}

Result<std::unique_ptr<crypto::Signer>> OpenCaSigner(const CaKeyLocation& where,
                                                     const SecureBuffer& kek,
                                                     const crypto::PublicKey& expected) {
  std::unique_ptr<crypto::Signer> signer;
  if (where.kind == "file") {
    SEALKEY_RETURN_IF_ERROR(Required(where.path, "path"));
    auto key = ReadEncryptedKey(where.path, kek);
    if (!key) return Fail(key.error());
    auto pub = key->Public();
    if (!pub) return Fail(pub.error());
    if (!pub->Equals(expected)) return Fail(Mismatch("the key file holds another key"));
    signer = std::make_unique<KeyFileSigner>(std::move(*key));
  } else if (where.kind == "pkcs11") {
    SEALKEY_RETURN_IF_ERROR(Required(where.path, "path"));
    SEALKEY_RETURN_IF_ERROR(Required(where.token_label, "token_label"));
    SEALKEY_RETURN_IF_ERROR(Required(where.key_label, "key_label"));
    SEALKEY_RETURN_IF_ERROR(Required(where.pin_file, "pin_file"));
    auto pin = ReadPinFile(where.pin_file);
    if (!pin) return Fail(pin.error());
    auto opened =
        token::OpenPkcs11KeyByLabel(where.path, where.token_label, where.key_label, *pin, expected);
    if (!opened) return Fail(opened.error());
    signer = std::move(*opened);
  } else {
    return Fail(ErrorCode::kInvalidArgument,
                "unknown CA key kind '" + where.kind + "' (expected file or pkcs11)", "kind");
  }
  SEALKEY_RETURN_IF_ERROR(ProveKey(*signer, expected));
  return signer;
}

bool IsProvenKeyFileSigner(const crypto::Signer* signer, const crypto::PublicKey& ca_key) {
  const auto* file = dynamic_cast<const KeyFileSigner*>(signer);
  // EVP_PKEY_eq compares the public components (and the curve).
  return file != nullptr && file->key().type() == ca_key.type() &&
         EVP_PKEY_eq(file->key().get(), ca_key.get()) == 1;
}

}  // namespace sealkey::ca
