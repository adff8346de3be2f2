// The PKCS#11 face of a file device's stored objects: each StoredObject is
// shown as a PKCS#11 object with the attributes libp11, p11tool and
// pkcs11-tool look for (CKA_ID shared by a key pair and its certificate,
// CKA_EC_PARAMS, CKA_EC_POINT as a DER OCTET STRING, CKA_MODULUS ...).
//
// Attribute table (C = certificate, U = public key, R = private key,
// D = data object or seal):
//   CKA_CLASS, CKA_TOKEN, CKA_PRIVATE, CKA_MODIFIABLE, CKA_LABEL      C U R D
//   CKA_ID                                                           C U R
//   CKA_CERTIFICATE_TYPE, CKA_VALUE, CKA_SUBJECT, CKA_ISSUER,
//   CKA_SERIAL_NUMBER, CKA_TRUSTED, CKA_CERTIFICATE_CATEGORY         C
//   CKA_KEY_TYPE, CKA_LOCAL, CKA_KEY_GEN_MECHANISM, CKA_DERIVE, CKA_SUBJECT,
//   CKA_PUBLIC_KEY_INFO, CKA_EC_PARAMS | CKA_MODULUS(+_BITS),
//   CKA_PUBLIC_EXPONENT                                              U R
//   CKA_EC_POINT, CKA_VERIFY, CKA_ENCRYPT, CKA_WRAP, CKA_VERIFY_RECOVER U
//   CKA_SIGN, CKA_DECRYPT, CKA_UNWRAP, CKA_SIGN_RECOVER, CKA_SENSITIVE,
//   CKA_EXTRACTABLE, CKA_ALWAYS_SENSITIVE, CKA_NEVER_EXTRACTABLE,
//   CKA_ALWAYS_AUTHENTICATE, CKA_WRAP_WITH_TRUSTED                   R
//   CKA_VALUE, CKA_PRIVATE_EXPONENT, CKA_PRIME_*, CKA_EXPONENT_*,
//   CKA_COEFFICIENT: exist but are CKR_ATTRIBUTE_SENSITIVE           R
//   CKA_APPLICATION, CKA_OBJECT_ID, CKA_VALUE (decrypted on demand)  D
#pragma once

#include <set>
#include <string>
#include <vector>

#include "pkcs11/ck.h"
#include "token/file/device_state.h"

namespace sealkey::p11 {

struct ObjectView {
  std::string ref;  // the StoredObject's ref
  CK_OBJECT_CLASS cls = CKO_DATA;
  bool is_private = false;      // CKA_PRIVATE: visible only after user login
  bool sealed_value = false;    // CKA_VALUE is decrypted on demand (private data, seals)
  AttrMap attrs;                // readable attributes
  std::set<CK_ATTRIBUTE_TYPE> sensitive;  // present but never readable
};

// Views of every object of `state`; `token_objects` false for the
// in-memory session objects (CKA_TOKEN = FALSE).
std::vector<ObjectView> BuildViews(const token::file::DeviceState& state,
                                   bool token_objects = true);

// True if every attribute of `tmpl` is on `view` with the same value.
bool Matches(const ObjectView& view, const AttrMap& tmpl);

// C_GetAttributeValue semantics (v2.40 5.7.5) over `attrs` (the view's, with
// any on-demand value filled in).
CK_RV ReadAttributes(const ObjectView& view, const AttrMap& attrs, CK_ATTRIBUTE_PTR tmpl,
                     CK_ULONG count);

// The derived CKA_ID of a public key: SHA-1 of its subjectPublicKey bits
// (RFC 5280 4.2.1.2, method 1).
Bytes KeyIdOf(ByteView spki);

}  // namespace sealkey::p11
