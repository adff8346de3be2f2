// Interop of sealkey's PKCS#11 module with the real peers (STANDARDS.md
// section 5): OpenSC's pkcs11-tool, GnuTLS's p11tool, OpenSSL through libp11's
// pkcs11 engine, and openssl verifying SM2 signatures made by C_Sign. Every
// test runs against build/lib/libsealkey-pkcs11.so and, as the reference that
// proves the command lines, against SoftHSM 2.6. Each test has a fresh
// $SEALKEY_HOME and SoftHSM token directory, passed to the tools through env.
#include <filesystem>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/secure_buffer.h"
#include "crypto/ec_signature.h"
#include "crypto/key.h"
#include "crypto/sm2.h"
#include "testutil/testutil.h"
#include "token/pkcs11/module.h"
#include "token/pkcs11/session.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey {
namespace {

namespace p11 = token::pkcs11;
using testing::CommandResult;
using testing::RunCommand;

constexpr char kUserPin[] = "123456";
constexpr char kSoPin[] = "12345678";
constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
constexpr char kPkcs11Engine[] = "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so";

enum class Provider { kSealkey, kSoftHsm };

void PrintTo(Provider provider, std::ostream* os) {
  *os << (provider == Provider::kSealkey ? "sealkey" : "SoftHSM");
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The lines in which pkcs11-tool reports a problem: p11_fatal/p11_warn print
// "... failed: rv = CKR_...", the self tests "ERR: ...", others "warning: ...".
std::vector<std::string> ProblemLines(const std::string& output) {
  std::vector<std::string> problems;
  for (const auto& line : Lines(output)) {
    if (Contains(line, "failed") || Contains(line, "ERR") || Contains(line, "error:") ||
        Contains(line, "warning")) {
      problems.push_back(line);
    }
  }
  return problems;
}

// One slot of `pkcs11-tool --list-slots`: "Slot 1 (0x1): ..." followed by
// "  token state:   uninitialized" or "  token label        : t" lines.
struct ListedSlot {
  int index = -1;
  bool uninitialized = false;
  std::string label;
  std::string flags;
};

std::vector<ListedSlot> ParseSlots(const std::string& output) {
  std::vector<ListedSlot> slots;
  for (const auto& line : Lines(output)) {
    if (line.rfind("Slot ", 0) == 0) {
      slots.push_back(ListedSlot{std::stoi(line.substr(5))});
    } else if (!slots.empty() && Contains(line, "token state:") &&
               Contains(line, "uninitialized")) {
      slots.back().uninitialized = true;
    } else if (!slots.empty() && line.rfind("  token label", 0) == 0) {
      slots.back().label = line.substr(line.find(": ") + 2);
    } else if (!slots.empty() && line.rfind("  token flags", 0) == 0) {
      slots.back().flags = line.substr(line.find(": ") + 2);
    }
  }
  return slots;
}

// One object of `p11tool --list-all`: "Object N:" then tab-indented fields.
struct ListedObject {
  std::string url, type, label, id;
};

std::vector<ListedObject> ParseP11toolObjects(const std::string& output) {
  std::vector<ListedObject> objects;
  for (const auto& line : Lines(output)) {
    if (line.rfind("Object ", 0) == 0) {
      objects.emplace_back();
      continue;
    }
    if (objects.empty() || line.size() < 2 || line[0] != '\t') continue;
    auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    std::string key = line.substr(1, colon - 1), value = line.substr(colon + 2);
    if (key == "URL") objects.back().url = value;
    if (key == "Type") objects.back().type = value;
    if (key == "Label") objects.back().label = value;
    if (key == "ID") objects.back().id = value;
  }
  return objects;
}

// 04||X||Y from a CKA_EC_POINT, a DER OCTET STRING around it.
Bytes EcPointFromAttribute(const Bytes& attribute) {
  if (attribute.size() == 67 && attribute[0] == 0x04 && attribute[1] == 0x41) {
    return Bytes(attribute.begin() + 2, attribute.end());
  }
  return attribute;
}

class Pkcs11ToolsTest : public ::testing::TestWithParam<Provider> {
 protected:
  void SetUp() override {
    module_ = IsSealkey() ? std::string(SEALKEY_BIN_DIR) + "/../lib/libsealkey-pkcs11.so"
                          : kSoftHsmModule;
    if (!std::filesystem::exists(module_)) GTEST_SKIP() << module_ << " does not exist (yet)";
    std::filesystem::create_directory(F("home"));
    std::filesystem::create_directory(F("tokens"));
    WriteText("softhsm2.conf", "directories.tokendir = " + F("tokens") +
                                   "\nobjectstore.backend = file\nlog.level = ERROR\n");
    if (!IsSealkey()) {
      auto add = Sealkey({"settings", "set", "add-module", module_});
      ASSERT_EQ(add.exit_code, 0) << add.err;
    }
  }

  bool IsSealkey() const { return GetParam() == Provider::kSealkey; }
  std::string F(const std::string& name) const { return dir_.File(name); }
  void WriteText(const std::string& name, const std::string& text) {
    testing::WriteFile(F(name), AsBytes(text));
  }

  // Runs a tool with this test's $SEALKEY_HOME and SoftHSM configuration.
  CommandResult Run(const std::vector<std::string>& argv,
                    const std::vector<std::string>& env = {}) {
    std::vector<std::string> full = {"env", "SEALKEY_HOME=" + F("home"),
                                     "SOFTHSM2_CONF=" + F("softhsm2.conf")};
    full.insert(full.end(), env.begin(), env.end());
    full.insert(full.end(), argv.begin(), argv.end());
    return RunCommand(full);
  }
  CommandResult Pkcs11Tool(std::vector<std::string> args) {
    args.insert(args.begin(), {"pkcs11-tool", "--module", module_});
    return Run(args);
  }
  CommandResult Sealkey(std::vector<std::string> args) {
    args.insert(args.begin(), testing::BinPath("sealkey"));
    return Run(args,
               {std::string("SEALKEY_PIN=") + kUserPin, std::string("SEALKEY_SO_PIN=") + kSoPin});
  }
  CommandResult Openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    return Run(args);
  }

  // A token with user and SO PINs set: a file device made by the sealkey
  // CLI, or a SoftHSM token made by softhsm2-util.
  void CreateToken(const std::string& label) {
    auto made = IsSealkey() ? Sealkey({"device", "create", "--label", label, "--kdf", "pbkdf2-sm3",
                                       "--kdf-iterations", "1000"})
                            : Run({"softhsm2-util", "--init-token", "--free", "--label", label,
                                   "--pin", kUserPin, "--so-pin", kSoPin});
    ASSERT_EQ(made.exit_code, 0) << made.out << made.err;
  }

  // Generates a key pair in `container` of token "t" with the sealkey CLI,
  // has an openssl test CA certify its CSR and imports the certificate.
  // Leaves <container>.pem (certificate) and <container>-pub.pem.
  void CertifiedKey(const std::string& alg, const std::string& container) {
    if (!std::filesystem::exists(F("ca.pem"))) {
      auto ca = Openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                         "-nodes", "-keyout", F("ca.key"), "-subj", "/CN=sealkey interop CA",
                         "-days", "1", "-out", F("ca.pem")});
      ASSERT_EQ(ca.exit_code, 0) << ca.err;
    }
    std::string csr = F(container + ".csr"), cert = F(container + ".pem");
    auto gen = Sealkey({"key", "generate", "-d", "t", "--alg", alg, "--subject", "/CN=" + container,
                        "--container", container, "-o", csr});
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto sign = Openssl({"x509", "-req", "-in", csr, "-CA", F("ca.pem"), "-CAkey", F("ca.key"),
                         "-days", "1", "-out", cert});
    ASSERT_EQ(sign.exit_code, 0) << sign.err;
    auto import = Sealkey({"cert", "import", "-d", "t", cert});
    ASSERT_EQ(import.exit_code, 0) << import.err;
    auto pub =
        Openssl({"x509", "-in", cert, "-pubkey", "-noout", "-out", F(container + "-pub.pem")});
    ASSERT_EQ(pub.exit_code, 0) << pub.err;
  }

  testing::TempDir dir_;
  std::string module_;
};

