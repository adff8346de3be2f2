// Online payment providers (B10): the order service starts a payment and
// later receives the provider's signed, asynchronous notification. A real
// provider plugs in behind this interface; SandboxProvider is a local one
// that behaves like a real one (a payment page the payer is redirected to,
// then a signed notification POSTed back to the platform a moment later,
// retried until acknowledged), used by `make run` and the tests.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/error.h"
#include "base/secure_buffer.h"
#include "server/http/router.h"

namespace sealkey::server {

struct PaymentNotice {
  std::string provider_ref;
  int64_t amount_fen = 0;
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual const char* name() const = 0;
  // Registers a payment; returns the URL of the page the payer opens.
  virtual Result<std::string> Start(const std::string& provider_ref, int64_t amount_fen,
                                    const std::string& subject) = 0;
  // Checks a notification's signature and reads it (kVerifyFailed, field
  // "signature", when it is not the provider's).
  virtual Result<PaymentNotice> Verify(const std::string& body, const std::string& signature) = 0;
};

class SandboxProvider final : public PaymentProvider {
 public:
  // Notifications go to <base>/api/v1/payments/notify/sandbox and the
  // payment pages live under <base>/sandbox/pay/ (SetBaseUrl).
  explicit SandboxProvider(SecureBuffer secret) : secret_(std::move(secret)) {}
  ~SandboxProvider() override;
  void SetBaseUrl(const std::string& base);

  const char* name() const override { return "sandbox"; }
  Result<std::string> Start(const std::string& provider_ref, int64_t amount_fen,
                            const std::string& subject) override;
  Result<PaymentNotice> Verify(const std::string& body, const std::string& signature) override;

  // The payer confirms on the payment page: the notification is sent from
  // another thread shortly after (as a real provider would).
  Status Confirm(const std::string& provider_ref);
  // hex(HMAC-SHA256(secret, body)): what the notification carries in
  // X-Sandbox-Signature (exposed for tests that forge or replay).
  std::string Sign(const std::string& body) const;
  // The routes of its pages: GET /sandbox/pay/{ref}, POST /sandbox/pay/{ref}/confirm.
  void RegisterRoutes(Router& router);

 private:
  struct Pending {
    int64_t amount_fen = 0;
    std::string subject;
    bool confirmed = false;
  };
  SecureBuffer secret_;
  std::mutex mu_;
  std::string base_;
  std::map<std::string, Pending> pending_;
  std::vector<std::thread> senders_;
};

}  // namespace sealkey::server
