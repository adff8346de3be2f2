// C_Sign throughput of sealkey's PKCS#11 module against SoftHSM and against
// raw OpenSSL EVP making the same signatures in-process, with 1 and 2
// threads (one session per thread). Each module gets a fresh token made
// through the module itself (C_InitToken on its spare slot, C_InitPIN) in a
// scratch $SEALKEY_HOME / SoftHSM token directory, and fresh token keys.
// After Google Benchmark's own output comes a table of sealkey/SoftHSM and
// sealkey/OpenSSL ratios; bench/README.md explains how to read it.
//
// Extra flags: --sealkey_module=PATH (default ../lib/libsealkey-pkcs11.so
// beside this binary), --softhsm_module=PATH.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "crypto/key.h"
#include "crypto/ossl.h"
#include "crypto/sm2.h"
#include "token/pkcs11/module.h"
#include "token/pkcs11/session.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::bench {
namespace {

namespace p11 = token::pkcs11;

constexpr char kUserPin[] = "123456";
constexpr char kSoPin[] = "12345678";
constexpr char kTokenLabel[] = "bench";

enum class Alg { kEcdsaP256, kRsa2048, kSm2 };
constexpr Alg kAlgs[] = {Alg::kEcdsaP256, Alg::kRsa2048, Alg::kSm2};

std::string AlgName(Alg alg) {
  switch (alg) {
    case Alg::kEcdsaP256:
      return "ecdsa-p256";
    case Alg::kRsa2048:
      return "rsa2048-sha256";
    case Alg::kSm2:
      return "sm2-sm3";
  }
  return "?";
}

// What every benchmark signs: the SHA-256 hash for CKM_ECDSA, the message
// for CKM_SHA256_RSA_PKCS and SM3-with-SM2.
Bytes Input() {
  Bytes input(32);
  for (size_t i = 0; i < input.size(); ++i) input[i] = static_cast<uint8_t>(0xa5 ^ (i * 7));
  return input;
}

// A token made through `path` with one key pair per algorithm the module
// lists. One session stays logged in for the whole run: PKCS#11 logs a
// user in per application, so the per-thread sessions are logged in too.
class Pkcs11Target {
 public:
  struct Key {
    CK_MECHANISM_TYPE mechanism;
    CK_OBJECT_HANDLE handle;
  };

  static Result<std::unique_ptr<Pkcs11Target>> Provision(const std::string& path);
  ~Pkcs11Target() {
    std::lock_guard lock(module_->auth_mutex());
    login_.reset();
  }

  const CK_FUNCTION_LIST& api() const { return module_->api(); }
  CK_SLOT_ID slot() const { return slot_; }
  const std::map<Alg, Key>& keys() const { return keys_; }

 private:
  explicit Pkcs11Target(std::shared_ptr<p11::Module> module) : module_(std::move(module)) {}
  Status InitToken();
  Result<CK_OBJECT_HANDLE> Generate(Alg alg);

