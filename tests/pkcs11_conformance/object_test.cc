// Object management (PKCS#11 v2.40 section 5.7): C_CreateObject of data and
// X.509 certificate objects, C_FindObjectsInit / C_FindObjects /
// C_FindObjectsFinal, C_DestroyObject, and the visibility of private
// objects (CKA_PRIVATE) before login.
#include <ctime>
#include <string>

#include <openssl/x509.h>

#include "crypto/x509_build.h"
#include "pkcs11_conformance/module_fixture.h"

namespace sealkey::pkcs11_conformance {
namespace {

constexpr uint8_t kDataValue[] = {0xde, 0xad, 0xbe, 0xef, 0x00, 0x01, 0x02};
constexpr uint8_t kCertId[] = {0x51, 0xa1, 0x0c, 0xe7};

struct TestCertificate {
  Bytes der;
  Bytes subject;  // DER Name
};

TestCertificate MakeCertificate() {
  auto key = crypto::PrivateKey::Generate(crypto::KeyAlg::kEcP256);
  EXPECT_OK(key);
  if (!key) return {};
  crypto::CertificateTemplate tmpl;
  tmpl.subject = {{"C", "CN"}, {"O", "sealkey"}, {"CN", "PKCS#11 conformance"}};
  tmpl.not_before = std::time(nullptr) - 60;
  tmpl.not_after = tmpl.not_before + 86400;
  auto cert = crypto::SelfSign(*key, tmpl);
  EXPECT_OK(cert);
  if (!cert) return {};
  unsigned char* subject = nullptr;
  int length = i2d_X509_NAME(X509_get_subject_name(cert->get()), &subject);
  EXPECT_GT(length, 0);
  TestCertificate result{cert->Der(), Bytes(subject, subject + (length > 0 ? length : 0))};
  OPENSSL_free(subject);
  return result;
}

class ObjectTest : public ConformanceTest {
 protected:
  CK_OBJECT_HANDLE CreateCertificate(CK_SESSION_HANDLE session, const TestCertificate& cert) {
    Template tmpl;
    tmpl.AddUlong(CKA_CLASS, CKO_CERTIFICATE)
        .AddUlong(CKA_CERTIFICATE_TYPE, CKC_X_509)
        .AddBool(CKA_TOKEN, true)
        .AddBool(CKA_PRIVATE, false)
        .Add(CKA_LABEL, std::string_view("conformance certificate"))
        .Add(CKA_ID, kCertId)
        .Add(CKA_SUBJECT, cert.subject)
        .Add(CKA_VALUE, cert.der);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_OK, p11()->C_CreateObject(session, tmpl.data(), tmpl.size(), &object));
    return object;
  }
};

TEST_P(ObjectTest, CreateDataObjectAndReadItBack) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  CK_OBJECT_HANDLE object = CreateDataObject(session, "data one", false, kDataValue);
  ASSERT_NE(object, CK_INVALID_HANDLE);
  EXPECT_EQ(UlongAttribute(session, object, CKA_CLASS), CKO_DATA);
  EXPECT_TRUE(BoolAttribute(session, object, CKA_TOKEN));
  EXPECT_FALSE(BoolAttribute(session, object, CKA_PRIVATE));
  EXPECT_EQ(Attribute(session, object, CKA_LABEL), ToBytes("data one"));
  EXPECT_EQ(Attribute(session, object, CKA_APPLICATION), ToBytes("sealkey conformance"));
  EXPECT_EQ(Attribute(session, object, CKA_VALUE), Bytes(std::begin(kDataValue),
                                                         std::end(kDataValue)));

  // A token object outlives the module instance that made it.
  ASSERT_NO_FATAL_FAILURE(Reload());
  session = OpenSession(false);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  Template match;
  match.AddUlong(CKA_CLASS, CKO_DATA).Add(CKA_LABEL, std::string_view("data one"));
  auto found = Find(session, match);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(Attribute(session, found[0], CKA_VALUE), Bytes(std::begin(kDataValue),
                                                           std::end(kDataValue)));
}

TEST_P(ObjectTest, CreateCertificateObject) {
  TestCertificate cert = MakeCertificate();
  ASSERT_FALSE(cert.der.empty());
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_NE(CreateCertificate(session, cert), CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));

  Template match;
  match.AddUlong(CKA_CLASS, CKO_CERTIFICATE).Add(CKA_ID, kCertId);
  auto found = Find(session, match);
  ASSERT_EQ(found.size(), 1u) << "a public certificate is visible without login";
  EXPECT_EQ(Attribute(session, found[0], CKA_VALUE), cert.der);
  EXPECT_EQ(Attribute(session, found[0], CKA_SUBJECT), cert.subject);
  EXPECT_EQ(UlongAttribute(session, found[0], CKA_CERTIFICATE_TYPE), CKC_X_509);
  EXPECT_EQ(Attribute(session, found[0], CKA_LABEL), ToBytes("conformance certificate"));
}

