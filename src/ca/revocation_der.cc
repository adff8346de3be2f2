#include "ca/revocation_der.h"

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "base/der.h"
#include "crypto/digest.h"
#include "crypto/ossl_error.h"

namespace sealkey::ca::detail {
namespace {

constexpr int64_t kMaxTime = 253402300799;  // 9999-12-31T23:59:59Z

void AppendBase128(Bytes& out, uint64_t v) {
  uint8_t buf[10];
  int n = 0;
  do {
    buf[n++] = static_cast<uint8_t>(v & 0x7f);
    v >>= 7;
  } while (v);
  while (n > 1) out.push_back(static_cast<uint8_t>(buf[--n] | 0x80));
  out.push_back(buf[0]);
}

struct Civil {
  int year;
  unsigned month, day, hour, minute, second;
};

Result<Civil> ToCivil(int64_t t, std::string_view field) {
  if (t < 0 || t > kMaxTime) {
    return Fail(ErrorCode::kOutOfRange, "time must lie between 1970 and 9999",
                std::string(field));
  }
  using namespace std::chrono;
  sys_seconds s{seconds{t}};
  sys_days day = floor<days>(s);
  year_month_day ymd{day};
  int64_t rest = (s - day).count();
  return Civil{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
               static_cast<unsigned>(ymd.day()), static_cast<unsigned>(rest / 3600),
               static_cast<unsigned>(rest / 60 % 60), static_cast<unsigned>(rest % 60)};
}

Bytes TimeTlv(uint8_t tag, const Civil& c) {
  char buf[32];
  int n = tag == der::kUtcTime
              ? std::snprintf(buf, sizeof buf, "%02d%02u%02u%02u%02u%02uZ", c.year % 100, c.month,
                              c.day, c.hour, c.minute, c.second)
              : std::snprintf(buf, sizeof buf, "%04d%02u%02u%02u%02u%02uZ", c.year, c.month,
                              c.day, c.hour, c.minute, c.second);
  return der::Tlv(tag, AsBytes(std::string_view(buf, static_cast<size_t>(n))));
}

}  // namespace

std::string CertIdHashName(std::string_view dotted_oid) {
  if (dotted_oid == kOidSha1) return "sha1";
  if (dotted_oid == kOidSha256) return "sha256";
  if (dotted_oid == kOidSm3) return "sm3";
  return std::string(dotted_oid);
}

std::string CertIdHashOid(std::string_view name) {
  if (name == "sha1") return std::string(kOidSha1);
  if (name == "sha256") return std::string(kOidSha256);
  if (name == "sm3") return std::string(kOidSm3);
  return std::string(name);
}

std::optional<crypto::HashAlg> CertIdHash(std::string_view name) {
  if (name == "sha1") return crypto::HashAlg::kSha1;
  if (name == "sha256") return crypto::HashAlg::kSha256;
  if (name == "sm3") return crypto::HashAlg::kSm3;
  return std::nullopt;
}

bool KnownReasonCode(int code) { return (code >= 0 && code <= 6) || code == 9; }

Result<Bytes> EncodeOid(std::string_view dotted, std::string_view field) {
  std::vector<uint64_t> arcs;
  size_t i = 0;
  while (i <= dotted.size()) {
    size_t end = dotted.find('.', i);
    if (end == std::string_view::npos) end = dotted.size();
    std::string_view part = dotted.substr(i, end - i);
    if (part.empty() || part.size() > 19 || (part.size() > 1 && part[0] == '0')) {
      return Fail(ErrorCode::kInvalidArgument, "'" + std::string(dotted) + "' is not an OID",
                  std::string(field));
    }
    uint64_t v = 0;
    for (char ch : part) {
      if (ch < '0' || ch > '9') {
        return Fail(ErrorCode::kInvalidArgument, "'" + std::string(dotted) + "' is not an OID",
                    std::string(field));
      }
      v = v * 10 + static_cast<uint64_t>(ch - '0');
    }
    arcs.push_back(v);
    i = end + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] >= 40) ||
      arcs[1] > (uint64_t{1} << 63)) {
    return Fail(ErrorCode::kInvalidArgument, "'" + std::string(dotted) + "' is not an OID",
                std::string(field));
  }
  Bytes body;
  AppendBase128(body, arcs[0] * 40 + arcs[1]);
  for (size_t k = 2; k < arcs.size(); ++k) AppendBase128(body, arcs[k]);
  return der::Tlv(der::kOid, body);
}

Bytes Oid(std::string_view dotted) {
  auto oid = EncodeOid(dotted, "oid");
  if (!oid) throw std::logic_error("invalid OID constant " + std::string(dotted));
  return std::move(*oid);
}

