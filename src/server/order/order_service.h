// Orders (B10, B13): one state machine per application, per the manual:
//
//   created ─agree→ agreed ─form→ form_submitted ─confirm→ confirmed
//     ─invoice→ invoice_set ─authorise (SMS code)→ authorised  [pending payment]
//     ─(bank transfer: payer details)→ payment_submitted ─operator/statement→ paid
//     ─(online: signed provider notification)──────────────────────────────→ paid
//   paid [under review] ─operator approve→ issued [completed] ─client→ installed
//                       ─operator reject→ rejected
//   cancel: from any state before payment_submitted → cancelled
//
// Every transition is one conditional UPDATE (WHERE state = <from>) checked
// by its row count, recorded in order_events: no skipping, no double
// payment, no issuance without review, and two racing requests cannot both
// move an order. Certificate orders carry the CSR made in the applicant's
// medium when the order is created; issuance goes through CertService as
// the identity that placed the order. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "server/account/account_service.h"
#include "server/account/sms_codes.h"
#include "server/cert/cert_service.h"
#include "server/order/catalog.h"
#include "store/blob_store.h"
#include "store/database.h"

namespace sealkey::server {

inline constexpr char kOrderAgreementVersion[] = "2026.1";

struct InvoiceRequest {
  std::string kind;  // "none", "personal" or "company"
  std::string name, tax_id, address, bank;
};

struct Order {
  int64_t id = 0, account_id = 0, identity_id = 0, amount_fen = 0;
  std::string product_id, project_id, state, pay_method, remittance_ref, review_reason,
      reviewed_by, cert_serial, form_kind;
  std::string seal_image;  // seal orders: SHA-256 (hex) of the applicant's own image, or empty
  InvoiceRequest invoice;
  std::string result;  // JSON: the issued bundle (certificate, chain, envelope)
  int64_t created_at = 0, updated_at = 0;
};

// Where the money goes for a bank transfer (Catalog::ReceivingAccount).
struct BankAccount {
  std::string name, bank, number;
};

struct PaymentInstructions {
  std::string method;          // bank_transfer or online
  std::string remittance_ref;  // bank transfer: quote it with the transfer
  BankAccount account;
  std::string redirect_url;    // online: the provider's payment page
};

// An issued electronic seal (B12): the image and the GB/T 38540 SESeal that
// binds it to a certificate, signed by the seal maker.
struct SealRecord {
  int64_t id = 0, order_id = 0, valid_end = 0, created_at = 0;
  std::string name, type, cert_serial;
  Bytes image;  // PNG
  Bytes seal;   // SESeal DER
};

class PaymentProvider;
class InvoiceService;
class KycService;
class MailGateway;

class OrderService {
 public:
  OrderService(store::Database& db, Catalog& catalog, CertService& certs, SmsCodes& codes,
               store::BlobStore& blobs, const Clock& clock)
      : db_(db), catalog_(catalog), certs_(certs), codes_(codes), blobs_(blobs), clock_(clock) {}

  void SetPaymentProvider(PaymentProvider* provider) { provider_ = provider; }
  // Invoices are requested when an order is paid.
  void SetInvoices(InvoiceService* invoices) { invoices_ = invoices; }
  // The applicant's verified details fill the application form; the blank
  // template goes out by e-mail.
  void SetForms(KycService* kyc, MailGateway* mail) {
    kyc_ = kyc;
    mail_ = mail;
  }

  // Applicant steps (order_service.cc).
  // Certificate products carry the CSR; seal products name the caller's
  // certificate the seal is bound to (`bind_serial`) and may bring the seal
  // image (`seal_image`: PNG or JPEG, see seal::AcceptUploadedImage), which
  // is then issued instead of the rendered one. A bad image is refused
  // (400, field "seal_image") before anything is stored.
  Result<Order> Create(const Account& caller, const std::string& product_id,
                       const std::string& project_id, const std::string& csr,
                       const std::string& bind_serial = "", ByteView seal_image = {});
  Result<Order> Agree(const Account& caller, int64_t id, const std::string& version, bool agreed);
  Result<Order> SubmitForm(const Account& caller, int64_t id, const std::string& kind,
                           ByteView file);
  Result<Order> Confirm(const Account& caller, int64_t id);
  // order_form.cc: the blank form by e-mail (in state agreed), and the form
  // as submitted (PDF for an online signature; the upload as it came).
  Status SendFormTemplate(const Account& caller, int64_t id, const std::string& email);
  Result<std::pair<std::string, Bytes>> FormFile(const Account& caller, int64_t id);
  Result<Order> SetInvoice(const Account& caller, int64_t id, const InvoiceRequest& invoice);
  Result<Order> Authorise(const Account& caller, int64_t id, const std::string& code);
  Result<Order> Cancel(const Account& caller, int64_t id);
  Result<Order> MarkInstalled(const Account& caller, int64_t id);
  // tab: all, pending_payment, under_review, completed.
  Result<std::vector<Order>> List(const Account& caller, const std::string& tab);
  Result<Order> Get(const Account& caller, int64_t id);

  // Payment (order_payment.cc).
  Result<PaymentInstructions> Pay(const Account& caller, int64_t id, const std::string& method);
  Result<Order> SubmitPayer(const Account& caller, int64_t id, const std::string& payer_name,
                            const std::string& payer_account, int64_t amount_fen);
  // Operator: a bank transfer seen on the statement.
  Result<Order> ConfirmTransfer(const std::string& op, int64_t id, int64_t amount_fen);
  // Operator: a bank statement (CSV: date,amount_yuan,payer,reference); the
  // transfers whose reference and amount match an order awaiting payment.
  Result<int> ImportStatement(const std::string& op, const std::string& csv);
  // The provider's notification, already verified by the provider.
  Status SettleOnline(const std::string& provider_ref, int64_t amount_fen);

  // Seals (order_seal.cc).
  Result<std::vector<SealRecord>> Seals(const Account& caller);
  Result<SealRecord> Seal(const Account& caller, int64_t id);

  // Operator review (order_service.cc): approve issues at once.
  Result<std::vector<Order>> Queue(const std::string& state, int limit);
  Result<Order> Review(const std::string& op, int64_t id, bool approve, const std::string& reason);

 private:
  Result<Order> Load(int64_t id);
  Result<Order> Mine(const Account& caller, int64_t id);
  // Moves `id` from `from` to `to` (with optional extra SET clause values).
  Status Move(int64_t id, const std::string& from, const std::string& to,
              const std::string& actor);
  Error WrongState(const Order& o, const char* step) const;
  Status Issue(const Order& o);
  Status IssueSeal(const Order& o, const Product& product);
  Status CheckSealBinding(const Account& caller, const Product& product, const std::string& serial);
  // The applicant's own seal image, checked and stored as PNG: its blob
  // name, or "" when `image` is empty.
  Result<std::string> StoreSealImage(const Product& product, ByteView image);

  store::Database& db_;
  Catalog& catalog_;
  CertService& certs_;
  SmsCodes& codes_;
  store::BlobStore& blobs_;
  const Clock& clock_;
  PaymentProvider* provider_ = nullptr;
  InvoiceService* invoices_ = nullptr;
  KycService* kyc_ = nullptr;
  MailGateway* mail_ = nullptr;
  // The application form filled from the order (signature empty: blank).
  Result<Bytes> RenderForm(const Account& caller, const Order& o, ByteView signature_png);
};

}  // namespace sealkey::server
