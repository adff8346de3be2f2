#include "pkcs11_conformance/module_fixture.h"

#include <algorithm>
#include <filesystem>

#include "pkcs11_conformance/differences.h"
#include "token/pkcs11/vendor_mechanisms.h"

namespace sealkey::pkcs11_conformance {
namespace {

namespace vendor = token::pkcs11;

constexpr uint8_t kRsaPublicExponent[] = {0x01, 0x00, 0x01};

bool IsVendorMechanism(CK_MECHANISM_TYPE mechanism) {
  return mechanism >= CKM_VENDOR_DEFINED;
}

}  // namespace

std::string ProviderName(const ::testing::TestParamInfo<ProviderId>& info) {
  return GetProvider(info.param).name;
}

void ConformanceTest::SetUp() {
  provider_ = &GetProvider(GetParam());
  if (!std::filesystem::exists(provider_->module_path)) {
    GTEST_SKIP() << provider_->module_path << " does not exist (not built or not installed)";
  }
  ASSERT_OK(Provision(*provider_, dir_.path()));
  ASSERT_NO_FATAL_FAILURE(LoadAndInitialize());
}

void ConformanceTest::TearDown() {
  if (module_ && initialized_) {
    EXPECT_CKR(CKR_OK, p11()->C_Finalize(nullptr));
  }
  initialized_ = false;
  module_.reset();
}

void ConformanceTest::LoadAndInitialize() {
  auto module = Module::Load(provider_->module_path);
  ASSERT_OK(module);
  module_ = std::move(*module);
  CK_C_INITIALIZE_ARGS args{};
  args.flags = CKF_OS_LOCKING_OK;
  ASSERT_CKR(CKR_OK, Initialize(&args));
  mechanisms_.clear();
  for (CK_SLOT_ID slot : Slots(true)) {
    CK_TOKEN_INFO info{};
    if (p11()->C_GetTokenInfo(slot, &info) != CKR_OK) continue;
    if ((info.flags & CKF_TOKEN_INITIALIZED) &&
        IsBlankPadded(info.label, sizeof info.label, kTokenLabel)) {
      slot_ = slot;
      return;
    }
  }
  FAIL() << "no initialised token labelled '" << kTokenLabel << "'";
}

CK_RV ConformanceTest::Finalize() {
  CK_RV rv = p11()->C_Finalize(nullptr);
  if (rv == CKR_OK) initialized_ = false;
  return rv;
}

CK_RV ConformanceTest::Initialize(CK_VOID_PTR args) {
  CK_RV rv = p11()->C_Initialize(args);
  if (rv == CKR_OK) initialized_ = true;
  return rv;
}

void ConformanceTest::Reload() {
  if (initialized_) {
    ASSERT_CKR(CKR_OK, Finalize());
  }
  module_.reset();
  ASSERT_NO_FATAL_FAILURE(LoadAndInitialize());
}

std::vector<CK_SLOT_ID> ConformanceTest::Slots(bool token_present) {
  CK_ULONG count = 0;
  CK_RV rv = p11()->C_GetSlotList(token_present ? CK_TRUE : CK_FALSE, nullptr, &count);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_GetSlotList: " << CkrName(rv);
    return {};
  }
  std::vector<CK_SLOT_ID> slots(count);
  rv = p11()->C_GetSlotList(token_present ? CK_TRUE : CK_FALSE, slots.data(), &count);
  if (rv != CKR_OK) ADD_FAILURE() << "C_GetSlotList: " << CkrName(rv);
  slots.resize(rv == CKR_OK ? count : 0);
  return slots;
}

CK_TOKEN_INFO ConformanceTest::TokenInfo() {
  CK_TOKEN_INFO info{};
  EXPECT_CKR(CKR_OK, p11()->C_GetTokenInfo(slot_, &info));
  return info;
}

