// The catalogue (B8, B10, E3): products (certificate products: profile,
// algorithm, dual, validity, price, which identities may buy them; seal
// products: seal type, price) and projects, which group products for a
// procurement or tender system and are published as QR codes
// (sealkey://project/<id>?server=...). Operators manage both. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/error.h"
#include "store/database.h"

namespace sealkey::server {

struct Product {
  std::string id;          // [a-z0-9-]{2,40}
  std::string kind;        // "certificate" or "seal"
  std::string name;
  std::string profile;     // certificate: personal, organisation, employee
  std::string alg;         // certificate: sm2, p256, rsa2048, rsa3072
  bool dual = false;       // certificate: SM2 signing + encryption pair
  int validity_days = 365;
  int64_t price_fen = 0;   // in 分
  std::vector<std::string> roles;  // identity kinds that may buy it
  std::string seal_type;   // seal: "organisation" (round) or "personal" (square)
  bool active = true;
};

struct Project {
  std::string id;  // 16 hex characters, random
  std::string name;
  std::vector<std::string> products;
  std::string preregistered;  // JSON: applicant data an employer registered (D8)
  int64_t created_at = 0;
};

class Catalog {
 public:
  Catalog(store::Database& db, const Clock& clock) : db_(db), clock_(clock) {}

  Status AddProduct(const Product& p);
  Result<Product> GetProduct(const std::string& id);
  Result<std::vector<Product>> ListProducts();
  Result<Project> AddProject(const std::string& name, const std::vector<std::string>& products,
                             const std::string& preregistered);
  Result<Project> GetProject(const std::string& id);
  // The account bank transfers go to (a platform setting operators keep);
  // kFailedPrecondition (field "method") while none is set.
  Status SetReceivingAccount(const std::string& name, const std::string& bank,
                             const std::string& number);
  Result<std::vector<std::string>> ReceivingAccount();  // name, bank, number

 private:
  store::Database& db_;
  const Clock& clock_;
};

}  // namespace sealkey::server
