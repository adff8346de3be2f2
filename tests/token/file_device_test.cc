// File device (soft token): PINs and retry counters, objects, seals,
// PKCS#12, corruption and crash safety.
#include <csignal>
#include <filesystem>
#include <random>

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "base/file.h"
#include "crypto/x509_build.h"
#include "testutil/testutil.h"
#include "token/file/file_device.h"

namespace sealkey::token::file {
namespace {

SecureBuffer Pin(const char* s) { return SecureBuffer::FromString(s); }

CreateParams Params(crypto::KdfParams::Alg alg = crypto::KdfParams::Alg::kPbkdf2Sm3) {
  CreateParams p;
  p.label = "测试设备";
  p.user_pin = Pin("123456");
  p.so_pin = Pin("87654321");
  p.kdf.alg = alg;
  p.kdf.iterations = 1000;  // the fast end of the allowed range, for tests
  p.kdf.mem = 8ull << 20;
  p.kdf.ops = 1;
  return p;
}

class FileDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = FileDevice::Create(Dir(), Params());
    ASSERT_OK(d);
    dev_ = std::move(*d);
  }
  std::string Dir() { return tmp_.File("dev"); }

  // Generates a key in the device and installs a certificate for it, issued
  // by an in-memory CA. Returns the certificate's ref.
  std::string Enroll(crypto::KeyAlg alg, const char* cn) {
    auto gen = dev_->GenerateKeyPair(Pin("123456"), alg, KeyUsage::kSign, "");
    EXPECT_OK(gen);
    auto ca_key = crypto::PrivateKey::Generate(crypto::KeyAlg::kSm2);
    crypto::CertificateTemplate t;
    t.subject = *crypto::ParseDistinguishedName(std::string("/C=CN/CN=") + cn);
    t.not_before = 1'700'000'000;
    t.not_after = 4'000'000'000;
    auto cert = crypto::IssueCertificate(t, gen->public_key, *ca_key, nullptr);
    EXPECT_OK(cert);
    auto ref = dev_->ImportCertificate(Pin("123456"), cert->Der());
    EXPECT_OK(ref);
    return *ref;
  }

  testing::TempDir tmp_;
  std::unique_ptr<FileDevice> dev_;
};

TEST(FileDeviceCreateTest, PolicyErrorsNameTheField) {
  testing::TempDir tmp;
  struct Case { const char* user; const char* so; const char* field; };
  for (Case c : {Case{"12345", "87654321", "pin"}, Case{"11111111", "87654321", "pin"},
                 Case{"12345678901234567", "87654321", "pin"}, Case{"123456", "123", "so_pin"},
                 Case{"123456", "123456", "so_pin"}}) {
    CreateParams p = Params();
    p.user_pin = Pin(c.user);
    p.so_pin = Pin(c.so);
    auto d = FileDevice::Create(tmp.File("d"), p);
    ASSERT_FALSE(d) << c.user;
    EXPECT_EQ(d.error().field, c.field) << d.error().ToString();
    EXPECT_FALSE(std::filesystem::exists(tmp.File("d")));
  }
  CreateParams p = Params();
  p.label = "";
  EXPECT_EQ(FileDevice::Create(tmp.File("d"), p).error().field, "label");
}

TEST(FileDeviceCreateTest, Argon2idAndAesGcmDevicesWork) {
  testing::TempDir tmp;
  CreateParams p = Params(crypto::KdfParams::Alg::kArgon2id);
  p.aead = crypto::AeadAlg::kAes256Gcm;
  auto d = FileDevice::Create(tmp.File("d"), p);
  ASSERT_OK(d);
  EXPECT_OK((*d)->VerifyPin(Pin("123456")));
  EXPECT_ERROR_CODE((*d)->VerifyPin(Pin("654321")), ErrorCode::kPinIncorrect);
  auto text = ReadFile(tmp.File("d/device.skd"));
  EXPECT_NE(AsChars(*text).find("\"aes-256-gcm\""), std::string_view::npos);
  EXPECT_NE(AsChars(*text).find("\"argon2id\""), std::string_view::npos);
}

