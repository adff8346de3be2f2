// Identity numbers (STANDARDS.md 8, GB 11643 and GB 32100) and the upload
// store's content sniffing.
#include <filesystem>

#include <gtest/gtest.h>

#include "server/kyc/id_numbers.h"
#include "store/blob_store.h"
#include "testutil/testutil.h"

namespace sealkey::server {
namespace {

constexpr int64_t k2026 = 1795478400;  // 2026-11-24T00:00:00Z

TEST(ResidentIdTest, StandardVectors) {
  // STANDARDS.md 8: valid 34052419800101001X, 11010519491231002X; invalid 340524198001010013.
  EXPECT_EQ(*ValidateResidentId("34052419800101001X", k2026), "34052419800101001X");
  EXPECT_EQ(*ValidateResidentId("11010519491231002x", k2026), "11010519491231002X");
  auto bad = ValidateResidentId("340524198001010013", k2026);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "id_number");
  EXPECT_NE(bad.error().message.find("check character"), std::string::npos);
}

TEST(ResidentIdTest, ShapeAndBirthDate) {
  for (const char* bad : {"", "3405241980010100", "34052419800101001Y", "3405241980010100XX",
                          "A4052419800101001X"}) {
    auto r = ValidateResidentId(bad, k2026);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find("18 characters"), std::string::npos) << bad;
  }
  // Valid check characters around impossible dates (computed with the GB 11643 rule).
  auto check = [](std::string first17) {
    static const int w[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * w[i];
    return first17 + "10X98765432"[sum % 11];
  };
  EXPECT_OK(ValidateResidentId(check("11010520000229001"), k2026));   // leap day 2000
  for (const char* date : {"19000230", "20230229", "19991301", "18991231", "20270101"}) {
    auto r = ValidateResidentId(check(std::string("110105") + date + "001"), k2026);
    ASSERT_FALSE(r) << date;
    EXPECT_NE(r.error().message.find("birth date"), std::string::npos) << date;
  }
}

TEST(CreditCodeTest, StandardVectors) {
  // STANDARDS.md 8: valid 91310110666007217T, 91310115591693856A; invalid ...217U.
  EXPECT_EQ(*ValidateCreditCode("91310110666007217T"), "91310110666007217T");
  EXPECT_EQ(*ValidateCreditCode("91310115591693856a"), "91310115591693856A");
  auto bad = ValidateCreditCode("91310110666007217U");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "credit_code");
  auto letter = ValidateCreditCode("9131011066600721IT");
  ASSERT_FALSE(letter);
  EXPECT_NE(letter.error().message.find("'I' is not allowed"), std::string::npos);
  EXPECT_FALSE(ValidateCreditCode("91310110666007217"));
}

TEST(BlobStoreTest, SniffsLimitsAndDeduplicates) {
  testing::TempDir dir;
  store::BlobStore blobs(dir.File("blobs"));
  Bytes jpeg = {0xff, 0xd8, 0xff, 0xe0, 1, 2, 3};
  Bytes pdf = ToBytes("%PDF-1.7\n...");
  auto a = blobs.Put(jpeg, store::kJpeg | store::kPng, 1024, "front_image");
  ASSERT_OK(a);
  EXPECT_EQ(a->mime, "image/jpeg");
  auto again = blobs.Put(jpeg, store::kJpeg | store::kPng, 1024, "front_image");
  EXPECT_EQ(again->sha256, a->sha256);
  EXPECT_EQ(*blobs.Get(a->sha256), jpeg);
  // A PDF where only images are allowed, a renamed text file, too large, empty.
  auto wrong_kind = blobs.Put(pdf, store::kJpeg | store::kPng, 1024, "front_image");
  ASSERT_FALSE(wrong_kind);
  EXPECT_EQ(wrong_kind.error().field, "front_image");
  EXPECT_NE(wrong_kind.error().message.find("not a JPEG or PNG"), std::string::npos);
  EXPECT_OK(blobs.Put(pdf, store::kJpeg | store::kPng | store::kPdf, 1024, "licence"));
  EXPECT_FALSE(blobs.Put(ToBytes("GIF89a fake"), store::kJpeg | store::kPng, 1024, "x"));
  EXPECT_FALSE(blobs.Put(Bytes(2048, 0xff), store::kJpeg, 1024, "x"));
  EXPECT_FALSE(blobs.Put({}, store::kJpeg, 1024, "x"));
  EXPECT_ERROR_CODE(blobs.Get("../../etc/passwd"), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace sealkey::server