std::vector<CK_MECHANISM_TYPE> ConformanceTest::Mechanisms() {
  if (!mechanisms_.empty()) return mechanisms_;
  CK_ULONG count = 0;
  CK_RV rv = p11()->C_GetMechanismList(slot_, nullptr, &count);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_GetMechanismList: " << CkrName(rv);
    return {};
  }
  std::vector<CK_MECHANISM_TYPE> list(count);
  rv = p11()->C_GetMechanismList(slot_, list.data(), &count);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_GetMechanismList: " << CkrName(rv);
    return {};
  }
  list.resize(count);
  mechanisms_ = list;
  return list;
}

bool ConformanceTest::Supports(CK_MECHANISM_TYPE mechanism, std::string_view name) {
  auto list = Mechanisms();
  if (std::find(list.begin(), list.end(), mechanism) != list.end()) return true;
  const bool required = IsVendorMechanism(mechanism)
                            ? provider_->traits.sm_mechanisms
                            : provider_->traits.missing_mechanisms.count(mechanism) == 0;
  if (required) {
    ADD_FAILURE() << "C_GetMechanismList does not list " << name;
  } else {
    RecordDifference("does not list " + std::string(name) + " (tests skipped)");
  }
  return false;
}

CK_SESSION_HANDLE ConformanceTest::OpenSession(bool read_write) {
  CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
  CK_FLAGS flags = CKF_SERIAL_SESSION | (read_write ? CKF_RW_SESSION : 0);
  CK_RV rv = p11()->C_OpenSession(slot_, flags, nullptr, nullptr, &session);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_OpenSession: " << CkrName(rv);
    return CK_INVALID_HANDLE;
  }
  return session;
}

CK_SESSION_HANDLE ConformanceTest::OpenUserSession() {
  CK_SESSION_HANDLE session = OpenSession(true);
  if (session == CK_INVALID_HANDLE) return session;
  CK_RV rv = Login(session, CKU_USER, kUserPin);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_Login(CKU_USER): " << CkrName(rv);
    return CK_INVALID_HANDLE;
  }
  return session;
}

CK_RV ConformanceTest::Login(CK_SESSION_HANDLE session, CK_USER_TYPE user, std::string_view pin) {
  return p11()->C_Login(session, user, PinPtr(pin), pin.size());
}

CK_STATE ConformanceTest::SessionState(CK_SESSION_HANDLE session) {
  CK_SESSION_INFO info{};
  EXPECT_CKR(CKR_OK, p11()->C_GetSessionInfo(session, &info));
  return info.state;
}

Bytes ConformanceTest::Attribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                 CK_ATTRIBUTE_TYPE type) {
  CK_ATTRIBUTE attribute{type, nullptr, 0};
  CK_RV rv = p11()->C_GetAttributeValue(session, object, &attribute, 1);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_GetAttributeValue(0x" << std::hex << type << ") length: " << CkrName(rv);
    return {};
  }
  Bytes value(attribute.ulValueLen);
  attribute.pValue = value.data();
  rv = p11()->C_GetAttributeValue(session, object, &attribute, 1);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_GetAttributeValue(0x" << std::hex << type << "): " << CkrName(rv);
    return {};
  }
  value.resize(attribute.ulValueLen);
  return value;
}

CK_ULONG ConformanceTest::UlongAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                         CK_ATTRIBUTE_TYPE type) {
  Bytes value = Attribute(session, object, type);
  CK_ULONG result = CK_UNAVAILABLE_INFORMATION;
  if (value.size() != sizeof result) {
    ADD_FAILURE() << "attribute 0x" << std::hex << type << " is " << std::dec << value.size()
                  << " bytes, not a CK_ULONG";
    return result;
  }
  std::copy(value.begin(), value.end(), reinterpret_cast<uint8_t*>(&result));
  return result;
}

