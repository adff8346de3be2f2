// External PKCS#11 tokens as sealkey devices, against the real SoftHSM v2
// module (Debian softhsm2): every test gets a fresh token directory, a token
// made by softhsm2-util, and a freshly loaded module.
#include "token/pkcs11/pkcs11_device.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "crypto/sign.h"
#include "crypto/x509.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"

namespace sealkey::token {
namespace {

using testing::RunCommand;

constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
constexpr char kUserPin[] = "123456";
constexpr char kSoPin[] = "12345678";

SecureBuffer Pin(std::string_view pin) { return SecureBuffer::FromString(pin); }

class SoftHsmTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kSoftHsmModule)) GTEST_SKIP() << "SoftHSM is not installed";
    std::filesystem::create_directory(dir_.File("tokens"));
    std::string conf = "directories.tokendir = " + dir_.File("tokens") +
                       "\nobjectstore.backend = file\nlog.level = ERROR\n";
    testing::WriteFile(dir_.File("softhsm2.conf"), AsBytes(conf));
    // Read by softhsm2-util and by the module's C_Initialize.
    setenv("SOFTHSM2_CONF", dir_.File("softhsm2.conf").c_str(), 1);
    auto init = RunCommand({"softhsm2-util", "--init-token", "--free", "--label", "sealkey-test",
                            "--pin", kUserPin, "--so-pin", kSoPin});
    ASSERT_EQ(init.exit_code, 0) << init.out << init.err;

    auto devices = OpenPkcs11Devices(kSoftHsmModule);
    ASSERT_OK(devices);
    // SoftHSM's spare uninitialised slot is not a device.
    ASSERT_EQ(devices->size(), 1u);
    device_ = std::move(devices->front());

    auto ca_key = crypto::PrivateKey::Generate(crypto::KeyAlg::kEcP256);
    ASSERT_OK(ca_key);
    ca_key_.emplace(std::move(*ca_key));
    crypto::CertificateTemplate ca;
    ca.subject = {{"C", "CN"}, {"O", "sealkey test"}, {"CN", "Test CA"}};
    ca.not_before = std::time(nullptr) - 60;
    ca.not_after = ca.not_before + 86400;
    ca.is_ca = true;
    auto ca_cert = crypto::SelfSign(*ca_key_, ca);
    ASSERT_OK(ca_cert);
    ca_cert_.emplace(std::move(*ca_cert));
  }

  // A certificate from the in-memory CA for a key that lives in the token.
  Result<crypto::Certificate> Issue(const crypto::PublicKey& key, const std::string& cn,
                                    crypto::CertUsage usage = crypto::CertUsage::kSigning) {
    crypto::CertificateTemplate tmpl;
    tmpl.subject = {{"C", "CN"}, {"CN", cn}};
    tmpl.not_before = std::time(nullptr) - 60;
    tmpl.not_after = tmpl.not_before + 86400;
    tmpl.usage = usage;
    return crypto::IssueCertificate(tmpl, key, *ca_key_, &*ca_cert_);
  }

  struct Container {
    std::string ref;
    Bytes der;
  };
  // Generates a key pair in the token and imports a certificate for it.
  Result<Container> MakeContainer(crypto::KeyAlg alg, const std::string& name) {
    auto key = device_->GenerateKeyPair(Pin(kUserPin), alg, KeyUsage::kSign, name);
    if (!key) return Fail(key.error());
    auto cert = Issue(key->public_key, name);
    if (!cert) return Fail(cert.error());
    auto ref = device_->ImportCertificate(Pin(kUserPin), cert->Der());
    if (!ref) return Fail(ref.error());
    return Container{*ref, cert->Der()};
  }

  testing::TempDir dir_;  // outlives device_: the module is unloaded first
  std::unique_ptr<Device> device_;
  std::optional<crypto::PrivateKey> ca_key_;
  std::optional<crypto::Certificate> ca_cert_;
};

TEST_F(SoftHsmTest, ListsTheTokenWithLabelAndSerial) {
  auto info = device_->Info();
  ASSERT_OK(info);
  EXPECT_EQ(info->kind, DeviceKind::kPkcs11);
  EXPECT_EQ(info->label, "sealkey-test");
  EXPECT_EQ(info->manufacturer, "SoftHSM project");
  EXPECT_EQ(info->model, "SoftHSM v2");
  ASSERT_EQ(info->serial.size(), 16u);
  EXPECT_EQ(info->id, "pkcs11:libsofthsm2:" + info->serial);
  EXPECT_EQ(info->user_pin.state, PinState::kOk);
  EXPECT_EQ(info->user_pin.tries_left, -1);
  EXPECT_EQ(info->so_pin.state, PinState::kOk);
  EXPECT_EQ(info->certificate_count, 0u);
  // The serial is the one SoftHSM's own tool shows.
  auto slots = RunCommand({"softhsm2-util", "--show-slots"});
  ASSERT_EQ(slots.exit_code, 0) << slots.err;
  EXPECT_NE(slots.out.find("Serial number:    " + info->serial), std::string::npos) << slots.out;
}