TEST_P(Pkcs11ToolsTest, InitTokenOnTheSpareSlotThenInitPin) {
  ASSERT_NO_FATAL_FAILURE(CreateToken("other"));
  auto before = ParseSlots(Pkcs11Tool({"--list-slots"}).out);
  std::vector<int> spare;
  for (const auto& slot : before) {
    if (slot.uninitialized) spare.push_back(slot.index);
  }
  ASSERT_EQ(spare.size(), 1u) << "expected one spare slot";

  auto init = Pkcs11Tool({"--init-token", "--slot-index", std::to_string(spare[0]), "--label", "t",
                          "--so-pin", kSoPin});
  ASSERT_EQ(init.exit_code, 0) << init.out << init.err;
  EXPECT_TRUE(Contains(init.out, "Token successfully initialized")) << init.out;
  auto pin = Pkcs11Tool(
      {"--token-label", "t", "--init-pin", "--login", "--so-pin", kSoPin, "--pin", kUserPin});
  ASSERT_EQ(pin.exit_code, 0) << pin.out << pin.err;
  EXPECT_TRUE(Contains(pin.out, "User PIN successfully initialized")) << pin.out;

  auto listing = Pkcs11Tool({"--list-slots"});
  int initialised = 0, uninitialised = 0;
  for (const auto& slot : ParseSlots(listing.out)) {
    if (slot.uninitialized) ++uninitialised;
    if (slot.label != "t") continue;
    ++initialised;
    EXPECT_TRUE(Contains(slot.flags, "token initialized")) << slot.flags;
    EXPECT_TRUE(Contains(slot.flags, "PIN initialized")) << slot.flags;
  }
  EXPECT_EQ(initialised, 1) << listing.out;
  EXPECT_EQ(uninitialised, 1) << "a new spare slot should follow\n" << listing.out;

  auto login = Pkcs11Tool({"--token-label", "t", "--login", "--pin", kUserPin, "--list-objects"});
  EXPECT_EQ(login.exit_code, 0) << login.err;
  auto wrong = Pkcs11Tool({"--token-label", "t", "--login", "--pin", "654321", "--list-objects"});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_TRUE(Contains(wrong.err, "CKR_PIN_INCORRECT")) << wrong.err;
  if (IsSealkey()) {
    auto devices = Sealkey({"--json", "device", "list"});
    EXPECT_TRUE(Contains(devices.out, "\"label\": \"t\"")) << "C_InitToken made no file device\n"
                                                           << devices.out;
  }
}

