// Certificate and key objects on a PKCS#11 token, as sealkey sees them.
//
// A container is the set of objects sharing one CKA_ID (STANDARDS.md
// section 4): a private key, its public key and its certificate; the
// container's name is their CKA_LABEL. A certificate's ref is its CKA_ID in
// lower-case hex, or the hex SHA-1 of its DER when it has no CKA_ID.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/key.h"
#include "token/device.h"
#include "token/pkcs11/session.h"

namespace sealkey::token::pkcs11 {

struct CertObject {
  CK_OBJECT_HANDLE handle = CK_INVALID_HANDLE;
  std::string ref;
  Bytes id;           // CKA_ID
  std::string label;  // CKA_LABEL
  Bytes der;          // CKA_VALUE
};

// Every X.509 certificate object (CKO_CERTIFICATE, CKC_X_509) in view that
// carries its DER in CKA_VALUE.
Result<std::vector<CertObject>> FindCertificates(Session& session);
// The certificate whose ref is `ref`: kNotFound (field "ref") when there is
// none, kInvalidArgument when several certificates share the CKA_ID.
Result<CertObject> FindCertificate(Session& session, std::string_view ref);

// Objects of class `object_class` whose CKA_ID is `id`.
Result<std::vector<CK_OBJECT_HANDLE>> FindById(Session& session, CK_OBJECT_CLASS object_class,
                                               ByteView id);
// Objects of class `object_class` whose CKA_LABEL is `label`.
Result<std::vector<CK_OBJECT_HANDLE>> FindByLabel(Session& session,
                                                  CK_OBJECT_CLASS object_class,
                                                  std::string_view label);

// The public key carried by a key object: CKA_EC_PARAMS + CKA_EC_POINT
// (P-256, or SM2 as CKK_EC or the vendor CKK_SM2) or CKA_MODULUS +
// CKA_PUBLIC_EXPONENT. kNotFound when the object does not carry them (EC
// private keys usually do not); kUnsupported for other key types and curves.
Result<crypto::PublicKey> ReadPublicKey(Session& session, CK_OBJECT_HANDLE key);
// The public key of the pair whose private key is `private_key`: read from
// the private key itself, else from a CKO_PUBLIC_KEY with the same CKA_ID.
Result<crypto::PublicKey> ReadKeyPairPublicKey(Session& session, CK_OBJECT_HANDLE private_key,
                                               ByteView id);

// What the key pair with CKA_ID `id` is for, from its key objects' CKA_SIGN /
// CKA_VERIFY (signing) or CKA_DECRYPT / CKA_ENCRYPT / CKA_UNWRAP / CKA_WRAP /
// CKA_DERIVE (encryption); nullopt when no key object says.
Result<std::optional<KeyUsage>> ContainerUsage(Session& session, ByteView id);

// The CKA_IDs of the key pairs in container `label` (CKA_LABEL of their key
// objects) whose ContainerUsage is `usage`. A container holds at most one
// key pair per usage when sealkey made it; other tools may have made more.
Result<std::vector<Bytes>> FindContainerKeyIds(Session& session, std::string_view label,
                                               KeyUsage usage);

// A blank-padded CK_TOKEN_INFO / CK_SLOT_INFO text field, without the padding.
std::string TrimPadded(const CK_UTF8CHAR* field, size_t size);

}  // namespace sealkey::token::pkcs11