class SoftHsmKeyTest : public SoftHsmTest,
                       public ::testing::WithParamInterface<crypto::KeyAlg> {};

TEST_P(SoftHsmKeyTest, GeneratedKeyGetsCertificateAndSigns) {
  const crypto::KeyAlg alg = GetParam();
  auto key = device_->GenerateKeyPair(Pin(kUserPin), alg, KeyUsage::kSign, "signing key");
  ASSERT_OK(key);
  EXPECT_EQ(key->container, "signing key");
  EXPECT_EQ(key->public_key.type(),
            alg == crypto::KeyAlg::kEcP256 ? crypto::KeyType::kEcP256 : crypto::KeyType::kRsa);
  EXPECT_EQ(key->public_key.bits(), alg == crypto::KeyAlg::kEcP256 ? 256 : 2048);

  auto cert = Issue(key->public_key, "张三");
  ASSERT_OK(cert);
  auto ref = device_->ImportCertificate(Pin(kUserPin), cert->Der());
  ASSERT_OK(ref);

  auto certs = device_->ListCertificates();
  ASSERT_OK(certs);
  ASSERT_EQ(certs->size(), 1u);
  const CertificateEntry& entry = certs->front();
  EXPECT_EQ(entry.ref, *ref);
  EXPECT_EQ(entry.ref.size(), 32u);  // 16-byte CKA_ID in hex
  EXPECT_TRUE(entry.has_private_key);
  EXPECT_EQ(entry.container, "signing key");
  EXPECT_EQ(entry.usage, KeyUsage::kSign);
  EXPECT_EQ(entry.der, cert->Der());
  EXPECT_EQ(device_->Info()->certificate_count, 1u);

  auto signer = device_->OpenSigner(Pin(kUserPin), *ref);
  ASSERT_OK(signer);
  EXPECT_EQ((*signer)->key_type(), key->public_key.type());
  auto cert_key = cert->PublicKeyOf();
  ASSERT_OK(cert_key);
  const Bytes msg = ToBytes("电子签章 PKCS#11 test message");
  Bytes tampered = msg;
  tampered.back() ^= 1;

  std::vector<crypto::SignOptions> variants(2);
  variants[1].hash = crypto::HashAlg::kSha384;
  if (alg != crypto::KeyAlg::kEcP256) {
    variants.emplace_back().rsa_pss = true;
    variants.emplace_back().rsa_pss = true;
    variants.back().hash = crypto::HashAlg::kSha512;
  }
  for (const auto& options : variants) {
    SCOPED_TRACE(std::string(crypto::HashName(options.hash)) + (options.rsa_pss ? " PSS" : ""));
    auto sig = (*signer)->Sign(msg, options);
    ASSERT_OK(sig);
    EXPECT_OK(crypto::VerifyMessage(*cert_key, msg, *sig, options));
    EXPECT_ERROR_CODE(crypto::VerifyMessage(*cert_key, tampered, *sig, options),
                      ErrorCode::kVerifyFailed);
  }
  if (alg != crypto::KeyAlg::kEcP256) {
    // The padding really differs: a PSS signature is no PKCS#1 v1.5 one.
    crypto::SignOptions pss;
    pss.rsa_pss = true;
    auto sig = (*signer)->Sign(msg, pss);
    ASSERT_OK(sig);
    EXPECT_ERROR_CODE(crypto::VerifyMessage(*cert_key, msg, *sig, {}), ErrorCode::kVerifyFailed);
  } else {
    crypto::SignOptions pss;
    pss.rsa_pss = true;
    EXPECT_ERROR_CODE((*signer)->Sign(msg, pss), ErrorCode::kInvalidArgument);
  }
}

INSTANTIATE_TEST_SUITE_P(Algorithms, SoftHsmKeyTest,
                         ::testing::Values(crypto::KeyAlg::kEcP256, crypto::KeyAlg::kRsa2048),
                         [](const auto& info) { return std::string(crypto::KeyAlgToken(info.param)); });

