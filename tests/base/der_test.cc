// Unit tests for the strict DER reader/writer (src/base/der.h).
#include <gtest/gtest.h>

#include "base/der.h"
#include "base/encoding.h"
#include "testutil/testutil.h"

namespace sealkey::der {
namespace {

Bytes H(const char* hex) { return *HexDecode(hex); }

TEST(DerTest, WritesMinimalIntegersAndLengths) {
  EXPECT_EQ(UnsignedInteger(H("00")), H("020100"));
  EXPECT_EQ(UnsignedInteger(H("0080")), H("02020080"));
  EXPECT_EQ(UnsignedInteger(H("000001")), H("020101"));
  EXPECT_EQ(UnsignedInteger(H("ff")), H("020200ff"));
  Bytes big(200, 0x11);
  Bytes tlv = OctetString(big);
  EXPECT_EQ(tlv[1], 0x81);
  EXPECT_EQ(tlv[2], 200);
  Bytes bigger(300, 0x22);
  tlv = OctetString(bigger);
  EXPECT_EQ(tlv[1], 0x82);
  EXPECT_EQ(tlv[2], 0x01);
  EXPECT_EQ(tlv[3], 0x2c);
}

TEST(DerTest, ReadsWhatItWrites) {
  Bytes seq = Sequence({UnsignedInteger(H("80")), OctetString(H("0102"))});
  Reader outer(seq);
  auto inner = outer.ReadSequence();
  ASSERT_OK(inner);
  auto i = inner->ReadUnsignedInteger();
  ASSERT_OK(i);
  EXPECT_EQ(Bytes(i->begin(), i->end()), H("80"));
  auto o = inner->Read(kOctetString);
  ASSERT_OK(o);
  EXPECT_EQ(Bytes(o->begin(), o->end()), H("0102"));
  EXPECT_OK(inner->ExpectEnd());
  EXPECT_OK(outer.ExpectEnd());
}

TEST(DerTest, RejectsNonCanonicalEncodings) {
  // Non-minimal INTEGER (redundant leading zero).
  EXPECT_ERROR_CODE(Reader(H("02020001")).ReadUnsignedInteger(), ErrorCode::kMalformed);
  // Negative INTEGER.
  EXPECT_ERROR_CODE(Reader(H("020180")).ReadUnsignedInteger(), ErrorCode::kMalformed);
  // Empty INTEGER.
  EXPECT_ERROR_CODE(Reader(H("0200")).ReadUnsignedInteger(), ErrorCode::kMalformed);
  // Indefinite length.
  EXPECT_ERROR_CODE(Reader(H("30800000")).ReadSequence(), ErrorCode::kMalformed);
  // Long form for a short length.
  EXPECT_ERROR_CODE(Reader(H("04810101")).Read(kOctetString), ErrorCode::kMalformed);
  // Length with a leading zero byte.
  EXPECT_ERROR_CODE(Reader(H("0482000101")).Read(kOctetString), ErrorCode::kMalformed);
  // Truncated value and truncated length.
  EXPECT_ERROR_CODE(Reader(H("040501")).Read(kOctetString), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(Reader(H("04")).Read(kOctetString), ErrorCode::kMalformed);
  // Wrong tag.
  EXPECT_ERROR_CODE(Reader(H("0400")).Read(kInteger), ErrorCode::kMalformed);
  // High tag number form.
  EXPECT_ERROR_CODE(Reader(H("1f0100")).Read(0x1f), ErrorCode::kMalformed);
  // Trailing bytes.
  Bytes two = H("04000400");  // the Reader borrows; keep the bytes alive
  Reader r(two);
  ASSERT_OK(r.Read(kOctetString));
  EXPECT_ERROR_CODE(r.ExpectEnd(), ErrorCode::kMalformed);
}

TEST(DerTest, FixedWidthPadsAndRejectsOverflow) {
  auto p = FixedWidth(H("0102"), 4, "x");
  ASSERT_OK(p);
  EXPECT_EQ(*p, H("00000102"));
  EXPECT_ERROR_CODE(FixedWidth(H("0102030405"), 4, "x"), ErrorCode::kOutOfRange);
  auto z = FixedWidth(H("0000000102"), 4, "x");  // leading zeros do not count
  ASSERT_OK(z);
}

}  // namespace
}  // namespace sealkey::der
