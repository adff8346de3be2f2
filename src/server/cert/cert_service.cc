// CertService: issuance, renewal, reissue and revocation.
#include "server/cert/cert_service.h"

#include <cctype>
#include <set>

#include <soci/soci.h>

#include <nlohmann/json.hpp>

#include "base/encoding.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/sm2_envelope.h"
#include "server/cert/audit_log.h"
#include "server/cert/cert_rows.h"
#include "server/http/router.h"
#include "store/prepared.h"

namespace sealkey::server {
namespace {

const std::set<crypto::KeyAlg> kAllowedKeys = {crypto::KeyAlg::kSm2, crypto::KeyAlg::kEcP256,
                                               crypto::KeyAlg::kRsa2048, crypto::KeyAlg::kRsa3072};

std::string KeyHash(const crypto::PublicKey& key) {
  return HexEncode(crypto::Hash(crypto::HashAlg::kSha256, key.ToDer()));
}

// Who may hold each profile (B10 roles).
Status CheckProfileRole(const Account& caller, ca::Profile p) {
  switch (p) {
    case ca::Profile::kPersonal: return RequireIdentity(caller, {"natural_person"});
    case ca::Profile::kOrganisation:
      return RequireIdentity(caller, {"administrator", "legal_representative"});
    case ca::Profile::kEmployee:
      return RequireIdentity(caller, {"employee", "administrator", "legal_representative"});
  }
  return Fail(ErrorCode::kInvalidArgument, "unknown profile", "profile");
}

// The certificate is not parsed back: its record comes from the request
// (subject, validity) and the serial the CA gave it.
Result<CertRecord> IssueOne(const ca::CaContext& ca, const crypto::PublicKey& key,
                            const std::vector<crypto::NameEntry>& subject, ca::Profile profile,
                            crypto::CertUsage usage, int64_t now, int days) {
  ca::IssueRequest req;
  req.subject_key = &key;
  req.subject = subject;
  req.profile = profile;
  req.usage = usage;
  req.not_before = now - 60;  // a minute of clock skew
  req.not_after = now + int64_t{days} * 86400;
  auto cert = ca::IssueEndEntityDer(ca, req);
  if (!cert) return Fail(cert.error());
  CertRecord r;
  r.serial = SerialHex(cert->serial);
  r.ca_id = ca.id;
  r.profile = std::string(ca::ProfileToken(profile));
  r.usage = usage == crypto::CertUsage::kEncryption ? "encryption" : "signing";
  r.subject = crypto::FormatName(subject);
  r.not_before = req.not_before;
  r.not_after = req.not_after;
  r.status = "good";
  r.der = std::move(cert->der);
  return r;
}

struct CertInsert {
  std::string serial, ca_id, profile, usage, subject, key_hash, der, pair_serial, replaces;
  long long account = 0, identity = 0, not_before = 0, not_after = 0, created = 0;
  soci::statement st;
  explicit CertInsert(soci::session& sql)
      : st((sql.prepare << "INSERT INTO certificates (serial, ca_id, account_id, identity_id,"
                           " profile, usage, subject, key_sha256, not_before, not_after, der,"
                           " status, pair_serial, replaces, created_at) VALUES (:s, :c, :a, :i,"
                           " :p, :u, :j, :k, :nb, :na, :d, 'good', :ps, :r, :t)",
            soci::use(serial), soci::use(ca_id), soci::use(account), soci::use(identity),
            soci::use(profile), soci::use(usage), soci::use(subject), soci::use(key_hash),
            soci::use(not_before), soci::use(not_after), soci::use(der), soci::use(pair_serial),
            soci::use(replaces), soci::use(created))) {}
};

void InsertCert(store::Database& db, soci::session& sql, const CertRecord& r,
                const std::string& key_hash) {
  store::Run<CertInsert>(db, sql, [&](CertInsert& row) {
    row.serial = r.serial;
    row.ca_id = r.ca_id;
    row.account = r.account_id;
    row.identity = r.identity_id;
    row.profile = r.profile;
    row.usage = r.usage;
    row.subject = r.subject;
    row.key_hash = key_hash;
    row.not_before = r.not_before;
    row.not_after = r.not_after;
    row.der = Base64Encode(r.der);
    row.pair_serial = r.pair_serial;
    row.replaces = r.replaces;
    row.created = r.created_at;
  });
}

// Revokes `serial` and its pair inside a transaction.
void RevokeIn(soci::session& sql, const std::string& serial, int reason, long long now) {
  std::string pair;
  sql << "SELECT pair_serial FROM certificates WHERE serial = :s", soci::use(serial),
      soci::into(pair);
  for (const std::string& s : {serial, pair}) {
    if (s.empty()) continue;
    sql << "UPDATE certificates SET status = 'revoked', revoked_at = :t, reason = :r"
           " WHERE serial = :s AND status = 'good'",
        soci::use(now), soci::use(reason), soci::use(s);
  }
}

// A CSR as PEM, or as base64 of its DER.
Bytes CsrBytes(const std::string& text) {
  if (text.find("-----BEGIN") == std::string::npos) {
    if (auto der = Base64Decode(text)) return *der;
  }
  return Bytes(text.begin(), text.end());
}


}  // namespace

std::string NormaliseSerial(std::string_view text) {
  std::string hex(text);
  for (char& c : hex) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  size_t nz = hex.find_first_not_of('0');
  return nz == std::string::npos ? "0" : hex.substr(nz);
}

std::string SerialHex(ByteView serial) { return NormaliseSerial(HexEncode(serial)); }

Result<IssuedBundle> CertService::Issue(const Account& caller, const std::string& profile,
                                        const std::string& csr_text, bool dual, int validity_days) {
  auto holder = VerifiedHolder(caller, profile);
  if (!holder) return Fail(holder.error());
  auto csr = ca::CheckCsr(CsrBytes(csr_text), kAllowedKeys);
  if (!csr) return Fail(csr.error());
  return IssueFor(*holder, profile, *csr, dual, "", nullptr, "issue", validity_days);
}

Result<IssuedBundle> CertService::IssueChecked(const CheckedHolder& holder,
                                               const std::string& profile,
                                               const std::string& csr_text, bool dual,
                                               int validity_days, const IssueHook& hook) {
  auto csr = ca::CheckCsr(CsrBytes(csr_text), kAllowedKeys);
  if (!csr) return Fail(csr.error());
  return IssueFor(holder, profile, *csr, dual, "", nullptr, "issue", validity_days,
                  hook ? &hook : nullptr);
}

Status CertService::CheckEligible(const Account& caller, const std::string& profile) {
  auto holder = VerifiedHolder(caller, profile);
  if (!holder) return Fail(holder.error());
  return Ok();
}

Result<CheckedHolder> CertService::VerifiedHolder(const Account& caller,
                                                  const std::string& profile_text) {
  auto profile = ca::ParseProfile(profile_text);
  if (!profile) return Fail(profile.error());
  SEALKEY_RETURN_IF_ERROR(CheckProfileRole(caller, *profile));
  auto person = kyc_.Verified(caller.id);
  if (!person) return Fail(person.error());
  CheckedHolder h{caller, {person->name, person->id_number, "", ""},
                  "account:" + std::to_string(caller.id)};
  if (*profile != ca::Profile::kPersonal) {
    auto org = orgs_.Get(caller.org_id);
    if (!org) return Fail(org.error());
    h.subject.org_name = org->name;
    h.subject.credit_code = org->credit_code;
  }
  return h;
}

Result<IssuedBundle> CertService::IssueFor(const CheckedHolder& holder,
                                           const std::string& profile_text,
                                           const crypto::CsrInfo& csr, bool dual,
                                           const std::string& replaces,
                                           const CertRecord* renew_pair, const char* action,
                                           int validity_days, const IssueHook* hook) {
  const Account& caller = holder.account;
  int days = validity_days > 0 ? validity_days : policy_.validity_days;
  auto profile = ca::ParseProfile(profile_text);
  if (!profile) return Fail(profile.error());
  auto subject = ca::SubjectFor(*profile, holder.subject);
  if (!subject) return Fail(subject.error());
  auto ca = cas_.ForKey(csr.public_key.type());
  if (!ca) return Fail(ca.error());
  if (dual && csr.public_key.type() != crypto::KeyType::kSm2) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "dual certificates are for SM2 keys only", "双证书仅适用于 SM2 密钥",
                          "dual"));
  }
  int64_t now = clock_.NowUnixSeconds();
  auto sign = IssueOne(**ca, csr.public_key, *subject, *profile, crypto::CertUsage::kSigning, now,
                       days);
  if (!sign) return Fail(sign.error());
  IssuedBundle out;
  out.cert = *sign;
  out.cert.account_id = caller.id;
  out.cert.identity_id = caller.identity_id;
  out.cert.created_at = now;
  out.cert.replaces = replaces;
  out.chain_pem = ChainOf((*ca)->id);
  std::string enc_key_hash, sealed;
  if (renew_pair) {
    // Renewal keeps the escrowed encryption key: a new certificate for it.
    auto old_enc = crypto::Certificate::FromDer(renew_pair->der);
    if (!old_enc) return Fail(old_enc.error());
    auto enc_pub = old_enc->PublicKeyOf();
    if (!enc_pub) return Fail(enc_pub.error());
    auto enc = IssueOne(**ca, *enc_pub, *subject, *profile, crypto::CertUsage::kEncryption, now,
                        days);
    if (!enc) return Fail(enc.error());
    enc_key_hash = KeyHash(*enc_pub);
    out.encryption = *enc;
  } else if (dual) {
    // The KMC: a fresh encryption key pair, escrowed and enveloped to the
    // signing key, so only the medium holding that key can open it.
    auto enc_key = crypto::PrivateKey::Generate(crypto::KeyAlg::kSm2);
    if (!enc_key) return Fail(enc_key.error());
    auto enc_pub = enc_key->Public();
    if (!enc_pub) return Fail(enc_pub.error());
    auto enc = IssueOne(**ca, *enc_pub, *subject, *profile, crypto::CertUsage::kEncryption, now,
                        days);
    if (!enc) return Fail(enc.error());
    auto envelope = crypto::BuildSm2EnvelopedKey(*enc_key, csr.public_key);
    if (!envelope) return Fail(envelope.error());
    auto pkcs8 = enc_key->ToPkcs8Der();
    if (!pkcs8) return Fail(pkcs8.error());
    enc_key_hash = KeyHash(*enc_pub);
    auto escrow = crypto::AeadSeal(crypto::AeadAlg::kSm4CtrHmacSm3, kmc_key_.span(),
                                   AsBytes("sealkey-kmc:" + enc_key_hash), pkcs8->span());
    if (!escrow) return Fail(escrow.error());
    sealed = Base64Encode(*escrow);
    out.encryption = *enc;
    out.envelope = std::move(*envelope);
  }
  if (out.encryption) {
    out.encryption->account_id = caller.id;
    out.encryption->identity_id = caller.identity_id;
    out.encryption->created_at = now;
    out.encryption->pair_serial = out.cert.serial;
    out.encryption->replaces = renew_pair ? renew_pair->serial : "";
    out.cert.pair_serial = out.encryption->serial;
  }
  std::string key_hash = KeyHash(csr.public_key);
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    if (!replaces.empty()) {
      RevokeIn(sql, replaces, static_cast<int>(ca::RevocationReason::kSuperseded), now);
    }
    InsertCert(db_, sql, out.cert, key_hash);
    nlohmann::json details = {{"ca", out.cert.ca_id},       {"profile", out.cert.profile},
                              {"subject", out.cert.subject}, {"key_sha256", key_hash},
                              {"not_after", out.cert.not_after}, {"replaces", replaces},
                              {"pair", out.cert.pair_serial}};
    if (out.encryption) {
      InsertCert(db_, sql, *out.encryption, enc_key_hash);
      long long t = now;
      if (renew_pair) {
        sql << "INSERT INTO escrowed_keys (serial, sealed_key, created_at)"
               " SELECT :s, sealed_key, :t FROM escrowed_keys WHERE serial = :o",
            soci::use(out.encryption->serial), soci::use(t), soci::use(renew_pair->serial);
      } else {
        sql << "INSERT INTO escrowed_keys (serial, sealed_key, created_at) VALUES (:s, :k, :t)",
            soci::use(out.encryption->serial), soci::use(sealed), soci::use(t);
      }
    }
    SEALKEY_RETURN_IF_ERROR(AppendAudit(db_, sql, clock_, {holder.actor, action,
                                                      "cert:" + out.cert.serial, details.dump()}));
    return hook ? (*hook)(sql, out) : Ok();
  }));
  if (!replaces.empty()) MarkCrlDirty(out.cert.ca_id);
  return out;
}