TEST_F(SoftHsmTest, EncryptionKeyPairIsListedWithItsUsage) {
  auto key = device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kRsa2048,
                                      KeyUsage::kEncrypt, "");
  ASSERT_OK(key);
  EXPECT_EQ(key->container.size(), 32u);  // unnamed: the hex CKA_ID
  auto cert = Issue(key->public_key, "encryption", crypto::CertUsage::kEncryption);
  ASSERT_OK(cert);
  auto ref = device_->ImportCertificate(Pin(kUserPin), cert->Der());
  ASSERT_OK(ref);
  EXPECT_EQ(*ref, key->container);
  auto certs = device_->ListCertificates();
  ASSERT_OK(certs);
  ASSERT_EQ(certs->size(), 1u);
  EXPECT_EQ(certs->front().usage, KeyUsage::kEncrypt);
  EXPECT_EQ(certs->front().container, key->container);
}

TEST_F(SoftHsmTest, CertificateWithoutKeyIsStandAlone) {
  auto ref = device_->ImportCertificate(Pin(kUserPin), ca_cert_->Der());
  ASSERT_OK(ref);
  EXPECT_EQ(ref->size(), 40u);  // SHA-1 of the key bits
  auto certs = device_->ListCertificates();
  ASSERT_OK(certs);
  ASSERT_EQ(certs->size(), 1u);
  EXPECT_FALSE(certs->front().has_private_key);
  EXPECT_EQ(certs->front().container, "");
  EXPECT_FALSE(certs->front().usage.has_value());
  EXPECT_EQ(certs->front().der, ca_cert_->Der());
  EXPECT_ERROR_CODE(device_->OpenSigner(Pin(kUserPin), *ref), ErrorCode::kNotFound);

  EXPECT_ERROR_CODE(device_->ImportCertificate(Pin(kUserPin), ca_cert_->Der()),
                    ErrorCode::kAlreadyExists);
  EXPECT_ERROR_CODE(device_->ImportCertificate(Pin(kUserPin), ToBytes("not a certificate")),
                    ErrorCode::kMalformed);
  EXPECT_EQ(device_->ListCertificates()->size(), 1u);
}

TEST_F(SoftHsmTest, ContainerHoldsOneKeyPairPerUsageAndOneCertificateEach) {
  auto container = MakeContainer(crypto::KeyAlg::kEcP256, "dual");
  ASSERT_OK(container);
  EXPECT_ERROR_CODE(device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kEcP256,
                                             KeyUsage::kSign, "dual"),
                    ErrorCode::kAlreadyExists);
  // Dual certificates: the encryption pair joins the same container.
  auto encryption = device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kRsa2048,
                                             KeyUsage::kEncrypt, "dual");
  ASSERT_OK(encryption);
  auto encryption_cert =
      Issue(encryption->public_key, "dual", crypto::CertUsage::kEncryption);
  ASSERT_OK(encryption_cert);
  ASSERT_OK(device_->ImportCertificate(Pin(kUserPin), encryption_cert->Der()));
  auto certs = device_->ListCertificates();
  ASSERT_OK(certs);
  ASSERT_EQ(certs->size(), 2u);
  for (const auto& entry : *certs) {
    EXPECT_EQ(entry.container, "dual");
    EXPECT_EQ(entry.usage, entry.ref == container->ref ? KeyUsage::kSign : KeyUsage::kEncrypt);
  }

  // A second certificate for a key pair that already has one is refused.
  auto key = crypto::Certificate::FromDer(container->der)->PublicKeyOf();
  ASSERT_OK(key);
  auto renewed = Issue(*key, "renewed");
  ASSERT_OK(renewed);
  EXPECT_ERROR_CODE(device_->ImportCertificate(Pin(kUserPin), renewed->Der()),
                    ErrorCode::kAlreadyExists);
}

TEST_F(SoftHsmTest, DeleteKeyPairRemovesKeysAndCertificate) {
  auto container = MakeContainer(crypto::KeyAlg::kEcP256, "dual");
  ASSERT_OK(container);
  ASSERT_OK(device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kEcP256, KeyUsage::kEncrypt,
                                     "dual"));
  EXPECT_ERROR_CODE(device_->DeleteKeyPair(Pin("000000"), "dual", KeyUsage::kSign),
                    ErrorCode::kPinIncorrect);
  EXPECT_EQ(device_->ListCertificates()->size(), 1u);

  ASSERT_OK(device_->DeleteKeyPair(Pin(kUserPin), "dual", KeyUsage::kSign));
  EXPECT_TRUE(device_->ListCertificates()->empty());
  EXPECT_ERROR_CODE(device_->DeleteKeyPair(Pin(kUserPin), "dual", KeyUsage::kSign),
                    ErrorCode::kNotFound);
  // The signing pair is really gone (its name is free again); the
  // encryption pair is untouched.
  EXPECT_OK(device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kEcP256, KeyUsage::kSign,
                                     "dual"));
  EXPECT_ERROR_CODE(device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kEcP256,
                                             KeyUsage::kEncrypt, "dual"),
                    ErrorCode::kAlreadyExists);
  EXPECT_OK(device_->DeleteKeyPair(Pin(kUserPin), "dual", KeyUsage::kEncrypt));
}