bool ConformanceTest::BoolAttribute(CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                    CK_ATTRIBUTE_TYPE type) {
  Bytes value = Attribute(session, object, type);
  if (value.size() != 1) {
    ADD_FAILURE() << "attribute 0x" << std::hex << type << " is " << std::dec << value.size()
                  << " bytes, not a CK_BBOOL";
    return false;
  }
  return value[0] != CK_FALSE;
}

std::vector<CK_OBJECT_HANDLE> ConformanceTest::Find(CK_SESSION_HANDLE session, Template& match) {
  std::vector<CK_OBJECT_HANDLE> found;
  CK_RV rv = p11()->C_FindObjectsInit(session, match.data(), match.size());
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_FindObjectsInit: " << CkrName(rv);
    return found;
  }
  for (;;) {
    CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
    CK_ULONG count = 0;
    rv = p11()->C_FindObjects(session, &object, 1, &count);
    if (rv != CKR_OK) ADD_FAILURE() << "C_FindObjects: " << CkrName(rv);
    if (rv != CKR_OK || count == 0) break;
    found.push_back(object);
  }
  EXPECT_CKR(CKR_OK, p11()->C_FindObjectsFinal(session));
  return found;
}

CK_OBJECT_HANDLE ConformanceTest::CreateDataObject(CK_SESSION_HANDLE session,
                                                   std::string_view label, bool is_private,
                                                   ByteView value) {
  Template data;
  data.AddUlong(CKA_CLASS, CKO_DATA)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, is_private)
      .Add(CKA_LABEL, label)
      .Add(CKA_APPLICATION, std::string_view("sealkey conformance"))
      .Add(CKA_VALUE, value);
  CK_OBJECT_HANDLE object = CK_INVALID_HANDLE;
  CK_RV rv = p11()->C_CreateObject(session, data.data(), data.size(), &object);
  if (rv != CKR_OK) ADD_FAILURE() << "C_CreateObject(CKO_DATA): " << CkrName(rv);
  return rv == CKR_OK ? object : CK_INVALID_HANDLE;
}

KeyPair ConformanceTest::GenerateKeyPair(CK_SESSION_HANDLE session, KeyKind kind,
                                         std::string_view label, ByteView id) {
  Template pub;
  pub.AddUlong(CKA_CLASS, CKO_PUBLIC_KEY)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, false)
      .AddBool(CKA_VERIFY, true)
      .Add(CKA_LABEL, label);
  Template priv;
  priv.AddUlong(CKA_CLASS, CKO_PRIVATE_KEY)
      .AddBool(CKA_TOKEN, true)
      .AddBool(CKA_PRIVATE, true)
      .AddBool(CKA_SENSITIVE, true)
      .AddBool(CKA_EXTRACTABLE, false)
      .AddBool(CKA_SIGN, true)
      .Add(CKA_LABEL, label);
  if (!id.empty()) {
    pub.Add(CKA_ID, id);
    priv.Add(CKA_ID, id);
  }
  CK_MECHANISM mechanism{CKM_EC_KEY_PAIR_GEN, nullptr, 0};
  switch (kind) {
    case KeyKind::kEcP256:
      pub.AddUlong(CKA_KEY_TYPE, CKK_EC).Add(CKA_EC_PARAMS, vendor::kEcParamsP256);
      priv.AddUlong(CKA_KEY_TYPE, CKK_EC);
      break;
    case KeyKind::kRsa2048:
      mechanism.mechanism = CKM_RSA_PKCS_KEY_PAIR_GEN;
      pub.AddUlong(CKA_KEY_TYPE, CKK_RSA)
          .AddUlong(CKA_MODULUS_BITS, 2048)
          .Add(CKA_PUBLIC_EXPONENT, kRsaPublicExponent)
          .AddBool(CKA_ENCRYPT, true);
      priv.AddUlong(CKA_KEY_TYPE, CKK_RSA).AddBool(CKA_DECRYPT, true);
      break;
    case KeyKind::kSm2:
      mechanism.mechanism = vendor::kCkmSm2KeyPairGen;
      pub.AddUlong(CKA_KEY_TYPE, vendor::kCkkSm2)
          .Add(CKA_EC_PARAMS, vendor::kEcParamsSm2)
          .AddBool(CKA_ENCRYPT, true);
      priv.AddUlong(CKA_KEY_TYPE, vendor::kCkkSm2).AddBool(CKA_DECRYPT, true);
      break;
  }
  KeyPair pair;
  CK_RV rv = p11()->C_GenerateKeyPair(session, &mechanism, pub.data(), pub.size(), priv.data(),
                                      priv.size(), &pair.public_key, &pair.private_key);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_GenerateKeyPair: " << CkrName(rv);
    return {};
  }
  return pair;
}

