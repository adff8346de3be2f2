// Unit tests for src/base: errors, secure buffers, encodings, clock, files.
#include <chrono>
#include <string>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "base/encoding.h"
#include "base/error.h"
#include "base/file.h"
#include "base/secure_buffer.h"
#include "testutil/testutil.h"

namespace sealkey {
namespace {

TEST(ErrorTest, CarriesCodeFieldAndMessage) {
  Result<int> r = Fail(ErrorCode::kInvalidArgument, "must be 6-16 characters", "pin");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().ToString(), "pin: must be 6-16 characters");
  EXPECT_EQ(ErrorCodeName(r.error().code), "invalid_argument");
  EXPECT_EQ((Error{ErrorCode::kIo, "", "disk full"}.ToString()), "disk full");
}

Status Propagates(bool fail) {
  auto inner = [fail]() -> Status {
    if (fail) return Fail(ErrorCode::kPinLocked, "locked", "pin");
    return Ok();
  };
  SEALKEY_RETURN_IF_ERROR(inner());
  return Fail(ErrorCode::kInternal, "reached the end");
}

TEST(ErrorTest, ReturnIfErrorPropagatesTheFirstError) {
  EXPECT_EQ(Propagates(true).error().code, ErrorCode::kPinLocked);
  EXPECT_EQ(Propagates(false).error().code, ErrorCode::kInternal);
}

TEST(SecureBufferTest, MoveLeavesSourceEmptyAndKeepsData) {
  SecureBuffer a = SecureBuffer::FromString("123456");
  SecureBuffer b = std::move(a);
  EXPECT_EQ(a.size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
  EXPECT_EQ(b.view(), "123456");
  EXPECT_TRUE(b.Equals(AsBytes("123456")));
  EXPECT_FALSE(b.Equals(AsBytes("123457")));
  EXPECT_FALSE(b.Equals(AsBytes("12345")));
}

TEST(SecureBufferTest, TruncateShrinksOnly) {
  SecureBuffer a = SecureBuffer::FromString("abcdef");
  a.Truncate(3);
  EXPECT_EQ(a.view(), "abc");
  EXPECT_THROW(a.Truncate(4), std::logic_error);
  SecureBuffer c = a.Clone();
  EXPECT_EQ(c.view(), "abc");
}

// RFC 4648 section 10 test vectors.
TEST(EncodingTest, Base64Rfc4648Vectors) {
  const std::pair<const char*, const char*> v[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, enc] : v) {
    EXPECT_EQ(Base64Encode(AsBytes(plain)), enc);
    auto dec = Base64Decode(enc);
    ASSERT_OK(dec);
    EXPECT_EQ(AsChars(*dec), plain);
  }
}

TEST(EncodingTest, Base64RejectsBadInput) {
  EXPECT_ERROR_CODE(Base64Decode("Zm9"), ErrorCode::kMalformed);      // length
  EXPECT_ERROR_CODE(Base64Decode("Zm9*"), ErrorCode::kMalformed);     // character
  EXPECT_ERROR_CODE(Base64Decode("Z=9v"), ErrorCode::kMalformed);     // padding inside
  EXPECT_ERROR_CODE(Base64Decode("Zg==Zg=="), ErrorCode::kMalformed); // padding not last
  auto wrapped = Base64Decode("Zm9v\nYmFy\r\n");
  ASSERT_OK(wrapped);
  EXPECT_EQ(AsChars(*wrapped), "foobar");
}

TEST(EncodingTest, PemDecodeFindsTheLabelledBlock) {
  const std::string text =
      "note\n-----BEGIN OTHER-----\nYmFy\n-----END OTHER-----\n"
      "-----BEGIN CERTIFICATE REQUEST-----\nZm9v\nYmFy\n-----END CERTIFICATE REQUEST-----\n";
  auto csr = PemDecode(text, "CERTIFICATE REQUEST");
  ASSERT_OK(csr);
  EXPECT_EQ(AsChars(*csr), "foobar");
  EXPECT_ERROR_CODE(PemDecode(text, "CMS"), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(PemDecode("-----BEGIN CMS-----\nZm9v\n", "CMS"), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(PemDecode("-----BEGIN CMS-----\nProc-Type: 4,ENCRYPTED\nZm9v\n-----END CMS-----",
                              "CMS"),
                    ErrorCode::kMalformed);  // header lines are not base64
}

TEST(EncodingTest, HexRoundTripAndSeparators) {
  Bytes b = {0x00, 0xab, 0xcd, 0xef};
  EXPECT_EQ(HexEncode(b), "00abcdef");
  EXPECT_EQ(HexEncodeUpper(b, ":"), "00:AB:CD:EF");
  auto d = HexDecode("00:AB:cd ef");
  ASSERT_OK(d);
  EXPECT_EQ(*d, b);
  EXPECT_ERROR_CODE(HexDecode("abc"), ErrorCode::kMalformed);
  EXPECT_ERROR_CODE(HexDecode("zz"), ErrorCode::kMalformed);
}

TEST(ClockTest, FakeClockMovesOnlyWhenTold) {
  FakeClock clock;
  auto t0 = clock.Now();
  clock.Advance(std::chrono::minutes(30));
  EXPECT_EQ(clock.Now() - t0, std::chrono::minutes(30));
  EXPECT_EQ(clock.NowUnixSeconds(), 1'800'000'000 + 1800);
}

TEST(FileTest, ReadFileReportsSpecificErrors) {
  testing::TempDir dir;
  EXPECT_ERROR_CODE(ReadFile(dir.File("missing")), ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(ReadFile(dir.path()), ErrorCode::kInvalidArgument);
  testing::WriteFile(dir.File("f"), AsBytes("hello"));
  auto data = ReadFile(dir.File("f"));
  ASSERT_OK(data);
  EXPECT_EQ(AsChars(*data), "hello");
  EXPECT_ERROR_CODE(ReadFile(dir.File("f"), "file", 4), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sealkey