Result<std::string> DecodeOid(ByteView contents, std::string_view field) {
  auto bad = [&](const char* why) {
    return Fail(ErrorCode::kMalformed, std::string("OBJECT IDENTIFIER: ") + why,
                std::string(field));
  };
  if (contents.empty()) return bad("empty");
  std::string out;
  uint64_t v = 0;
  bool first = true, fresh = true;
  for (uint8_t b : contents) {
    if (fresh && b == 0x80) return bad("non-minimal sub-identifier");
    if (v > (UINT64_MAX >> 7)) return bad("sub-identifier too large");
    v = v << 7 | (b & 0x7f);
    fresh = false;
    if (b & 0x80) continue;
    if (first) {
      uint64_t top = v < 40 ? 0 : v < 80 ? 1 : 2;
      out = std::to_string(top) + "." + std::to_string(v - top * 40);
      first = false;
    } else {
      out += "." + std::to_string(v);
    }
    v = 0;
    fresh = true;
  }
  if (!fresh) return bad("truncated sub-identifier");
  return out;
}

Result<Bytes> X509Time(int64_t t, std::string_view field) {
  auto c = ToCivil(t, field);
  if (!c) return Fail(c.error());
  return TimeTlv(c->year >= 1950 && c->year < 2050 ? der::kUtcTime : der::kGeneralizedTime, *c);
}

Result<Bytes> GeneralizedTime(int64_t t, std::string_view field) {
  auto c = ToCivil(t, field);
  if (!c) return Fail(c.error());
  return TimeTlv(der::kGeneralizedTime, *c);
}

Bytes Enumerated(int value) {
  const uint8_t v = static_cast<uint8_t>(value & 0x7f);
  return der::Tlv(kTagEnumerated, ByteView(&v, 1));
}

Bytes Explicit(int n, ByteView inner) { return der::Tlv(static_cast<uint8_t>(0xa0 | n), inner); }

Bytes Extension(std::string_view oid, bool critical, ByteView value) {
  static const uint8_t kTrue = 0xff;
  Bytes body = Oid(oid);
  if (critical) {
    Bytes b = der::Tlv(kTagBoolean, ByteView(&kTrue, 1));
    body.insert(body.end(), b.begin(), b.end());
  }
  Bytes v = der::OctetString(value);
  body.insert(body.end(), v.begin(), v.end());
  return der::Tlv(der::kSequence, body);
}

Result<CaInfo> ReadCa(const crypto::Certificate& ca_cert) {
  X509* x = ca_cert.get();
  if (x == nullptr) return Fail(ErrorCode::kInvalidArgument, "no CA certificate", "ca_cert");
  auto key = ca_cert.PublicKeyOf();
  if (!key) return Fail(key.error());

  unsigned char* name = nullptr;
  int name_len = i2d_X509_NAME(X509_get_subject_name(x), &name);
  if (name_len <= 0) {
    return Fail(crypto::OpensslError(ErrorCode::kCrypto, "encoding the CA subject failed",
                                     "ca_cert"));
  }
  Bytes subject(name, name + name_len);
  OPENSSL_free(name);

  const ASN1_BIT_STRING* bits = X509_get0_pubkey_bitstr(x);
  if (bits == nullptr || ASN1_STRING_length(bits) <= 0) {
    return Fail(ErrorCode::kMalformed, "the CA certificate has no public key", "ca_cert");
  }
  const uint8_t* bp = ASN1_STRING_get0_data(bits);
  Bytes key_bits(bp, bp + ASN1_STRING_length(bits));

  Bytes key_id;
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(x);
  if (ski != nullptr && ASN1_STRING_length(ski) > 0) {
    const uint8_t* sp = ASN1_STRING_get0_data(ski);
    key_id.assign(sp, sp + ASN1_STRING_length(ski));
  } else {
    crypto::ClearOpensslErrors();
    key_id = crypto::Hash(crypto::HashAlg::kSha1, key_bits);
  }
  return CaInfo{std::move(*key), std::move(subject), std::move(key_bits), std::move(key_id)};
}

Bytes SignatureAlgorithm(crypto::KeyType type) {
  switch (type) {
    case crypto::KeyType::kSm2:
      return der::Sequence({Oid(kOidSm3WithSm2)});
    case crypto::KeyType::kEcP256:
      return der::Sequence({Oid(kOidEcdsaWithSha256)});
    case crypto::KeyType::kRsa:
      break;
  }
  return der::Sequence({Oid(kOidSha256WithRsa), der::Tlv(der::kNull, {})});
}

crypto::SignOptions CaSignOptions() {
  crypto::SignOptions o;
  o.hash = crypto::HashAlg::kSha256;
  o.rsa_pss = false;
  return o;
}

Result<Bytes> SignTbs(crypto::Signer& signer, const CaInfo& ca, ByteView tbs) {
  if (signer.key_type() != ca.key.type()) {
    return Fail(ErrorCode::kInvalidArgument,
                "the signer holds a " + std::string(crypto::KeyTypeName(signer.key_type())) +
                    " key but the CA certificate is for " +
                    std::string(crypto::KeyTypeName(ca.key.type())),
                "key");
  }
  const crypto::SignOptions options = CaSignOptions();
  auto sig = signer.Sign(tbs, options);
  if (!sig) return Fail(sig.error());
  Status ok = crypto::VerifyMessage(ca.key, tbs, *sig, options);
  if (!ok) {
    return Fail(ErrorCode::kInvalidArgument,
                "the signer's key does not match the CA certificate (" + ok.error().message + ")",
                "key");
  }
  return std::move(*sig);
}

}  // namespace sealkey::ca::detail
