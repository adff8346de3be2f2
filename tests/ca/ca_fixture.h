// Shared by the CA engine tests (ca_test.cc, ca_key_test.cc): test
// hierarchies per algorithm, subscriber keys, requests, openssl helpers.

#pragma once

#include "ca/ca.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "base/encoding.h"
#include "ca/ca_key.h"
#include "crypto/random.h"
#include "testutil/testutil.h"

namespace sealkey::ca {

using crypto::CertUsage;
using crypto::KeyAlg;
using crypto::KeyType;
using testing::RunCommand;
using testing::TempDir;

constexpr char kIdNumber[] = "34052419800101001X";     // STANDARDS.md 8
constexpr char kCreditCode[] = "91310110666007217T";   // STANDARDS.md 8
constexpr char kSoftHsmModule[] = "/usr/lib/softhsm/libsofthsm2.so";
constexpr int64_t kYear = 365 * 86400;
const int64_t kNow = std::time(nullptr);
const std::set<KeyAlg> kAllAlgs = {KeyAlg::kSm2, KeyAlg::kEcP256, KeyAlg::kRsa2048,
                                   KeyAlg::kRsa3072};

inline SubjectInfo Subject() { return {"张三", kIdNumber, "上海测试科技有限公司", kCreditCode}; }

// A hierarchy with its issuing key in memory, shared by the tests of one alg.
struct TestCa {
  CaHierarchy h;
  std::unique_ptr<crypto::KeySigner> signer;
  CaContext ctx;
};

inline const TestCa& CaFor(KeyAlg alg) {
  static std::map<KeyAlg, std::unique_ptr<TestCa>> cache;
  auto& ca = cache[alg];
  if (!ca) {
    auto h = CreateHierarchy(alg, "sealkey 测试", kNow - 3600);
    EXPECT_TRUE(h.has_value()) << h.error().ToString();
    std::string id(crypto::KeyAlgToken(alg));
    CaContext ctx{id, h->issuing.Clone(), {}, nullptr, "http://ca.example.cn/crl/" + id + ".crl",
                  "http://ca.example.cn/ocsp"};
    ctx.chain.push_back(h->root.Clone());
    ca.reset(new TestCa{std::move(*h), nullptr, std::move(ctx)});
    ca->signer = std::make_unique<crypto::KeySigner>(ca->h.issuing_key);
    ca->ctx.signer = ca->signer.get();
  }
  return *ca;
}

inline const crypto::PrivateKey& KeyFor(KeyAlg alg) {
  static std::map<KeyAlg, std::unique_ptr<crypto::PrivateKey>> cache;
  auto& key = cache[alg];
  if (!key) key = std::make_unique<crypto::PrivateKey>(*crypto::PrivateKey::Generate(alg));
  return *key;
}

inline crypto::PublicKey PublicOf(const crypto::PrivateKey& key) { return *key.Public(); }

inline IssueRequest Request(const crypto::PublicKey& key, Profile profile, CertUsage usage) {
  IssueRequest r;
  r.subject_key = &key;
  r.subject = *SubjectFor(profile, Subject());
  r.profile = profile;
  r.usage = usage;
  r.not_before = kNow - 60;
  r.not_after = kNow + kYear;
  return r;
}

inline std::string SavePem(const TempDir& dir, const std::string& name, const crypto::Certificate& c) {
  testing::WriteFile(dir.File(name), AsBytes(c.Pem()));
  return dir.File(name);
}

inline std::string OpensslText(const TempDir& dir, const crypto::Certificate& c) {
  auto r = RunCommand({"openssl", "x509", "-text", "-noout", "-in", SavePem(dir, "t.pem", c)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

inline const crypto::CertificateExtension* FindExt(const crypto::CertificateInfo& info,
                                            const std::string& oid) {
  for (const auto& e : info.extensions) {
    if (e.oid == oid) return &e;
  }
  return nullptr;
}


}  // namespace sealkey::ca