TEST_F(FileDeviceTest, InfoDescribesTheDevice) {
  auto info = dev_->Info();
  ASSERT_OK(info);
  EXPECT_EQ(info->kind, DeviceKind::kFile);
  EXPECT_EQ(info->label, "测试设备");
  EXPECT_EQ(info->serial.size(), 16u);
  EXPECT_EQ(info->id, "file:" + info->serial);
  EXPECT_EQ(info->user_pin.state, PinState::kOk);
  EXPECT_EQ(info->user_pin.tries_left, 6);
  EXPECT_EQ(info->certificate_count, 0u);
}

TEST_F(FileDeviceTest, WrongPinsCountDownLockAndUnblock) {
  for (int left = 5; left >= 1; --left) {
    auto st = dev_->VerifyPin(Pin("000000"));
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, ErrorCode::kPinIncorrect);
    EXPECT_NE(st.error().message.find(std::to_string(left) + (left == 1 ? " try" : " tries")),
              std::string::npos) << st.error().message;
  }
  EXPECT_EQ(dev_->Info()->user_pin.state, PinState::kFinalTry);
  EXPECT_ERROR_CODE(dev_->VerifyPin(Pin("000000")), ErrorCode::kPinLocked);
  // Locked: even the right PIN is refused, without consuming anything.
  EXPECT_ERROR_CODE(dev_->VerifyPin(Pin("123456")), ErrorCode::kPinLocked);
  EXPECT_EQ(dev_->Info()->user_pin.state, PinState::kLocked);
  // A wrong SO PIN counts down the SO counter, not the user one.
  EXPECT_ERROR_CODE(dev_->Unblock(Pin("99999999"), Pin("654321")), ErrorCode::kPinIncorrect);
  EXPECT_EQ(dev_->Info()->so_pin.tries_left, 5);
  ASSERT_OK(dev_->Unblock(Pin("87654321"), Pin("654321")));
  EXPECT_EQ(dev_->Info()->so_pin.tries_left, 6);
  EXPECT_EQ(dev_->Info()->user_pin.state, PinState::kOk);
  EXPECT_OK(dev_->VerifyPin(Pin("654321")));
  EXPECT_ERROR_CODE(dev_->VerifyPin(Pin("123456")), ErrorCode::kPinIncorrect);
}

TEST_F(FileDeviceTest, RightPinRestoresTheCounter) {
  EXPECT_FALSE(dev_->VerifyPin(Pin("000000")));
  EXPECT_EQ(dev_->Info()->user_pin.state, PinState::kCountLow);
  EXPECT_OK(dev_->VerifyPin(Pin("123456")));
  EXPECT_EQ(dev_->Info()->user_pin.tries_left, 6);
}

TEST_F(FileDeviceTest, ChangePin) {
  EXPECT_EQ(dev_->ChangePin(Pin("123456"), Pin("1")).error().field, "new_pin");
  EXPECT_ERROR_CODE(dev_->ChangePin(Pin("000000"), Pin("24681357")), ErrorCode::kPinIncorrect);
  ASSERT_OK(dev_->ChangePin(Pin("123456"), Pin("24681357")));
  EXPECT_OK(dev_->VerifyPin(Pin("24681357")));
  EXPECT_ERROR_CODE(dev_->VerifyPin(Pin("123456")), ErrorCode::kPinIncorrect);
}