TEST_P(Pkcs11ToolsTest, SelfTestPassesOnAnRsaKey) {
  if (!IsSealkey()) {
    GTEST_SKIP() << "SoftHSM 2.6 fails --test: C_DecryptInit of RSA-PKCS-OAEP with a label "
                    "returns CKR_ARGUMENTS_BAD";
  }
  ASSERT_NO_FATAL_FAILURE(CreateToken("t"));
  auto gen = Pkcs11Tool({"--token-label", "t", "--login", "--pin", kUserPin, "--keypairgen",
                         "--key-type", "rsa:2048", "--id", "01", "--label", "rsa"});
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  EXPECT_TRUE(Contains(gen.out, "Public Key Object; RSA 2048 bits")) << gen.out;

  // --allow-sw also runs the signature tests on mechanisms without CKF_HW.
  // Those begin with C_SignUpdate on CKM_RSA_PKCS, which PKCS#11 v2.40
  // (section 2.1.6) makes single-part: pkcs11-tool counts
  // CKR_FUNCTION_NOT_SUPPORTED there as a warning, not an error.
  const std::string single_part =
      "warning: PKCS11 function C_SignUpdate failed: rv = CKR_FUNCTION_NOT_SUPPORTED (0x54)";
  for (bool allow_sw : {false, true}) {
    SCOPED_TRACE(allow_sw ? "--allow-sw" : "hardware mechanisms only");
    std::vector<std::string> args = {"--token-label", "t", "--login", "--pin", kUserPin, "--test"};
    if (allow_sw) args.push_back("--allow-sw");
    auto test = Pkcs11Tool(args);
    ASSERT_EQ(test.exit_code, 0) << test.out << test.err;
    auto problems = ProblemLines(test.out + test.err);
    std::erase(problems, single_part);
    EXPECT_EQ(problems, std::vector<std::string>{}) << test.out << test.err;
    EXPECT_TRUE(Contains(test.out, "C_SeedRandom() and C_GenerateRandom():\n  seems to be OK"));
    EXPECT_TRUE(Contains(test.out, "Digests:\n  all 4 digest functions seem to work\n"));
    EXPECT_TRUE(Contains(test.out, "  SHA256: OK\n"));
    EXPECT_TRUE(Contains(test.out,
                         "Verify (currently only for RSA)\n  testing key 0 (rsa)\n"
                         "    RSA-PKCS: OK\n"));
    EXPECT_TRUE(Contains(test.out,
                         "Decryption (currently only for RSA)\n  testing key 0 (rsa)\n"
                         "    RSA-PKCS: OK\n"));
    if (allow_sw) {
      EXPECT_TRUE(Contains(test.out, "Signatures (currently only for RSA)\n  testing key 0 (rsa)"));
      EXPECT_TRUE(Contains(test.out, "    RSA-PKCS: OK\n    SHA256-RSA-PKCS: OK\n"));
    }
    // Every mechanism line ("    RSA-PKCS: OK") must say OK.
    for (const auto& line : Lines(test.out)) {
      if (line.rfind("    ", 0) != 0 || !Contains(line, ": ")) continue;
      EXPECT_TRUE(line.ends_with(": OK")) << line;
    }
    ASSERT_FALSE(Lines(test.out).empty());
    EXPECT_EQ(Lines(test.out).back(), "No errors") << test.out;
  }
}

