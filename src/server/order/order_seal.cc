// OrderService: seal orders (B12). A seal is bound to a valid signing
// certificate of the applicant (an organisation certificate for the round
// organisation seal, a personal one for the square personal seal); on
// approval the image (the applicant's own, accepted when the order was
// created, or else rendered) is packaged as a GB/T 38540 SESeal signed by the
// seal maker, valid until the bound certificate expires.
#include <soci/soci.h>

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "seal/seal_image.h"
#include "seal/ses_seal.h"
#include "server/http/router.h"
#include "server/order/order_service.h"

namespace sealkey::server {
namespace {

// The subject's CN (person or organisation name) of a certificate.
std::string CommonName(const crypto::Certificate& cert) {
  for (const auto& e : cert.Info().subject) {
    if (e.type == "CN") return e.value;
  }
  return "";
}

std::string SubjectValue(const crypto::Certificate& cert, const std::string& type) {
  for (const auto& e : cert.Info().subject) {
    if (e.type == type) return e.value;
  }
  return "";
}

struct SealPicture {
  Bytes png;
  int width_mm = 0, height_mm = 0;
};

// The displayed size: 42 mm (organisation) or 20 mm (personal) wide, the
// height following an uploaded image's aspect ratio (1..300 mm).
SealPicture Picture(Bytes png, bool organisation, int width_px, int height_px) {
  SealPicture p{std::move(png), organisation ? 42 : 20, 0};
  p.height_mm = std::clamp<int>(
      static_cast<int>(std::lround(double(p.width_mm) * height_px / std::max(width_px, 1))), 1,
      seal::kMaxPictureMm);
  return p;
}

}  // namespace

Status OrderService::CheckSealBinding(const Account& caller, const Product& product,
                                      const std::string& serial) {
  if (serial.empty()) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "name the certificate the seal is bound to", "请指定印章绑定的证书",
                          "cert_serial"));
  }
  auto cert = certs_.Own(caller, serial);
  if (!cert) return Fail(cert.error().code, cert.error().message, "cert_serial");
  std::string wanted = product.seal_type == "organisation" ? "organisation" : "personal";
  if (cert->status != "good" || cert->usage != "signing" || cert->profile != wanted) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "must be a valid " + wanted + " signing certificate of this account",
                          "须为本账户有效的签名证书（" + wanted + "）", "cert_serial"));
  }
  return Ok();
}

Result<std::string> OrderService::StoreSealImage(const Product& product, ByteView image) {
  if (image.empty()) return std::string();
  if (product.kind != "seal") {
    return Fail(Bilingual(ErrorCode::kInvalidArgument, "only seal products take a seal image",
                          "只有印章产品可以上传印章图片", "seal_image"));
  }
  auto accepted = seal::AcceptUploadedImage(image, "seal_image");
  if (!accepted) return Fail(accepted.error());
  auto blob = blobs_.Put(accepted->png, store::kPng, seal::kMaxUploadBytes, "seal_image");
  if (!blob) return Fail(blob.error());
  return blob->sha256;
}

