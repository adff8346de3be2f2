// Revocation reasons and X.509 v2 CRLs (RFC 5280 section 5), encoded with
// sealkey's DER writer and signed through a Signer.
#include <array>
#include <cctype>
#include <string>

#include "base/der.h"
#include "ca/crl_ocsp.h"
#include "ca/revocation_der.h"

namespace sealkey::ca {
namespace {

struct ReasonName {
  RevocationReason reason;
  std::string_view token;
};
constexpr std::array<ReasonName, 8> kReasons = {{
    {RevocationReason::kUnspecified, "unspecified"},
    {RevocationReason::kKeyCompromise, "keyCompromise"},
    {RevocationReason::kCaCompromise, "cACompromise"},
    {RevocationReason::kAffiliationChanged, "affiliationChanged"},
    {RevocationReason::kSuperseded, "superseded"},
    {RevocationReason::kCessationOfOperation, "cessationOfOperation"},
    {RevocationReason::kCertificateHold, "certificateHold"},
    {RevocationReason::kPrivilegeWithdrawn, "privilegeWithdrawn"},
}};

// Lower case without '-', '_' and spaces: "key_compromise" == "keyCompromise".
std::string Normalize(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '-' || c == '_' || c == ' ') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// The crlEntryExtensions of one entry: only reasonCode, and not for
// unspecified (RFC 5280 5.3.1 recommends omitting it then).
Bytes EntryExtensions(RevocationReason reason) {
  if (reason == RevocationReason::kUnspecified) return {};
  return der::Sequence(
      {detail::Extension(detail::kOidReasonCode, false,
                         detail::Enumerated(static_cast<int>(reason)))});
}

// cRLNumber is a non-negative INTEGER.
Bytes CrlNumber(int64_t n) {
  Bytes magnitude;
  for (uint64_t v = static_cast<uint64_t>(n); v; v >>= 8) {
    magnitude.insert(magnitude.begin(), static_cast<uint8_t>(v));
  }
  return der::UnsignedInteger(magnitude);
}

}  // namespace

std::string_view ReasonToken(RevocationReason r) {
  for (const auto& n : kReasons) {
    if (n.reason == r) return n.token;
  }
  return "unspecified";
}

Result<RevocationReason> ParseReason(std::string_view token) {
  const std::string want = Normalize(token);
  for (const auto& n : kReasons) {
    if (Normalize(n.token) == want) return n.reason;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown revocation reason '" + std::string(token) +
                  "' (expected unspecified, keyCompromise, cACompromise, affiliationChanged, "
                  "superseded, cessationOfOperation, certificateHold or privilegeWithdrawn)",
              "reason");
}

Result<Bytes> BuildCrl(const crypto::Certificate& ca_cert, crypto::Signer& signer,
                       int64_t this_update, int64_t next_update, int64_t crl_number,
                       const std::vector<RevokedCert>& revoked) {
  if (next_update <= this_update) {
    return Fail(ErrorCode::kInvalidArgument, "nextUpdate must be later than thisUpdate",
                "next_update");
  }
  if (crl_number < 0) {
    return Fail(ErrorCode::kInvalidArgument, "the CRL number must not be negative",
                "crl_number");
  }
  auto ca = detail::ReadCa(ca_cert);
  if (!ca) return Fail(ca.error());
  auto this_time = detail::X509Time(this_update, "this_update");
  if (!this_time) return Fail(this_time.error());
  auto next_time = detail::X509Time(next_update, "next_update");
  if (!next_time) return Fail(next_time.error());

  Bytes entries;
  for (const RevokedCert& r : revoked) {
    size_t lead = 0;
    while (lead + 1 < r.serial.size() && r.serial[lead] == 0) ++lead;
    if (r.serial.empty() || r.serial.size() - lead > 20) {
      return Fail(ErrorCode::kInvalidArgument, "a serial number has 1 to 20 octets", "serial");
    }
    if (!detail::KnownReasonCode(static_cast<int>(r.reason))) {
      return Fail(ErrorCode::kInvalidArgument,
                  "unknown revocation reason " + std::to_string(static_cast<int>(r.reason)),
                  "reason");
    }
    auto when = detail::X509Time(r.revoked_at, "revoked_at");
    if (!when) return Fail(when.error());
    Bytes entry = der::Sequence(
        {der::UnsignedInteger(r.serial), *when, EntryExtensions(r.reason)});
    entries.insert(entries.end(), entry.begin(), entry.end());
  }

  // AuthorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
  Bytes aki = der::Sequence({der::Tlv(0x80, ca->key_id)});
  Bytes crl_extensions = detail::Explicit(
      0, der::Sequence({detail::Extension(detail::kOidAuthorityKeyId, false, aki),
                        detail::Extension(detail::kOidCrlNumber, false, CrlNumber(crl_number))}));

  const uint8_t v2 = 1;
  Bytes alg = detail::SignatureAlgorithm(ca->key.type());
  Bytes tbs = der::Sequence({
      der::Tlv(der::kInteger, ByteView(&v2, 1)),
      alg,
      ca->subject_der,
      *this_time,
      *next_time,
      revoked.empty() ? Bytes{} : der::Tlv(der::kSequence, entries),
      crl_extensions,
  });
  auto sig = detail::SignTbs(signer, *ca, tbs);
  if (!sig) return Fail(sig.error());
  return der::Sequence({tbs, alg, der::BitString(*sig)});
}

}  // namespace sealkey::ca