TEST_P(ObjectTest, FindObjectsWithTemplates) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  CK_OBJECT_HANDLE alpha = CreateDataObject(session, "alpha", false, kDataValue);
  CK_OBJECT_HANDLE beta = CreateDataObject(session, "beta", false, kDataValue);
  TestCertificate cert = MakeCertificate();
  CK_OBJECT_HANDLE certificate = CreateCertificate(session, cert);
  ASSERT_NE(alpha, CK_INVALID_HANDLE);
  ASSERT_NE(beta, CK_INVALID_HANDLE);
  ASSERT_NE(certificate, CK_INVALID_HANDLE);

  Template by_class;
  by_class.AddUlong(CKA_CLASS, CKO_DATA);
  EXPECT_EQ(Find(session, by_class).size(), 2u);
  Template by_label;
  by_label.Add(CKA_LABEL, std::string_view("alpha"));
  EXPECT_EQ(Find(session, by_label), std::vector<CK_OBJECT_HANDLE>{alpha});
  Template by_id;
  by_id.Add(CKA_ID, kCertId);
  EXPECT_EQ(Find(session, by_id), std::vector<CK_OBJECT_HANDLE>{certificate});
  Template mismatch;
  mismatch.AddUlong(CKA_CLASS, CKO_CERTIFICATE).Add(CKA_LABEL, std::string_view("alpha"));
  EXPECT_TRUE(Find(session, mismatch).empty());
  Template everything;
  EXPECT_EQ(Find(session, everything).size(), 3u);

  // Several handles per C_FindObjects call, then an empty batch.
  ASSERT_CKR(CKR_OK, p11()->C_FindObjectsInit(session, by_class.data(), by_class.size()));
  EXPECT_CKR(CKR_OPERATION_ACTIVE,
             p11()->C_FindObjectsInit(session, by_class.data(), by_class.size()));
  CK_OBJECT_HANDLE batch[8] = {};
  CK_ULONG count = 0;
  ASSERT_CKR(CKR_OK, p11()->C_FindObjects(session, batch, 8, &count));
  EXPECT_EQ(count, 2u);
  ASSERT_CKR(CKR_OK, p11()->C_FindObjects(session, batch, 8, &count));
  EXPECT_EQ(count, 0u);
  ASSERT_CKR(CKR_OK, p11()->C_FindObjectsFinal(session));
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, p11()->C_FindObjects(session, batch, 8, &count));
  EXPECT_CKR(CKR_OPERATION_NOT_INITIALIZED, p11()->C_FindObjectsFinal(session));
}

TEST_P(ObjectTest, DestroyObject) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  CK_OBJECT_HANDLE object = CreateDataObject(session, "doomed", false, kDataValue);
  ASSERT_NE(object, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, p11()->C_DestroyObject(session, object));
  Template match;
  match.Add(CKA_LABEL, std::string_view("doomed"));
  EXPECT_TRUE(Find(session, match).empty());
  CK_ATTRIBUTE label{CKA_LABEL, nullptr, 0};
  EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, p11()->C_GetAttributeValue(session, object, &label, 1));
  EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, p11()->C_DestroyObject(session, object));
  ASSERT_NO_FATAL_FAILURE(Reload());
  session = OpenSession(false);
  EXPECT_TRUE(Find(session, match).empty()) << "destroyed token object came back";
}

TEST_P(ObjectTest, PrivateObjectsAreInvisibleBeforeLogin) {
  CK_SESSION_HANDLE session = OpenSession(true);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  Template secret;
  secret.AddUlong(CKA_CLASS, CKO_DATA)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, true)
      .Add(CKA_LABEL, std::string_view("secret"))
      .Add(CKA_VALUE, kDataValue);
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_USER_NOT_LOGGED_IN,
             p11()->C_CreateObject(session, secret.data(), secret.size(), &object));

  ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  ASSERT_NE(CreateDataObject(session, "secret", true, kDataValue), CK_INVALID_HANDLE);
  ASSERT_NE(CreateDataObject(session, "open", false, kDataValue), CK_INVALID_HANDLE);
  const uint8_t id[] = {0x01};
  ASSERT_TRUE(GenerateKeyPair(session, KeyKind::kEcP256, "hidden key", id).ok());
  Template data;
  data.AddUlong(CKA_CLASS, CKO_DATA);
  EXPECT_EQ(Find(session, data).size(), 2u);

  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));
  auto visible = Find(session, data);
  ASSERT_EQ(visible.size(), 1u);
  EXPECT_EQ(Attribute(session, visible[0], CKA_LABEL), ToBytes("open"));
  Template private_keys;
  private_keys.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY);
  EXPECT_TRUE(Find(session, private_keys).empty());
  Template public_keys;
  public_keys.AddUlong(CKA_CLASS, CKO_PUBLIC_KEY);
  EXPECT_EQ(Find(session, public_keys).size(), 1u);
}

