// The CAs this platform runs (E3): loaded from the `cas` table at start,
// each with a Signer over its key (an encrypted key file under
// DATA/secrets/ca.kek, or a PKCS#11 token), and the URLs its certificates
// point to for revocation status. `sealkeyd ca init` creates development
// hierarchies and `sealkeyd ca import` adds an existing CA; both record the
// change in the audit log. Thread-safe after Load (signers of PKCS#11 keys
// are serialised: one token session each).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/secure_buffer.h"
#include "ca/ca.h"
#include "ca/ca_key.h"
#include "store/database.h"

namespace sealkey::server {

// Which CA issues a key: SM2 keys go to an SM2 CA, P-256 to a P-256 CA, RSA
// to an RSA CA; the CA id is its algorithm token unless imported otherwise.
std::string CaFamily(crypto::KeyType type);  // "sm2", "p256", "rsa"

class CaRegistry {
 public:
  // `public_url`: the base the CRL and OCSP URLs are built on
  // (http://host:port); may be set later with SetPublicUrl.
  static Result<std::unique_ptr<CaRegistry>> Load(store::Database& db, const SecureBuffer& kek,
                                                  const std::string& public_url);

  bool empty() const { return cas_.empty(); }
  std::vector<std::string> Ids() const;
  // kNotFound (field "ca") when there is none.
  Result<const ca::CaContext*> Get(const std::string& id) const;
  // The CA of a key's family (kUnsupported, field "csr", when none runs).
  Result<const ca::CaContext*> ForKey(crypto::KeyType type) const;
  void SetPublicUrl(const std::string& base);

 private:
  struct Entry {
    std::unique_ptr<crypto::Signer> signer;
    std::unique_ptr<ca::CaContext> context;
    std::string family;
  };
  std::map<std::string, Entry> cas_;
  mutable std::mutex mu_;  // guards the URLs
};

// `sealkeyd ca init`: a development root + issuing CA per algorithm, keys
// sealed under `kek` in DATA/ca/<id>.key; existing ids are kept
// (kAlreadyExists only when every requested one exists). Returns the ids made.
Result<std::vector<std::string>> InitCas(store::Database& db, const std::string& data_dir,
                                         const SecureBuffer& kek,
                                         const std::vector<crypto::KeyAlg>& algs,
                                         const std::string& organisation, const Clock& clock);

struct CaImport {
  std::string id;           // [a-z0-9-]{2,32}
  std::string cert_pem;     // the issuing CA certificate
  std::string chain_pem;    // above it, up to the root (may be empty for a root)
  std::string key_pem;      // unencrypted PKCS#8/PEM, sealed on import; or empty and:
  ca::CaKeyLocation hsm;    // kind "pkcs11"
};
// `sealkeyd ca import`: checks the key matches the certificate and the chain
// verifies, then stores it.
Status ImportCa(store::Database& db, const std::string& data_dir, const SecureBuffer& kek,
                const CaImport& in, const Clock& clock);

}  // namespace sealkey::server
