#include "crypto/signed_der.h"

#include "base/der.h"

namespace sealkey::crypto {

Status VerifySignedDer(ByteView der, const PublicKey& signer, const SignOptions& options,
                       const char* field) {
  der::Reader outer(der, field);
  auto seq = outer.ReadSequence();
  if (!seq) return Fail(seq.error());
  auto tbs = seq->ReadRaw(der::kSequence);
  if (!tbs) return Fail(tbs.error());
  auto alg = seq->Read(der::kSequence);
  if (!alg) return Fail(alg.error());
  auto sig = seq->ReadBitStringBytes();
  if (!sig) return Fail(sig.error());
  SEALKEY_RETURN_IF_ERROR(seq->ExpectEnd());
  Status ok = VerifyMessage(signer, *tbs, *sig, options);
  if (!ok) return Fail(ok.error().code, ok.error().message, field);
  return Ok();
}

}  // namespace sealkey::crypto
