// JSON forms of certificates and issued bundles. Only .cc files include this.
#pragma once

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "server/cert/cert_service.h"

namespace sealkey::server {

inline nlohmann::json CertJson(const CertRecord& c) {
  auto cert = crypto::Certificate::FromDer(c.der);
  return {{"serial", c.serial},         {"ca", c.ca_id},
          {"profile", c.profile},       {"usage", c.usage},
          {"subject", c.subject},       {"status", c.status},
          {"reason", c.reason},         {"not_before", c.not_before},
          {"not_after", c.not_after},   {"revoked_at", c.revoked_at},
          {"pair_serial", c.pair_serial}, {"replaces", c.replaces},
          {"certificate", cert ? cert->Pem() : ""}};
}

inline nlohmann::json BundleJson(const IssuedBundle& b) {
  nlohmann::json out = {{"certificate", CertJson(b.cert)}, {"chain", b.chain_pem}};
  if (b.encryption) out["encryption"] = CertJson(*b.encryption);
  if (!b.envelope.empty()) out["envelope"] = Base64Encode(b.envelope);
  return out;
}

}  // namespace sealkey::server