TEST_F(FileDeviceTest, KeysCertificatesAndSigning) {
  for (auto alg : {crypto::KeyAlg::kSm2, crypto::KeyAlg::kEcP256, crypto::KeyAlg::kRsa2048}) {
    std::string ref = Enroll(alg, "张三");
    auto signer = dev_->OpenSigner(Pin("123456"), ref);
    ASSERT_OK(signer);
    auto sig = (*signer)->Sign(AsBytes("合同"), {});
    ASSERT_OK(sig);
    auto certs = dev_->ListCertificates();
    auto it = std::find_if(certs->begin(), certs->end(), [&](auto& c) { return c.ref == ref; });
    ASSERT_NE(it, certs->end());
    EXPECT_TRUE(it->has_private_key);
    auto cert = crypto::Certificate::FromDer(it->der);
    EXPECT_OK(crypto::VerifyMessage(*cert->PublicKeyOf(), AsBytes("合同"), *sig));
    EXPECT_FALSE(crypto::VerifyMessage(*cert->PublicKeyOf(), AsBytes("合 同"), *sig));
  }
  EXPECT_EQ(dev_->Info()->certificate_count, 3u);
  // The private key never appears in clear in the file.
  auto file = ReadFile(Dir() + "/device.skd");
  EXPECT_EQ(AsChars(*file).find("PRIVATE"), std::string_view::npos);
}

TEST_F(FileDeviceTest, CertificateErrorsAndDeletion) {
  std::string ref = Enroll(crypto::KeyAlg::kEcP256, "李四");
  auto der = dev_->ListCertificates()->at(0).der;
  EXPECT_ERROR_CODE(dev_->ImportCertificate(Pin("123456"), der), ErrorCode::kAlreadyExists);
  EXPECT_ERROR_CODE(dev_->ImportCertificate(Pin("123456"), AsBytes("junk")),
                    ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(dev_->DeleteCertificate(Pin("123456"), "nope"), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(dev_->DeleteCertificate(Pin("000000"), ref), ErrorCode::kPinIncorrect);
  EXPECT_EQ(dev_->ListCertificates()->size(), 1u);
  ASSERT_OK(dev_->DeleteCertificate(Pin("123456"), ref));
  EXPECT_EQ(dev_->ListCertificates()->size(), 0u);
  EXPECT_ERROR_CODE(dev_->OpenSigner(Pin("123456"), ref), ErrorCode::kNotFound);
}

TEST_F(FileDeviceTest, SealsNeedThePinToRead) {
  Bytes png = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4};
  EXPECT_EQ(dev_->WriteSeal(Pin("123456"), "公章", AsBytes("GIF89a....")).error().field, "image");
  auto ref = dev_->WriteSeal(Pin("123456"), "公章", png);
  ASSERT_OK(ref);
  EXPECT_ERROR_CODE(dev_->WriteSeal(Pin("123456"), "公章", png), ErrorCode::kAlreadyExists);
  auto seals = dev_->ListSeals();
  ASSERT_EQ(seals->size(), 1u);
  EXPECT_EQ((*seals)[0].name, "公章");
  EXPECT_EQ((*seals)[0].mime, "image/png");
  EXPECT_EQ((*seals)[0].size, png.size());
  EXPECT_ERROR_CODE(dev_->ReadSeal(Pin("000000"), *ref), ErrorCode::kPinIncorrect);
  auto back = dev_->ReadSeal(Pin("123456"), "公章");
  ASSERT_OK(back);
  EXPECT_EQ(*back, png);
  ASSERT_OK(dev_->DeleteSeal(Pin("123456"), *ref));
  EXPECT_TRUE(dev_->ListSeals()->empty());
}

TEST_F(FileDeviceTest, Pkcs12ImportPutsTheKeyInside) {
  auto g = testing::RunCommand({"openssl", "req", "-new", "-x509", "-newkey", "ec", "-pkeyopt",
                                "ec_paramgen_curve:P-256", "-nodes", "-keyout", tmp_.File("k.pem"),
                                "-subj", "/CN=p12", "-days", "10", "-out", tmp_.File("c.pem")});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto e = testing::RunCommand({"openssl", "pkcs12", "-export", "-inkey", tmp_.File("k.pem"), "-in",
                                tmp_.File("c.pem"), "-passout", "pass:p12pass", "-out",
                                tmp_.File("x.p12")});
  ASSERT_EQ(e.exit_code, 0) << e.err;
  Bytes p12 = testing::ReadFileOrDie(tmp_.File("x.p12"));
  EXPECT_ERROR_CODE(dev_->ImportPkcs12(Pin("123456"), p12, Pin("wrong")), ErrorCode::kVerifyFailed);
  auto ref = dev_->ImportPkcs12(Pin("123456"), p12, Pin("p12pass"));
  ASSERT_OK(ref);
  auto signer = dev_->OpenSigner(Pin("123456"), *ref);
  ASSERT_OK(signer);
  auto sig = (*signer)->Sign(AsBytes("x"), {});
  auto cert = crypto::Certificate::Parse(testing::ReadFileOrDie(tmp_.File("c.pem")));
  EXPECT_OK(crypto::VerifyMessage(*cert->PublicKeyOf(), AsBytes("x"), *sig));
}

TEST_F(FileDeviceTest, CorruptionGivesAClearErrorAndTouchesNothingElse) {
  testing::TempDir other_home;
  auto other = FileDevice::Create(other_home.File("o"), Params());
  ASSERT_OK(other);
  Bytes data = testing::ReadFileOrDie(Dir() + "/device.skd");
  testing::WriteFile(Dir() + "/device.skd", ByteView(data).first(data.size() / 2));
  auto reopened = FileDevice::Open(Dir());
  ASSERT_FALSE(reopened);
  EXPECT_NE(reopened.error().message.find("corrupted or truncated"), std::string::npos);
  data[data.size() - 5] ^= 1;
  testing::WriteFile(Dir() + "/device.skd", data);
  EXPECT_ERROR_CODE(FileDevice::Open(Dir()), ErrorCode::kMalformed);
  testing::WriteFile(Dir() + "/device.skd", AsBytes("hello"));
  EXPECT_ERROR_CODE(FileDevice::Open(Dir()), ErrorCode::kMalformed);
  EXPECT_OK((*other)->VerifyPin(Pin("123456")));
}

TEST_F(FileDeviceTest, CapacityIsEnforced) {
  testing::TempDir tmp;
  CreateParams p = Params();
  p.capacity = 16 * 1024;
  auto d = FileDevice::Create(tmp.File("small"), p);
  ASSERT_OK(d);
  EXPECT_TRUE((*d)->Info()->free_space.has_value());
  Bytes big(12 * 1024, 0x55);
  big[0] = 0xff; big[1] = 0xd8; big[2] = 0xff;  // JPEG magic
  auto r = (*d)->WriteSeal(Pin("123456"), "big", big);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("device is full"), std::string::npos);
  EXPECT_TRUE((*d)->ListSeals()->empty());
}