Result<CertRecord> CertService::Replaceable(const Account& caller, const std::string& serial,
                                            const char* verb_en, const char* verb_zh) {
  auto old = Get(caller, serial);
  if (!old) return Fail(old.error());
  if (old->status != "good" || old->usage != "signing") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          std::string("only a valid signing certificate can be ") + verb_en,
                          std::string("只能") + verb_zh + "有效的签名证书", "serial"));
  }
  return old;
}

Result<crypto::PublicKey> CertService::KeyOf(const CertRecord& record) {
  auto cert = crypto::Certificate::FromDer(record.der);
  if (!cert) return Fail(cert.error());
  return cert->PublicKeyOf();
}

Result<IssuedBundle> CertService::Renew(const Account& caller, const std::string& serial,
                                        const std::string& csr_text) {
  auto old = Replaceable(caller, serial, "renewed", "更新");
  if (!old) return Fail(old.error());
  auto holder = VerifiedHolder(caller, old->profile);
  if (!holder) return Fail(holder.error());
  return RenewFor(*holder, *old, csr_text, nullptr);
}

Result<IssuedBundle> CertService::RenewChecked(const CheckedHolder& holder,
                                               const std::string& serial,
                                               const std::string& csr_text,
                                               const IssueHook& hook) {
  auto old = Replaceable(holder.account, serial, "renewed", "更新");
  if (!old) return Fail(old.error());
  return RenewFor(holder, *old, csr_text, hook ? &hook : nullptr);
}