TEST_P(Pkcs11ToolsTest, EcTestPassesWithP256Keys) {
  if (!IsSealkey()) {
    GTEST_SKIP() << "SoftHSM 2.6 fails --test-ec: it has no CKM_ECDSA_SHA1";
  }
  ASSERT_NO_FATAL_FAILURE(CreateToken("t"));
  auto gen = Pkcs11Tool({"--token-label", "t", "--login", "--pin", kUserPin, "--keypairgen",
                         "--key-type", "EC:prime256v1", "--id", "02", "--label", "ec"});
  ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  EXPECT_TRUE(Contains(gen.out, "EC_PARAMS:  06082a8648ce3d030107")) << gen.out;

  // --test-ec generates, signs with CKM_ECDSA_SHA1, relabels and destroys its
  // own pair; pkcs11-tool 0.23 needs --session-rw for it.
  auto test = Pkcs11Tool({"--token-label", "t", "--login", "--pin", kUserPin, "--test-ec",
                          "--session-rw", "--id", "03", "--key-type", "EC:prime256v1"});
  ASSERT_EQ(test.exit_code, 0) << test.out << test.err;
  EXPECT_EQ(ProblemLines(test.out + test.err), std::vector<std::string>{}) << test.out << test.err;
  EXPECT_TRUE(Contains(test.out, "*** Doing a signature ***"));
  EXPECT_TRUE(Contains(test.out, "*** Deleting the private and the public key again ***"));
  ASSERT_FALSE(Lines(test.out).empty());
  EXPECT_EQ(Lines(test.out).back(), "==> OK") << test.out;

  auto objects = Pkcs11Tool({"--token-label", "t", "--login", "--pin", kUserPin, "--list-objects"});
  EXPECT_TRUE(Contains(objects.out, "label:      ec")) << objects.out;
  EXPECT_FALSE(Contains(objects.out, "6162636465666768696a6b6c6d6e6f7071727374"))
      << "--test-ec left its key pair behind\n"
      << objects.out;
}

