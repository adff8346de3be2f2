// CertService: reading certificates, CRLs and OCSP.
#include <algorithm>
#include <cctype>

#include <soci/soci.h>

#include "server/cert/cert_rows.h"
#include "server/cert/cert_service.h"
#include "server/http/router.h"

namespace sealkey::server {

Result<CertRecord> CertService::Load(const std::string& serial) {
  auto lease = db_.Borrow();
  CertRow row;
  {
    auto q = (lease.sql() << CertRow::Select() + "WHERE serial = :s", soci::use(serial));
    row.Into(q);
  }
  if (!lease.sql().got_data()) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no certificate has this serial",
                          "没有该序列号的证书", "serial"));
  }
  return row.Take();
}

Result<CertRecord> CertService::Get(const Account& caller, const std::string& serial) {
  auto r = Load(NormaliseSerial(serial));
  if (!r || r->account_id != caller.id) {
    return Fail(Bilingual(ErrorCode::kNotFound, "no certificate of this account has this serial",
                          "本账户没有该序列号的证书", "serial"));
  }
  return r;
}

Result<std::vector<CertRecord>> CertService::List(const Account& caller) {
  std::vector<CertRecord> out;
  auto lease = db_.Borrow();
  long long account = caller.id;
  // Keyset over serials (typed single-row reads), then oldest first.
  std::string after;
  for (;;) {
    CertRow row;
    {
      auto q = (lease.sql() << CertRow::Select() +
                                   "WHERE account_id = :a AND serial > :s ORDER BY serial LIMIT 1",
                soci::use(account), soci::use(after));
      row.Into(q);
    }
    if (!lease.sql().got_data()) break;
    after = row.c.serial;
    out.push_back(row.Take());
  }
  std::sort(out.begin(), out.end(),
            [](const CertRecord& a, const CertRecord& b) { return a.created_at < b.created_at; });
  return out;
}

std::vector<std::string> CertService::ChainOf(const std::string& ca_id) const {
  std::vector<std::string> out;
  auto ca = cas_.Get(ca_id);
  if (!ca) return out;
  out.push_back((*ca)->cert.Pem());
  for (const auto& c : (*ca)->chain) out.push_back(c.Pem());
  return out;
}

void CertService::MarkCrlDirty(const std::string& ca_id) {
  std::lock_guard<std::mutex> lock(crl_mu_);
  crls_[ca_id].dirty = true;
}

Result<Bytes> CertService::Crl(const std::string& ca_id) {
  auto ca = cas_.Get(ca_id);
  if (!ca) return Fail(ca.error());
  int64_t now = clock_.NowUnixSeconds();
  std::lock_guard<std::mutex> lock(crl_mu_);
  CachedCrl& cached = crls_[ca_id];
  if (!cached.dirty && !cached.der.empty() && now - cached.made_at < policy_.crl_refresh_seconds) {
    return cached.der;
  }
  std::vector<ca::RevokedCert> revoked;
  long long number = 0;
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    sql << "UPDATE cas SET crl_number = crl_number + 1 WHERE id = :i", soci::use(ca_id);
    sql << "SELECT crl_number FROM cas WHERE id = :i", soci::use(ca_id), soci::into(number);
    std::string after;
    for (;;) {
      std::string serial;
      long long at = 0;
      int reason = 0;
      sql << "SELECT serial, revoked_at, reason FROM certificates WHERE ca_id = :c"
             " AND status = 'revoked' AND serial > :s ORDER BY serial LIMIT 1",
          soci::use(ca_id), soci::use(after), soci::into(serial), soci::into(at),
          soci::into(reason);
      if (!sql.got_data()) break;
      after = serial;
      auto bytes = HexDecode(serial.size() % 2 ? "0" + serial : serial);
      if (!bytes) continue;
      revoked.push_back({*bytes, at, static_cast<ca::RevocationReason>(reason)});
    }
    return Ok();
  }));
  auto der = ca::BuildCrl((*ca)->cert, *(*ca)->signer, now, now + policy_.crl_lifetime_seconds,
                          number, revoked);
  if (!der) return Fail(der.error());
  cached = {*der, now, false};
  return cached.der;
}

Bytes CertService::Ocsp(ByteView request) {
  auto req = ca::ParseOcspRequest(request);
  if (!req || req->ids.empty()) return ca::OcspErrorResponse(1);  // malformedRequest
  // The responder is the CA that issued the first certificate asked about.
  const ca::CaContext* responder = nullptr;
  for (const std::string& id : cas_.Ids()) {
    auto ca = cas_.Get(id);
    if (ca && ca::IssuedBy(req->ids[0], (*ca)->cert)) responder = *ca;
  }
  if (!responder) return ca::OcspErrorResponse(6);  // unauthorized
  int64_t now = clock_.NowUnixSeconds();
  std::vector<ca::OcspAnswer> answers;
  for (const auto& id : req->ids) {
    ca::OcspAnswer a;
    a.id = id;
    a.this_update = now;
    a.next_update = now + policy_.crl_refresh_seconds;
    if (ca::IssuedBy(id, responder->cert)) {
      auto r = Load(SerialHex(id.serial));
      if (r && r->ca_id == responder->id) {
        a.status = r->status == "revoked" ? ca::CertStatus::kRevoked : ca::CertStatus::kGood;
        a.revoked_at = r->revoked_at;
        auto reason = ca::ParseReason(r->reason);
        if (r->status == "revoked" && reason) a.reason = *reason;
      }
    }
    answers.push_back(std::move(a));
  }
  auto der = ca::BuildOcspResponse(responder->cert, *responder->signer, answers, req->nonce, now);
  if (!der) return ca::OcspErrorResponse(2);  // internalError
  return *der;
}

}  // namespace sealkey::server
