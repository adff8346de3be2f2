// Creating an order (B10), shared by `sealkey order create` and `sealkey
// scan` (B8), which starts the same step from a project's QR code.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "cli/command.h"

namespace sealkey::cli {

struct OrderRequest {
  std::string product;      // product id (GET /products); required
  std::string project;      // project id, or empty
  std::string device;       // certificate products: the medium that makes the key pair
  std::string cert_serial;  // seal products: the certificate the seal is bound to
  std::string seal_image;   // seal products: a PNG/JPEG file to use instead of the rendered seal
};

// Looks the product up, makes the key pair in the medium for a certificate
// product (deleted again if the server refuses the order), and POSTs the
// order with the person's session. Returns the created order (JSON as the
// server answers it). Errors name the CLI option at fault ("--product",
// "--device", "--seal-image") or the server's field.
Result<nlohmann::json> CreateOrder(const GlobalOptions& g, const OrderRequest& r);

}  // namespace sealkey::cli
