// Typed single-row reads of orders, shared by the order service files. Only
// .cc files include this header.
#pragma once

#include <string>

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "server/order/order_service.h"

namespace sealkey::server {

struct OrderRow {
  long long id = 0, account = 0, identity = 0, amount = 0, created = 0, updated = 0;
  std::string invoice_json;
  soci::indicator ref_ind = soci::i_null;
  Order o;

  static std::string Select() {
    return "SELECT id, account_id, identity_id, product_id, project_id, state, amount_fen,"
           " pay_method, remittance_ref, review_reason, reviewed_by, cert_serial, form_kind,"
           " invoice, result, seal_image_blob, created_at, updated_at FROM orders ";
  }
  void Into(soci::details::once_temp_type& q) {
    q, soci::into(id), soci::into(account), soci::into(identity), soci::into(o.product_id),
        soci::into(o.project_id), soci::into(o.state), soci::into(amount),
        soci::into(o.pay_method), soci::into(o.remittance_ref, ref_ind),
        soci::into(o.review_reason), soci::into(o.reviewed_by), soci::into(o.cert_serial),
        soci::into(o.form_kind), soci::into(invoice_json), soci::into(o.result),
        soci::into(o.seal_image), soci::into(created), soci::into(updated);
  }
  Order Take() {
    o.id = id;
    o.account_id = account;
    o.identity_id = identity;
    o.amount_fen = amount;
    o.created_at = created;
    o.updated_at = updated;
    if (ref_ind != soci::i_ok) o.remittance_ref.clear();
    auto j = nlohmann::json::parse(invoice_json, nullptr, false);
    if (j.is_object()) {
      o.invoice = {j.value("kind", ""), j.value("name", ""), j.value("tax_id", ""),
                   j.value("address", ""), j.value("bank", "")};
    }
    return o;
  }
};

}  // namespace sealkey::server