Status OrderService::IssueSeal(const Order& o, const Product& product) {
  std::string serial;
  long long key = o.id;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT bind_serial FROM orders WHERE id = :i", soci::use(key), soci::into(serial);
  }
  Account owner;
  owner.id = o.account_id;
  auto bound = certs_.Own(owner, serial);
  if (!bound) return Fail(bound.error());
  if (bound->status != "good") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "the bound certificate was revoked meanwhile", "绑定的证书已被吊销",
                          "cert_serial"));
  }
  auto cert = crypto::Certificate::FromDer(bound->der);
  if (!cert) return Fail(cert.error());
  bool organisation = product.seal_type == "organisation";
  std::string name = organisation ? SubjectValue(*cert, "O") : CommonName(*cert);
  if (name.empty()) name = CommonName(*cert);
  SealPicture picture;
  if (!o.seal_image.empty()) {
    auto uploaded = blobs_.Get(o.seal_image);
    if (!uploaded) return Fail(uploaded.error());
    auto pixels = seal::DecodePng(*uploaded);  // checked at upload; the size is what matters here
    if (!pixels) return Fail(pixels.error());
    picture = Picture(std::move(*uploaded), organisation, pixels->width, pixels->height);
  } else {
    auto image = organisation ? seal::RenderRoundSeal(
                                    {name, "", SubjectValue(*cert, "organizationIdentifier"), 600})
                              : seal::RenderPersonalSeal(name, 400);
    if (!image) return Fail(image.error());
    picture = Picture(std::move(*image), organisation, 1, 1);
  }
  auto maker = certs_.SealMaker();
  if (!maker) return Fail(maker.error());
  int64_t now = clock_.NowUnixSeconds();
  seal::SealInfo info;
  info.es_id = "SK" + std::to_string(o.id) + "-" + bound->serial.substr(0, 16);
  info.type = organisation ? seal::kSealTypeOrganisation : seal::kSealTypePersonal;
  info.name = name;
  info.bound_certs = {bound->der};
  info.created = now;
  info.valid_start = now;
  info.valid_end = bound->not_after;
  info.png = picture.png;
  info.width_mm = picture.width_mm;
  info.height_mm = picture.height_mm;
  auto ses = seal::BuildSeal(info, (*maker)->cert, *(*maker)->signer);
  if (!ses) return Fail(ses.error());
  auto image_blob = blobs_.Put(picture.png, store::kPng, 2 << 20, "seal");
  if (!image_blob) return Fail(image_blob.error());
  // The SESeal is DER, not a sniffable upload: kept as base64 in the row.
  std::string ses_b64 = Base64Encode(*ses), type = organisation ? "organisation" : "personal";
  long long account = o.account_id, valid_end = info.valid_end, created = now, seal_id = 0;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "INSERT INTO seals (account_id, order_id, name, type, cert_serial, image_blob,"
           " seal_blob, valid_end, created_at) VALUES (:a, :o, :n, :t, :c, :i, :s, :v, :w)"
           " RETURNING id",
        soci::use(account), soci::use(key), soci::use(name), soci::use(type),
        soci::use(bound->serial), soci::use(image_blob->sha256), soci::use(ses_b64),
        soci::use(valid_end), soci::use(created), soci::into(seal_id);
    std::string result = nlohmann::json{{"seal_id", seal_id}, {"name", name}}.dump();
    sql << "UPDATE orders SET result = :r WHERE id = :i", soci::use(result), soci::use(key);
    return Ok();
  }));
  return Move(o.id, "approved", "issued", "sealkeyd");
}

Result<std::vector<SealRecord>> OrderService::Seals(const Account& caller) {
  std::vector<SealRecord> out;
  std::vector<long long> ids;
  {
    auto lease = db_.Borrow();
    long long account = caller.id, last = 0;
    for (;;) {
      long long id = 0;
      lease.sql() << "SELECT id FROM seals WHERE account_id = :a AND id > :l ORDER BY id LIMIT 1",
          soci::use(account), soci::use(last), soci::into(id);
      if (!lease.sql().got_data()) break;
      ids.push_back(id);
      last = id;
    }
  }
  for (long long id : ids) {
    auto s = Seal(caller, id);
    if (!s) return Fail(s.error());
    out.push_back(std::move(*s));
  }
  return out;
}

Result<SealRecord> OrderService::Seal(const Account& caller, int64_t id) {
  SealRecord r;
  long long key = id, account = caller.id, order = 0, valid_end = 0, created = 0;
  std::string image_blob, ses_b64;
  {
    auto lease = db_.Borrow();
    lease.sql() << "SELECT order_id, name, type, cert_serial, image_blob, seal_blob, valid_end,"
                   " created_at FROM seals WHERE id = :i AND account_id = :a",
        soci::use(key), soci::use(account), soci::into(order), soci::into(r.name),
        soci::into(r.type), soci::into(r.cert_serial), soci::into(image_blob), soci::into(ses_b64),
        soci::into(valid_end), soci::into(created);
    if (!lease.sql().got_data()) {
      return Fail(Bilingual(ErrorCode::kNotFound, "no seal of this account has this id",
                            "本账户没有该印章", "seal"));
    }
  }
  r.id = id;
  r.order_id = order;
  r.valid_end = valid_end;
  r.created_at = created;
  auto image = blobs_.Get(image_blob);
  if (!image) return Fail(image.error());
  r.image = std::move(*image);
  r.seal = Base64Decode(ses_b64).value_or(Bytes());
  return r;
}

}  // namespace sealkey::server