  std::shared_ptr<p11::Module> module_;
  CK_SLOT_ID slot_ = 0;
  std::optional<p11::Session> login_;
  std::map<Alg, Key> keys_;
};

// The first slot (tokens present or not) whose token info satisfies `match`.
template <typename Match>
Result<CK_SLOT_ID> FindSlot(const CK_FUNCTION_LIST& api, Match match) {
  CK_ULONG count = 0;
  CK_RV rv = api.C_GetSlotList(CK_FALSE, nullptr, &count);
  if (rv != CKR_OK) return Fail(p11::RvError(rv, "C_GetSlotList"));
  std::vector<CK_SLOT_ID> slots(count);
  rv = api.C_GetSlotList(CK_FALSE, slots.data(), &count);
  if (rv != CKR_OK) return Fail(p11::RvError(rv, "C_GetSlotList"));
  slots.resize(count);
  for (CK_SLOT_ID slot : slots) {
    CK_TOKEN_INFO info{};
    if (api.C_GetTokenInfo(slot, &info) == CKR_OK && match(info)) return slot;
  }
  return Fail(ErrorCode::kNotFound, "no such slot", "slot");
}

Status Pkcs11Target::InitToken() {
  auto spare = FindSlot(
      api(), [](const CK_TOKEN_INFO& info) { return !(info.flags & CKF_TOKEN_INITIALIZED); });
  if (!spare) return Fail(ErrorCode::kNotFound, "the module has no uninitialised slot", "slot");
  std::array<CK_UTF8CHAR, 32> label;
  label.fill(' ');
  std::copy_n(kTokenLabel, sizeof kTokenLabel - 1, label.begin());
  auto so_pin = SecureBuffer::FromString(kSoPin);
  CK_RV rv = api().C_InitToken(*spare, const_cast<CK_UTF8CHAR*>(so_pin.data()), so_pin.size(),
                               label.data());
  if (rv != CKR_OK) return Fail(p11::RvError(rv, "C_InitToken"));
  // Modules may move an initialised token to another slot id (SoftHSM does).
  auto slot = FindSlot(api(), [&label](const CK_TOKEN_INFO& info) {
    return (info.flags & CKF_TOKEN_INITIALIZED) &&
           std::equal(label.begin(), label.end(), info.label);
  });
  if (!slot) return Fail(slot.error());
  slot_ = *slot;
  std::lock_guard lock(module_->auth_mutex());
  auto so = p11::Session::Open(module_, slot_, true);
  if (!so) return Fail(so.error());
  SEALKEY_RETURN_IF_ERROR(so->Login(CKU_SO, so_pin, "so_pin"));
  return so->InitPin(SecureBuffer::FromString(kUserPin));
}

Result<CK_OBJECT_HANDLE> Pkcs11Target::Generate(Alg alg) {
  static constexpr uint8_t kF4[] = {0x01, 0x00, 0x01};
  p11::Template public_template, private_template;
  public_template.AddBool(CKA_TOKEN, true).AddBool(CKA_VERIFY, true).Add(CKA_LABEL, AlgName(alg));
  private_template.AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, true)
      .AddBool(CKA_SENSITIVE, true)
      .AddBool(CKA_SIGN, true)
      .Add(CKA_LABEL, AlgName(alg));
  CK_MECHANISM mechanism{};
  switch (alg) {
    case Alg::kEcdsaP256:
      mechanism.mechanism = CKM_EC_KEY_PAIR_GEN;
      public_template.Add(CKA_EC_PARAMS, ByteView(p11::kEcParamsP256));
      break;
    case Alg::kRsa2048:
      mechanism.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
      public_template.AddUlong(CKA_MODULUS_BITS, 2048).Add(CKA_PUBLIC_EXPONENT, ByteView(kF4));
      break;
    case Alg::kSm2:
      mechanism.mechanism = p11::kCkmSm2KeyPairGen;
      public_template.Add(CKA_EC_PARAMS, ByteView(p11::kEcParamsSm2));
      break;
  }
  auto pair = login_->GenerateKeyPair(mechanism, public_template, private_template);
  if (!pair) return Fail(pair.error());
  return pair->second;
}

Result<std::unique_ptr<Pkcs11Target>> Pkcs11Target::Provision(const std::string& path) {
  auto module = p11::Module::Load(path);
  if (!module) return Fail(module.error());
  std::unique_ptr<Pkcs11Target> target(new Pkcs11Target(*module));
  SEALKEY_RETURN_IF_ERROR(target->InitToken());
  {
    std::lock_guard lock(target->module_->auth_mutex());
    auto session = p11::Session::Open(target->module_, target->slot_, true);
    if (!session) return Fail(session.error());
    target->login_.emplace(std::move(*session));
    SEALKEY_RETURN_IF_ERROR(
        target->login_->Login(CKU_USER, SecureBuffer::FromString(kUserPin), "pin"));
  }
  auto mechanisms = target->module_->Mechanisms(target->slot_);
  if (!mechanisms) return Fail(mechanisms.error());
  const std::map<Alg, std::pair<CK_MECHANISM_TYPE, CK_MECHANISM_TYPE>> kNeeds = {
      {Alg::kEcdsaP256, {CKM_EC_KEY_PAIR_GEN, CKM_ECDSA}},
      {Alg::kRsa2048, {CKM_RSA_PKCS_KEY_PAIR_GEN, CKM_SHA256_RSA_PKCS}},
      {Alg::kSm2, {p11::kCkmSm2KeyPairGen, p11::kCkmSm3Sm2}}};
  for (const auto& [alg, need] : kNeeds) {
    if (!p11::HasMechanism(*mechanisms, need.first) ||
        !p11::HasMechanism(*mechanisms, need.second)) {
      continue;
    }
    auto key = target->Generate(alg);
    if (!key) return Fail(key.error());
    target->keys_[alg] = Key{need.second, *key};
  }
  return target;
}