TEST_F(SoftHsmTest, Sm2NeedsVendorMechanismsSoftHsmLacks) {
  auto key = device_->GenerateKeyPair(Pin(kUserPin), crypto::KeyAlg::kSm2, KeyUsage::kSign, "");
  ASSERT_FALSE(key.has_value());
  EXPECT_EQ(key.error().code, ErrorCode::kUnsupported);
  EXPECT_NE(key.error().message.find("CKM_VENDOR_DEFINED+0x8001"), std::string::npos)
      << key.error().message;
}

TEST_F(SoftHsmTest, WrongPinIsIncorrectAndSoftHsmFlagsCountLow) {
  auto wrong = device_->VerifyPin(Pin("654321"));
  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code, ErrorCode::kPinIncorrect);
  EXPECT_EQ(wrong.error().field, "pin");
  EXPECT_NE(wrong.error().message.find("C_Login"), std::string::npos) << wrong.error().message;
  EXPECT_NE(wrong.error().message.find("CKR_PIN_INCORRECT"), std::string::npos);
  EXPECT_NE(wrong.error().message.find("few tries remain"), std::string::npos);
  EXPECT_EQ(device_->Info()->user_pin.state, PinState::kCountLow);

  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));
  EXPECT_EQ(device_->Info()->user_pin.state, PinState::kOk);
}

TEST_F(SoftHsmTest, ChangedPinReplacesTheOldOne) {
  EXPECT_ERROR_CODE(device_->ChangePin(Pin("000000"), Pin("24681357")),
                    ErrorCode::kPinIncorrect);
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));
  ASSERT_OK(device_->ChangePin(Pin(kUserPin), Pin("24681357")));
  EXPECT_ERROR_CODE(device_->VerifyPin(Pin(kUserPin)), ErrorCode::kPinIncorrect);
  EXPECT_OK(device_->VerifyPin(Pin("24681357")));
}

// SoftHSM v2 keeps no PIN retry counter: wrong PINs only set
// CKF_USER_PIN_COUNT_LOW, and the PIN never locks. Unblock still works.
TEST_F(SoftHsmTest, SoftHsmNeverLocksAndSoPinUnblocks) {
  for (int i = 0; i < 12; ++i) {
    EXPECT_ERROR_CODE(device_->VerifyPin(Pin("999999")), ErrorCode::kPinIncorrect);
  }
  auto info = device_->Info();
  ASSERT_OK(info);
  EXPECT_EQ(info->user_pin.state, PinState::kCountLow);
  EXPECT_NE(info->user_pin.state, PinState::kLocked);
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));

  auto wrong_so = device_->Unblock(Pin("87654321"), Pin("13572468"));
  ASSERT_FALSE(wrong_so.has_value());
  EXPECT_EQ(wrong_so.error().code, ErrorCode::kPinIncorrect);
  EXPECT_EQ(wrong_so.error().field, "so_pin");
  EXPECT_NE(wrong_so.error().message.find("SO PIN"), std::string::npos);
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));  // a failed Unblock changes nothing

  ASSERT_OK(device_->Unblock(Pin(kSoPin), Pin("13572468")));
  EXPECT_ERROR_CODE(device_->VerifyPin(Pin(kUserPin)), ErrorCode::kPinIncorrect);
  EXPECT_OK(device_->VerifyPin(Pin("13572468")));
}

TEST_F(SoftHsmTest, BadPinLengthIsInvalidArgument) {
  struct Case {
    Status status;
    std::string field;
  };
  Case cases[] = {
      {device_->VerifyPin(Pin("12")), "pin"},
      {device_->VerifyPin(Pin("")), "pin"},
      {device_->VerifyPin(Pin(std::string(256, '1'))), "pin"},
      {device_->ChangePin(Pin(kUserPin), Pin("1")), "new_pin"},
      {device_->Unblock(Pin("123"), Pin("13572468")), "so_pin"},
      {device_->Unblock(Pin(kSoPin), Pin("1")), "new_pin"},
  };
  for (const auto& c : cases) {
    ASSERT_FALSE(c.status.has_value());
    EXPECT_EQ(c.status.error().code, ErrorCode::kInvalidArgument) << c.status.error().ToString();
    EXPECT_EQ(c.status.error().field, c.field);
  }
  // None of them reached C_Login, so none counted as a wrong PIN.
  EXPECT_EQ(device_->Info()->user_pin.state, PinState::kOk);
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));
}