Result<IssuedBundle> CertService::RenewFor(const CheckedHolder& holder, const CertRecord& old_record,
                                           const std::string& csr_text, const IssueHook* hook) {
  const CertRecord* old = &old_record;
  int64_t now = clock_.NowUnixSeconds();
  int64_t opens = old->not_after -
                  static_cast<int64_t>((old->not_after - old->not_before) * policy_.renew_window);
  if (now < opens) {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition,
                          "renewal opens at " + std::to_string(opens) +
                              " (the last part of the validity)",
                          "证书有效期最后阶段才可更新", "serial"));
  }
  auto csr = ca::CheckCsr(CsrBytes(csr_text), kAllowedKeys);
  if (!csr) return Fail(csr.error());
  auto old_key = KeyOf(*old);
  if (!old_key) return Fail(old_key.error());
  if (!old_key->Equals(csr->public_key)) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "a renewal keeps the key pair: the CSR must be for the same key",
                          "证书更新须使用原密钥对", "csr"));
  }
  // A dual pair is renewed as a pair, both keys kept.
  std::optional<CertRecord> pair;
  if (!old->pair_serial.empty()) {
    auto loaded = Load(old->pair_serial);
    if (!loaded) return Fail(loaded.error());
    pair = std::move(*loaded);
  }
  return IssueFor(holder, old->profile, *csr, false, old->serial, pair ? &*pair : nullptr,
                  "renew", 0, hook);
}

