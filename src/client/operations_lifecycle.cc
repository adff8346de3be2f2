// Executor operations of the certificate lifecycle (issue 6): a CSR for the
// key of an installed certificate (renewal), installing what the CA issued
// (the certificate, its chain, and for SM2 dual certificates the enveloped
// encryption key), and removing a key pair whose request failed.
#include "base/encoding.h"
#include "client/operations_internal.h"
#include "crypto/x509_build.h"

namespace sealkey::client::ops {
namespace {

std::string CsrPem(const Bytes& der) {
  std::string pem = "-----BEGIN CERTIFICATE REQUEST-----\n";
  std::string b64 = Base64Encode(der);
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  return pem + "-----END CERTIFICATE REQUEST-----\n";
}

// Each certificate is signed by the next one in `chain`, the last by itself
// or by nothing given: the issued certificate really comes from that CA.
Status CheckIssuedChain(const crypto::Certificate& cert,
                        const std::vector<crypto::Certificate>& chain) {
  if (chain.empty()) {
    return Fail(ErrorCode::kVerifyFailed, "the CA sent no chain to check the certificate against",
                "chain");
  }
  const crypto::Certificate* child = &cert;
  for (const auto& parent : chain) {
    auto key = parent.PublicKeyOf();
    if (!key) return Fail(key.error());
    if (!child->VerifySignature(*key)) {
      return Fail(ErrorCode::kVerifyFailed,
                  "the certificate chain does not verify at " +
                      crypto::FormatName(child->Info().subject),
                  "chain");
    }
    child = &parent;
  }
  return Ok();
}

}  // namespace

Result<json> KeyCsr(const ExecContext&, const json& req, token::Device* dev,
                    const SecureBuffer* pin) {
  auto sel = StringField(req, "cert");
  if (!sel) return Fail(sel.error());
  auto entry = FindCert(*dev, *sel);
  if (!entry) return Fail(entry.error());
  if (!entry->has_private_key || entry->container.empty()) {
    return Fail(ErrorCode::kNotFound, "this certificate's private key is not on the medium",
                "--cert");
  }
  auto cert = crypto::Certificate::FromDer(entry->der);
  if (!cert) return Fail(cert.error());
  auto key = cert->PublicKeyOf();
  if (!key) return Fail(key.error());
  auto signer = dev->OpenSigner(*pin, entry->ref);
  if (!signer) return Fail(signer.error());
  auto csr = crypto::BuildCsrWithSigner(**signer, *key, cert->Info().subject);
  if (!csr) return Fail(csr.error());
  return json{{"container", entry->container}, {"csr_pem", CsrPem(*csr)}};
}

Result<json> CertInstall(const ExecContext&, const json& req, token::Device* dev,
                         const SecureBuffer* pin) {
  auto der = HexField(req, "certificate");
  if (!der) return Fail(der.error());
  auto cert = crypto::Certificate::FromDer(*der);
  if (!cert) return Fail(cert.error().code, cert.error().message, "certificate");
  std::vector<crypto::Certificate> chain;
  for (const auto& c : req.value("chain", json::array())) {
    auto parsed = crypto::Certificate::Parse(AsBytes(c.get<std::string>()));
    if (!parsed) return Fail(parsed.error().code, parsed.error().message, "chain");
    chain.push_back(std::move(*parsed));
  }
  SEALKEY_RETURN_IF_ERROR(CheckIssuedChain(*cert, chain));
  // The certificate must be for a key this medium holds (it joins that
  // container); checked before anything is written.
  auto key = cert->PublicKeyOf();
  if (!key) return Fail(key.error());
  auto ref = dev->ImportCertificate(*pin, *der);
  if (!ref) return Fail(ref.error());
  auto listed = dev->ListCertificates();
  if (!listed) return Fail(listed.error());
  std::string container;
  for (const auto& e : *listed) {
    if (e.ref == *ref) {
      if (!e.has_private_key) {
        (void)dev->DeleteCertificate(*pin, *ref);
        return Fail(ErrorCode::kVerifyFailed,
                    "the certificate is not for a key in this medium", "certificate");
      }
      container = e.container;
    }
  }
  json out = {{"ref", *ref}, {"container", container}};
  // CA certificates are stored stand-alone (already present ones are kept).
  for (const auto& c : chain) {
    auto r = dev->ImportCertificate(*pin, c.Der());
    if (!r && r.error().code != ErrorCode::kAlreadyExists) return Fail(r.error());
  }
  if (req.contains("encryption")) {
    auto enc = HexField(req, "encryption");
    if (!enc) return Fail(enc.error());
    if (req.contains("envelope")) {
      auto envelope = HexField(req, "envelope");
      if (!envelope) return Fail(envelope.error());
      auto enc_ref = dev->ImportEnvelopedKey(*pin, container, *envelope, *enc);
      if (!enc_ref) return Fail(enc_ref.error());
      out["encryption_ref"] = *enc_ref;
    } else {
      // A renewed encryption certificate for the key already in the container.
      auto enc_ref = dev->ImportCertificate(*pin, *enc);
      if (!enc_ref) return Fail(enc_ref.error());
      out["encryption_ref"] = *enc_ref;
    }
  }
  return out;
}

Result<json> KeyDelete(const ExecContext&, const json& req, token::Device* dev,
                       const SecureBuffer* pin) {
  auto container = StringField(req, "container");
  if (!container) return Fail(container.error());
  SEALKEY_RETURN_IF_ERROR(dev->DeleteKeyPair(*pin, *container, token::KeyUsage::kSign));
  return json::object();
}

}  // namespace sealkey::client::ops
