#include "server/cert/ca_registry.h"

#include <cstdio>

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "base/atomic_file.h"
#include "server/cert/audit_log.h"

namespace sealkey::server {
namespace {

// Serialises a signer whose key lives in a token (one session).
class LockedSigner final : public crypto::Signer {
 public:
  explicit LockedSigner(std::unique_ptr<crypto::Signer> inner) : inner_(std::move(inner)) {}
  crypto::KeyType key_type() const override { return inner_->key_type(); }
  Result<Bytes> Sign(ByteView msg, const crypto::SignOptions& options) override {
    std::lock_guard<std::mutex> lock(mu_);
    return inner_->Sign(msg, options);
  }

 private:
  std::unique_ptr<crypto::Signer> inner_;
  std::mutex mu_;
};

// Every certificate in a PEM text, in order.
Result<std::vector<crypto::Certificate>> ParsePemChain(const std::string& pem, const char* field) {
  std::vector<crypto::Certificate> out;
  const std::string end = "-----END CERTIFICATE-----";
  size_t pos = 0;
  for (;;) {
    size_t begin = pem.find("-----BEGIN CERTIFICATE-----", pos);
    if (begin == std::string::npos) break;
    size_t stop = pem.find(end, begin);
    if (stop == std::string::npos) {
      return Fail(ErrorCode::kMalformed, "a certificate is not terminated", field);
    }
    stop += end.size();
    auto cert = crypto::Certificate::Parse(AsBytes(pem.substr(begin, stop - begin)));
    if (!cert) return Fail(cert.error().code, cert.error().message, field);
    out.push_back(std::move(*cert));
    pos = stop;
  }
  return out;
}

Status CheckId(const std::string& id) {
  bool ok = id.size() >= 2 && id.size() <= 32;
  for (char c : id) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (ok) return Ok();
  return Fail(ErrorCode::kInvalidArgument, "must be 2-32 characters of a-z, 0-9 and '-'", "--id");
}

// The certificate chain verifies link by link (each signed by the next).
Status CheckChain(const crypto::Certificate& cert, const std::vector<crypto::Certificate>& chain) {
  const crypto::Certificate* child = &cert;
  for (const auto& parent : chain) {
    auto key = parent.PublicKeyOf();
    if (!key) return Fail(key.error());
    if (!child->VerifySignature(*key)) {
      return Fail(ErrorCode::kVerifyFailed, "the chain does not verify: " +
                                                crypto::FormatName(child->Info().subject) +
                                                " is not signed by the next certificate",
                  "--chain");
    }
    child = &parent;
  }
  return Ok();
}

Status StoreCa(store::Database& db, const Clock& clock, const std::string& id,
               const std::string& family, const std::string& cert_pem,
               const std::string& chain_pem, const ca::CaKeyLocation& key, const char* action) {
  long long now = clock.NowUnixSeconds();
  bool exists = false;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db, [&](soci::session& sql) -> Status {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM cas WHERE id = :i", soci::use(id), soci::into(n);
    if ((exists = n > 0)) return Ok();
    sql << "INSERT INTO cas (id, alg, cert_pem, chain_pem, key_kind, key_path, token_label,"
           " key_label, pin_file, created_at) VALUES (:i, :a, :c, :h, :k, :p, :t, :l, :f, :n)",
        soci::use(id), soci::use(family), soci::use(cert_pem), soci::use(chain_pem),
        soci::use(key.kind), soci::use(key.path), soci::use(key.token_label),
        soci::use(key.key_label), soci::use(key.pin_file), soci::use(now);
    nlohmann::json details = {{"family", family}, {"key", key.kind}};
    return AppendAudit(db, sql, clock, {"sealkeyd", action, "ca:" + id, details.dump()});
  }));
  if (exists) return Fail(ErrorCode::kAlreadyExists, "a CA with this id exists", "--id");
  return Ok();
}

}  // namespace

