// C_GetAttributeValue and C_SetAttributeValue semantics (PKCS#11 v2.40
// section 5.7). For each attribute in the template, C_GetAttributeValue:
//   1. sensitive or unextractable: ulValueLen = CK_UNAVAILABLE_INFORMATION,
//      CKR_ATTRIBUTE_SENSITIVE;
//   2. invalid for the object: ulValueLen = CK_UNAVAILABLE_INFORMATION,
//      CKR_ATTRIBUTE_TYPE_INVALID;
//   3. pValue NULL: ulValueLen = the exact length;
//   4. buffer large enough: copied, ulValueLen = its length;
//   5. otherwise: ulValueLen = CK_UNAVAILABLE_INFORMATION, CKR_BUFFER_TOO_SMALL;
// and it processes every attribute even when one of them fails.
#include <string>

#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr uint8_t kValue[] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99,
                              0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x10, 0x20, 0x30, 0x40};

class AttributeTest : public ConformanceTest {
 protected:
  void SetUp() override {
    ConformanceTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    session_ = OpenUserSession();
    ASSERT_NE(session_, CK_INVALID_HANDLE);
    object_ = CreateDataObject(session_, "attributes", false, kValue);
    ASSERT_NE(object_, CK_INVALID_HANDLE);
  }

  CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
  CK_OBJECT_HANDLE object_ = CK_INVALID_HANDLE;
};

TEST_P(AttributeTest, LengthQueryAndBufferTooSmall) {
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  ASSERT_CKR(CKR_OK, p11()->C_GetAttributeValue(session_, object_, &value, 1));
  EXPECT_EQ(value.ulValueLen, sizeof kValue);

  uint8_t small[5] = {};
  value = {CKA_VALUE, small, sizeof small};
  EXPECT_CKR(CKR_BUFFER_TOO_SMALL, p11()->C_GetAttributeValue(session_, object_, &value, 1));
  EXPECT_EQ(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);

  uint8_t large[64] = {};
  value = {CKA_VALUE, large, sizeof large};
  ASSERT_CKR(CKR_OK, p11()->C_GetAttributeValue(session_, object_, &value, 1));
  ASSERT_EQ(value.ulValueLen, sizeof kValue);
  EXPECT_EQ(Bytes(large, large + sizeof kValue), Bytes(std::begin(kValue), std::end(kValue)));
}

TEST_P(AttributeTest, InvalidTypeStillFillsTheOthers) {
  uint8_t label[32] = {};
  CK_OBJECT_CLASS object_class = 0;
  CK_ATTRIBUTE tmpl[] = {
      {CKA_LABEL, label, sizeof label},
      {CKA_MODULUS, nullptr, 0},
      {CKA_CLASS, &object_class, sizeof object_class},
  };
  EXPECT_CKR(CKR_ATTRIBUTE_TYPE_INVALID, p11()->C_GetAttributeValue(session_, object_, tmpl, 3));
  EXPECT_EQ(tmpl[1].ulValueLen, CK_UNAVAILABLE_INFORMATION);
  ASSERT_EQ(tmpl[0].ulValueLen, 10u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(label), 10), "attributes");
  EXPECT_EQ(tmpl[2].ulValueLen, sizeof object_class);
  EXPECT_EQ(object_class, CKO_DATA);

  CK_ATTRIBUTE unknown{CKA_VENDOR_DEFINED + 0x5ea1c0de, nullptr, 0};
  EXPECT_CKR(CKR_ATTRIBUTE_TYPE_INVALID,
             p11()->C_GetAttributeValue(session_, object_, &unknown, 1));
  EXPECT_EQ(unknown.ulValueLen, CK_UNAVAILABLE_INFORMATION);
}

TEST_P(AttributeTest, PrivateKeyValueIsSensitive) {
  const uint8_t id[] = {0x0a, 0x0b};
  KeyPair pair = GenerateKeyPair(session_, KeyKind::kEcP256, "sensitive", id);
  ASSERT_TRUE(pair.ok());
  uint8_t buffer[128] = {};
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE,
             p11()->C_GetAttributeValue(session_, pair.private_key, &value, 1));
  EXPECT_EQ(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
  value = {CKA_VALUE, buffer, sizeof buffer};
  EXPECT_CKR(CKR_ATTRIBUTE_SENSITIVE,
             p11()->C_GetAttributeValue(session_, pair.private_key, &value, 1));
  EXPECT_EQ(value.ulValueLen, CK_UNAVAILABLE_INFORMATION);
  EXPECT_EQ(Bytes(buffer, buffer + 32), Bytes(32, 0)) << "sensitive bytes leaked";

  EXPECT_TRUE(BoolAttribute(session_, pair.private_key, CKA_SENSITIVE));
  EXPECT_FALSE(BoolAttribute(session_, pair.private_key, CKA_EXTRACTABLE));
  EXPECT_TRUE(BoolAttribute(session_, pair.private_key, CKA_ALWAYS_SENSITIVE));
  EXPECT_TRUE(BoolAttribute(session_, pair.private_key, CKA_NEVER_EXTRACTABLE));

  // CKA_SENSITIVE can only go from false to true.
  Template unsensitive;
  unsensitive.AddBool(CKA_SENSITIVE, false);
  EXPECT_CKR(CKR_ATTRIBUTE_READ_ONLY, p11()->C_SetAttributeValue(session_, pair.private_key,
                                                                 unsensitive.data(),
                                                                 unsensitive.size()));
}

TEST_P(AttributeTest, SetAttributeValueOfLabel) {
  Template rename;
  rename.Add(CKA_LABEL, std::string_view("renamed"));
  ASSERT_CKR(CKR_OK,
             p11()->C_SetAttributeValue(session_, object_, rename.data(), rename.size()));
  EXPECT_EQ(Attribute(session_, object_, CKA_LABEL), ToBytes("renamed"));
  Template old_label;
  old_label.Add(CKA_LABEL, std::string_view("attributes"));
  EXPECT_TRUE(Find(session_, old_label).empty());

  Template reclass;
  reclass.AddUlong(CKA_CLASS, CKO_CERTIFICATE);
  EXPECT_CKR(CKR_ATTRIBUTE_READ_ONLY,
             p11()->C_SetAttributeValue(session_, object_, reclass.data(), reclass.size()));

  ASSERT_NO_FATAL_FAILURE(Reload());
  CK_SESSION_HANDLE session = OpenSession(false);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  auto found = Find(session, rename);
  ASSERT_EQ(found.size(), 1u) << "the new CKA_LABEL is stored on the token";
  EXPECT_EQ(Attribute(session, found[0], CKA_VALUE), Bytes(std::begin(kValue), std::end(kValue)));
}

INSTANTIATE_CONFORMANCE_SUITE(AttributeTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
