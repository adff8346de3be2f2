// Certificates issued per second against the raw signing rate of the CA key,
// in one process and one run (issue 6; bench/README.md). A Platform on SQLite
// in a scratch directory (review mode auto) with `ca init`-style SM2 and P-256
// CAs, one person registered and verified through the router, CSRs made
// outside the timed region. Per algorithm, single thread:
//   raw   ca->signer->Sign(TBS of a real certificate, SignOptions{}), the call
//         and options IssueEndEntity uses, before and after the issuance run;
//   issue CertService::Issue(account, "personal", PEM CSR, false): CSR check,
//         signing, persistence and audit entry in one transaction.
// Then a phase breakdown of an issuance (each phase timed on its own, the
// proof-of-possession verification also alone), what dropping phases would
// give, and the single-thread bound that POP verification plus the CA
// signature set, and the raw and issuance rates on two threads (SQLite).
// Flags: --min_time=SECONDS (default 2),
// --postgres (also issue on a throwaway PostgreSQL cluster, tests/testutil).
#include <openssl/x509.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/digest.h"
#include "ca/ca.h"
#include "ca/ca_key.h"
#include "crypto/signed_der.h"
#include "crypto/x509_build.h"
#include "server/cert/audit_log.h"
#include "server/platform/platform.h"
#include "store/secrets.h"
#include "testutil/server_harness.h"

