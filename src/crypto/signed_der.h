// Verifies the signature of a signed DER structure of the X.509 shape
//   SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING signature }
// (certificates, PKCS#10 requests, CRLs) over its exact to-be-signed bytes.
//
// OpenSSL 3.0's X509_verify / X509_REQ_verify do not apply the default SM2
// distinguishing ID, so SM2 signatures on these structures go through here
// with the ID set explicitly.
#pragma once

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "crypto/sign.h"

namespace sealkey::crypto {

// `field` names the structure in errors ("certificate", "csr").
Status VerifySignedDer(ByteView der, const PublicKey& signer, const SignOptions& options,
                       const char* field);

}  // namespace sealkey::crypto