std::string CaFamily(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kSm2: return "sm2";
    case crypto::KeyType::kEcP256: return "p256";
    case crypto::KeyType::kRsa: return "rsa";
  }
  return "?";
}

Result<std::unique_ptr<CaRegistry>> CaRegistry::Load(store::Database& db, const SecureBuffer& kek,
                                                     const std::string& public_url) {
  auto registry = std::make_unique<CaRegistry>();
  auto lease = db.Borrow();
  std::string last;
  for (;;) {
    std::string id, family, cert_pem, chain_pem;
    ca::CaKeyLocation key;
    lease.sql() << "SELECT id, alg, cert_pem, chain_pem, key_kind, key_path, token_label,"
                   " key_label, pin_file FROM cas WHERE id > :l ORDER BY id LIMIT 1",
        soci::use(last), soci::into(id), soci::into(family), soci::into(cert_pem),
        soci::into(chain_pem), soci::into(key.kind), soci::into(key.path),
        soci::into(key.token_label), soci::into(key.key_label), soci::into(key.pin_file);
    if (!lease.sql().got_data()) break;
    last = id;
    auto certs = ParsePemChain(cert_pem + chain_pem, "ca");
    if (!certs || certs->empty()) {
      return Fail(ErrorCode::kMalformed, "CA " + id + ": its certificate cannot be read", "ca");
    }
    auto expected = (*certs)[0].PublicKeyOf();
    if (!expected) return Fail(expected.error());
    auto signer = ca::OpenCaSigner(key, kek, *expected);
    if (!signer) {
      return Fail(signer.error().code, "CA " + id + ": " + signer.error().message, "ca");
    }
    Entry e;
    e.family = family;
    e.signer = key.kind == "pkcs11" ? std::make_unique<LockedSigner>(std::move(*signer))
                                    : std::move(*signer);
    auto context = std::make_unique<ca::CaContext>(ca::CaContext{
        id, std::move((*certs)[0]), {}, e.signer.get(), "", ""});
    for (size_t i = 1; i < certs->size(); ++i) context->chain.push_back(std::move((*certs)[i]));
    e.context = std::move(context);
    registry->cas_.emplace(id, std::move(e));
  }
  registry->SetPublicUrl(public_url);
  return registry;
}

std::vector<std::string> CaRegistry::Ids() const {
  std::vector<std::string> out;
  for (const auto& [id, e] : cas_) out.push_back(id);
  return out;
}

Result<const ca::CaContext*> CaRegistry::Get(const std::string& id) const {
  auto it = cas_.find(id);
  if (it == cas_.end()) {
    return Fail(ErrorCode::kNotFound, "no CA has this id", "ca");
  }
  return it->second.context.get();
}

Result<const ca::CaContext*> CaRegistry::ForKey(crypto::KeyType type) const {
  std::string family = CaFamily(type);
  for (const auto& [id, e] : cas_) {
    if (e.family == family) return e.context.get();
  }
  return Fail(ErrorCode::kUnsupported,
              "this platform runs no CA for " + std::string(crypto::KeyTypeName(type)) + " keys",
              "csr");
}

void CaRegistry::SetPublicUrl(const std::string& base) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, e] : cas_) {
    e.context->crl_url = base.empty() ? "" : base + "/crl/" + id + ".crl";
    e.context->ocsp_url = base.empty() ? "" : base + "/ocsp";
  }
}