void SignWithPkcs11(benchmark::State& state, const Pkcs11Target* target, Pkcs11Target::Key key) {
  const CK_FUNCTION_LIST& api = target->api();
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  CK_RV rv = api.C_OpenSession(target->slot(), CKF_SERIAL_SESSION, nullptr, nullptr, &session);
  if (rv != CKR_OK) state.SkipWithError(("C_OpenSession: " + p11::RvName(rv)).c_str());
  Bytes input = Input();
  std::array<CK_BYTE, 512> signature;
  CK_MECHANISM mechanism{key.mechanism, nullptr, 0};
  for (auto _ : state) {
    CK_ULONG length = signature.size();
    rv = api.C_SignInit(session, &mechanism, key.handle);
    if (rv == CKR_OK) {
      rv = api.C_Sign(session, input.data(), input.size(), signature.data(), &length);
    }
    if (rv != CKR_OK) {
      state.SkipWithError(("C_Sign: " + p11::RvName(rv)).c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (session != CK_INVALID_HANDLE) api.C_CloseSession(session);
}

// The raw OpenSSL baseline: one fresh context per signature, as a module
// needs for each C_SignInit, with digests fetched once.
struct OpensslKeys {
  std::map<Alg, crypto::PrivateKey> keys;
  crypto::UniquePtr<EVP_MD> sha256{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
  crypto::UniquePtr<EVP_MD> sm3{EVP_MD_fetch(nullptr, "SM3", nullptr)};
};

bool OpensslSign(Alg alg, const OpensslKeys& keys, ByteView input, uint8_t* out, size_t* length) {
  EVP_PKEY* key = keys.keys.at(alg).get();
  if (alg == Alg::kEcdsaP256) {
    crypto::UniquePtr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    return ctx && EVP_PKEY_sign_init(ctx.get()) == 1 &&
           EVP_PKEY_sign(ctx.get(), out, length, input.data(), input.size()) == 1;
  }
  // The SM2 ID goes on pctx, which md_ctx borrows: declared first, freed last.
  crypto::UniquePtr<EVP_PKEY_CTX> pctx;
  crypto::UniquePtr<EVP_MD_CTX> md_ctx(EVP_MD_CTX_new());
  if (!md_ctx) return false;
  if (alg == Alg::kSm2) {
    pctx.reset(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
    if (!pctx || EVP_PKEY_CTX_set1_id(pctx.get(), crypto::kSm2DefaultId.data(),
                                      crypto::kSm2DefaultId.size()) != 1) {
      return false;
    }
    EVP_MD_CTX_set_pkey_ctx(md_ctx.get(), pctx.get());
  }
  const EVP_MD* md = alg == Alg::kSm2 ? keys.sm3.get() : keys.sha256.get();
  return EVP_DigestSignInit(md_ctx.get(), nullptr, md, nullptr, key) == 1 &&
         EVP_DigestSign(md_ctx.get(), out, length, input.data(), input.size()) == 1;
}

void SignWithOpenssl(benchmark::State& state, const OpensslKeys* keys, Alg alg) {
  Bytes input = Input();
  std::array<uint8_t, 512> signature;
  for (auto _ : state) {
    size_t length = signature.size();
    if (!OpensslSign(alg, *keys, input, signature.data(), &length)) {
      state.SkipWithError("OpenSSL signing failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// Fails when the baseline's SM2 signature does not verify under the default
// ID, so the baseline cannot silently measure something else.
Status CheckOpensslSm2(const OpensslKeys& keys) {
  Bytes input = Input(), signature(128);
  size_t length = signature.size();
  if (!OpensslSign(Alg::kSm2, keys, input, signature.data(), &length)) {
    return Fail(ErrorCode::kCrypto, "SM2 signing failed");
  }
  signature.resize(length);
  auto public_key = keys.keys.at(Alg::kSm2).Public();
  if (!public_key) return Fail(public_key.error());
  return crypto::Sm2Verify(*public_key, input, signature);
}

// Collects ops/s per (benchmark name, threads) while printing as usual.
class CollectingReporter : public benchmark::ConsoleReporter {
 public:
  CollectingReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular) {}
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      auto rate = run.counters.find("items_per_second");
      if (run.error_occurred || rate == run.counters.end()) continue;
      ops_[{run.run_name.function_name, run.threads}] = rate->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  std::optional<double> Ops(const std::string& name, int threads) const {
    auto it = ops_.find({name, threads});
    if (it == ops_.end()) return std::nullopt;
    return it->second;
  }

 private:
  std::map<std::pair<std::string, int64_t>, double> ops_;
};

std::string BenchName(Alg alg, const std::string& impl) {
  return "sign/" + AlgName(alg) + "/" + impl;
}

std::string Cell(std::optional<double> value, const char* format) {
  if (!value) return "-";
  char text[32];
  std::snprintf(text, sizeof text, format, *value);
  return text;
}

// Ratio cell with its verdict against `target` (none: informational).
std::string RatioCell(std::optional<double> num, std::optional<double> den,
                      std::optional<double> target) {
  if (!num || !den || *den == 0) return "-";
  double ratio = *num / *den;
  std::string cell = Cell(ratio, "%.3f");
  if (target) cell += ratio >= *target ? " ok" : " MISS";
  return cell;
}

void PrintTable(const CollectingReporter& reporter) {
  std::printf("\nC_Sign throughput (ops/s, all threads together) and ratios\n");
  std::printf("targets: sealkey/softhsm >= 1.00 (ECDSA, RSA); sealkey/openssl >= 0.90 (all)\n\n");
  std::printf("%-15s %7s %10s %10s %10s %16s %16s\n", "algorithm", "threads", "sealkey", "softhsm",
              "openssl", "sealkey/softhsm", "sealkey/openssl");
  for (Alg alg : kAlgs) {
    for (int threads : {1, 2}) {
      auto sealkey = reporter.Ops(BenchName(alg, "sealkey"), threads);
      auto softhsm = reporter.Ops(BenchName(alg, "softhsm"), threads);
      auto openssl = reporter.Ops(BenchName(alg, "openssl"), threads);
      std::optional<double> softhsm_target;
      if (alg != Alg::kSm2) softhsm_target = 1.0;
      std::printf("%-15s %7d %10s %10s %10s %16s %16s\n", AlgName(alg).c_str(), threads,
                  Cell(sealkey, "%.0f").c_str(), Cell(softhsm, "%.0f").c_str(),
                  Cell(openssl, "%.0f").c_str(),
                  RatioCell(sealkey, softhsm, softhsm_target).c_str(),
                  RatioCell(sealkey, openssl, 0.90).c_str());
    }
  }
  // Raw OpenSSL shares nothing between threads, so its 2-thread speed-up
  // shows whether other load on the machine skewed this run.
  std::printf("\nOpenSSL 2-thread/1-thread speed-up (about %u when nothing else runs):",
              std::min(2u, std::max(1u, std::thread::hardware_concurrency())));
  for (Alg alg : kAlgs) {
    std::printf(" %s %s", AlgName(alg).c_str(),
                RatioCell(reporter.Ops(BenchName(alg, "openssl"), 2),
                          reporter.Ops(BenchName(alg, "openssl"), 1), std::nullopt)
                    .c_str());
  }
  std::printf("\n");
}

// A scratch $SEALKEY_HOME and SoftHSM token directory, removed at the end.
class Scratch {
 public:
  Scratch() {
    const char* tmp = std::getenv("TMPDIR");
    path_ = std::string(tmp && *tmp ? tmp : "/tmp") + "/pkcs11-sign-bench-XXXXXX";
    if (mkdtemp(path_.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    std::filesystem::create_directory(path_ + "/home");
    std::filesystem::create_directory(path_ + "/tokens");
    std::ofstream(path_ + "/softhsm2.conf") << "directories.tokendir = " << path_
                                            << "/tokens\nobjectstore.backend = file\n"
                                               "log.level = ERROR\n";
    setenv("SEALKEY_HOME", (path_ + "/home").c_str(), 1);
    setenv("SOFTHSM2_CONF", (path_ + "/softhsm2.conf").c_str(), 1);
  }
  ~Scratch() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

 private:
  std::string path_;
};

Result<OpensslKeys> MakeOpensslKeys() {
  OpensslKeys openssl;
  for (auto [alg, key_alg] : {std::pair{Alg::kEcdsaP256, crypto::KeyAlg::kEcP256},
                              std::pair{Alg::kRsa2048, crypto::KeyAlg::kRsa2048},
                              std::pair{Alg::kSm2, crypto::KeyAlg::kSm2}}) {
    auto key = crypto::PrivateKey::Generate(key_alg);
    if (!key) return Fail(key.error());
    openssl.keys.emplace(alg, std::move(*key));
  }
  SEALKEY_RETURN_IF_ERROR(CheckOpensslSm2(openssl));
  return openssl;
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::map<std::string, std::string> modules = {
      {"sealkey", (std::filesystem::read_symlink("/proc/self/exe").parent_path() /
                   "../lib/libsealkey-pkcs11.so")
                      .lexically_normal()},
      {"softhsm", "/usr/lib/softhsm/libsofthsm2.so"}};
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    bool known = false;
    for (auto& [name, path] : modules) {
      std::string prefix = "--" + name + "_module=";
      if (arg.rfind(prefix, 0) != 0) continue;
      path = arg.substr(prefix.size());
      known = true;
    }
    if (!known) {
      std::fprintf(stderr, "pkcs11_sign_bench: unknown argument %s\n", argv[i]);
      return 2;
    }
  }

  Scratch scratch;
  std::map<std::string, std::unique_ptr<Pkcs11Target>> targets;
  for (const auto& [name, path] : modules) {
    auto target = Pkcs11Target::Provision(path);
    if (!target) {
      std::fprintf(stderr, "%s (%s) is left out: %s\n", name.c_str(), path.c_str(),
                   target.error().ToString().c_str());
      continue;
    }
    targets[name] = std::move(*target);
  }
  auto openssl = MakeOpensslKeys();
  if (!openssl) {
    std::fprintf(stderr, "OpenSSL baseline: %s\n", openssl.error().ToString().c_str());
    return 1;
  }

  for (Alg alg : kAlgs) {
    for (const auto& [name, target] : targets) {
      auto key = target->keys().find(alg);
      if (key == target->keys().end()) continue;
      benchmark::RegisterBenchmark(BenchName(alg, name).c_str(), SignWithPkcs11, target.get(),
                                   key->second)
          ->Threads(1)
          ->Threads(2)
          ->UseRealTime();
    }
    benchmark::RegisterBenchmark(BenchName(alg, "openssl").c_str(), SignWithOpenssl, &*openssl, alg)
        ->Threads(1)
        ->Threads(2)
        ->UseRealTime();
  }
  CollectingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  PrintTable(reporter);
  benchmark::Shutdown();
  return targets.size() == modules.size() ? 0 : 1;
}

}  // namespace
}  // namespace sealkey::bench

int main(int argc, char** argv) { return sealkey::bench::Main(argc, argv); }
