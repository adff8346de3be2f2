// Invoices (B14): requested with the order (its invoice details), issued as
// a PDF (src/invoice: an e-invoice layout with the amount in words and a QR
// code) once the order is paid, kept in the blob store. An issue that fails
// (for example while the platform's seller details are not configured) is
// recorded with its error and can be retried by the person; issued invoices
// can be downloaded. The seller's details are a platform setting operators
// maintain. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/account/account_service.h"
#include "server/order/order_service.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace sealkey::server {

struct InvoiceRecord {
  int64_t id = 0, order_id = 0, attempts = 0, created_at = 0, issued_at = 0;
  std::string status;  // requested, issued, failed
  std::string number, error;
};

struct SellerDetails {
  std::string name, tax_id, address_phone, bank_account;
};

class InvoiceService {
 public:
  InvoiceService(store::Database& db, Catalog& catalog, store::BlobStore& blobs, const Clock& clock)
      : db_(db), catalog_(catalog), blobs_(blobs), clock_(clock) {}

  // Operators: the seller printed on every invoice (tax id: GB 32100).
  Status SetSeller(const SellerDetails& seller);
  Result<SellerDetails> Seller();

  // Called when an order is paid: records the request (unless the order
  // wants no invoice) and tries to issue it at once.
  void OnPaid(const Order& order);
  // tab: pending (requested or failed) or issued.
  Result<std::vector<InvoiceRecord>> List(const Account& caller, const std::string& tab);
  Result<InvoiceRecord> Retry(const Account& caller, int64_t id);
  Result<Bytes> Pdf(const Account& caller, int64_t id);

 private:
  Result<InvoiceRecord> Mine(const Account& caller, int64_t id);
  Status Issue(int64_t invoice_id);

  store::Database& db_;
  Catalog& catalog_;
  store::BlobStore& blobs_;
  const Clock& clock_;
};

}  // namespace sealkey::server
