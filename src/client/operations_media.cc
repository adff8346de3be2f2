// Executor handlers: devices, certificates, keys, signing, seals.
#include <algorithm>
#include <functional>

#include "base/encoding.h"
#include "client/operations_internal.h"
#include "crypto/cms.h"
#include "crypto/x509.h"
#include "crypto/x509_build.h"

namespace sealkey::client::ops {
namespace {

Result<token::KeyUsage> UsageField(const json& req) {
  std::string u = req.value("usage", "sign");
  if (u == "sign") return token::KeyUsage::kSign;
  if (u == "encrypt") return token::KeyUsage::kEncrypt;
  return Fail(ErrorCode::kInvalidArgument, "must be sign or encrypt", "usage");
}

std::string NormaliseThumbprint(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c != ':' && c != ' ') out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

}  // namespace

Result<token::CertificateEntry> FindCert(token::Device& dev, std::string_view sel) {
  auto certs = dev.ListCertificates();
  if (!certs) return Fail(certs.error());
  std::string thumb = NormaliseThumbprint(sel);
  for (auto& c : *certs) {
    if (c.ref == sel || HexEncode(crypto::Hash(crypto::HashAlg::kSha1, c.der)) == thumb) {
      return std::move(c);
    }
  }
  return Fail(ErrorCode::kNotFound,
              "no certificate '" + std::string(sel) + "' on this device (see `sealkey cert list`)",
              "--cert");
}

Result<json> DeviceList(const ExecContext& ctx, const json&, token::Device*, const SecureBuffer*) {
  json devices = json::array(), errors = json::array();
  for (auto& slot : ctx.profile.ListMedia()) {
    if (slot.device) {
      auto info = slot.device->Info();
      if (info) {
        devices.push_back(InfoToJson(*info));
        continue;
      }
      slot.error = info.error();
    }
    errors.push_back({{"where", slot.where},
                      {"code", std::string(ErrorCodeName(slot.error->code))},
                      {"message", slot.error->ToString()}});
  }
  return json{{"devices", devices}, {"errors", errors}};
}

Result<json> DeviceInfo(const ExecContext&, const json&, token::Device* dev, const SecureBuffer*) {
  auto info = dev->Info();
  if (!info) return Fail(info.error());
  return InfoToJson(*info);
}

Result<json> DeviceVerifyPin(const ExecContext&, const json&, token::Device* dev,
                             const SecureBuffer* pin) {
  SEALKEY_RETURN_IF_ERROR(dev->VerifyPin(*pin));
  return json::object();
}

// change_pin and unblock: two secrets from the request, one device call.
static Result<json> WithTwoSecrets(const json& req, const char* first, const char* second,
                                   const std::function<Status(const SecureBuffer&,
                                                              const SecureBuffer&)>& fn) {
  auto a = SecretField(req, first);
  if (!a) return Fail(a.error());
  auto b = SecretField(req, second);
  if (!b) return Fail(b.error());
  SEALKEY_RETURN_IF_ERROR(fn(*a, *b));
  return json::object();
}

Result<json> DeviceChangePin(const ExecContext&, const json& req, token::Device* dev,
                             const SecureBuffer*) {
  return WithTwoSecrets(req, "old_pin", "new_pin", [dev](const auto& a, const auto& b) {
    return dev->ChangePin(a, b);
  });
}

Result<json> DeviceUnblock(const ExecContext&, const json& req, token::Device* dev,
                           const SecureBuffer*) {
  return WithTwoSecrets(req, "so_pin", "new_pin", [dev](const auto& a, const auto& b) {
    return dev->Unblock(a, b);
  });
}

Result<json> CertList(const ExecContext& ctx, const json& req, token::Device*, const SecureBuffer*) {
  json certs = json::array();
  std::string only = req.value("device", "");
  std::vector<MediumSlot> media;
  if (!only.empty()) {
    auto dev = ctx.profile.FindDevice(only);
    if (!dev) return Fail(dev.error());
    media.push_back({"", std::move(*dev), std::nullopt});
  } else {
    media = ctx.profile.ListMedia();
  }
  for (auto& slot : media) {
    if (!slot.device) continue;
    auto info = slot.device->Info();
    auto list = slot.device->ListCertificates();
    if (!info || !list) continue;
    for (const auto& c : *list) certs.push_back(CertToJson(*info, c, ctx.clock.NowUnixSeconds()));
  }
  return json{{"certificates", certs}};
}

Result<json> CertGet(const ExecContext& ctx, const json& req, token::Device* dev,
                     const SecureBuffer*) {
  auto sel = StringField(req, "cert");
  if (!sel) return Fail(sel.error());
  auto entry = FindCert(*dev, *sel);
  if (!entry) return Fail(entry.error());
  return CertToJson(*dev->Info(), *entry, ctx.clock.NowUnixSeconds());
}

Result<json> CertDelete(const ExecContext&, const json& req, token::Device* dev,
                        const SecureBuffer* pin) {
  auto sel = StringField(req, "cert");
  if (!sel) return Fail(sel.error());
  auto entry = FindCert(*dev, *sel);
  if (!entry) return Fail(entry.error());
  SEALKEY_RETURN_IF_ERROR(dev->DeleteCertificate(*pin, entry->ref));
  if (req.value("with_key", false) && entry->has_private_key && entry->usage) {
    SEALKEY_RETURN_IF_ERROR(dev->DeleteKeyPair(*pin, entry->container, *entry->usage));
  }
  return json{{"deleted", entry->ref}};
}

Result<json> CertImport(const ExecContext&, const json& req, token::Device* dev,
                        const SecureBuffer* pin) {
  auto data = HexField(req, "data");
  if (!data) return Fail(data.error());
  Result<std::string> ref = Fail(ErrorCode::kInternal, "");
  if (req.contains("password")) {
    auto password = SecretField(req, "password");
    if (!password) return Fail(password.error());
    ref = dev->ImportPkcs12(*pin, *data, *password);
  } else {
    ref = dev->ImportCertificate(*pin, *data);
  }
  if (!ref) return Fail(ref.error());
  return json{{"ref", *ref}};
}

Result<json> KeyGenerate(const ExecContext&, const json& req, token::Device* dev,
                         const SecureBuffer* pin) {
  auto alg = crypto::ParseKeyAlg(req.value("alg", "sm2"));
  if (!alg) return Fail(alg.error());
  auto usage = UsageField(req);
  if (!usage) return Fail(usage.error());
  auto subject_text = StringField(req, "subject");
  if (!subject_text) return Fail(subject_text.error());
  auto subject = crypto::ParseDistinguishedName(*subject_text);  // before touching the device
  if (!subject) return Fail(subject.error());
  auto key = dev->GenerateKeyPair(*pin, *alg, *usage, req.value("container", ""));
  if (!key) return Fail(key.error());
  auto signer = dev->OpenKeySigner(*pin, key->container, *usage);
  if (!signer) return Fail(signer.error());
  auto csr = crypto::BuildCsrWithSigner(**signer, key->public_key, *subject);
  if (!csr) return Fail(csr.error());
  std::string pem = "-----BEGIN CERTIFICATE REQUEST-----\n";
  std::string b64 = Base64Encode(*csr);
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END CERTIFICATE REQUEST-----\n";
  return json{{"container", key->container}, {"csr_pem", pem},
              {"public_key_pem", key->public_key.ToPem()}};
}

Result<json> Sign(const ExecContext& ctx, const json& req, token::Device* dev,
                  const SecureBuffer* pin) {
  auto sel = StringField(req, "cert");
  if (!sel) return Fail(sel.error());
  auto content = HexField(req, "content");
  if (!content) return Fail(content.error());
  auto entry = FindCert(*dev, *sel);
  if (!entry) return Fail(entry.error());
  auto cert = crypto::Certificate::FromDer(entry->der);
  if (!cert) return Fail(cert.error());
  int64_t now = ctx.clock.NowUnixSeconds();
  crypto::CertificateInfo info = cert->Info();
  if (now >= info.not_after) {
    return Fail(ErrorCode::kInvalidArgument, "the certificate expired; renew it before signing",
                "--cert");
  }
  if (now < info.not_before) {
    return Fail(ErrorCode::kInvalidArgument, "the certificate is not valid yet", "--cert");
  }
  auto signer = dev->OpenSigner(*pin, entry->ref);
  if (!signer) return Fail(signer.error());
  crypto::CmsSignParams params;
  params.signing_time = now;
  // "cades": for PAdES ETSI.CAdES.detached (ETSI EN 319 142-1):
  // ESS signing-certificate-v2, and no signingTime (the time is the PDF's /M).
  if (req.value("cades", false)) {
    params.signing_time = 0;
    params.signing_certificate_v2 = true;
  }
  // The intermediate CAs stored on the medium go into the signature, so a
  // verifier needs only the root (the chain is followed by issuer name and
  // checked by signature).
  std::vector<crypto::Certificate> chain;
  if (auto listed = dev->ListCertificates()) {
    std::string issuer = crypto::FormatName(info.issuer);
    for (int depth = 0; depth < 4; ++depth) {
      const crypto::Certificate* child = chain.empty() ? &*cert : &chain.back();
      bool found = false;
      for (const auto& e : *listed) {
        if (!e.container.empty()) continue;
        auto ca = crypto::Certificate::FromDer(e.der);
        if (!ca) continue;
        auto ca_info = ca->Info();
        if (!ca_info.is_ca || crypto::FormatName(ca_info.subject) != issuer) continue;
        if (crypto::FormatName(ca_info.subject) == crypto::FormatName(ca_info.issuer)) break;  // root
        auto key = ca->PublicKeyOf();
        if (!key || !child->VerifySignature(*key)) continue;
        issuer = crypto::FormatName(ca_info.issuer);
        chain.push_back(std::move(*ca));
        found = true;
        break;
      }
      if (!found) break;
    }
  }
  for (const auto& c : chain) params.extra_certs.push_back(&c);
  auto cms = crypto::CmsSignDetached(**signer, *cert, *content, params);
  if (!cms) return Fail(cms.error());
  return json{{"cms", HexEncode(*cms)}};
}

Result<json> SealList(const ExecContext&, const json&, token::Device* dev, const SecureBuffer*) {
  auto seals = dev->ListSeals();
  if (!seals) return Fail(seals.error());
  json arr = json::array();
  for (const auto& s : *seals) {
    arr.push_back({{"ref", s.ref}, {"name", s.name}, {"mime", s.mime}, {"size", s.size}});
  }
  return json{{"seals", arr}};
}

Result<json> SealWrite(const ExecContext&, const json& req, token::Device* dev,
                       const SecureBuffer* pin) {
  auto name = StringField(req, "name");
  if (!name) return Fail(name.error());
  auto image = HexField(req, "image");
  if (!image) return Fail(image.error());
  auto ref = dev->WriteSeal(*pin, *name, *image);
  if (!ref) return Fail(ref.error());
  return json{{"ref", *ref}};
}

Result<json> SealRead(const ExecContext&, const json& req, token::Device* dev,
                      const SecureBuffer* pin) {
  auto sel = StringField(req, "seal");
  if (!sel) return Fail(sel.error());
  auto image = dev->ReadSeal(*pin, *sel);
  if (!image) return Fail(image.error());
  return json{{"image", HexEncode(*image)}};
}

Result<json> SealDelete(const ExecContext&, const json& req, token::Device* dev,
                        const SecureBuffer* pin) {
  auto sel = StringField(req, "seal");
  if (!sel) return Fail(sel.error());
  SEALKEY_RETURN_IF_ERROR(dev->DeleteSeal(*pin, *sel));
  return json::object();
}

const OpSpec* FindOp(std::string_view name) {
  static const OpSpec kOps[] = {
      {"device.list", false, false, DeviceList},
      {"device.info", true, false, DeviceInfo},
      {"device.verify_pin", true, true, DeviceVerifyPin},
      {"device.change_pin", true, false, DeviceChangePin},
      {"device.unblock", true, false, DeviceUnblock},
      {"cert.list", false, false, CertList},
      {"cert.get", true, false, CertGet},
      {"cert.delete", true, true, CertDelete},
      {"cert.import", true, true, CertImport},
      {"key.generate", true, true, KeyGenerate},
      {"key.csr", true, true, KeyCsr},
      {"key.delete", true, true, KeyDelete},
      {"cert.install", true, true, CertInstall},
      {"sign", true, true, Sign},
      {"seal.list", true, false, SealList},
      {"seal.write", true, true, SealWrite},
      {"seal.read", true, true, SealRead},
      {"seal.delete", true, true, SealDelete},
  };
  for (const auto& op : kOps) {
    if (name == op.name) return &op;
  }
  return nullptr;
}

}  // namespace sealkey::client::ops
