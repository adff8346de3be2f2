// GM/T 0009 SM2EnvelopedKey: round trip, the structure as openssl sees it,
// rejection of misdirected, altered and malformed envelopes, and the file
// device's ImportEnvelopedKey (dual certificates, STANDARDS.md 3).
#include <filesystem>
#include <map>

#include <gtest/gtest.h>

#include "base/der.h"
#include "crypto/cipher.h"
#include "crypto/random.h"
#include "crypto/sm2.h"
#include "crypto/sm2_envelope.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"
#include "token/file/device_state.h"
#include "token/file/file_device.h"

namespace sealkey::crypto {
namespace {

constexpr uint8_t kOidSm4Ecb[] = {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x68, 0x01};
constexpr uint8_t kOidSm4Cbc[] = {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x68, 0x02};

PrivateKey NewSm2() { return std::move(*PrivateKey::Generate(KeyAlg::kSm2)); }
Bytes PointOf(const PrivateKey& k) { return *k.Public()->EcPoint(); }

Bytes RandomScalar() {
  for (;;) {
    Bytes d = RandomBytes(32);
    if (PrivateKey::FromScalar(KeyType::kSm2, d)) return d;
  }
}

// A hand-assembled envelope, for forms BuildSm2EnvelopedKey does not write.
Bytes Assemble(const PublicKey& recipient, ByteView point, ByteView d_plain,
               ByteView oid = kOidSm4Ecb, bool null_params = false) {
  SecureBuffer k = RandomSecret(kSm4KeySize);
  Bytes sym = *Sm2Encrypt(recipient, k.span(), Sm2CipherFormat::kAsn1);
  Bytes enc = *Sm4EcbEncrypt(k.span(), d_plain);
  Bytes alg = null_params ? der::Sequence({der::Tlv(der::kOid, oid), der::Tlv(der::kNull, {})})
                          : der::Sequence({der::Tlv(der::kOid, oid)});
  return der::Sequence({alg, sym, der::BitString(point), der::BitString(enc)});
}

// Where the fields of an envelope lie.
struct Layout {
  size_t sym_end = 0;   // one past the SM2Cipher (its last 16 bytes are C2)
  size_t pub = 0;       // first byte of 04||X||Y
  size_t enc_d = 0;     // first byte of the encrypted d
};
Layout LayoutOf(ByteView der) {
  der::Reader outer(der);
  auto seq = *outer.ReadSequence();
  EXPECT_TRUE(seq.Read(der::kSequence));
  ByteView sym = *seq.ReadRaw(der::kSequence);
  ByteView pub = *seq.ReadBitStringBytes();
  ByteView d = *seq.ReadBitStringBytes();
  auto at = [&](ByteView v) { return static_cast<size_t>(v.data() - der.data()); };
  return {at(sym) + sym.size(), at(pub), at(d)};
}

class Sm2EnvelopeTest : public ::testing::Test {
 protected:
  Result<PrivateKey> Open(ByteView der, const PublicKey* expected = nullptr) {
    return OpenSm2EnvelopedKey(der, signing_, expected);
  }
  Bytes Flipped(size_t at, uint8_t mask = 0x01) {
    Bytes b = der_;
    b.at(at) ^= mask;
    return b;
  }

