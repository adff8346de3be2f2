// GB/T 38540 SESeal (seal/ses_seal.h): built with SM2, P-256 and RSA seal
// makers, read back by `openssl asn1parse`, round-tripped, and tampered with
// byte by byte. Hand-made seals cover what other producers write (ofdrw:
// another Vid and type, fractional seconds, extDatas).
#include "seal/ses_seal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/der.h"
#include "crypto/x509_build.h"
#include "seal/seal_image.h"
#include "testutil/testutil.h"

namespace sealkey::seal {
namespace {

using crypto::KeyAlg;

constexpr int64_t kNow = 1767225600;  // 2026-01-01T00:00:00Z

struct Party {
  crypto::PrivateKey key;
  crypto::Certificate cert;
};

Party MakeParty(KeyAlg alg, const char* subject) {
  auto key = crypto::PrivateKey::Generate(alg);
  EXPECT_TRUE(key.has_value());
  crypto::CertificateTemplate t;
  t.subject = crypto::ParseDistinguishedName(subject).value();
  t.not_before = kNow - 86400;
  t.not_after = kNow + 3 * 365 * 86400;
  auto cert = crypto::SelfSign(*key, t);
  EXPECT_TRUE(cert.has_value()) << cert.error().ToString();
  return {std::move(*key), std::move(*cert)};
}

class SesSeal : public ::testing::TestWithParam<KeyAlg> {
 protected:
  void SetUp() override {
    maker_.emplace(MakeParty(GetParam(), "/C=CN/O=测试制章单位/CN=制章人"));
    user_.emplace(MakeParty(KeyAlg::kSm2, "/C=CN/O=北京测试科技有限公司/CN=张三"));
    info_.es_id = "11010800000001";
    info_.type = kSealTypePersonal;
    info_.name = "张三之印";
    info_.bound_certs = {user_->cert.Der()};
    info_.created = kNow;
    info_.valid_start = kNow;
    info_.valid_end = kNow + 2 * 365 * 86400;
    info_.png = RenderPersonalSeal("张三", 120).value();
    info_.width_mm = 20;
    info_.height_mm = 20;
  }
  Result<Bytes> Build() {
    crypto::KeySigner signer(maker_->key);
    return BuildSeal(info_, maker_->cert, signer);
  }