TEST_P(Pkcs11ToolsTest, P11toolListsCertificateAndKeys) {
  ASSERT_NO_FATAL_FAILURE(CreateToken("t"));
  ASSERT_NO_FATAL_FAILURE(CertifiedKey("p256", "signer"));
  auto list = Run({"p11tool", "--provider", module_, "--list-all", "--login"},
                  {std::string("GNUTLS_PIN=") + kUserPin});
  ASSERT_EQ(list.exit_code, 0) << list.out << list.err;

  auto objects = ParseP11toolObjects(list.out);
  const ListedObject* cert = nullptr;
  int private_keys = 0, public_keys = 0;
  for (const auto& object : objects) {
    EXPECT_TRUE(Contains(object.url, ";token=t;")) << object.url;
    if (object.label == "signer" && object.url.ends_with(";type=cert")) cert = &object;
  }
  ASSERT_NE(cert, nullptr) << list.out;
  EXPECT_TRUE(Contains(cert->url, ";object=signer;")) << cert->url;
  EXPECT_EQ(cert->type, "X.509 Certificate (EC/ECDSA-SECP256R1)");
  EXPECT_FALSE(cert->id.empty());
  for (const auto& object : objects) {
    if (object.label != "signer" || object.id != cert->id) continue;
    if (object.url.ends_with(";type=private")) {
      ++private_keys;
      EXPECT_EQ(object.type, "Private key (EC/ECDSA-SECP256R1)");
    }
    if (object.url.ends_with(";type=public")) {
      ++public_keys;
      EXPECT_EQ(object.type, "Public key (EC/ECDSA-SECP256R1)");
    }
  }
  EXPECT_EQ(private_keys, 1) << "no private key with the certificate's label and ID\n" << list.out;
  EXPECT_EQ(public_keys, 1) << "no public key with the certificate's label and ID\n" << list.out;

  auto exported = Run({"p11tool", "--provider", module_, "--export", cert->url});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  auto expected = testing::ReadFileOrDie(F("signer.pem"));
  EXPECT_TRUE(Contains(exported.out, AsChars(expected))) << exported.out;
}

TEST_P(Pkcs11ToolsTest, OpensslEngineSignsWithTokenKeys) {
  if (!std::filesystem::exists(kPkcs11Engine)) GTEST_SKIP() << "libp11's engine is not installed";
  ASSERT_NO_FATAL_FAILURE(CreateToken("t"));
  ASSERT_NO_FATAL_FAILURE(CertifiedKey("p256", "ecsigner"));
  ASSERT_NO_FATAL_FAILURE(CertifiedKey("rsa2048", "rsasigner"));
  WriteText("engine.cnf", std::string("openssl_conf = openssl_init\n") +
                              "[openssl_init]\nengines = engine_section\n" +
                              "[engine_section]\npkcs11 = pkcs11_section\n" +
                              "[pkcs11_section]\nengine_id = pkcs11\n" +
                              "dynamic_path = " + kPkcs11Engine + "\nMODULE_PATH = " + module_ +
                              "\nPIN = " + kUserPin + "\ninit = 0\n");
  WriteText("msg", "signed through libp11's pkcs11 engine");
  WriteText("other-msg", "a different message");
  auto digest = Openssl({"dgst", "-sha256", "-binary", "-out", F("hash32"), F("msg")});
  ASSERT_EQ(digest.exit_code, 0) << digest.err;
  auto with_engine = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "openssl");
    return Run(args, {"OPENSSL_CONF=" + F("engine.cnf")});
  };
  auto uri = [](const std::string& label) {
    return "pkcs11:token=t;object=" + label + ";type=private";
  };

  // CKM_ECDSA over a 32-byte hash; libp11 turns r||s into DER.
  auto sign = with_engine({"pkeyutl", "-engine", "pkcs11", "-keyform", "engine", "-inkey",
                           uri("ecsigner"), "-sign", "-in", F("hash32"), "-out", F("ec.sig")});
  ASSERT_EQ(sign.exit_code, 0) << sign.out << sign.err;
  auto verify = Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", F("ecsigner-pub.pem"), "-in",
                         F("hash32"), "-sigfile", F("ec.sig")});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(Contains(verify.out, "Signature Verified Successfully")) << verify.out;

  for (std::string label : {"ecsigner", "rsasigner"}) {
    SCOPED_TRACE(label);
    auto dgst = with_engine({"dgst", "-engine", "pkcs11", "-keyform", "engine", "-sha256", "-sign",
                             uri(label), "-out", F(label + ".sig"), F("msg")});
    ASSERT_EQ(dgst.exit_code, 0) << dgst.out << dgst.err;
    auto good = Openssl({"dgst", "-sha256", "-verify", F(label + "-pub.pem"), "-signature",
                         F(label + ".sig"), F("msg")});
    EXPECT_EQ(good.exit_code, 0) << good.out << good.err;
    EXPECT_TRUE(Contains(good.out, "Verified OK")) << good.out;
    auto bad = Openssl({"dgst", "-sha256", "-verify", F(label + "-pub.pem"), "-signature",
                        F(label + ".sig"), F("other-msg")});
    EXPECT_NE(bad.exit_code, 0) << bad.out;
  }
}

