// `sealkeyd ca init|import|list` and `sealkeyd audit verify`.
#include <cstdio>
#include <iostream>

#include "base/atomic_file.h"
#include "base/file.h"
#include "server/cert/audit_log.h"
#include "server/cert/ca_registry.h"
#include "server/sealkeyd/admin.h"
#include "store/database.h"
#include "store/secrets.h"

namespace sealkey::sealkeyd {
namespace {

Result<std::unique_ptr<store::Database>> OpenDb(const AdminOptions& o) {
  SEALKEY_RETURN_IF_ERROR(MakeDirs(o.data_dir, 0700));
  return store::Database::Open(o.database.empty() ? o.data_dir + "/sealkeyd.db" : o.database, 1);
}

Result<std::string> ReadText(const std::string& path, const char* field) {
  if (path.empty()) return std::string();
  auto bytes = ReadFile(path, field, 1 << 20);
  if (!bytes) return Fail(bytes.error());
  return std::string(bytes->begin(), bytes->end());
}

Status Init(const AdminOptions& o) {
  std::vector<crypto::KeyAlg> algs;
  for (const std::string& a : o.algs) {
    if (a == "sm2") algs.push_back(crypto::KeyAlg::kSm2);
    else if (a == "p256") algs.push_back(crypto::KeyAlg::kEcP256);
    else if (a == "rsa") algs.push_back(crypto::KeyAlg::kRsa3072);
    else if (a == "rsa2048") algs.push_back(crypto::KeyAlg::kRsa2048);  // quicker, for tests
    else return Fail(ErrorCode::kInvalidArgument, "must be sm2, p256, rsa or rsa2048", "--alg");
  }
  auto db = OpenDb(o);
  if (!db) return Fail(db.error());
  auto kek = store::LoadOrCreateSecret(o.data_dir, "ca.kek");
  if (!kek) return Fail(kek.error());
  std::fprintf(stderr, "creating %zu CA hierarchies (RSA keys take a few seconds)...\n",
               algs.size());
  auto made = server::InitCas(**db, o.data_dir, *kek, algs, o.org, SystemClock::Instance());
  if (!made) return Fail(made.error());
  for (const auto& id : *made) std::printf("created CA %s (root + issuing CA)\n", id.c_str());
  return Ok();
}

Status Import(const AdminOptions& o) {
  server::CaImport in;
  in.id = o.id;
  auto cert = ReadText(o.cert, "--cert");
  if (!cert) return Fail(cert.error());
  auto chain = ReadText(o.chain, "--chain");
  if (!chain) return Fail(chain.error());
  auto key = ReadText(o.key, "--key");
  if (!key) return Fail(key.error());
  in.cert_pem = *cert;
  in.chain_pem = *chain;
  in.key_pem = *key;
  if (in.key_pem.empty()) {
    if (o.module.empty() || o.token_label.empty() || o.key_label.empty() || o.pin_file.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "give --key, or --pkcs11-module with --token-label, --key-label and --pin-file",
                  "--key");
    }
    in.hsm = {"pkcs11", o.module, o.token_label, o.key_label, o.pin_file};
  }
  auto db = OpenDb(o);
  if (!db) return Fail(db.error());
  auto kek = store::LoadOrCreateSecret(o.data_dir, "ca.kek");
  if (!kek) return Fail(kek.error());
  SEALKEY_RETURN_IF_ERROR(server::ImportCa(**db, o.data_dir, *kek, in, SystemClock::Instance()));
  std::printf("imported CA %s\n", o.id.c_str());
  return Ok();
}

Status List(const AdminOptions& o) {
  auto db = OpenDb(o);
  if (!db) return Fail(db.error());
  auto kek = store::LoadOrCreateSecret(o.data_dir, "ca.kek");
  if (!kek) return Fail(kek.error());
  auto cas = server::CaRegistry::Load(**db, *kek, "");
  if (!cas) return Fail(cas.error());
  for (const auto& id : (*cas)->Ids()) {
    auto ca = (*cas)->Get(id);
    std::printf("%-8s %s\n", id.c_str(), crypto::FormatName((*ca)->cert.Info().subject).c_str());
  }
  return Ok();
}

Status Verify(const AdminOptions& o) {
  auto db = OpenDb(o);
  if (!db) return Fail(db.error());
  auto report = server::VerifyAudit(**db);
  if (!report) return Fail(report.error());
  if (report->first_bad_id) {
    return Fail(ErrorCode::kVerifyFailed,
                "the audit log is broken at entry " + std::to_string(report->first_bad_id) + ": " +
                    report->problem,
                "audit");
  }
  std::printf("audit log intact: %lld entries\n", static_cast<long long>(report->entries));
  return Ok();
}

void DataOptions(CLI::App* cmd, AdminOptions& o) {
  cmd->add_option("--data-dir", o.data_dir, "The server's data directory")->required();
  cmd->add_option("--database", o.database, "postgresql://... (default: SQLite in the data dir)");
}

}  // namespace

void AddCaCommands(CLI::App& app, AdminOptions& o) {
  CLI::App* ca = app.add_subcommand("ca", "Certificate authorities");
  ca->require_subcommand(1);
  o.ca_init = ca->add_subcommand("init", "Create development root and issuing CAs");
  DataOptions(o.ca_init, o);
  o.ca_init->add_option("--alg", o.algs, "sm2, p256, rsa (default: all three)")->delimiter(',');
  o.ca_init->add_option("--org", o.org, "Organisation named in the CA certificates");
  o.ca_import = ca->add_subcommand("import", "Add an existing issuing CA");
  DataOptions(o.ca_import, o);
  o.ca_import->add_option("--id", o.id, "CA id (a-z 0-9 -)")->required();
  o.ca_import->add_option("--cert", o.cert, "The issuing CA certificate (PEM)")->required();
  o.ca_import->add_option("--chain", o.chain, "Certificates above it up to the root (PEM)");
  o.ca_import->add_option("--key", o.key, "Its private key (PEM; sealed under the server KEK)");
  o.ca_import->add_option("--pkcs11-module", o.module, "PKCS#11 module holding the key");
  o.ca_import->add_option("--token-label", o.token_label, "Token label");
  o.ca_import->add_option("--key-label", o.key_label, "Private key label (CKA_LABEL)");
  o.ca_import->add_option("--pin-file", o.pin_file, "File with the token's user PIN");
  o.ca_list = ca->add_subcommand("list", "List the CAs");
  DataOptions(o.ca_list, o);
  CLI::App* audit = app.add_subcommand("audit", "The CA audit log");
  audit->require_subcommand(1);
  o.audit_verify = audit->add_subcommand("verify", "Check the hash chain of the audit log");
  DataOptions(o.audit_verify, o);
}

int RunCaCommand(const AdminOptions& o) {
  Status st = Ok();
  if (o.ca_init && o.ca_init->parsed()) st = Init(o);
  else if (o.ca_import && o.ca_import->parsed()) st = Import(o);
  else if (o.ca_list && o.ca_list->parsed()) st = List(o);
  else if (o.audit_verify && o.audit_verify->parsed()) st = Verify(o);
  else return -1;
  if (!st) {
    std::cerr << "sealkeyd: error: " << st.error().ToString() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sealkey::sealkeyd