  std::optional<Party> maker_, user_;
  SealInfo info_;
};

TEST_P(SesSeal, RoundTripsEveryField) {
  info_.bound_certs.push_back(maker_->cert.Der());
  auto seal = Build();
  ASSERT_OK(seal);
  auto parsed = ParseAndVerifySeal(*seal);
  ASSERT_OK(parsed);
  EXPECT_EQ(parsed->info, info_);
  EXPECT_EQ(parsed->vendor_id, kVendorId);
  EXPECT_EQ(parsed->maker_cert.Der(), maker_->cert.Der());
  // The signed bytes are the first element of the SESeal.
  der::Reader r(*seal);
  auto outer = r.ReadSequence();
  ASSERT_OK(outer);
  auto signed_part = outer->ReadRaw(der::kSequence);
  ASSERT_OK(signed_part);
  EXPECT_EQ(Bytes(signed_part->begin(), signed_part->end()), parsed->seal_info_der);
}

TEST_P(SesSeal, OpensslAsn1parseShowsTheStructure) {
  auto seal = Build();
  ASSERT_OK(seal);
  testing::TempDir dir;
  testing::WriteFile(dir.File("seal.der"), *seal);
  auto r =
      testing::RunCommand({"openssl", "asn1parse", "-inform", "DER", "-in", dir.File("seal.der")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string& out = r.out;
  for (const char* want :
       {"IA5STRING         :ES", "INTEGER           :04", "IA5STRING         :sealkey",
        "IA5STRING         :11010800000001", "UTF8STRING        :张三之印",
        "GENERALIZEDTIME   :20260101000000Z", "GENERALIZEDTIME   :20280101000000Z",
        "IA5STRING         :PNG", "INTEGER           :14", "BIT STRING"}) {
    EXPECT_NE(out.find(want), std::string::npos) << want << " missing in\n" << out;
  }
  // The picture's OCTET STRING starts with the PNG signature.
  EXPECT_NE(out.find("[HEX DUMP]:89504E470D0A1A0A"), std::string::npos) << out;
  const char* oid = GetParam() == KeyAlg::kSm2      ? "OBJECT            :SM2-with-SM3"
                    : GetParam() == KeyAlg::kEcP256 ? "OBJECT            :ecdsa-with-SHA256"
                                                    : "OBJECT            :sha256WithRSAEncryption";
  EXPECT_NE(out.find(oid), std::string::npos) << oid << " missing in\n" << out;
}

// Every single-byte change to eSealInfo or signedValue (tags, lengths and
// contents alike; bit 0 or bit 7 in turn) is refused.
TEST_P(SesSeal, AnyFlippedByteIsRefused) {
  auto seal = Build();
  ASSERT_OK(seal);
  der::Reader top(*seal);
  auto outer = top.ReadSequence();
  ASSERT_OK(outer);
  auto info = outer->ReadRaw(der::kSequence);
  ASSERT_OK(info);
  ASSERT_OK(outer->Read(der::kOctetString));
  ASSERT_OK(outer->Read(der::kOid));
  auto sig = outer->ReadRaw(der::kBitString);
  ASSERT_OK(sig);
  std::vector<size_t> offsets;
  for (ByteView part : {*info, *sig}) {
    const size_t at = size_t(part.data() - seal->data());
    for (size_t i = 0; i < part.size(); ++i) offsets.push_back(at + i);
  }
  ASSERT_GT(offsets.size(), info_.png.size());
  int failures = 0;
  for (size_t at : offsets) {
    Bytes bad = *seal;
    bad[at] ^= at % 2 ? 0x80 : 0x01;
    auto r = ParseAndVerifySeal(bad);
    if (r) {
      ADD_FAILURE() << "accepted with byte " << at << " changed";
    } else if (r.error().code != ErrorCode::kVerifyFailed &&
               r.error().code != ErrorCode::kMalformed) {
      ADD_FAILURE() << "byte " << at << ": " << r.error().ToString();
    } else {
      continue;
    }
    if (++failures > 5) return;
  }
  EXPECT_OK(ParseAndVerifySeal(*seal));
}

TEST_P(SesSeal, RefusesOuterDamage) {
  auto seal = Build();
  ASSERT_OK(seal);
  Bytes trailing = *seal;
  trailing.push_back(0);
  EXPECT_ERROR_CODE(ParseAndVerifySeal(trailing), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(ParseAndVerifySeal(ByteView(*seal).first(seal->size() - 1)),
                    ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(ParseAndVerifySeal({}), ErrorCode::kMalformed);
  // Another maker's certificate in `cert`.
  auto other = MakeParty(GetParam(), "/CN=other maker");
  Bytes swapped = *seal;
  const Bytes mine = maker_->cert.Der(), theirs = other.cert.Der();
  auto pos = std::search(swapped.begin(), swapped.end(), mine.begin(), mine.end());
  ASSERT_NE(pos, swapped.end());
  if (mine.size() == theirs.size()) {
    std::copy(theirs.begin(), theirs.end(), pos);
    EXPECT_ERROR_CODE(ParseAndVerifySeal(swapped), ErrorCode::kVerifyFailed);
  }
}

TEST_P(SesSeal, BuildChecksItsInputs) {
  auto field = [&](const std::function<void(SealInfo&)>& change) {
    const SealInfo saved = info_;
    change(info_);
    auto r = Build();
    info_ = saved;
    if (r) return std::string("(built)");
    EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument) << r.error().ToString();
    return r.error().field;
  };
  EXPECT_EQ(field([](SealInfo& i) { i.es_id = ""; }), "es_id");
  EXPECT_EQ(field([](SealInfo& i) { i.es_id = "印章1"; }), "es_id");
  EXPECT_EQ(field([](SealInfo& i) { i.type = 0; }), "type");
  EXPECT_EQ(field([](SealInfo& i) { i.name = ""; }), "name");
  EXPECT_EQ(field([](SealInfo& i) { i.name = "a\nb"; }), "name");
  EXPECT_EQ(field([](SealInfo& i) { i.bound_certs.clear(); }), "bound_certs");
  EXPECT_EQ(field([](SealInfo& i) { i.bound_certs.push_back(ToBytes("not a cert")); }),
            "bound_certs");
  EXPECT_EQ(field([](SealInfo& i) { i.valid_end = i.valid_start; }), "valid_end");
  EXPECT_EQ(field([](SealInfo& i) { i.created = i.valid_end + 1; }), "created");
  EXPECT_EQ(field([](SealInfo& i) { i.valid_start = -1; }), "valid_start");
  EXPECT_EQ(field([](SealInfo& i) { i.png = ToBytes("GIF89a...."); }), "png");
  EXPECT_EQ(field([](SealInfo& i) { i.width_mm = 0; }), "width_mm");
  EXPECT_EQ(field([](SealInfo& i) { i.height_mm = 301; }), "height_mm");
  // A maker certificate for another key.
  auto other = MakeParty(GetParam(), "/CN=other maker");
  crypto::KeySigner signer(maker_->key);
  auto r = BuildSeal(info_, other.cert, signer);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().field, "maker_cert");
  auto sm2 = MakeParty(GetParam() == KeyAlg::kSm2 ? KeyAlg::kEcP256 : KeyAlg::kSm2, "/CN=x");
  EXPECT_EQ(BuildSeal(info_, sm2.cert, signer).error().field, "maker_cert");
}

// A seal assembled here from raw DER pieces and signed by the maker, so that
// values BuildSeal never writes can be tried. Every piece is a whole TLV.
struct Pieces {
  Bytes id = Tlv(der::kIa5String, "ES"), version = Int(4), vid = Tlv(der::kIa5String, "OFDR&WTest");
  Bytes es_id = Tlv(der::kIa5String, "8f2c0e5b6a"), type = Int(3);
  Bytes name = Tlv(der::kUtf8String, "OFD R&W 测试用印章"), list_type = Int(1), certs;
  Bytes created = Tlv(der::kGeneralizedTime, "20260101000000.123Z");
  Bytes start = Tlv(der::kGeneralizedTime, "20260101000000Z");
  Bytes end = Tlv(der::kGeneralizedTime, "20280101000000Z");
  Bytes pic_type = Tlv(der::kIa5String, "PNG"), width = Int(40), height = Int(40);
  Bytes ext;  // the whole extDatas, or nothing

  static Bytes Tlv(uint8_t tag, std::string_view text) { return der::Tlv(tag, AsBytes(text)); }
  static Bytes Int(uint8_t v) { return der::UnsignedInteger(ByteView(&v, 1)); }
};

class HandMadeSeal : public SesSeal {
 protected:
  Result<ParsedSeal> Parse(const std::function<void(Pieces&)>& change = {}) {
    Pieces p;
    p.certs = der::Sequence({der::OctetString(user_->cert.Der())});
    if (change) change(p);
    const Bytes info = der::Sequence(
        {der::Sequence({p.id, p.version, p.vid}), p.es_id,
         der::Sequence({p.type, p.name, p.list_type, p.certs, p.created, p.start, p.end}),
         der::Sequence({p.pic_type, der::OctetString(info_.png), p.width, p.height}), p.ext});
    auto sig = crypto::SignMessage(maker_->key, info);
    EXPECT_TRUE(sig.has_value());
    const uint8_t sm2[] = {0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75};
    const uint8_t ecdsa[] = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
    const uint8_t rsa[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b};
    const ByteView oid = GetParam() == KeyAlg::kSm2      ? ByteView(sm2)
                         : GetParam() == KeyAlg::kEcP256 ? ByteView(ecdsa)
                                                         : ByteView(rsa);
    return ParseAndVerifySeal(der::Sequence({info, der::OctetString(maker_->cert.Der()),
                                             der::Tlv(der::kOid, oid), der::BitString(*sig)}));
  }
  // The error of a parse after `change`, as "code field".
  std::string ErrorOf(const std::function<void(Pieces&)>& change) {
    auto r = Parse(change);
    if (r) return "(accepted)";
    return std::string(ErrorCodeName(r.error().code)) + " " + r.error().field;
  }
};

// What ofdrw's SESealTest writes: another vendor and type, milliseconds in
// createDate, and here also a non-critical extension.
TEST_P(HandMadeSeal, AcceptsOtherProducersChoices) {
  auto r = Parse([](Pieces& p) {
    p.ext = der::Sequence({der::Sequence(
        {der::Tlv(der::kOid, Bytes{0x2a, 0x03, 0x04}), der::OctetString(ToBytes("x"))})});
  });
  ASSERT_OK(r);
  EXPECT_EQ(r->vendor_id, "OFDR&WTest");
  EXPECT_EQ(r->info.type, 3);
  EXPECT_EQ(r->info.name, "OFD R&W 测试用印章");
  EXPECT_EQ(r->info.created, kNow);
  EXPECT_EQ(r->info.valid_end, kNow + 2 * 365 * 86400);
  EXPECT_EQ(r->info.width_mm, 40);
  EXPECT_EQ(r->info.bound_certs, std::vector<Bytes>{user_->cert.Der()});
}

TEST_P(HandMadeSeal, RefusesWhatItCannotStandBehind) {
  using P = Pieces;
  EXPECT_EQ(ErrorOf([](P& p) { p.version = P::Int(2); }), "unsupported header.version");
  EXPECT_EQ(ErrorOf([](P& p) { p.id = P::Tlv(der::kIa5String, "EX"); }), "malformed header.ID");
  EXPECT_EQ(ErrorOf([](P& p) { p.list_type = P::Int(2); }), "unsupported property.certListType");
  EXPECT_EQ(ErrorOf([](P& p) { p.certs = der::Sequence({}); }), "malformed bound_certs");
  EXPECT_EQ(ErrorOf([](P& p) { p.pic_type = P::Tlv(der::kIa5String, "GIF"); }),
            "unsupported picture.type");
  EXPECT_EQ(ErrorOf([](P& p) { p.end = p.start; }), "malformed valid_end");
  EXPECT_EQ(ErrorOf([](P& p) {
              p.width = der::Tlv(der::kInteger, Bytes{0x00, 0x28});
            }),
            "malformed picture.width");
  EXPECT_EQ(ErrorOf([](P& p) { p.created = P::Tlv(der::kGeneralizedTime, "20260101000000.120Z"); }),
            "malformed property.createDate");
  EXPECT_EQ(ErrorOf([](P& p) { p.created = P::Tlv(der::kUtcTime, "260101000000Z"); }),
            "malformed property.createDate");
  EXPECT_EQ(ErrorOf([](P& p) { p.start = P::Tlv(der::kGeneralizedTime, "20260230000000Z"); }),
            "malformed property.validStart");
  EXPECT_EQ(ErrorOf([](P& p) { p.name = P::Tlv(der::kUtf8String, "\xff"); }), "malformed name");
  auto ext = [](Bytes critical) {
    return der::Sequence({der::Sequence(
        {der::Tlv(der::kOid, Bytes{0x2a, 0x03}), critical, der::OctetString(ToBytes("x"))})});
  };
  EXPECT_EQ(ErrorOf([&](P& p) { p.ext = ext(der::Tlv(0x01, Bytes{0xff})); }),
            "unsupported extDatas[0]");
  EXPECT_EQ(ErrorOf([&](P& p) { p.ext = ext(der::Tlv(0x01, Bytes{0x00})); }),
            "malformed extDatas[0]");
  EXPECT_EQ(ErrorOf([](P& p) { p.ext = P::Int(1); }), "malformed extDatas");
}

INSTANTIATE_TEST_SUITE_P(Makers, SesSeal,
                         ::testing::Values(KeyAlg::kSm2, KeyAlg::kEcP256, KeyAlg::kRsa2048),
                         [](const auto& p) { return std::string(crypto::KeyAlgToken(p.param)); });
INSTANTIATE_TEST_SUITE_P(Makers, HandMadeSeal,
                         ::testing::Values(KeyAlg::kSm2, KeyAlg::kEcP256, KeyAlg::kRsa2048),
                         [](const auto& p) { return std::string(crypto::KeyAlgToken(p.param)); });

}  // namespace
}  // namespace sealkey::seal