Bytes ConformanceTest::Sign(CK_SESSION_HANDLE session, CK_MECHANISM mechanism,
                            CK_OBJECT_HANDLE key, ByteView data) {
  CK_RV rv = p11()->C_SignInit(session, &mechanism, key);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_SignInit: " << CkrName(rv);
    return {};
  }
  CK_ULONG length = 0;
  rv = p11()->C_Sign(session, Ptr(data), data.size(), nullptr, &length);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_Sign (length): " << CkrName(rv);
    return {};
  }
  Bytes signature(length);
  rv = p11()->C_Sign(session, Ptr(data), data.size(), signature.data(), &length);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_Sign: " << CkrName(rv);
    return {};
  }
  signature.resize(length);
  return signature;
}

Bytes ConformanceTest::SignMultiPart(CK_SESSION_HANDLE session, CK_MECHANISM mechanism,
                                     CK_OBJECT_HANDLE key, const std::vector<ByteView>& chunks) {
  CK_RV rv = p11()->C_SignInit(session, &mechanism, key);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_SignInit: " << CkrName(rv);
    return {};
  }
  for (ByteView chunk : chunks) {
    rv = p11()->C_SignUpdate(session, Ptr(chunk), chunk.size());
    if (rv != CKR_OK) {
      ADD_FAILURE() << "C_SignUpdate: " << CkrName(rv);
      return {};
    }
  }
  CK_ULONG length = 0;
  rv = p11()->C_SignFinal(session, nullptr, &length);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_SignFinal (length): " << CkrName(rv);
    return {};
  }
  Bytes signature(length);
  rv = p11()->C_SignFinal(session, signature.data(), &length);
  if (rv != CKR_OK) {
    ADD_FAILURE() << "C_SignFinal: " << CkrName(rv);
    return {};
  }
  signature.resize(length);
  return signature;
}

CK_RV ConformanceTest::Verify(CK_SESSION_HANDLE session, CK_MECHANISM mechanism,
                              CK_OBJECT_HANDLE key, ByteView data, ByteView signature) {
  CK_RV rv = p11()->C_VerifyInit(session, &mechanism, key);
  if (rv != CKR_OK) return rv;
  return p11()->C_Verify(session, Ptr(data), data.size(), Ptr(signature), signature.size());
}

void ConformanceTest::ExpectCkr(CK_RV expected, CK_RV actual, Deviation deviation,
                                CK_RV deviant, const std::string& note) {
  if (actual == deviant && provider_->traits.Has(deviation)) {
    RecordDifference(note);
    return;
  }
  EXPECT_CKR(expected, actual);
}

void ConformanceTest::ExpectCount(CK_ULONG reported, CK_ULONG expected, const char* field) {
  if (reported == CK_UNAVAILABLE_INFORMATION) {
    RecordDifference(std::string(field) + " is CK_UNAVAILABLE_INFORMATION");
    return;
  }
  EXPECT_EQ(reported, expected) << field;
}

void ConformanceTest::RecordDifference(const std::string& note) const {
  pkcs11_conformance::RecordDifference(provider_->name, note);
}

}  // namespace sealkey::pkcs11_conformance
