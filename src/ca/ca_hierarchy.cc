// Development and test CA hierarchies (ca.h CreateHierarchy): a root and one
// issuing CA, keys in memory. Production CAs come from a ceremony with keys
// in an HSM; these are for `sealkeyd ca init` and tests.
#include <optional>
#include <string>

#include "ca/ca.h"

namespace sealkey::ca {
namespace {

constexpr int64_t kDay = 86400;
constexpr int64_t kRootDays = 20 * 365 + 5;     // 20 years, leap days included
constexpr int64_t kIssuingDays = 10 * 365 + 3;  // 10 years

std::string_view AlgLabel(crypto::KeyAlg alg) {
  switch (alg) {
    case crypto::KeyAlg::kSm2: return "SM2";
    case crypto::KeyAlg::kEcP256: return "P-256";
    case crypto::KeyAlg::kRsa2048:
    case crypto::KeyAlg::kRsa3072: return "RSA";
  }
  return "RSA";
}

crypto::CertificateTemplate CaTemplate(const std::string& organisation, std::string_view alg,
                                       std::string_view role, int64_t now, int64_t days,
                                       std::optional<int> path_length) {
  crypto::CertificateTemplate t;
  t.subject = {{"C", "CN"},
               {"O", organisation},
               {"CN", "sealkey " + std::string(alg) + " " + std::string(role)}};
  t.not_before = now;
  t.not_after = now + days * kDay;
  t.is_ca = true;
  t.path_length = path_length;
  t.serial = NewSerial();
  return t;
}

}  // namespace

Result<CaHierarchy> CreateHierarchy(crypto::KeyAlg alg, const std::string& organisation,
                                    int64_t now) {
  if (organisation.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "the CA organisation is required", "organisation");
  }
  std::string_view label = AlgLabel(alg);
  auto root_key = crypto::PrivateKey::Generate(alg);
  if (!root_key) return Fail(root_key.error());
  auto root = crypto::SelfSign(
      *root_key, CaTemplate(organisation, label, "Root CA", now, kRootDays, std::nullopt));
  if (!root) return Fail(root.error());

  auto issuing_key = crypto::PrivateKey::Generate(alg);
  if (!issuing_key) return Fail(issuing_key.error());
  auto issuing_pub = issuing_key->Public();
  if (!issuing_pub) return Fail(issuing_pub.error());
  auto issuing = crypto::IssueCertificate(
      CaTemplate(organisation, label, "Issuing CA", now, kIssuingDays, 0), *issuing_pub,
      *root_key, &*root);
  if (!issuing) return Fail(issuing.error());
  return CaHierarchy{std::move(*root), std::move(*root_key), std::move(*issuing),
                     std::move(*issuing_key)};
}

}  // namespace sealkey::ca