TEST_P(ObjectTest, ReadOnlySessionRejectsTokenObjects) {
  CK_SESSION_HANDLE session = OpenSession(false);
  ASSERT_NE(session, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, Login(session, CKU_USER, kUserPin));
  Template tmpl;
  tmpl.AddUlong(CKA_CLASS, CKO_DATA)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, false)
      .Add(CKA_LABEL, std::string_view("ro"))
      .Add(CKA_VALUE, kDataValue);
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_SESSION_READ_ONLY,
             p11()->C_CreateObject(session, tmpl.data(), tmpl.size(), &object));
}

// Session objects (CKA_TOKEN false) may be made in any session, read-only
// included, and vanish when their session closes.
TEST_P(ObjectTest, SessionObjectsLiveWithTheirSession) {
  for (bool read_write : {true, false}) {
    SCOPED_TRACE(read_write ? "read-write session" : "read-only session");
    CK_SESSION_HANDLE session = OpenSession(read_write);
    ASSERT_NE(session, CK_INVALID_HANDLE);
    Template tmpl;
    tmpl.AddUlong(CKA_CLASS, CKO_DATA)
        .AddBool(CKA_TOKEN, false)
        .AddBool(CKA_PRIVATE, false)
        .Add(CKA_LABEL, std::string_view("session"))
        .Add(CKA_VALUE, kDataValue);
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    EXPECT_CKR(CKR_OK, p11()->C_CreateObject(session, tmpl.data(), tmpl.size(), &object));
    if (object == CK_INVALID_HANDLE) continue;
    EXPECT_FALSE(BoolAttribute(session, object, CKA_TOKEN));
    CK_SESSION_HANDLE other = OpenSession(false);
    Template match;
    match.Add(CKA_LABEL, std::string_view("session"));
    EXPECT_EQ(Find(other, match).size(), 1u) << "visible to the application's other sessions";
    ASSERT_CKR(CKR_OK, p11()->C_CloseSession(session));
    EXPECT_TRUE(Find(other, match).empty()) << "session object outlived its session";
    ASSERT_CKR(CKR_OK, p11()->C_CloseSession(other));
  }
}

TEST_P(ObjectTest, PrivateObjectHandleIsUnusableAfterLogout) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  CK_OBJECT_HANDLE object = CreateDataObject(session, "private", true, kDataValue);
  ASSERT_NE(object, CK_INVALID_HANDLE);
  ASSERT_CKR(CKR_OK, p11()->C_Logout(session));
  CK_ATTRIBUTE value{CKA_VALUE, nullptr, 0};
  EXPECT_CKR(CKR_OBJECT_HANDLE_INVALID, p11()->C_GetAttributeValue(session, object, &value, 1));
}

TEST_P(ObjectTest, IncompleteTemplatesAreRejected) {
  CK_SESSION_HANDLE session = OpenUserSession();
  ASSERT_NE(session, CK_INVALID_HANDLE);
  Template no_class;
  no_class.AddBool(CKA_TOKEN, true).Add(CKA_VALUE, kDataValue);
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  EXPECT_CKR(CKR_TEMPLATE_INCOMPLETE,
             p11()->C_CreateObject(session, no_class.data(), no_class.size(), &object));
  Template no_value;
  no_value.AddUlong(CKA_CLASS, CKO_CERTIFICATE)
      .AddUlong(CKA_CERTIFICATE_TYPE, CKC_X_509)
      .AddBool(CKA_TOKEN, true)
      .Add(CKA_SUBJECT, kDataValue);
  EXPECT_CKR(CKR_TEMPLATE_INCOMPLETE,
             p11()->C_CreateObject(session, no_value.data(), no_value.size(), &object));
}

INSTANTIATE_CONFORMANCE_SUITE(ObjectTest);

}  // namespace
}  // namespace sealkey::pkcs11_conformance
