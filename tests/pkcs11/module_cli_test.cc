// libsealkey-pkcs11.so and the sealkey CLI on the same device: one PIN retry
// counter, changes visible both ways, and concurrent writers that never
// corrupt each other.
#include <dlfcn.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <p11-kit/pkcs11.h>

#include "testutil/testutil.h"

namespace sealkey {
namespace {

using testing::RunCommand;

class ModuleCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("SEALKEY_HOME", tmp_.File("home").c_str(), 1);
    auto c = Sk({"device", "create", "--label", "shared", "--kdf", "pbkdf2-sm3",
                 "--kdf-iterations", "1000"},
                "123456\n87654321\n");
    ASSERT_EQ(c.exit_code, 0) << c.err;
    lib_ = dlopen((testing::BinPath("../lib/libsealkey-pkcs11.so")).c_str(), RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(lib_, nullptr) << dlerror();
    auto get = reinterpret_cast<CK_C_GetFunctionList>(dlsym(lib_, "C_GetFunctionList"));
    ASSERT_NE(get, nullptr);
    ASSERT_EQ(get(&f_), CKR_OK);
    CK_C_INITIALIZE_ARGS args{};
    args.flags = CKF_OS_LOCKING_OK;
    ASSERT_EQ(f_->C_Initialize(&args), CKR_OK);
    ASSERT_EQ(f_->C_OpenSession(0, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr, &s_),
              CKR_OK);
  }
  void TearDown() override {
    if (f_) f_->C_Finalize(nullptr);
    if (lib_) dlclose(lib_);
    unsetenv("SEALKEY_HOME");
  }
  testing::CommandResult Sk(std::vector<std::string> args, const std::string& in = "") {
    std::vector<std::string> argv = {"env", "-u", "SEALKEY_PIN", testing::BinPath("sealkey")};
    if (!in.empty()) argv.push_back("--pin-stdin");
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, in);
  }
  int TriesLeft() {
    auto r = Sk({"--json", "device", "info", "-d", "shared"});
    return nlohmann::json::parse(r.out)["user_pin"]["tries_left"];
  }
  CK_RV Login(const char* pin) {
    return f_->C_Login(s_, CKU_USER, reinterpret_cast<CK_UTF8CHAR_PTR>(const_cast<char*>(pin)),
                       strlen(pin));
  }
  CK_FLAGS TokenFlags() {
    CK_TOKEN_INFO info;
    EXPECT_EQ(f_->C_GetTokenInfo(0, &info), CKR_OK);
    return info.flags;
  }

  testing::TempDir tmp_;
  void* lib_ = nullptr;
  CK_FUNCTION_LIST_PTR f_ = nullptr;
  CK_SESSION_HANDLE s_ = 0;
};

TEST_F(ModuleCliTest, OnePinCounterForModuleAndCli) {
  EXPECT_EQ(Login("000000"), CKR_PIN_INCORRECT);
  EXPECT_EQ(TriesLeft(), 5);  // the CLI sees the module's failed try
  EXPECT_TRUE(TokenFlags() & CKF_USER_PIN_COUNT_LOW);
  // The CLI spends tries too; the module's flags follow.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(Sk({"device", "change-pin", "-d", "shared"}, "000000\n24681357\n").exit_code, 1);
  }
  EXPECT_TRUE(TokenFlags() & CKF_USER_PIN_FINAL_TRY);
  EXPECT_EQ(Login("000000"), CKR_PIN_LOCKED);
  EXPECT_TRUE(TokenFlags() & CKF_USER_PIN_LOCKED);
  EXPECT_EQ(Login("123456"), CKR_PIN_LOCKED);
  // Unblocked by the administrator through the module (C_InitPIN as SO).
  CK_UTF8CHAR so[] = "87654321", fresh[] = "13572468";
  ASSERT_EQ(f_->C_Login(s_, CKU_SO, so, 8), CKR_OK);
  ASSERT_EQ(f_->C_InitPIN(s_, fresh, 8), CKR_OK);
  ASSERT_EQ(f_->C_Logout(s_), CKR_OK);
  EXPECT_EQ(TriesLeft(), 6);
  EXPECT_EQ(Sk({"device", "change-pin", "-d", "shared"}, "13572468\n24681357\n").exit_code, 0);
  EXPECT_EQ(Login("13572468"), CKR_PIN_INCORRECT);  // the CLI's change is seen
  EXPECT_EQ(Login("24681357"), CKR_OK);
}