Result<IssuedBundle> CertService::Reissue(const Account& caller, const std::string& serial,
                                          const std::string& csr_text, const std::string& code) {
  auto old = Replaceable(caller, serial, "reissued", "补办");
  if (!old) return Fail(old.error());
  auto csr = ca::CheckCsr(CsrBytes(csr_text), kAllowedKeys);
  if (!csr) return Fail(csr.error());
  auto old_key = KeyOf(*old);
  if (!old_key) return Fail(old_key.error());
  if (old_key->Equals(csr->public_key)) {
    return Fail(Bilingual(ErrorCode::kInvalidArgument,
                          "a reissue needs a new key pair: generate one in the medium",
                          "补办证书须在介质中生成新密钥对", "csr"));
  }
  // B11: the person authorises with an SMS code, after every other check.
  auto holder = VerifiedHolder(caller, old->profile);
  if (!holder) return Fail(holder.error());
  SEALKEY_RETURN_IF_ERROR(codes_.Verify(caller.phone, "reissue_certificate", code));
  // A notice that asked for this reissue is done with it (same transaction).
  IssueHook close_notice = [&](soci::session& sql, const IssuedBundle&) -> Status {
    long long now = clock_.NowUnixSeconds();
    sql << "UPDATE cert_notices SET done_at = :t WHERE kind = 'reissue_due' AND serial = :s"
           " AND done_at = 0",
        soci::use(now), soci::use(old->serial);
    return Ok();
  };
  return IssueFor(*holder, old->profile, *csr, !old->pair_serial.empty(), old->serial, nullptr,
                  "reissue", 0, &close_notice);
}

Status CertService::Revoke(const Account* caller, const std::string& actor,
                           const std::string& serial, const std::string& reason_text) {
  auto reason = ca::ParseReason(reason_text);
  if (!reason) return Fail(reason.error());
  auto cert = caller ? Get(*caller, serial) : Load(NormaliseSerial(serial));
  if (!cert) return Fail(cert.error());
  if (cert->status != "good") {
    return Fail(Bilingual(ErrorCode::kFailedPrecondition, "this certificate is already revoked",
                          "该证书已吊销", "serial"));
  }
  long long now = clock_.NowUnixSeconds();
  SEALKEY_RETURN_IF_ERROR(store::InTransaction(db_, [&](soci::session& sql) -> Status {
    RevokeIn(sql, cert->serial, static_cast<int>(*reason), now);
    nlohmann::json details = {{"reason", std::string(ca::ReasonToken(*reason))},
                              {"pair", cert->pair_serial}};
    return AppendAudit(db_, sql, clock_, {actor, "revoke", "cert:" + cert->serial, details.dump()});
  }));
  MarkCrlDirty(cert->ca_id);
  return Ok();
}

}  // namespace sealkey::server
