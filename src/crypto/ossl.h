// RAII ownership for OpenSSL objects: UniquePtr<T> frees with the right
// *_free function. A bare OpenSSL pointer never outlives a statement
// outside these wrappers.
//
// Include only where OpenSSL types are used; this header pulls in just
// <openssl/types.h>.
#pragma once

#include <memory>

#include <openssl/types.h>

// Not in <openssl/types.h>; identical to the typedefs in <openssl/ec.h> and
// <openssl/x509.h>, so redeclaring them is harmless and keeps this header light.
typedef struct ec_group_st EC_GROUP;
typedef struct ec_point_st EC_POINT;
typedef struct ECDSA_SIG_st ECDSA_SIG;
typedef struct X509_req_st X509_REQ;
typedef struct X509_extension_st X509_EXTENSION;

namespace sealkey::crypto {

template <typename T>
struct OsslDeleter;

#define SEALKEY_DECLARE_OSSL_DELETER(T)            \
  template <>                                      \
  struct OsslDeleter<T> {                          \
    void operator()(T* p) const noexcept;          \
  }

SEALKEY_DECLARE_OSSL_DELETER(EVP_PKEY);
SEALKEY_DECLARE_OSSL_DELETER(EVP_PKEY_CTX);
SEALKEY_DECLARE_OSSL_DELETER(EVP_MD_CTX);
SEALKEY_DECLARE_OSSL_DELETER(EVP_MD);
SEALKEY_DECLARE_OSSL_DELETER(EVP_CIPHER_CTX);
SEALKEY_DECLARE_OSSL_DELETER(EVP_CIPHER);
SEALKEY_DECLARE_OSSL_DELETER(BIO);
SEALKEY_DECLARE_OSSL_DELETER(BIGNUM);
SEALKEY_DECLARE_OSSL_DELETER(BN_CTX);
SEALKEY_DECLARE_OSSL_DELETER(EC_GROUP);
SEALKEY_DECLARE_OSSL_DELETER(EC_POINT);
SEALKEY_DECLARE_OSSL_DELETER(ECDSA_SIG);
SEALKEY_DECLARE_OSSL_DELETER(X509);
SEALKEY_DECLARE_OSSL_DELETER(X509_REQ);
SEALKEY_DECLARE_OSSL_DELETER(X509_NAME);
SEALKEY_DECLARE_OSSL_DELETER(X509_EXTENSION);
SEALKEY_DECLARE_OSSL_DELETER(ASN1_STRING);  // also ASN1_INTEGER, ASN1_TIME ...
SEALKEY_DECLARE_OSSL_DELETER(ASN1_OBJECT);
SEALKEY_DECLARE_OSSL_DELETER(OSSL_PARAM_BLD);
SEALKEY_DECLARE_OSSL_DELETER(OSSL_PARAM);

#undef SEALKEY_DECLARE_OSSL_DELETER

template <typename T>
using UniquePtr = std::unique_ptr<T, OsslDeleter<T>>;

}  // namespace sealkey::crypto
