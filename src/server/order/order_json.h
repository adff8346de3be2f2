// JSON forms of catalogue and order values. Only .cc files include this.
#pragma once

#include <nlohmann/json.hpp>

#include "server/order/order_service.h"

namespace sealkey::server {

inline nlohmann::json ProductJson(const Product& p) {
  return {{"id", p.id},       {"kind", p.kind},     {"name", p.name},
          {"profile", p.profile}, {"alg", p.alg},   {"dual", p.dual},
          {"validity_days", p.validity_days}, {"price_fen", p.price_fen},
          {"roles", p.roles}, {"seal_type", p.seal_type}, {"active", p.active}};
}

inline nlohmann::json OrderJson(const Order& o) {
  nlohmann::json j = {{"id", o.id},
                      {"product_id", o.product_id},
                      {"project_id", o.project_id},
                      {"state", o.state},
                      {"amount_fen", o.amount_fen},
                      {"pay_method", o.pay_method},
                      {"remittance_ref", o.remittance_ref},
                      {"review_reason", o.review_reason},
                      {"cert_serial", o.cert_serial},
                      {"form_kind", o.form_kind},
                      {"invoice", {{"kind", o.invoice.kind}, {"name", o.invoice.name},
                                   {"tax_id", o.invoice.tax_id}}},
                      {"created_at", o.created_at},
                      {"updated_at", o.updated_at}};
  if (!o.seal_image.empty()) j["seal_image_sha256"] = o.seal_image;
  auto result = nlohmann::json::parse(o.result, nullptr, false);
  if (result.is_object()) j["result"] = result;
  return j;
}

}  // namespace sealkey::server