Result<std::vector<std::string>> InitCas(store::Database& db, const std::string& data_dir,
                                         const SecureBuffer& kek,
                                         const std::vector<crypto::KeyAlg>& algs,
                                         const std::string& organisation, const Clock& clock) {
  std::vector<std::string> made;
  SEALKEY_RETURN_IF_ERROR(MakeDirs(data_dir + "/ca", 0700));
  for (crypto::KeyAlg alg : algs) {
    std::string id = alg == crypto::KeyAlg::kSm2     ? "sm2"
                     : alg == crypto::KeyAlg::kEcP256 ? "p256"
                                                      : "rsa";
    {
      auto lease = db.Borrow();
      long long n = 0;
      lease.sql() << "SELECT COUNT(*) FROM cas WHERE id = :i", soci::use(id), soci::into(n);
      if (n > 0) continue;
    }
    auto h = ca::CreateHierarchy(alg, organisation, clock.NowUnixSeconds());
    if (!h) return Fail(h.error());
    ca::CaKeyLocation key{"file", data_dir + "/ca/" + id + ".key", "", "", ""};
    SEALKEY_RETURN_IF_ERROR(ca::WriteEncryptedKey(key.path, h->issuing_key, kek));
    // The root key is not needed to issue; it is kept sealed beside it for
    // the operator to move offline.
    SEALKEY_RETURN_IF_ERROR(ca::WriteEncryptedKey(data_dir + "/ca/" + id + "-root.key",
                                                  h->root_key, kek));
    SEALKEY_RETURN_IF_ERROR(StoreCa(db, clock, id, id, h->issuing.Pem(), h->root.Pem(), key,
                                    "ca.create"));
    made.push_back(id);
  }
  if (made.empty()) {
    return Fail(ErrorCode::kAlreadyExists, "every requested CA exists already", "--alg");
  }
  return made;
}

Status ImportCa(store::Database& db, const std::string& data_dir, const SecureBuffer& kek,
                const CaImport& in, const Clock& clock) {
  SEALKEY_RETURN_IF_ERROR(CheckId(in.id));
  {
    // Before any file is written: an existing CA's key file must never be
    // replaced.
    auto lease = db.Borrow();
    long long n = 0;
    lease.sql() << "SELECT COUNT(*) FROM cas WHERE id = :i", soci::use(in.id), soci::into(n);
    if (n > 0) return Fail(ErrorCode::kAlreadyExists, "a CA with this id exists", "--id");
  }
  auto cert = crypto::Certificate::Parse(AsBytes(in.cert_pem));
  if (!cert) return Fail(cert.error().code, cert.error().message, "--cert");
  if (!cert->Info().is_ca) {
    return Fail(ErrorCode::kInvalidArgument, "is not a CA certificate", "--cert");
  }
  auto chain = ParsePemChain(in.chain_pem, "--chain");
  if (!chain) return Fail(chain.error());
  SEALKEY_RETURN_IF_ERROR(CheckChain(*cert, *chain));
  auto expected = cert->PublicKeyOf();
  if (!expected) return Fail(expected.error());
  ca::CaKeyLocation key = in.hsm;
  if (!in.key_pem.empty()) {
    auto pk = crypto::PrivateKey::FromPem(in.key_pem);
    if (!pk) return Fail(pk.error().code, pk.error().message, "--key");
    auto pub = pk->Public();
    if (!pub) return Fail(pub.error());
    if (!pub->Equals(*expected)) {
      return Fail(ErrorCode::kVerifyFailed, "is not the key of the CA certificate", "--key");
    }
    SEALKEY_RETURN_IF_ERROR(MakeDirs(data_dir + "/ca", 0700));
    key = {"file", data_dir + "/ca/" + in.id + ".key", "", "", ""};
    SEALKEY_RETURN_IF_ERROR(ca::WriteEncryptedKey(key.path, *pk, kek));
  }
  // The key must open and match before anything is recorded.
  auto signer = ca::OpenCaSigner(key, kek, *expected);
  Status stored = signer ? StoreCa(db, clock, in.id, CaFamily(expected->type()), cert->Pem(),
                                   in.chain_pem, key, "ca.import")
                         : Status(Fail(signer.error()));
  if (!stored && !in.key_pem.empty()) std::remove(key.path.c_str());  // nothing half-done
  return stored;
}

}  // namespace sealkey::server