// Crash safety: a child process rewrites the device in a loop and is killed
// at a random moment; the device must always open, with a seal count that
// is one the child actually committed.
TEST_F(FileDeviceTest, KilledWriterLeavesAReadableDevice) {
  std::mt19937 rng(12345);
  Bytes jpeg = {0xff, 0xd8, 0xff, 0xe0, 1, 2, 3};
  for (int round = 0; round < 12; ++round) {
    size_t before = dev_->ListSeals()->size();
    pid_t pid = fork();
    if (pid == 0) {
      auto d = FileDevice::Open(Dir());
      for (int i = 0;; ++i) {
        (void)(*d)->WriteSeal(Pin("123456"),
                              "s" + std::to_string(round) + "-" + std::to_string(i), jpeg);
      }
    }
    usleep(std::uniform_int_distribution<int>(5'000, 60'000)(rng));
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    auto d = FileDevice::Open(Dir());
    ASSERT_OK(d);
    auto seals = (*d)->ListSeals();
    ASSERT_OK(seals);
    EXPECT_GE(seals->size(), before);
    // The device still works: a full PIN-protected write and read.
    EXPECT_OK((*d)->VerifyPin(Pin("123456")));
  }
  EXPECT_GT(dev_->ListSeals()->size(), 0u) << "the writer never committed anything";
}

}  // namespace
}  // namespace sealkey::token::file