TEST_F(SoftHsmTest, DeleteCertificateRemovesIt) {
  auto container = MakeContainer(crypto::KeyAlg::kEcP256, "to delete");
  ASSERT_OK(container);
  EXPECT_ERROR_CODE(device_->DeleteCertificate(Pin("000000"), container->ref),
                    ErrorCode::kPinIncorrect);
  EXPECT_EQ(device_->ListCertificates()->size(), 1u);

  ASSERT_OK(device_->DeleteCertificate(Pin(kUserPin), container->ref));
  auto certs = device_->ListCertificates();
  ASSERT_OK(certs);
  EXPECT_TRUE(certs->empty());
  EXPECT_ERROR_CODE(device_->DeleteCertificate(Pin(kUserPin), container->ref),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(device_->OpenSigner(Pin(kUserPin), container->ref), ErrorCode::kNotFound);
}

TEST_F(SoftHsmTest, SignerKeepsItsLoginButPinsAreStillChecked) {
  auto container = MakeContainer(crypto::KeyAlg::kEcP256, "held");
  ASSERT_OK(container);
  auto signer = device_->OpenSigner(Pin(kUserPin), container->ref);
  ASSERT_OK(signer);
  const Bytes msg = ToBytes("still logged in");

  // Other operations log in and out around the open signer.
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));
  ASSERT_OK(device_->ListCertificates());
  EXPECT_OK((*signer)->Sign(msg, {}));

  // An existing login must not let a wrong PIN through; checking it ends
  // the signer's login (pkcs11_device.h).
  EXPECT_ERROR_CODE(device_->VerifyPin(Pin("000000")), ErrorCode::kPinIncorrect);
  auto after = (*signer)->Sign(msg, {});
  ASSERT_FALSE(after.has_value());
  EXPECT_EQ(after.error().code, ErrorCode::kPermissionDenied) << after.error().ToString();

  signer->reset();
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));
  EXPECT_ERROR_CODE(device_->OpenSigner(Pin(kUserPin), "00ff"), ErrorCode::kNotFound);
}

TEST_F(SoftHsmTest, UnblockWorksWhileASignerIsOpen) {
  auto container = MakeContainer(crypto::KeyAlg::kEcP256, "busy");
  ASSERT_OK(container);
  auto signer = device_->OpenSigner(Pin(kUserPin), container->ref);
  ASSERT_OK(signer);
  ASSERT_OK(device_->Unblock(Pin(kSoPin), Pin("13572468")));
  EXPECT_ERROR_CODE((*signer)->Sign(ToBytes("after unblock"), {}), ErrorCode::kPermissionDenied);
  signer->reset();
  EXPECT_OK(device_->VerifyPin(Pin("13572468")));
  auto renewed = device_->OpenSigner(Pin("13572468"), container->ref);
  ASSERT_OK(renewed);
  EXPECT_OK((*renewed)->Sign(ToBytes("after unblock"), {}));
}

TEST_F(SoftHsmTest, ModuleLoadedTwiceIsShared) {
  auto again = OpenPkcs11Devices(kSoftHsmModule);
  ASSERT_OK(again);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->front()->Info()->id, device_->Info()->id);
  again->clear();
  EXPECT_OK(device_->VerifyPin(Pin(kUserPin)));
}

TEST(Pkcs11ModuleTest, BadModulePathIsNamed) {
  const std::string missing = "/nonexistent/libnot-a-module.so";
  auto devices = OpenPkcs11Devices(missing);
  ASSERT_FALSE(devices.has_value());
  EXPECT_EQ(devices.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(devices.error().field, "module");
  EXPECT_NE(devices.error().message.find(missing), std::string::npos) << devices.error().message;

  testing::TempDir dir;
  const std::string fake = dir.File("fake-pkcs11.so");
  testing::WriteFile(fake, ToBytes("not an ELF file"));
  devices = OpenPkcs11Devices(fake);
  ASSERT_FALSE(devices.has_value());
  EXPECT_EQ(devices.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(devices.error().message.find(fake), std::string::npos) << devices.error().message;
}

}  // namespace
}  // namespace sealkey::token