namespace sealkey::bench {
namespace {

using nlohmann::json;
using Steady = std::chrono::steady_clock;
using server::Account;
using server::Platform;

constexpr double kTarget = 0.70;
double g_min_time = 2.0;

[[noreturn]] void Die(const std::string& what, const std::string& why) {
  std::fprintf(stderr, "ca_issue_bench: %s: %s\n", what.c_str(), why.c_str());
  std::exit(1);
}
[[noreturn]] void Die(const std::string& what, const Error& e) { Die(what, e.ToString()); }
template <typename T>
T Must(Result<T> r, const std::string& what) {
  if (!r) Die(what, r.error());
  return std::move(*r);
}
void Must(Status s, const std::string& what) {
  if (!s) Die(what, s.error());
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// Ops per second of `op` over `seconds` of busy time; when it returns false
// (inputs used up) the clock stops while `refill` makes more.
double RunFor(double seconds, const std::function<bool()>& op,
              const std::function<void()>& refill) {
  std::chrono::duration<double> busy{0}, limit{seconds};
  int64_t ops = 0;
  for (auto start = Steady::now();;) {
    if (!op()) {
      busy += Steady::now() - start;
      refill();
      start = Steady::now();
    } else if (++ops, busy + (Steady::now() - start) >= limit) {
      busy += Steady::now() - start;
      return ops / busy.count();
    }
  }
}
// Warm-up (a tenth of the time, at least 0.2 s), then the measurement.
double Measure(double seconds, const std::function<bool()>& op,
               const std::function<void()>& refill = [] {}) {
  RunFor(std::max(0.2, seconds / 10), op, refill);
  return RunFor(seconds, op, refill);
}

std::string ToPem(ByteView der, const char* label) {
  std::string b64 = Base64Encode(der), pem = std::string("-----BEGIN ") + label + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END " + label + "-----\n";
}

// Fresh PEM CSRs of one algorithm, each for a new key, made untimed.
struct CsrPool {
  crypto::KeyAlg alg;
  std::vector<std::string> pem;
  std::vector<Bytes> der;  // the same CSRs
  size_t next = 0;
  void Add(size_t n) {
    static const auto subject = Must(crypto::ParseDistinguishedName("/C=CN/CN=bench"), "dn");
    for (size_t i = 0; i < n; ++i) {
      auto key = Must(crypto::PrivateKey::Generate(alg), "key generation");
      der.push_back(Must(crypto::BuildCsr(key, subject), "BuildCsr"));
      pem.push_back(ToPem(der.back(), "CERTIFICATE REQUEST"));
    }
  }
  const std::string* Take() { return next < pem.size() ? &pem[next++] : nullptr; }
};

// Drives the router as a client would (tests/server/role_matrix_test.cc).
class Client {
 public:
  Client(Platform& p, std::string dir) : p_(p), dir_(std::move(dir)) {}
  json Call(const std::string& method, const std::string& path, const std::string& token,
            const json& body, int expect) {
    server::HttpRequest req;
    req.method = method;
    req.path = path;
    if (!token.empty()) req.headers["authorization"] = "Bearer " + token;
    req.headers["accept-language"] = "en";
    req.body = body.dump();
    req.client_ip = "127.0.0.1";
    auto res = p_.router().Dispatch(req);
    if (res.status != expect) Die(method + " " + path, std::to_string(res.status) + " " + res.body);
    return json::parse(res.body, nullptr, false);
  }
  std::string LastCode() {
    std::ifstream in(dir_ + "/outbox/sms.jsonl");
    std::string line, last;
    while (std::getline(in, line)) last = line;
    return json::parse(last)["code"];
  }
  // Registers a person, verifies their real name; the session's Account.
  Account VerifiedPerson() {
    const std::string phone = "13200132001";
    Call("POST", "/api/v1/sms/codes", "", {{"phone", phone}, {"purpose", "login"}}, 202);
    auto t = Call("POST", "/api/v1/auth/sms", "", {{"phone", phone}, {"code", LastCode()}}, 200);
    auto s = Call("POST", "/api/v1/auth/password", "",
                  {{"ticket", t["ticket"]}, {"password", "Pass-word1"}}, 200);
    std::string token = s["token"];
    Call("POST", "/api/v1/sms/codes", "", {{"phone", phone}, {"purpose", "verify_phone"}}, 202);
    std::string jpeg = Base64Encode(Bytes{0xff, 0xd8, 0xff, 0xe0, 1});
    auto k = Call("POST", "/api/v1/kyc", token,
                  {{"agreement_version", "2026.1"}, {"agreed", true}, {"name", "张三"},
                   {"id_number", "110101198001010010"}, {"phone", phone}, {"code", LastCode()},
                   {"front_image", jpeg}, {"back_image", jpeg}}, 201);
    if (k["status"] != "verified") Die("kyc", k.dump());
    auto account = Must(p_.accounts().Authenticate(token), "Authenticate");
    if (account.identity_kind != "natural_person") Die("identity", account.identity_kind);
    return account;
  }

 private:
  Platform& p_;
  std::string dir_;
};

// A Platform whose database already holds SM2 and P-256 CAs (InitCas first,
// as `sealkeyd ca init --alg sm2,p256` does; Create loads them).
std::unique_ptr<Platform> MakePlatform(const std::string& dir, const std::string& database) {
  std::filesystem::create_directories(dir);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all);
  {
    auto db = Must(store::Database::Open(database.empty() ? dir + "/sealkeyd.db" : database, 1),
                   "database");
    auto kek = Must(store::LoadOrCreateSecret(dir, "ca.kek"), "ca.kek");
    Must(server::InitCas(*db, dir, kek, {crypto::KeyAlg::kSm2, crypto::KeyAlg::kEcP256},
                         "sealkey bench", SystemClock::Instance()),
         "InitCas");
  }
  server::PlatformOptions o{.data_dir = dir, .database = database};
  o.review_mode = "auto";
  o.purge_in_background = false;
  o.public_url = "http://127.0.0.1:8443";  // certificates carry CRL and OCSP URLs
  return Must(Platform::Create(o), "Platform::Create");
}

struct Row {
  std::string backend, alg;
  double raw_before = 0, raw_after = 0, issued = 0;
  double raw() const { return (raw_before + raw_after) / 2; }
  double ratio() const { return issued / raw(); }
};

Bytes TbsOf(const crypto::Certificate& cert) {
  unsigned char* der = nullptr;
  int n = i2d_re_X509_tbs(cert.get(), &der);
  Bytes tbs(der, der + std::max(n, 0));
  OPENSSL_free(der);
  return tbs;
}

double RawRate(const ca::CaContext& ca, ByteView tbs) {
  return Measure(g_min_time,
                 [&] { return Must(ca.signer->Sign(tbs, crypto::SignOptions{}), "Sign"), true; });
}

Row Run(const std::string& backend, Platform& p, const Account& account, crypto::KeyAlg alg,
        CsrPool& pool) {
  Row row{backend, alg == crypto::KeyAlg::kSm2 ? "sm2" : "p256"};
  auto issue_one = [&](const std::string& csr) {
    return Must(p.certs().Issue(account, "personal", csr, false), "Issue");
  };
  if (pool.pem.size() < pool.next + 1) pool.Add(1);
  auto first = issue_one(*pool.Take());
  const auto* ca = Must(p.cas().Get(first.cert.ca_id), "CA");
  // The TBS of a certificate this CA issued: what IssueEndEntity signs.
  Bytes tbs = TbsOf(Must(crypto::Certificate::FromDer(first.cert.der), "cert"));
  row.raw_before = RawRate(*ca, tbs);
  row.issued = Measure(
      g_min_time,
      [&] {
        const std::string* csr = pool.Take();
        if (!csr) return false;
        issue_one(*csr);
        return true;
      },
      [&] { pool.Add(500); });
  row.raw_after = RawRate(*ca, tbs);
  return row;
}

// `op` on two threads at once for `seconds` of wall time (or until it
// returns false: inputs used up); operations per second, both threads
// together.
double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

// Cores kept busy by the last TwoThreadRate (process CPU time / wall time).
double g_two_thread_cores = 0;

double TwoThreadRate(double seconds, const std::function<bool()>& op) {
  const double cpu_start = ProcessCpuSeconds();
  std::atomic<int64_t> ops{0};
  std::atomic<bool> stop{false};
  const auto start = Steady::now();
  const auto deadline = start + std::chrono::duration_cast<Steady::duration>(
                                    std::chrono::duration<double>(seconds));
  auto work = [&] {
    while (!stop.load(std::memory_order_relaxed) && Steady::now() < deadline) {
      if (!op()) {
        stop = true;
        break;
      }
      ops.fetch_add(1, std::memory_order_relaxed);
    }
  };
  std::thread a(work), b(work);
  a.join();
  b.join();
  double wall = std::chrono::duration<double>(Steady::now() - start).count();
  g_two_thread_cores = (ProcessCpuSeconds() - cpu_start) / wall;
  return ops.load() / wall;
}

struct TwoRow {
  std::string alg;
  double raw = 0, issued = 0;
  double raw_cores = 0, issue_cores = 0;  // CPU use during each
};

// sealkeyd serves requests on several threads. Two threads sign through the
// CA's signer (a key file is not serialised; a PKCS#11 one is) and two issue
// from CSRs made beforehand, so both rates use both cores.
TwoRow RunTwoThreads(Platform& p, const Account& account, CsrPool& pool, const Row& single) {
  TwoRow row{single.alg};
  size_t want = static_cast<size_t>(single.issued * 2 * g_min_time * 1.5) + 100;
  if (pool.pem.size() - pool.next < want) pool.Add(want - (pool.pem.size() - pool.next));
  std::atomic<size_t> next{pool.next};
  const size_t end = pool.pem.size();
  auto first = Must(p.certs().Issue(account, "personal", pool.pem[next++], false), "Issue");
  const auto* ca = Must(p.cas().Get(first.cert.ca_id), "CA");
  Bytes tbs = TbsOf(Must(crypto::Certificate::FromDer(first.cert.der), "cert"));
  auto sign = [&] { return Must(ca->signer->Sign(tbs, crypto::SignOptions{}), "Sign"), true; };
  TwoThreadRate(std::max(0.2, g_min_time / 10), sign);  // warm-up
  row.raw = TwoThreadRate(g_min_time, sign);
  row.raw_cores = g_two_thread_cores;
  row.issued = TwoThreadRate(g_min_time, [&] {
    size_t k = next.fetch_add(1);
    if (k >= end) return false;
    Must(p.certs().Issue(account, "personal", pool.pem[k], false), "Issue");
    return true;
  });
  row.issue_cores = g_two_thread_cores;
  pool.next = std::min(next.load(), end);
  return row;
}

// Each phase of an issuance timed on its own (us per operation), the whole
// issuance among them; round robin, best of 4 rounds, so that load coming and
// going hits every phase alike. Then the rates left after removing phases.
void Phases(Platform& p, const Account& account, CsrPool& pool, const Row& row) {
  size_t i = 0;
  auto csr = [&]() -> const std::string& { return pool.pem[i++ % pool.next]; };
  const std::set<crypto::KeyAlg> allowed = {pool.alg};
  auto v = Must(p.kyc().Verified(account.id), "Verified");
  auto subject = Must(ca::SubjectFor(ca::Profile::kPersonal, {v.name, v.id_number, "", ""}), "s");
  std::vector<crypto::PublicKey> keys;
  for (size_t k = 0; k < 64; ++k)  // keys[k] is the key of pool.der[k]
    keys.push_back(Must(ca::CheckCsr(AsBytes(csr()), allowed), "CheckCsr").public_key);
  const auto* ca = Must(p.cas().ForKey(keys[0].type()), "ForKey");
  auto ca_key = Must(ca->cert.PublicKeyOf(), "CA key");
  // IssueEndEntity skips the check after signing for a key file proved at load.
  const bool verifies_after = !ca::IsProvenKeyFileSigner(ca->signer, ca_key);
  std::vector<crypto::Certificate> certs;
  std::vector<Bytes> ders;
  auto issue_end_entity = [&] {
    ca::IssueRequest req;
    req.subject_key = &keys[i++ % keys.size()];
    req.subject = subject;
    int64_t now = SystemClock::Instance().NowUnixSeconds();
    req.not_before = now - 60;
    req.not_after = now + int64_t{p.certs().policy().validity_days} * 86400;
    // As CertService issues: the DER, not parsed back.
    return Must(ca::IssueEndEntityDer(*ca, req), "IssueEndEntityDer");
  };
  for (int k = 0; k < 64; ++k) {
    ders.push_back(issue_end_entity().der);
    certs.push_back(Must(crypto::Certificate::FromDer(ders.back()), "der"));
  }
  Bytes tbs = TbsOf(certs[0]);
  enum {
    kIssue, kCheck, kPop, kPerson, kEndEntity, kSign, kVerify, kKeyHash, kChain, kAudit, kN
  };
  const std::function<bool()> ops[kN] = {
      [&] {
        const std::string* c = pool.Take();
        if (c) Must(p.certs().Issue(account, "personal", *c, false), "Issue");
        return c != nullptr;
      },
      [&] { return Must(ca::CheckCsr(AsBytes(csr()), allowed), "CheckCsr"), true; },
      [&] {  // the proof of possession alone: the CSR's signature, verified
        size_t k = i++ % keys.size();
        return Must(crypto::VerifySignedDer(pool.der[k], keys[k], {}, "csr"), "POP"), true;
      },
      [&] {
        auto v = Must(p.kyc().Verified(account.id), "Verified");
        return Must(ca::SubjectFor(ca::Profile::kPersonal, {v.name, v.id_number}), "s"), true;
      },
      [&] { return issue_end_entity(), true; },
      [&] { return Must(ca->signer->Sign(tbs, crypto::SignOptions{}), "Sign"), true; },
      [&] { return Must(certs[i++ % certs.size()].VerifySignature(ca_key), "verify"), true; },
      [&] {  // KeyHash: the SHA-256 of the SPKI DER
        return !crypto::Hash(crypto::HashAlg::kSha256, keys[i++ % keys.size()].ToDer()).empty();
      },
      [&] { return !p.certs().ChainOf(ca->id).empty(); },
      [&] {
        return Must(store::InTransaction(p.db(), [&](soci::session& sql) {
                 return server::AppendAudit(p.db(), sql, SystemClock::Instance(),
                                            {"bench", "bench", "cert:0", R"({"bench":true})"});
               }), "audit"), true;
      }};
  double us[kN];
  std::fill(us, us + kN, 1e300);
  const double t = std::max(0.1, g_min_time / 8);
  for (int round = 0; round < 4; ++round) {
    for (int k = 0; k < kN; ++k) {
      auto refill = [&] { pool.Add(200); };
      double rate = round == 0 ? Measure(t, ops[k], refill) : RunFor(t, ops[k], refill);
      us[k] = std::min(us[k], 1e6 / rate);
    }
  }
  double total = us[kIssue];
  double verify = verifies_after ? us[kVerify] : 0;
  double build = us[kEndEntity] - us[kSign] - verify;
  double rest = total - us[kCheck] - us[kPerson] - us[kEndEntity] - us[kKeyHash] - us[kChain] -
                us[kAudit];
  std::printf("\n%s issuance, %.1f us per certificate (%s, best of 4 rounds), phases:\n",
              row.alg.c_str(), total, row.backend.c_str());
  auto line = [&](const char* name, double value) {
    std::printf("  %-52s %9.1f us %5.1f%%\n", name, value, 100 * value / total);
  };
  line("CheckCsr: parse + verify proof of possession", us[kCheck]);
  std::printf("    %-50s %9.1f us\n", "of which the POP signature verification alone", us[kPop]);
  line("kyc Verified + SubjectFor (DB read)", us[kPerson]);
  line("IssueEndEntityDer: build TBS, checks (by difference)", build);
  line("IssueEndEntityDer: CA signature (signer->Sign)", us[kSign]);
  if (verifies_after) line("IssueEndEntityDer: verify after signing", us[kVerify]);
  if (!verifies_after) std::printf("  %-52s   skipped (key file proved at load; %.1f us)\n",
                                   "IssueEndEntityDer: verify after signing", us[kVerify]);
  line("key hash (SPKI DER, SHA-256)", us[kKeyHash]);
  line("ChainOf (PEM of the chain)", us[kChain]);
  line("transaction with audit append only (BEGIN..COMMIT)", us[kAudit]);
  line("rest: cert INSERT, JSON, colder caches (difference)", rest);
  auto projected = [&](const char* what, double us_left) {
    double rate = 1e6 / us_left;
    std::printf("  %-52s %9.0f /s = %.3f of raw\n", what, rate, rate * us[kSign] / 1e6);
  };
  double db = us[kPerson] + us[kAudit] + rest;
  projected("without CheckCsr (done off this thread)", total - us[kCheck]);
  projected("without CheckCsr and the DB (CA work only)", total - us[kCheck] - db);
  // The floor on one thread: every issuance verifies one POP and makes one
  // CA signature, whatever else is removed.
  projected("bound: POP verification + CA signature only", us[kPop] + us[kSign]);
}

struct Scratch {  // a scratch directory, removed at the end
  const char* tmp = std::getenv("TMPDIR");
  std::string path = std::string(tmp && *tmp ? tmp : "/tmp") + "/ca-issue-bench-XXXXXX";
  Scratch() { if (!mkdtemp(path.data())) Die("mkdtemp", path); }
  ~Scratch() { std::error_code ignored; std::filesystem::remove_all(path, ignored); }
};

int Main(int argc, char** argv) {
  bool postgres = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--min_time=", 0) == 0) {
      g_min_time = std::atof(arg.c_str() + 11);
    } else if (arg == "--postgres") {
      postgres = true;
    } else {
      std::fprintf(stderr, "usage: ca_issue_bench [--min_time=SECONDS] [--postgres]\n");
      return 2;
    }
  }
  if (g_min_time <= 0) g_min_time = 2;
  std::printf("ca_issue_bench: %.1f s per measurement; load at start %s\n",
              g_min_time, LoadAverage().c_str());
  std::fflush(stdout);
  Scratch scratch;
  const crypto::KeyAlg algs[] = {crypto::KeyAlg::kSm2, crypto::KeyAlg::kEcP256};
  std::vector<Row> rows;
  std::vector<CsrPool> pools = {{algs[0]}, {algs[1]}};
  for (auto& pool : pools) pool.Add(1000);
  auto sqlite = MakePlatform(scratch.path + "/sqlite", "");
  Account account = Client(*sqlite, scratch.path + "/sqlite").VerifiedPerson();
  for (auto& pool : pools) rows.push_back(Run("sqlite", *sqlite, account, pool.alg, pool));
  if (postgres) {  // fsync and synchronous_commit off (tests/testutil/server_harness.h)
    testing::Postgres pg;
    auto platform = MakePlatform(scratch.path + "/pg", pg.uri());
    Account pg_account = Client(*platform, scratch.path + "/pg").VerifiedPerson();
    for (auto& pool : pools)
      rows.push_back(Run("postgresql", *platform, pg_account, pool.alg, pool));
  }
  std::printf("\nCA issuance vs raw CA-key signing (1 thread, ops/s; target issued/raw >= %.2f)"
              "\n\n%-11s %-6s %11s %11s %11s %9s %11s\n",
              kTarget, "backend", "alg", "raw sign/s", "issued/s", "issued/raw", "target",
              "raw drift");
  bool pass = true;
  for (const Row& r : rows) {
    bool ok = r.ratio() >= kTarget;
    pass = pass && ok;
    std::printf("%-11s %-6s %11.0f %11.0f %11.3f %9s %+10.1f%%\n", r.backend.c_str(),
                r.alg.c_str(), r.raw(), r.issued, r.ratio(), ok ? "PASS" : "FAIL",
                100 * (r.raw_after - r.raw_before) / r.raw_before);
  }
  std::printf("\nraw sign/s: mean of runs before and after issuing (drift: after vs before).\n");
  std::printf("\nThe same on two threads (sqlite; both rates use both cores):\n\n"
              "%-11s %-6s %11s %11s %11s %9s %12s\n",
              "backend", "alg", "raw sign/s", "issued/s", "issued/raw", "target", "cores used");
  for (size_t k = 0; k < pools.size(); ++k) {
    // cores used: CPU time over wall time while signing / while issuing.
    TwoRow two = RunTwoThreads(*sqlite, account, pools[k], rows[k]);
    bool ok = two.issued / two.raw >= kTarget;
    pass = pass && ok;
    std::printf("%-11s %-6s %11.0f %11.0f %11.3f %9s %5.2f / %4.2f\n", "sqlite",
                two.alg.c_str(), two.raw, two.issued, two.issued / two.raw, ok ? "PASS" : "FAIL",
                two.raw_cores, two.issue_cores);
    std::fflush(stdout);
  }
  for (size_t k = 0; k < pools.size(); ++k) Phases(*sqlite, account, pools[k], rows[k]);
  // Like pkcs11_sign_bench, a missed target is reported, not an exit status.
  std::printf("\nload at end %s; overall %s\n", LoadAverage().c_str(), pass ? "PASS" : "FAIL");
  return 0;
}

}  // namespace
}  // namespace sealkey::bench

int main(int argc, char** argv) { return sealkey::bench::Main(argc, argv); }