  PrivateKey signing_ = NewSm2();
  PublicKey signing_pub_ = *signing_.Public();
  PrivateKey enc_ = NewSm2();
  PublicKey enc_pub_ = *enc_.Public();
  Bytes der_ = *BuildSm2EnvelopedKey(enc_, signing_pub_);
};

TEST_F(Sm2EnvelopeTest, RoundTrip) {
  auto key = Open(der_, &enc_pub_);
  ASSERT_OK(key);
  EXPECT_EQ(PointOf(*key), PointOf(enc_));
  auto cipher = Sm2Encrypt(enc_pub_, AsBytes("secret"));
  ASSERT_OK(cipher);
  auto plain = Sm2Decrypt(*key, *cipher);
  ASSERT_OK(plain);
  EXPECT_EQ(plain->view(), "secret");
  EXPECT_NE(*BuildSm2EnvelopedKey(enc_, signing_pub_), der_);  // a fresh SM4 key each time
}

TEST_F(Sm2EnvelopeTest, OpensslSeesTheFourFields) {
  testing::TempDir tmp;
  testing::WriteFile(tmp.File("env.der"), der_);
  auto r = testing::RunCommand({"openssl", "asn1parse", "-inform", "DER", "-in",
                                tmp.File("env.der")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> top, inner;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    std::string line = r.out.substr(start, end - start);
    if (line.find("d=1 ") != std::string::npos) top.push_back(line);
    if (line.find("d=2 ") != std::string::npos) inner.push_back(line);
    start = end + 1;
  }
  ASSERT_EQ(top.size(), 4u) << r.out;
  EXPECT_NE(top[0].find("SEQUENCE"), std::string::npos) << r.out;
  EXPECT_NE(top[1].find("SEQUENCE"), std::string::npos) << r.out;
  EXPECT_NE(top[2].find("l=  66 prim: BIT STRING"), std::string::npos) << r.out;
  EXPECT_NE(top[3].find("l=  33 prim: BIT STRING"), std::string::npos) << r.out;
  ASSERT_EQ(inner.size(), 5u) << r.out;  // OID; x, y, C3, C2
  EXPECT_NE(inner[0].find(":sm4-ecb"), std::string::npos) << r.out;
  EXPECT_NE(inner[1].find("INTEGER"), std::string::npos) << r.out;
  EXPECT_NE(inner[2].find("INTEGER"), std::string::npos) << r.out;
  EXPECT_NE(inner[3].find("l=  32 prim: OCTET STRING"), std::string::npos) << r.out;
  EXPECT_NE(inner[4].find("l=  16 prim: OCTET STRING"), std::string::npos) << r.out;
}

TEST_F(Sm2EnvelopeTest, WrongRecipientIsRefused) {
  PrivateKey other = NewSm2();
  EXPECT_ERROR_CODE(OpenSm2EnvelopedKey(der_, other), ErrorCode::kVerifyFailed);
}

TEST_F(Sm2EnvelopeTest, MismatchingExpectedKeyIsRefused) {
  PublicKey stranger = *NewSm2().Public();
  auto key = Open(der_, &stranger);
  EXPECT_ERROR_CODE(key, ErrorCode::kVerifyFailed);
  EXPECT_EQ(key.error().field, "certificate");
  PublicKey p256 = *PrivateKey::Generate(KeyAlg::kEcP256)->Public();
  EXPECT_ERROR_CODE(Open(der_, &p256), ErrorCode::kVerifyFailed);
}

TEST_F(Sm2EnvelopeTest, EachKindOfTamperIsRefused) {
  Layout l = LayoutOf(der_);
  EXPECT_ERROR_CODE(Open(Flipped(l.sym_end - 1)), ErrorCode::kVerifyFailed);   // C2
  EXPECT_ERROR_CODE(Open(Flipped(l.sym_end - 19)), ErrorCode::kVerifyFailed);  // C3
  EXPECT_ERROR_CODE(Open(Flipped(l.pub + 1)), ErrorCode::kVerifyFailed);       // X
  EXPECT_ERROR_CODE(Open(Flipped(l.pub + 64)), ErrorCode::kVerifyFailed);      // Y
  EXPECT_ERROR_CODE(Open(Flipped(l.enc_d)), ErrorCode::kVerifyFailed);         // block 1
  EXPECT_ERROR_CODE(Open(Flipped(l.enc_d + 31)), ErrorCode::kVerifyFailed);    // block 2
  // Every single-bit and whole-byte change anywhere is an error, never a key.
  for (size_t i = 0; i < der_.size(); ++i) {
    for (uint8_t mask : {0x01, 0x80, 0xff}) {
      auto key = Open(Flipped(i, mask));
      EXPECT_FALSE(key) << "byte " << i << " ^ " << int(mask) << " was accepted";
    }
  }
}

TEST_F(Sm2EnvelopeTest, TruncatedOrExtendedIsMalformed) {
  for (size_t n = 0; n < der_.size(); ++n) {
    auto key = Open(ByteView(der_).first(n));
    ASSERT_FALSE(key) << n;
    EXPECT_EQ(key.error().code, ErrorCode::kMalformed) << n << ": " << key.error().ToString();
  }
  Bytes trailing = der_;
  trailing.push_back(0x00);
  auto key = Open(trailing);
  EXPECT_ERROR_CODE(key, ErrorCode::kMalformed);
  EXPECT_EQ(key.error().field, "envelope");
  // A fifth field inside the SEQUENCE.
  der::Reader outer(der_);
  ByteView body = *outer.Read(der::kSequence);
  Bytes extra = der::Tlv(der::kSequence, Concat({body, der::Tlv(der::kNull, {})}));
  EXPECT_ERROR_CODE(Open(extra), ErrorCode::kMalformed);
}

TEST_F(Sm2EnvelopeTest, PaddedScalarAndNullParametersAreAccepted) {
  Bytes d = RandomScalar();
  Bytes point = PointOf(*PrivateKey::FromScalar(KeyType::kSm2, d));
  Bytes padded = Concat({Bytes(32, 0), d});
  for (bool null_params : {false, true}) {
    auto key = Open(Assemble(signing_pub_, point, padded, kOidSm4Ecb, null_params));
    ASSERT_OK(key);
    EXPECT_EQ(PointOf(*key), point);
  }
  ASSERT_OK(Open(Assemble(signing_pub_, point, d, kOidSm4Ecb, true)));
  // Non-zero padding, other lengths, another algorithm, a compressed point.
  Bytes dirty = padded;
  dirty[0] = 1;
  EXPECT_ERROR_CODE(Open(Assemble(signing_pub_, point, dirty)), ErrorCode::kVerifyFailed);
  EXPECT_ERROR_CODE(Open(Assemble(signing_pub_, point, Concat({Bytes(16, 0), d}))),
                    ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(Open(Assemble(signing_pub_, point, d, kOidSm4Cbc)), ErrorCode::kUnsupported);
  Bytes compressed(point.begin(), point.begin() + 33);
  compressed[0] = 0x02 | (point[64] & 1);
  EXPECT_ERROR_CODE(Open(Assemble(signing_pub_, compressed, d)), ErrorCode::kMalformed);
  // A key that is not [d]G, and a scalar outside [1, n-2].
  EXPECT_ERROR_CODE(Open(Assemble(signing_pub_, PointOf(enc_), d)), ErrorCode::kVerifyFailed);
  EXPECT_ERROR_CODE(Open(Assemble(signing_pub_, point, Bytes(32, 0))),
                    ErrorCode::kVerifyFailed);
}

TEST_F(Sm2EnvelopeTest, OnlySm2Keys) {
  PrivateKey p256 = *PrivateKey::Generate(KeyAlg::kEcP256);
  EXPECT_ERROR_CODE(BuildSm2EnvelopedKey(p256, signing_pub_), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(BuildSm2EnvelopedKey(enc_, *p256.Public()), ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(OpenSm2EnvelopedKey(der_, p256), ErrorCode::kInvalidArgument);
}

// --- The file device: ImportEnvelopedKey.

using token::KeyUsage;
using token::file::FileDevice;

SecureBuffer Pin(const char* s = "123456") { return SecureBuffer::FromString(s); }

class EnvelopeImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    token::file::CreateParams p;
    p.label = "dual";
    p.user_pin = Pin();
    p.so_pin = Pin("87654321");
    p.kdf.alg = KdfParams::Alg::kPbkdf2Sm3;
    p.kdf.iterations = 1000;
    auto d = FileDevice::Create(tmp_.File("dev"), p);
    ASSERT_OK(d);
    dev_ = std::move(*d);
    auto gen = dev_->GenerateKeyPair(Pin(), KeyAlg::kSm2, KeyUsage::kSign, "dual");
    ASSERT_OK(gen);
    signing_pub_.emplace(std::move(gen->public_key));
    CertificateTemplate ca;
    ca.subject = *ParseDistinguishedName("/C=CN/CN=Throwaway CA");
    ca.not_before = 1'700'000'000;
    ca.not_after = 4'000'000'000;
    ca.is_ca = true;
    auto ca_cert = SelfSign(ca_key_, ca);
    ASSERT_OK(ca_cert);
    ca_cert_.emplace(std::move(*ca_cert));
    ASSERT_OK(dev_->ImportCertificate(Pin(), Issue(*signing_pub_, CertUsage::kSigning).Der()));
    enc_cert_ = Issue(*enc_.Public(), CertUsage::kEncryption).Der();
  }

  Certificate Issue(const PublicKey& key, CertUsage usage) {
    CertificateTemplate t;
    t.subject = *ParseDistinguishedName("/C=CN/CN=张三");
    t.not_before = 1'700'000'000;
    t.not_after = 4'000'000'000;
    t.usage = usage;
    auto cert = IssueCertificate(t, key, ca_key_, &*ca_cert_);
    EXPECT_OK(cert);
    return std::move(*cert);
  }

  // Every file of the device directory, byte for byte.
  std::map<std::string, Bytes> Snapshot() {
    std::map<std::string, Bytes> out;
    for (const auto& e : std::filesystem::directory_iterator(dev_->dir())) {
      out[e.path().filename()] = testing::ReadFileOrDie(e.path());
    }
    return out;
  }

  testing::TempDir tmp_;
  std::unique_ptr<FileDevice> dev_;
  std::optional<PublicKey> signing_pub_;
  PrivateKey ca_key_ = NewSm2();
  std::optional<Certificate> ca_cert_;
  PrivateKey enc_ = NewSm2();
  Bytes enc_cert_;
};

TEST_F(EnvelopeImportTest, StoresThePairBesideTheSigningKey) {
  Bytes env = *BuildSm2EnvelopedKey(enc_, *signing_pub_);
  auto ref = dev_->ImportEnvelopedKey(Pin(), "dual", env, enc_cert_);
  ASSERT_OK(ref);
  auto certs = dev_->ListCertificates();
  ASSERT_OK(certs);
  ASSERT_EQ(certs->size(), 2u);
  std::map<KeyUsage, token::CertificateEntry> by_usage;
  for (auto& c : *certs) {
    EXPECT_EQ(c.container, "dual");
    EXPECT_TRUE(c.has_private_key);
    ASSERT_TRUE(c.usage);
    by_usage[*c.usage] = c;
  }
  ASSERT_EQ(by_usage.count(KeyUsage::kEncrypt), 1u);
  EXPECT_EQ(by_usage[KeyUsage::kEncrypt].ref, *ref);
  EXPECT_EQ(by_usage[KeyUsage::kEncrypt].der, enc_cert_);
  EXPECT_EQ(by_usage.count(KeyUsage::kSign), 1u);

  // The medium's encryption key decrypts what is encrypted to the certificate.
  auto master = dev_->UnlockMasterKey(false, Pin());
  ASSERT_OK(master);
  auto state = dev_->ReadState();
  ASSERT_OK(state);
  const token::file::StoredObject* stored = nullptr;
  for (const auto& o : state->objects) {
    if (o.cls == token::file::ObjectClass::kPrivateKey && o.usage == KeyUsage::kEncrypt) {
      EXPECT_EQ(o.container, "dual");
      EXPECT_TRUE(o.is_private);
      stored = &o;
    }
  }
  ASSERT_NE(stored, nullptr);
  auto pkcs8 = FileDevice::OpenPrivate(*state, *master, *stored);
  ASSERT_OK(pkcs8);
  auto key = PrivateKey::FromPkcs8Der(pkcs8->span());
  ASSERT_OK(key);
  auto cert_key = Certificate::FromDer(enc_cert_)->PublicKeyOf();
  auto cipher = Sm2Encrypt(*cert_key, AsBytes("for the encryption key"));
  auto plain = Sm2Decrypt(*key, *cipher);
  ASSERT_OK(plain);
  EXPECT_EQ(plain->view(), "for the encryption key");

  // A second import into the same container is refused.
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin(), "dual", env, enc_cert_),
                    ErrorCode::kAlreadyExists);
}

TEST_F(EnvelopeImportTest, TamperedEnvelopeChangesNothing) {
  Bytes env = *BuildSm2EnvelopedKey(enc_, *signing_pub_);
  Layout l = LayoutOf(env);
  auto before = Snapshot();
  for (size_t at : {l.sym_end - 1, l.pub + 7, l.enc_d + 3}) {
    Bytes bad = env;
    bad[at] ^= 0x01;
    EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin(), "dual", bad, enc_cert_),
                      ErrorCode::kVerifyFailed);
    EXPECT_EQ(Snapshot(), before) << "tamper at " << at;
  }
  // The envelope is fine but the certificate is for another key.
  Bytes stranger = Issue(*NewSm2().Public(), CertUsage::kEncryption).Der();
  auto r = dev_->ImportEnvelopedKey(Pin(), "dual", env, stranger);
  EXPECT_ERROR_CODE(r, ErrorCode::kVerifyFailed);
  EXPECT_EQ(r.error().field, "certificate");
  EXPECT_EQ(Snapshot(), before);
  EXPECT_EQ(dev_->Info()->user_pin.tries_left, 6);
}