TEST_F(ModuleCliTest, ObjectsMadeByEitherSideAreSeenByTheOther) {
  ASSERT_EQ(Login("123456"), CKR_OK);
  // A key generated through the CLI appears as a PKCS#11 key pair.
  ASSERT_EQ(Sk({"key", "generate", "-d", "shared", "--alg", "sm2", "--subject", "/CN=x"},
               "123456\n").exit_code, 0);
  CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE t[] = {{CKA_CLASS, &cls, sizeof cls}};
  ASSERT_EQ(f_->C_FindObjectsInit(s_, t, 1), CKR_OK);
  CK_OBJECT_HANDLE found[4];
  CK_ULONG n = 0;
  ASSERT_EQ(f_->C_FindObjects(s_, found, 4, &n), CKR_OK);
  f_->C_FindObjectsFinal(s_);
  EXPECT_EQ(n, 1u);
  // A data object created through the module appears in the file, and the
  // CLI keeps working with the device.
  CK_OBJECT_CLASS data = CKO_DATA;
  CK_BBOOL yes = CK_TRUE;
  char label[] = "note", value[] = "hello";
  CK_ATTRIBUTE d[] = {{CKA_CLASS, &data, sizeof data}, {CKA_TOKEN, &yes, 1},
                      {CKA_LABEL, label, 4}, {CKA_VALUE, value, 5}};
  CK_OBJECT_HANDLE h;
  ASSERT_EQ(f_->C_CreateObject(s_, d, 4, &h), CKR_OK);
  // The CLI still reads the device and its certificate-less key does not
  // show as a certificate; the data object is in the device file.
  auto list = Sk({"--json", "cert", "list", "-d", "shared"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(nlohmann::json::parse(list.out)["certificates"].empty());
  bool in_file = false;
  for (const auto& e : std::filesystem::directory_iterator(tmp_.File("home") + "/devices")) {
    auto text = testing::ReadFileOrDie(e.path().string() + "/device.skd");
    in_file = in_file || AsChars(text).find("\"name\": \"note\"") != std::string_view::npos;
  }
  EXPECT_TRUE(in_file);
}

TEST_F(ModuleCliTest, ConcurrentModuleAndCliWritesNeverCorrupt) {
  ASSERT_EQ(Login("123456"), CKR_OK);
  Bytes png = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a, 1};
  testing::WriteFile(tmp_.File("s.png"), png);
  std::thread cli([&] {
    for (int i = 0; i < 10; ++i) {
      auto r = Sk({"seal", "write", "-d", "shared", "-n", "seal" + std::to_string(i), "--image",
                   tmp_.File("s.png")},
                  "123456\n");
      EXPECT_EQ(r.exit_code, 0) << r.err;
    }
  });
  CK_OBJECT_CLASS data = CKO_DATA;
  CK_BBOOL yes = CK_TRUE;
  for (int i = 0; i < 30; ++i) {
    std::string label = "obj" + std::to_string(i);
    CK_ATTRIBUTE d[] = {{CKA_CLASS, &data, sizeof data},
                        {CKA_TOKEN, &yes, 1},
                        {CKA_LABEL, label.data(), label.size()},
                        {CKA_VALUE, label.data(), label.size()}};
    CK_OBJECT_HANDLE h;
    ASSERT_EQ(f_->C_CreateObject(s_, d, 4, &h), CKR_OK);
  }
  cli.join();
  // Every write of both sides survived: 30 data objects + 10 seals.
  CK_ATTRIBUTE t[] = {{CKA_CLASS, &data, sizeof data}};
  ASSERT_EQ(f_->C_FindObjectsInit(s_, t, 1), CKR_OK);
  CK_OBJECT_HANDLE found[64];
  CK_ULONG n = 0;
  ASSERT_EQ(f_->C_FindObjects(s_, found, 64, &n), CKR_OK);
  f_->C_FindObjectsFinal(s_);
  EXPECT_EQ(n, 40u);
  auto seals = Sk({"--json", "seal", "list", "-d", "shared"});
  EXPECT_EQ(nlohmann::json::parse(seals.out)["seals"].size(), 10u);
}

}  // namespace
}  // namespace sealkey