TEST_P(Pkcs11ToolsTest, Sm2SignaturesFromCSignVerifyWithOpenssl) {
  if (!IsSealkey()) GTEST_SKIP() << "SoftHSM has no SM2 mechanisms";
  ASSERT_NO_FATAL_FAILURE(CreateToken("t"));
  auto gen = Sealkey({"key", "generate", "-d", "t", "--alg", "sm2", "--subject", "/CN=sm2signer",
                      "--container", "sm2signer", "-o", F("sm2.csr")});
  ASSERT_EQ(gen.exit_code, 0) << gen.err;
  auto pub = Openssl({"req", "-in", F("sm2.csr"), "-pubkey", "-noout", "-out", F("sm2-pub.pem")});
  ASSERT_EQ(pub.exit_code, 0) << pub.err;
  auto public_key = crypto::PublicKey::FromPem(AsChars(testing::ReadFileOrDie(F("sm2-pub.pem"))));
  ASSERT_OK(public_key);

  setenv("SEALKEY_HOME", F("home").c_str(), 1);
  auto module = p11::Module::Load(module_);
  ASSERT_OK(module);
  auto slots = (*module)->SlotsWithToken();
  ASSERT_OK(slots);
  CK_SLOT_ID slot = 0;
  int found = 0;
  for (CK_SLOT_ID id : *slots) {
    auto info = (*module)->TokenInfo(id);
    ASSERT_OK(info);
    std::string label(reinterpret_cast<const char*>(info->label), sizeof info->label);
    if (label.substr(0, label.find_last_not_of(' ') + 1) != "t") continue;
    slot = id;
    ++found;
  }
  ASSERT_EQ(found, 1);
  auto mechanisms = (*module)->Mechanisms(slot);
  ASSERT_OK(mechanisms);
  for (CK_MECHANISM_TYPE m :
       {p11::kCkmSm2KeyPairGen, p11::kCkmSm3Sm2, p11::kCkmSm2Sign, p11::kCkmSm2SignRaw}) {
    EXPECT_TRUE(p11::HasMechanism(*mechanisms, m))
        << "CKM_VENDOR_DEFINED+0x" << std::hex << (m - CKM_VENDOR_DEFINED) << " is not listed";
  }

  std::unique_lock lock((*module)->auth_mutex());
  auto session = p11::Session::Open(*module, slot, true);
  ASSERT_OK(session);
  ASSERT_OK(session->Login(CKU_USER, SecureBuffer::FromString(kUserPin), "pin"));
  p11::Template match;
  match.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY).Add(CKA_LABEL, std::string_view("sm2signer"));
  auto keys = session->Find(match);
  ASSERT_OK(keys);
  ASSERT_EQ(keys->size(), 1u);

  const std::string message = "国密 C_Sign 与 openssl 互通";
  WriteText("msg", message);
  auto e = crypto::Sm2ComputeE(*public_key, AsBytes(message));
  ASSERT_OK(e);
  auto verify = [&](const std::string& pub_pem, const Bytes& der, const std::string& id) {
    testing::WriteFile(F("sm2.sig"), der);
    return Openssl({"pkeyutl", "-verify", "-pubin", "-inkey", pub_pem, "-rawin", "-digest", "sm3",
                    "-in", F("msg"), "-sigfile", F("sm2.sig"), "-pkeyopt", "distid:" + id});
  };
  struct Case {
    CK_MECHANISM_TYPE mechanism;
    ByteView input;
    bool raw;
  };
  for (Case c : {Case{p11::kCkmSm3Sm2, AsBytes(message), false}, Case{p11::kCkmSm2Sign, *e, false},
                 Case{p11::kCkmSm2SignRaw, *e, true}}) {
    SCOPED_TRACE("CKM_VENDOR_DEFINED+" + std::to_string(c.mechanism - CKM_VENDOR_DEFINED));
    CK_MECHANISM mechanism{c.mechanism, nullptr, 0};
    auto signature = session->Sign(mechanism, keys->front(), c.input);
    ASSERT_OK(signature);
    Bytes der = *signature;
    if (c.raw) {
      ASSERT_EQ(signature->size(), 64u);
      auto converted = crypto::EcSignatureRawToDer(crypto::KeyType::kSm2, *signature);
      ASSERT_OK(converted);
      der = *converted;
    }
    auto good = verify(F("sm2-pub.pem"), der, std::string(crypto::kSm2DefaultId));
    EXPECT_EQ(good.exit_code, 0) << good.err;
    EXPECT_TRUE(Contains(good.out, "Signature Verified Successfully")) << good.out;
    auto wrong_id = verify(F("sm2-pub.pem"), der, "8765432187654321");
    EXPECT_NE(wrong_id.exit_code, 0) << wrong_id.out;
  }

  // A key pair made by C_GenerateKeyPair signs too; its public key comes from
  // CKA_EC_POINT.
  CK_MECHANISM keygen{p11::kCkmSm2KeyPairGen, nullptr, 0};
  p11::Template public_template, private_template;
  public_template.AddBool(CKA_TOKEN, true)
      .AddBool(CKA_VERIFY, true)
      .Add(CKA_EC_PARAMS, ByteView(p11::kEcParamsSm2))
      .Add(CKA_LABEL, std::string_view("sm2gen"));
  private_template.AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, true)
      .AddBool(CKA_SENSITIVE, true)
      .AddBool(CKA_SIGN, true)
      .Add(CKA_LABEL, std::string_view("sm2gen"));
  auto pair = session->GenerateKeyPair(keygen, public_template, private_template);
  ASSERT_OK(pair);
  auto point = session->RequiredAttribute(pair->first, CKA_EC_POINT, "CKA_EC_POINT");
  ASSERT_OK(point);
  auto generated =
      crypto::PublicKey::FromEcPoint(crypto::KeyType::kSm2, EcPointFromAttribute(*point));
  ASSERT_OK(generated);
  WriteText("gen-pub.pem", generated->ToPem());
  CK_MECHANISM sign{p11::kCkmSm3Sm2, nullptr, 0};
  auto signature = session->Sign(sign, pair->second, AsBytes(message));
  ASSERT_OK(signature);
  auto good = verify(F("gen-pub.pem"), *signature, std::string(crypto::kSm2DefaultId));
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(Contains(good.out, "Signature Verified Successfully")) << good.out;
}

INSTANTIATE_TEST_SUITE_P(Modules, Pkcs11ToolsTest,
                         ::testing::Values(Provider::kSealkey, Provider::kSoftHsm),
                         [](const auto& info) {
                           return info.param == Provider::kSealkey ? "Sealkey" : "SoftHsm";
                         });

}  // namespace
}  // namespace sealkey