TEST_F(EnvelopeImportTest, WrongPinChangesOnlyTheCounter) {
  Bytes env = *BuildSm2EnvelopedKey(enc_, *signing_pub_);
  auto before = Snapshot();
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin("654321"), "dual", env, enc_cert_),
                    ErrorCode::kPinIncorrect);
  EXPECT_EQ(dev_->ListCertificates()->size(), 1u);
  EXPECT_EQ(dev_->Info()->user_pin.tries_left, 5);
  ASSERT_OK(dev_->VerifyPin(Pin()));  // gives the try back
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(EnvelopeImportTest, EnvelopeForAnotherContainerIsRefused) {
  auto other = dev_->GenerateKeyPair(Pin(), KeyAlg::kSm2, KeyUsage::kSign, "other");
  ASSERT_OK(other);
  Bytes env = *BuildSm2EnvelopedKey(enc_, other->public_key);
  auto before = Snapshot();
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin(), "dual", env, enc_cert_),
                    ErrorCode::kVerifyFailed);
  EXPECT_EQ(Snapshot(), before);
  // Into its own container it goes.
  EXPECT_OK(dev_->ImportEnvelopedKey(Pin(), "other", env, enc_cert_));
}

TEST_F(EnvelopeImportTest, RefusedBeforeThePin) {
  Bytes env = *BuildSm2EnvelopedKey(enc_, *signing_pub_);
  Bytes signing_cert = Issue(*enc_.Public(), CertUsage::kSigning).Der();
  auto before = Snapshot();
  // No PIN is spent on requests that cannot succeed.
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin("654321"), "dual", env, signing_cert),
                    ErrorCode::kInvalidArgument);
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin("654321"), "nope", env, enc_cert_),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin("654321"), "dual", env, AsBytes("junk")),
                    ErrorCode::kMalformed);
  EXPECT_EQ(Snapshot(), before);
  auto p256 = dev_->GenerateKeyPair(Pin(), KeyAlg::kEcP256, KeyUsage::kSign, "p256");
  ASSERT_OK(p256);
  before = Snapshot();
  EXPECT_ERROR_CODE(dev_->ImportEnvelopedKey(Pin("654321"), "p256", env, enc_cert_),
                    ErrorCode::kUnsupported);
  EXPECT_EQ(Snapshot(), before);
}

}  // namespace
}  // namespace sealkey::crypto
